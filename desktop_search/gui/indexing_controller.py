"""Shows indexing progress in the status bar and the folders page; pause and resume."""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, Signal

from desktop_search.core import IndexProgress, Phase, display
from desktop_search.gui.engine_bridge import EngineBridge
from desktop_search.gui.folders_view import IndexingPanel
from desktop_search.gui.status_widget import IndexStatus
from desktop_search.gui.wording import counted


def format_eta(seconds: float | None) -> str:
    if seconds is None or seconds < 0:
        return ""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s left"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s left"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min left"


def two_phases(progress: IndexProgress) -> str:
    """Keyword first, meaning next: "12,480 files searchable · meaning 3,900 / 12,480" (the run's files
    keyword-searchable so far, those an earlier run left waiting for their vectors among them; files
    whose passages all have vectors, of those with passages). A run that only goes on embedding what
    the last one left read no file itself: it showed "0 files searchable" over 4,114 that were."""
    waiting = progress.keyword_only_at_start
    done, total = progress.files_done + waiting, progress.files_total + waiting
    searchable = (
        f"{counted(done, 'file')} searchable"
        if done >= total
        else f"{done:,} of {counted(total, 'file')} searchable"
    )
    return f"{searchable} · meaning {progress.meaning_done:,} / {progress.meaning_total:,}"


def done_line(progress: IndexProgress) -> str:
    """The status after a run: up to date, or waiting to read the files the run left for later."""
    return f"Waiting to read {counted(progress.postponed, 'file')}" if progress.postponed else "Up to date"


def describe(progress: IndexProgress) -> tuple[str, str]:
    """A short status line and a detail line for a progress report."""
    phase = progress.phase
    if phase == Phase.INDEXING and progress.meaning_total:
        short = two_phases(progress)
    elif phase == Phase.INDEXING:
        short = f"Indexing {progress.files_done:,} of {counted(progress.files_total, 'file')}"
    elif phase == Phase.SCANNING:
        short = (
            f"Scanning folders… {counted(progress.files_total, 'file')} found"
            if progress.files_total
            else "Scanning…"
        )
    elif phase == Phase.PAUSED and progress.meaning_total:
        short = f"Paused · {two_phases(progress)}"
    elif phase == Phase.PAUSED:
        short = f"Paused at {progress.files_done:,} of {counted(progress.files_total, 'file')}"
    elif phase == Phase.DONE:
        short = done_line(progress)
    elif phase == Phase.LOADING_MODEL:
        short = "Loading model…"
    elif phase == Phase.CANCELLED:
        short = "Indexing stopped"
    else:
        short = "Idle"
    details = []
    if progress.chunks_done:
        details.append(f"{progress.chunks_done:,} passages")
    if phase == Phase.INDEXING and progress.chunks_per_s:
        details.append(f"{progress.chunks_per_s:.1f} passages/s")
    if phase == Phase.INDEXING and progress.eta_s is not None:
        details.append(format_eta(progress.eta_s))
    if progress.failed:
        details.append(f"{progress.failed:,} failed (see Files)")
    if progress.message:
        details.append(progress.message)
    return short, " · ".join(details)


class IndexingController(QObject):
    """Feeds progress to the status bar and the indexing panel; pause/resume buttons."""

    finished = Signal(object)  # IndexProgress with phase DONE

    def __init__(self, bridge: EngineBridge, status: IndexStatus, panel: IndexingPanel) -> None:
        super().__init__(status)
        self.bridge = bridge
        self.status = status
        self.panel = panel
        self.paused = False
        status.pause_button.clicked.connect(self.toggle_pause)
        panel.pause_button.clicked.connect(self.toggle_pause)
        bridge.progress.connect(self.show_progress)
        bridge.model_loading.connect(self._on_loading)
        bridge.model_ready.connect(self._on_ready)
        bridge.engine_opened.connect(self._enable_pause)  # phase 1 runs (and pauses) before the model loads
        bridge.model_failed.connect(lambda _e: self._set_text("Model unavailable: indexing is stopped", ""))
        bridge.engine_failed.connect(lambda _e: self._set_text("The index could not be opened", ""))

    def _set_text(self, short: str, details: str) -> None:
        self.status.label.setText(short + (f" · {details}" if details else ""))
        self.panel.phase.setText(short)
        self.panel.details.setText(details)

    def _on_loading(self, message: str) -> None:
        self._set_text(message, "")

    def _on_ready(self) -> None:
        self._set_text("Model ready", "")
        self._enable_pause()

    def _enable_pause(self) -> None:
        for button in (self.status.pause_button, self.panel.pause_button):
            button.setEnabled(True)

    def show_progress(self, progress: IndexProgress) -> None:
        short, details = describe(progress)
        self._set_text(short, details)
        busy = progress.phase in (Phase.INDEXING, Phase.SCANNING, Phase.PAUSED)
        for bar in (self.status.bar, self.panel.bar):
            if progress.phase == Phase.SCANNING or not progress.files_total:
                bar.setRange(0, 0 if busy else 1)
                bar.setValue(0 if busy else 1)
            else:
                bar.setRange(0, progress.files_total)
                bar.setValue(min(progress.files_done, progress.files_total))
        self.status.bar.setVisible(busy)
        current = display(progress.current_file) if progress.current_file and busy else ""
        self.panel.current.setText(current)
        self.panel.current.setToolTip(current)
        if current:
            self.status.label.setToolTip(current)
            name = os.path.basename(current)
            if progress.phase == Phase.INDEXING:
                self.status.label.setText(self.status.label.text() + f" · {name}")
        self.paused = progress.phase == Phase.PAUSED or self.bridge.indexing_paused
        self._update_buttons()
        if progress.phase == Phase.DONE:
            self.bridge.submit(lambda e: e.status().get("files", {}), self._show_totals, key="totals")
            self.finished.emit(progress)

    def _show_totals(self, counts: dict[str, int]) -> None:
        """After a run: how many files the index holds, and how many failed (see the Files page)."""
        last = self.bridge.last_progress
        if last is None or last.phase != Phase.DONE:
            return
        parts = [f"{counted(counts.get('indexed', 0), 'file')} indexed"]
        if counts.get("keyword_only"):  # searchable by keyword; their meaning comes with the next run
            parts.append(f"{counts['keyword_only']:,} by keyword only")
        if counts.get("failed"):
            parts.append(f"{counts['failed']:,} failed (see Files)")
        if counts.get("skipped"):
            parts.append(f"{counts['skipped']:,} skipped")
        if last.message:  # files the run left for later, and why
            parts.append(last.message)
        self._set_text(done_line(last), " · ".join(parts))

    def toggle_pause(self) -> None:
        if self.paused:
            self.bridge.resume_indexing()
            self.paused = False
        else:
            self.bridge.pause_indexing()
            self.paused = True
            self._set_text("Pausing…", "")
        self._update_buttons()

    def _update_buttons(self) -> None:
        text = "Resume" if self.paused else "Pause"
        self.status.pause_button.setText(text)
        self.panel.pause_button.setText(text)
