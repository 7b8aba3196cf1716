"""Debounce and delivery: the pending changes, when they are due, and the thread that hands them over.

:class:`Delivery` keeps the watcher's :class:`~desktop_search.core.watch.changes.ChangeCoalescer`
behind one condition variable. Each reported event (re)schedules delivery for ``debounce_s`` after
the last event, but never later than ``max_delay_s`` after the first pending one, so a steady stream
still flows in a few large batches. Past ``max_pending`` pending paths, the paths are traded for a
rescan of their watched folders (memory stays bounded in a storm). One thread of its own calls the
callback, one change set at a time; an exception in the callback is logged and delivery goes on.

While the indexer scans the folders (or looks at some paths), files created meanwhile may be listed by
the scan, so their deletion must reach it (:meth:`Delivery.scan_began`); the scan's end counts
``scan_grace_s`` later, once the events the observers still held back (watchdog's inotify buffer, a
polling interval) are in.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from desktop_search.core.watch.changes import ChangeCoalescer, FolderChanges
from desktop_search.core.watch.threads import join_thread

logger = logging.getLogger(__name__)

ChangesCallback = Callable[[FolderChanges], None]
Update = Callable[[ChangeCoalescer], object]


class Delivery:
    """Pending changes, their schedule, and the delivery thread."""

    def __init__(
        self,
        on_changes: ChangesCallback,
        *,
        debounce_s: float,
        max_delay_s: float,
        max_pending: int,
        present_roots: Callable[[], list[str]],
        scan_grace_s: float = 2.0,
    ) -> None:
        """``present_roots`` names the watched folders to rescan when a storm overflows ``max_pending``."""
        self._on_changes = on_changes
        self._debounce_s = max(0.0, debounce_s)
        self._max_delay_s = max(self._debounce_s, max_delay_s)
        self._max_pending = max_pending
        self._present_roots = present_roots
        self._scan_grace_s = scan_grace_s
        self._scan_over_at: float | None = None  # time.monotonic() when the last scan's end counts
        self._cond = threading.Condition()
        self._pending = ChangeCoalescer()
        self._first_event_at: float | None = None
        self._last_event_at: float | None = None
        self._flush_requested = 0
        self._flushed = 0
        self._delivering = threading.Lock()
        self._stopping = False  # the thread delivers what is left and exits
        self._thread: threading.Thread | None = None

    @property
    def stopping(self) -> bool:
        return self._stopping

    def report(self, update: Update) -> None:
        """Apply one event to the pending changes and schedule their delivery."""
        with self._cond:
            self._end_scan_when_due()
            update(self._pending)
            if len(self._pending) > self._max_pending:
                logger.info("More than %d paths changed at once; rescanning their folders", self._max_pending)
                self._pending.collapse(self._present_roots())
            now = time.monotonic()
            if self._first_event_at is None:
                self._first_event_at = now
                self._cond.notify_all()
            self._last_event_at = now

    def amend(self, update: Update) -> None:
        """Change the pending changes without scheduling a delivery (a folder is no longer watched)."""
        with self._cond:
            update(self._pending)

    def scan_began(self, paths: Iterable[str] | None = None) -> None:
        """The indexer starts a scan of the folders, or a run of just ``paths`` (see the module's
        docstring)."""
        with self._cond:
            self._scan_over_at = None
            self._pending.scan_began(paths)

    def scan_ended(self) -> None:
        """The indexer's scan is over: files created from :attr:`scan_grace_s` on are new again."""
        with self._cond:
            self._scan_over_at = time.monotonic() + self._scan_grace_s

    def _end_scan_when_due(self) -> None:
        if self._scan_over_at is not None and time.monotonic() >= self._scan_over_at:
            self._scan_over_at = None
            self._pending.scan_ended()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="folder-watcher-delivery", daemon=True)
        self._thread.start()

    def stop(self, timeout: float) -> None:
        """Deliver what is pending and end the thread."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        join_thread(self._thread, timeout)

    def flush(self, timeout: float = 10.0) -> None:
        """Deliver the pending changes now and wait until the callback has run (tests, shutdown)."""
        thread = self._thread
        if thread is None or not thread.is_alive() or thread is threading.current_thread():
            with self._cond:
                changes = self._take_locked()
            self._deliver(changes)
            return
        with self._cond:
            self._flush_requested += 1
            ticket = self._flush_requested
            self._cond.notify_all()
            self._cond.wait_for(lambda: self._flushed >= ticket or not thread.is_alive(), timeout)

    def _due_at(self) -> float | None:
        # Due even when the events cancelled out: taking the (empty) set resets the schedule.
        if self._first_event_at is None or self._last_event_at is None:
            return None
        return min(self._last_event_at + self._debounce_s, self._first_event_at + self._max_delay_s)

    def _take_locked(self) -> FolderChanges:
        self._first_event_at = self._last_event_at = None
        return self._pending.take()

    def _loop(self) -> None:
        while True:
            with self._cond:
                while True:
                    final = self._stopping
                    if final or self._flush_requested > self._flushed:
                        break
                    due = self._due_at()
                    now = time.monotonic()
                    if due is not None and now >= due:
                        break
                    self._cond.wait(None if due is None else due - now)
                ticket = self._flush_requested
                changes = self._take_locked()
            self._deliver(changes)
            with self._cond:
                self._flushed = max(self._flushed, ticket)
                self._cond.notify_all()
            if final:
                return

    def _deliver(self, changes: FolderChanges) -> None:
        if not changes:
            return
        with self._delivering:
            try:
                self._on_changes(changes)
            except Exception:
                logger.exception("The folder-change callback failed; the watcher goes on")
