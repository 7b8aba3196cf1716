"""Scanned PDF pages: which pages lack a usable text layer, and their text recognised by :mod:`.ocr`.

A page needs OCR when it shows an image and its text layer holds far fewer characters than its area
suggests (:data:`MIN_CHARS_PER_SQ_INCH`; a page of prose has 20-30). Pages are rendered with
pdfium (``pypdfium2``) at :data:`RENDER_DPI`.
"""

from __future__ import annotations

import logging
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
