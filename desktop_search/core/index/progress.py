"""An index run's progress: counts, rate, the estimate of the time left, and a rate-limited reporter."""

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
        self.reused = 0  # of chunks_done: vectors the cache had, no encoder time
        self.failed = 0
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
        eta = None
        if self.files_done and self.total > self.files_done:
            per_file = (time.monotonic() - self.started) / self.files_done
            eta = per_file * (self.total - self.files_done)
        return IndexProgress(
            phase=phase,
            files_done=self.files_done,
            files_total=self.total,
            chunks_done=self.chunks_done,
            current_file=self.current,
            chunks_per_s=round(self.rate(), 2),
            eta_s=eta,
            failed=self.failed,
            message=message,
        )

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
