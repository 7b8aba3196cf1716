"""Passages embedded once: what an edit and a copy cost, through the product's engine and the real model.

    python benchmarks/edits.py [--files 500] [--pages 100]

(a) a ~60-passage text file (SciFact abstracts as paragraphs) gets one sentence inserted at the top of
    its text, below its title line (a sentence above it would become the file's title, which heads every
    passage, so all would be re-embedded), and is re-indexed; (b) a PDF of ``--pages`` pages (SciFact
    abstracts, one page each, written by a tiny PDF writer below) gets one sentence inserted at the top
    of page 3; (c) ``--files`` abstracts as text files
    are indexed, then the folder is copied and indexed again. Prints passages embedded for (a) and (b)
    (target ≤ 3), and for (c) the share of the copy's passages reused (target ≥ 99 %) and how much faster
    the copy was indexed than the first pass (target ≥ 20×); then (d) the copy's folder is renamed and
    indexed again: seconds and passages embedded (0: renamed files keep their vectors). One JSON line
    per case on stdout.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scifact
from common import eprint, real_embedder

from desktop_search.core import Engine, Settings
from tests.support.counting_embedder import CountingEmbedder

INSERTED = "This sentence was added at the top by an editor who had one more thing to say about it."


def _pdf_text(text: str) -> bytes:
    safe = text.encode("latin-1", "replace").decode("latin-1")
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1")


def write_pdf(path: Path, pages: Sequence[str]) -> None:
    """A plain PDF: each string on its own page, wrapped at 95 characters, in Helvetica 9 pt."""
    objects: list[bytes] = []
    page_ids = [4 + 2 * i for i in range(len(pages))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = b" ".join(b"%d 0 R" % i for i in page_ids)
    objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages)))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for i, page in enumerate(pages):
        lines = [line for para in page.split("\n\n") for line in [*textwrap.wrap(para, 95), ""]]
        body = (
            b"BT /F1 9 Tf 11 TL 40 800 Td " + b" ".join(b"(%s) Tj T*" % _pdf_text(x) for x in lines) + b" ET"
        )
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
            b" /Contents %d 0 R >>" % (page_ids[i] + 1)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(body), body))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


def _abstract(doc: dict[str, str]) -> str:
    return f"{doc.get('title', '').strip()}\n\n{doc.get('text', '').strip()}"


def edit_case(
    engine: Engine, counting: CountingEmbedder, folder: Path, name: str, write: Any, edit: Any
) -> dict:
    """Index ``folder`` after ``write()``, then after ``edit()``: passages in the file, passages embedded."""
    write()
    engine.add_folder(folder)
    engine.index()
    passages = engine.store.ledger.chunk_total()
    before = counting.embedded
    edit()
    t0 = time.perf_counter()
    engine.index()
    seconds = time.perf_counter() - t0
    embedded = counting.embedded - before
    return {
        "case": name,
        "passages": passages,
        "embedded_after_edit": embedded,
        "reindex_s": round(seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=500, help="files of the copy case (c)")
    parser.add_argument("--pages", type=int, default=100, help="pages of the PDF case (b)")
    parser.add_argument("--skip", default="", help="cases to skip, e.g. 'c' or 'a,b'")
    args = parser.parse_args()
    docs = scifact.corpus(max(args.files, args.pages, 40))
    counting = CountingEmbedder(real_embedder())
    settings = Settings().validate()

    def report(result: dict) -> None:
        print(json.dumps(result), flush=True)

    with tempfile.TemporaryDirectory(prefix="ds-edits-") as tmp:
        root = Path(tmp)

        def fresh(name: str) -> tuple[Engine, Path]:
            folder = root / name / "docs"
            folder.mkdir(parents=True)
            return Engine.open(root / name / "home", embedder=counting, settings=settings), folder

        if "a" not in args.skip:
            engine, folder = fresh("a")
            text = "\n\n".join(_abstract(d) for d in docs[:27])
            target = folder / "notes.txt"
            title, body = text.split("\n\n", 1)
            try:
                report(
                    edit_case(
                        engine,
                        counting,
                        folder,
                        "text file, sentence inserted at the top",
                        lambda: target.write_text(text, encoding="utf-8"),
                        # below the title line: a new title would change every passage's heading
                        lambda: target.write_text(title + "\n\n" + INSERTED + " " + body, encoding="utf-8"),
                    )
                )
            finally:
                engine.close()
        if "b" not in args.skip:
            engine, folder = fresh("b")
            pages = [_abstract(d) for d in docs[: args.pages]]
            edited = list(pages)
            edited[2] = INSERTED + " " + edited[2]
            target = folder / "manual.pdf"
            try:
                report(
                    edit_case(
                        engine,
                        counting,
                        folder,
                        f"{args.pages}-page PDF, sentence inserted at the top of page 3",
                        lambda: write_pdf(target, pages),
                        lambda: write_pdf(target, edited),
                    )
                )
            finally:
                engine.close()
        if "c" not in args.skip:
            engine, folder = fresh("c")
            (folder / "original").mkdir()
            scifact.write_docs(folder / "original", docs[: args.files])
            try:
                engine.add_folder(folder)
                before = counting.embedded
                t0 = time.perf_counter()
                engine.index()
                first_s = time.perf_counter() - t0
                first_embedded = counting.embedded - before
                passages = engine.store.ledger.chunk_total()
                shutil.copytree(folder / "original", folder / "copy")
                before = counting.embedded
                t0 = time.perf_counter()
                engine.index()
                copy_s = time.perf_counter() - t0
                copy_embedded = counting.embedded - before
                copy_passages = engine.store.ledger.chunk_total() - passages
                report(
                    {
                        "case": f"copy of a folder of {args.files} indexed files",
                        "first_pass_s": round(first_s, 2),
                        "first_pass_embedded": first_embedded,
                        "copy_s": round(copy_s, 2),
                        "copy_passages": copy_passages,
                        "copy_embedded": copy_embedded,
                        "reused_share": round(1 - copy_embedded / max(1, copy_passages), 4),
                        "speedup": round(first_s / max(copy_s, 1e-9), 1),
                    }
                )
                (folder / "copy").rename(folder / "renamed")
                before = counting.embedded
                t0 = time.perf_counter()
                engine.index()
                report(
                    {
                        "case": f"rename of a folder of {args.files} indexed files",
                        "rename_s": round(time.perf_counter() - t0, 2),
                        "rename_embedded": counting.embedded - before,
                        "passages": engine.store.ledger.chunk_total(),
                    }
                )
            finally:
                engine.close()
    eprint("targets: (a), (b) embedded_after_edit <= 3; (c) reused_share >= 0.99 and speedup >= 20")


if __name__ == "__main__":
    main()
