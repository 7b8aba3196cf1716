"""An index run's progress: counts, rate, the estimate of the time left, and a rate-limited reporter.

A run has two phases that overlap (see :mod:`desktop_search.core.index.indexer`): ``files_done`` counts
the files phase 1 has made keyword-searchable (or skipped), ``chunks_done`` the passages phase 2 has
embedded; the time left is the longer of the two phases' estimates."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable

from desktop_search.core.records import IndexProgress, Phase
from desktop_search.core.store.pathkeys import display

log = logging.getLogger(__name__)
ProgressCallback = Callable[[IndexProgress], None]


class RunProgress:
    """Counts and a rate-limited reporter.

    While the producer works on one of the outdated files named by :meth:`set_refresh`, reports carry
    the refresh message ("Updating 12 PDFs to the improved reader").
    """

    def __init__(self, callback: ProgressCallback | None, total: int, interval_s: float) -> None:
        self.callback = callback
        self.total = total
        self.interval_s = interval_s
        self.files_done = 0
        self.chunks_done = 0
        self.failed = 0
        self.files_indexed = 0  # files that got passages (phase 1) or were renamed
        self.passages_written = 0  # passages waiting for vectors: left by an earlier run, or written now
        self.files_with_passages = 0  # files of this run written with passages by phase 1
        self.files_waiting_at_start = 0  # files an earlier run left keyword-only
        self.meaning_done = 0  # files whose passages all have vectors now
        self.passages_reused = 0
        self.postponed = 0  # files left for the next run: no worker process could read them
        self.postponed_reason = ""
        self.keyword_ready_s: float | None = None
        self.current = ""
        self.message = ""  # shown while indexing or paused: what the current file's work is about
        self._refresh_keys: frozenset[str] = frozenset()
        self._refresh_message = ""
        self.started = time.monotonic()
        self._last = 0.0
        self._last_message = ""
        self._window: deque[tuple[float, int]] = deque(maxlen=64)
        self._lock = threading.Lock()

    def rate(self) -> float:
        if len(self._window) < 2:
            elapsed = time.monotonic() - self.started
            return self.chunks_done / elapsed if elapsed > 0 else 0.0
        (t0, c0), (t1, c1) = self._window[0], self._window[-1]
        return (c1 - c0) / (t1 - t0) if t1 > t0 else 0.0

    def set_refresh(self, keys: frozenset[str], message: str) -> None:
        """The outdated files of this run (path keys), and the message shown while they are redone."""
        self._refresh_keys, self._refresh_message = keys, message

    def working_on(self, key: str) -> None:
        """The producer starts on the file ``key``."""
        self.current = display(key)
        self.message = self._refresh_message if key in self._refresh_keys else ""

    def snapshot(self, phase: Phase, message: str = "") -> IndexProgress:
        if not message and phase in (Phase.INDEXING, Phase.PAUSED):
            message = self.message
        return IndexProgress(
            phase=phase,
            files_done=self.files_done,
            files_total=self.total,
            chunks_done=self.chunks_done,
            current_file=self.current,
            chunks_per_s=round(self.rate(), 2),
            eta_s=self.eta(),
            failed=self.failed,
            message=message,
            meaning_done=self.meaning_done,
            meaning_total=self.files_waiting_at_start + self.files_with_passages,
            files_indexed=self.files_indexed,
            passages_reused=self.passages_reused,
            keyword_ready_s=self.keyword_ready_s,
            postponed=self.postponed,
            keyword_only_at_start=self.files_waiting_at_start,
        )

    def postpone(self, reason: str) -> None:
        """A file of the run is left for the next one, through no fault of its own (``reason``)."""
        self.files_done += 1
        self.postponed += 1
        self.postponed_reason = reason

    def done_message(self) -> str:
        """What the run's last report says beside "Up to date": files it left for the next run."""
        if not self.postponed:
            return ""
        files = "1 file waits" if self.postponed == 1 else f"{self.postponed:,} files wait"
        return f"{files} for the next run ({self.postponed_reason.rstrip('.')})"

    def phase1_done(self) -> None:
        """Every file of the run is keyword-searchable (or skipped, failed)."""
        self.keyword_ready_s = time.monotonic() - self.started

    def eta(self) -> float | None:
        """Seconds left: the longer of phase 1 (files at the rate so far) and phase 2 (the passages
        written and those the files left will bring, at the embedding rate)."""
        elapsed = time.monotonic() - self.started
        left = max(0, self.total - self.files_done)
        estimates = []
        if self.files_done and left:
            estimates.append(elapsed / self.files_done * left)
        per_file = self.passages_written / self.files_with_passages if self.files_with_passages else 0.0
        passages_left = max(0, self.passages_written - self.chunks_done) + left * per_file
        rate = self.rate()
        if passages_left and rate > 0:
            estimates.append(passages_left / rate)
        return max(estimates) if estimates else None

    def report(self, phase: Phase = Phase.INDEXING, force: bool = False, message: str = "") -> IndexProgress:
        with self._lock:
            now = time.monotonic()
            self._window.append((now, self.chunks_done))
            snap = self.snapshot(phase, message)
            # a new message (the outdated files begin) shows at once, not after the interval
            force = force or snap.message != self._last_message
            if self.callback is not None and (force or now - self._last >= self.interval_s):
                self._last, self._last_message = now, snap.message
                try:
                    self.callback(snap)
                except Exception:  # a broken listener must not stop indexing
                    log.exception("progress callback failed")
            return snap
