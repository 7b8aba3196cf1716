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


def test_a_reason_is_cut_at_its_end_a_path_in_its_middle(qtbot) -> None:
    """The opening of a reason says what happened and what to do ("Outlook data files (.pst, .ost) are
    not read; drag the messages…"): cut in the middle, it read "Outlook data files ….eml or mbox files."."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QStyleOptionViewItem

    from desktop_search.core.extract.kinds import unread_format_reason
    from desktop_search.gui.files_view import FilesView

    view = FilesView()
    qtbot.addWidget(view)
    reason = unread_format_reason("Outlook.pst")
    view.model.set_records([FileRecord("/d/Outlook.pst", "/d", FileStatus.SKIPPED, reason=reason)])
    option = QStyleOptionViewItem()
    view.table.itemDelegateForColumn(2).initStyleOption(option, view.proxy.index(0, 2))
    assert option.textElideMode == Qt.TextElideMode.ElideRight and option.text == reason
    assert view.table.textElideMode() == Qt.TextElideMode.ElideMiddle  # the folder and file columns
