"""The Files page: the ledger of every file (indexed, skipped, failed with reasons), filterable."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_search.core import FileRecord, FileStatus, display

ModelIndex = QModelIndex | QPersistentModelIndex
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("File", "Status", "Reason", "Passages", "Size", "Modified", "Folder")


def file_note(rec: FileRecord) -> str:
    """The Reason column: why a file was skipped or failed, or that its text was recognised (OCR)."""
    if rec.reason or not rec.ocr_pages:
        return rec.reason
    if rec.kind == "image" and rec.ocr_pages == 1:
        return "Text recognised from the image"
    plural = "s" if rec.ocr_pages != 1 else ""
    if rec.kind in ("mail", "archive"):  # its members' pictures and scans
        return f"Text recognised from {rec.ocr_pages} picture{plural} or scan{plural}"
    return f"Text recognised from {rec.ocr_pages} scanned page{plural}"


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


class FilesModel(QAbstractTableModel):
    """Rows are :class:`FileRecord`s from ``Engine.files()``."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._records: list[FileRecord] = []

    def set_records(self, records: list[FileRecord]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self.endResetModel()

    @property
    def records(self) -> list[FileRecord]:
        return list(self._records)

    def record(self, row: int) -> FileRecord:
        return self._records[row]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        rec = self._records[index.row()]
        col = index.column()
        if role == RECORD_ROLE:
            return rec
        if role == Qt.ItemDataRole.ToolTipRole:
            note = file_note(rec)
            return display(rec.path) + (f"\n{note}" if note else "")
        if role == Qt.ItemDataRole.UserRole:  # sort key
            return (
                os.path.basename(display(rec.path)).lower(),
                str(rec.status),
                file_note(rec),
                rec.chunk_count,
                rec.size,
                rec.mtime,
                display(rec.folder),
            )[col]
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if col == 0:
            return os.path.basename(display(rec.path))
        if col == 1:
            return str(rec.status).capitalize()
        if col == 2:
            return file_note(rec)
        if col == 3:
            return str(rec.chunk_count) if rec.status == FileStatus.INDEXED else ""
        if col == 4:
            return human_size(rec.size)
        if col == 5:
            return dt.datetime.fromtimestamp(rec.mtime).strftime("%Y-%m-%d %H:%M") if rec.mtime else ""
        return os.path.dirname(display(rec.path))


class ReasonDelegate(QStyledItemDelegate):
    """The Reason column cut at its end, not its middle: a reason's opening says what happened, and
    what to do follows it (the rest is in the tooltip); paths keep the middle cut."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideRight


class FilesFilter(QSortFilterProxyModel):
    """Filters by status and by text in the path or reason."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.status: FileStatus | None = None
        self.text = ""
        self.setSortRole(Qt.ItemDataRole.UserRole)

    def set_filter(self, status: FileStatus | None, text: str) -> None:
        self.status = status
        self.text = text.lower().strip()
        self.invalidate()

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        model = self.sourceModel()
        if not isinstance(model, FilesModel):
            return True
        rec = model.record(source_row)
        if self.status is not None and rec.status != self.status:
            return False
        return not self.text or self.text in display(rec.path).lower() or self.text in rec.reason.lower()


class FilesView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status_filter = QComboBox()
        self.status_filter.addItem("All files", None)
        for status in FileStatus:
            self.status_filter.addItem(str(status).capitalize(), status)
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText("Filter by name, folder or reason…")
        self.text_filter.setClearButtonEnabled(True)
        self.refresh_button = QPushButton("Refresh")
        self.retry_button = QPushButton("Retry failed")
        self.retry_button.setToolTip(
            "Index the selected failed files again (all failed files if none is selected)"
        )
        top = QHBoxLayout()
        top.addWidget(self.status_filter)
        top.addWidget(self.text_filter, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.retry_button)
        self.model = FilesModel(self)
        self.proxy = FilesFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("filesTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # paths keep their start and file name
        self.reason_delegate = ReasonDelegate(self.table)
        self.table.setItemDelegateForColumn(2, self.reason_delegate)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # the reason gets the room
        for col, width in enumerate((220, 80, 260, 70, 70, 125, 260)):
            self.table.setColumnWidth(col, width)
        self.counts = QLabel("")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.counts)
