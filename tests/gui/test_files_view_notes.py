"""The Files view's Reason column says what OCR read in words that fit the file: a scan's pages, an
image, or a mail's (an archive's) pictures and scans."""

from __future__ import annotations

from desktop_search.core import FileRecord, FileStatus
from desktop_search.gui.files_view import file_note


def _record(kind: str, ocr_pages: int, reason: str = "") -> FileRecord:
    return FileRecord("/d/x", "/d", FileStatus.INDEXED, kind=kind, ocr_pages=ocr_pages, reason=reason)


def test_ocr_counts_read_in_the_file_s_terms() -> None:
    assert file_note(_record("pdf", 12)) == "Text recognised from 12 scanned pages"
    assert file_note(_record("image", 1)) == "Text recognised from the image"
    assert file_note(_record("mail", 1)) == "Text recognised from 1 picture or scan"
    assert file_note(_record("archive", 3)) == "Text recognised from 3 pictures or scans"
    assert file_note(_record("mail", 0)) == ""
    reason = "1 part was not read in full: a.pdf: The PDF is password-protected."
    assert file_note(_record("mail", 2, reason)) == reason  # a reason comes first
