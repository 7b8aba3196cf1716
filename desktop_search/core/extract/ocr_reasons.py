"""Why text in images was left unread, and which of those reasons OCR lifts once it can run.

These are the sentences the Files view shows. A file skipped with one of them, or indexed with
scanned pages left unread, is read again at the next scan once OCR can run (see
:func:`desktop_search.core.index.outdated.awaits_ocr`): turning OCR on in Settings, installing the OCR
engine, or upgrading from a version without OCR brings its scanned text into the index. Reasons that
OCR does not lift (a damaged image, too many pages) are not here, so such files are not retried.
"""

from __future__ import annotations

import re

OCR_OFF = "OCR is turned off in Settings."
OCR_MISSING = "the OCR engine (tesserocr) is not installed."
IMAGE_OCR_OFF = f"Text in images is not read: {OCR_OFF}"
IMAGE_OCR_MISSING = f"Text in images cannot be read: {OCR_MISSING}"
PDF_OCR_OFF = f"The PDF has no text layer (a scan); {OCR_OFF}"
PDF_OCR_MISSING = f"The PDF has no text layer (a scan); {OCR_MISSING[0].upper()}{OCR_MISSING[1:]}"
PDF_BEFORE_OCR = "The PDF has no text layer (a scan or images only); text in images is not read."  # < 0.3

OCR_LIFTS = frozenset({IMAGE_OCR_OFF, IMAGE_OCR_MISSING, PDF_OCR_OFF, PDF_OCR_MISSING, PDF_BEFORE_OCR})
_UNREAD_SCANS = re.compile(r"^\d[\d,]* (?:scanned pages?|pictures? or scans?) (?:was|were) not read: ")


def unread_scans_reason(pages: int, ocr_off: bool, container: bool = False) -> str:
    """What an indexed PDF says when ``pages`` of its scanned pages were not recognised ('' for none);
    a ``container`` (a mail, an archive) counts its members' pictures and scans."""
    if pages <= 0:
        return ""
    if container:
        what = "picture or scan was" if pages == 1 else "pictures or scans were"
    else:
        what = "scanned page was" if pages == 1 else "scanned pages were"
    return f"{pages:,} {what} not read: {OCR_OFF if ocr_off else OCR_MISSING}"


def lifted_by_ocr(reason: str, indexed: bool) -> bool:
    """Whether OCR would read what ``reason`` says was left unread (of a skipped or an indexed file)."""
    return bool(_UNREAD_SCANS.match(reason)) if indexed else reason in OCR_LIFTS
