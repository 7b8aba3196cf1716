"""Scanned PDF pages: which pages lack a usable text layer, and their text recognised by :mod:`.ocr`.

A page needs OCR when it shows an image and its text layer holds far fewer characters than its area
suggests (:data:`MIN_CHARS_PER_SQ_INCH`; a page of prose has 20-30). A page whose text layer is
*garbled* (:func:`garbled`: its fonts map glyphs to the wrong characters) is recognised too when OCR
is on, and keeps its text layer when it is not. Pages are rendered with pdfium (``pypdfium2``) at
:data:`RENDER_DPI`.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import Any

from desktop_search.core.extract import ocr
from desktop_search.core.extract.results import OCR_PAGE_BUDGET_S, Deadline

log = logging.getLogger(__name__)

MIN_CHARS_PER_SQ_INCH = 0.5  # below this a page with an image is a scan (an A4 page: 47 characters)
RENDER_DPI = 150
MAX_OCR_PAGES = 500  # of one PDF; later scanned pages are left unread


def _has_image(resources: Any, depth: int = 0) -> bool:
    """Whether a page's resources draw an image (directly or inside a form, one level deep)."""
    try:
        xobjects = resources.get("/XObject") if resources is not None else None
        if not xobjects:
            return False
        for ref in xobjects.get_object().values():
            xobject = ref.get_object()
            subtype = xobject.get("/Subtype")
            if subtype == "/Image":
                return True
            if subtype == "/Form" and depth < 1 and _has_image(xobject.get("/Resources"), depth + 1):
                return True
    except Exception:  # damaged resources: treat as no image
        return False
    return False


def _area_sq_inches(page: Any) -> float:
    try:
        box = page.mediabox
        return abs(float(box.width) * float(box.height)) / (72.0 * 72.0)
    except Exception:
        return 8.27 * 11.69  # A4


MIN_GARBLED_TOKENS = 15  # fewer tokens than this are too few to judge
MAX_GARBLED_WORD_SHARE = 0.1  # prose has 0.8-1; a contents page or a table of codes more than 0.25
MAX_CONTROL_SHARE = 0.05
_NO_LETTERS = re.compile(r"^[\W\d_]*$")  # numbers, leaders, punctuation: no evidence either way
_TWO_LETTERS = re.compile(r"[^\W\d_]{2}")


def garbled(text: str | None) -> bool:
    """Whether a page's text layer is undecodable: its fonts' maps to Unicode are broken, so that
    pypdf reads "F n e m b \\ h e h k" for "Multicolor Black". Then hardly any token holding a letter
    has two letters in a row (a word), or control characters make up more than 5 % of the text. A
    CJK character counts as a word; numbers and punctuation (dot leaders) are not counted."""
    if not text:
        return False
    chars = "".join(text.split())
    controls = sum(1 for ch in chars if unicodedata.category(ch) in ("Cc", "Cn"))
    if len(chars) >= MIN_GARBLED_TOKENS and controls > MAX_CONTROL_SHARE * len(chars):
        return True
    tokens = [t for t in text.split() if not _NO_LETTERS.match(t)]
    if len(tokens) < MIN_GARBLED_TOKENS:
        return False
    words = sum(1 for t in tokens if _TWO_LETTERS.search(t) or any(_wide(ch) for ch in t))
    return words < MAX_GARBLED_WORD_SHARE * len(tokens)


def _wide(ch: str) -> bool:
    """A CJK ideograph, kana or hangul syllable: one is a word."""
    return unicodedata.east_asian_width(ch) == "W" and ch.isalpha()


def scanned_pages(pages: Any, texts: list[str | None]) -> list[int]:
    """Indexes of the pages whose text should be recognised (see the module docstring)."""
    found = []
    for number, text in enumerate(texts):
        chars = len("".join((text or "").split()))
        page = pages[number]
        if chars < MIN_CHARS_PER_SQ_INCH * _area_sq_inches(page) and _has_image(page.get("/Resources")):
            found.append(number)
    return found[:MAX_OCR_PAGES]


def recognise_pages(data: bytes, numbers: list[int], deadline: Deadline) -> dict[int, str]:
    """The recognised text of each listed page (a page pdfium cannot render is left out)."""
    import pypdfium2 as pdfium

    texts: dict[int, str] = {}
    document = pdfium.PdfDocument(data)
    try:
        for number in numbers:
            deadline.extend(OCR_PAGE_BUDGET_S)
            deadline.check()
            try:
                page = document[number]
                image = page.render(scale=RENDER_DPI / 72).to_pil()
            except Exception:  # pdfium errors on a damaged page: the others still count
                log.debug("page %d could not be rendered", number + 1, exc_info=True)
                continue
            texts[number] = ocr.recognise(image)
    finally:
        document.close()
    return texts
