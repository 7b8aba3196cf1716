"""Behaviour of the Files page: load the ledger, filter it, retry failed files."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from desktop_search.core import FileRecord, FileStatus
from desktop_search.gui.engine_bridge import EngineBridge
from desktop_search.gui.files_view import RECORD_ROLE, FilesView

if TYPE_CHECKING:
    from desktop_search.core import Engine


class FilesController(QObject):
    def __init__(self, bridge: EngineBridge, view: FilesView) -> None:
        super().__init__(view)
        self.bridge = bridge
        self.view = view
        self.loaded = False
        view.status_filter.currentIndexChanged.connect(self._apply_filter)
        view.text_filter.textChanged.connect(self._apply_filter)
        view.refresh_button.clicked.connect(self.refresh)
        view.retry_button.clicked.connect(self.retry_selected)

    def refresh(self) -> None:
        """Reload the ledger (in a worker; the table updates when it arrives)."""
        self.bridge.submit(
            lambda engine: engine.files(), self._on_records, key="files", context="listing files"
        )

    def _on_records(self, records: list[FileRecord]) -> None:
        self.view.model.set_records(records)
        self.loaded = True
        self._apply_filter()

    def _apply_filter(self) -> None:
        view = self.view
        view.proxy.set_filter(view.status_filter.currentData(), view.text_filter.text())
        counts = Counter(r.status for r in view.model.records)
        parts = [f"{counts.get(s, 0):,} {s}" for s in FileStatus if counts.get(s, 0)]
        shown = view.proxy.rowCount()
        view.counts.setText(f"{shown:,} shown · " + (", ".join(parts) if parts else "no files yet"))
        view.retry_button.setEnabled(bool(counts.get(FileStatus.FAILED)))

    def show_status(self, status: FileStatus | None) -> None:
        index = self.view.status_filter.findData(status)
        self.view.status_filter.setCurrentIndex(max(0, index))

    def retry_selected(self) -> None:
        """Retry the selected failed files, or every failed file when none is selected."""
        view = self.view
        selected = [
            index.data(RECORD_ROLE) for index in view.table.selectionModel().selectedRows() if index.isValid()
        ]
        records = [r for r in selected if r is not None and r.status == FileStatus.FAILED]
        if not records:
            records = [r for r in view.model.records if r.status == FileStatus.FAILED]
        paths = [r.path for r in records]
        if not paths:
            return

        def job(engine: Engine) -> None:
            engine.retry(paths)
            engine.request_scan()

        self.bridge.submit(job, lambda _r: self.refresh(), context="retrying failed files")
