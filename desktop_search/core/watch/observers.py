"""The watchdog side of the watcher: observers, and each watched folder's watch on one of them.

:class:`Observers` holds one native observer (inotify, FSEvents, ReadDirectoryChangesW) for every
folder it can watch, and one polling observer, started on first need, for the folders it cannot
(watch limits, file systems that report nothing) or for all of them when polling is asked for.
:class:`WatchedFolder` is one folder's watch state; :class:`EventForwarder` hands its events to the
watcher; :class:`OverflowLogHandler` learns from watchdog's log that the kernel dropped events.
"""

from __future__ import annotations

import contextlib
import errno
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from desktop_search.core.watch.events import EVENT_FILTER
from desktop_search.core.watch.presence import Identity

logger = logging.getLogger(__name__)

WATCHDOG_LOGGER = "watchdog.observers"


@dataclass
class WatchedFolder:
    """One watched folder and the state of its watch."""

    path: str
    present: bool = False
    identity: Identity | None = None  # (st_dev, st_ino) when last seen present
    observer: BaseObserver | None = None
    watch: ObservedWatch | None = None
    stale: bool = False  # watchdog reported the folder itself gone: check it and watch it afresh
    watch_failure_logged: bool = False
    nested: list[str] = field(default_factory=list)  # other watched folders inside this one


class EventForwarder(FileSystemEventHandler):
    """Forwards one watched folder's events to ``on_event(root, event)`` (on watchdog's thread)."""

    def __init__(self, on_event: Callable[[str, FileSystemEvent], None], root: str) -> None:
        self._on_event = on_event
        self._root = root

    def dispatch(self, event: FileSystemEvent) -> None:
        try:
            self._on_event(self._root, event)
        except Exception:  # never let one bad event stop watchdog's dispatcher
            logger.exception("Could not handle file event %r", event)


class OverflowLogHandler(logging.Handler):
    """Catches watchdog's warning that the kernel event queue overflowed (events were lost).

    watchdog rebuilds its watches after an overflow but reports it only in its log, so the log is
    where we learn that the folders must be rescanned.
    """

    def __init__(self, on_overflow: Callable[[], None]) -> None:
        super().__init__(logging.WARNING)
        self._on_overflow = on_overflow

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if "overflow" in record.getMessage().lower():
                self._on_overflow()
        except Exception:
            self.handleError(record)


def explain(error: OSError) -> str:
    """Why a watch could not be had, in words that say what to do about it."""
    if error.errno == errno.ENOSPC:
        return "the inotify watch limit is reached; raise fs.inotify.max_user_watches"
    if error.errno == errno.EMFILE:
        return "too many inotify instances; raise fs.inotify.max_user_instances"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return error.strerror or str(error)


class Observers:
    """The native observer (when one can be had) and the polling one, and the watches on them."""

    def __init__(self, poll_interval_s: float) -> None:
        self.poll_interval_s = poll_interval_s
        self.native: BaseObserver | None = None
        self._polling: BaseObserver | None = None

    def start_native(self, factory: Callable[[], BaseObserver]) -> None:
        """Start the native observer; without one (e.g. no inotify instance left) every folder is polled."""
        try:
            native = factory()
            native.start()
            self.native = native
        except OSError as error:  # e.g. no inotify instance left (EMFILE)
            logger.warning("No native file watching (%s); polling every folder", explain(error))

    def watch(self, folder: WatchedFolder, handler: FileSystemEventHandler) -> bool:
        """(Re)create the folder's watch: native first, polling when that fails; False when neither."""
        self.unwatch(folder)
        reason = "polling was asked for"
        if self.native is not None:
            try:
                folder.watch = self.native.schedule(
                    handler, folder.path, recursive=True, event_filter=EVENT_FILTER
                )
                folder.observer = self.native
                folder.watch_failure_logged = False
                return True
            except OSError as error:
                reason = explain(error)
                logger.warning("Cannot watch %s natively (%s); polling it instead", folder.path, reason)
        try:
            polling = self._polling_observer()
            folder.watch = polling.schedule(handler, folder.path, recursive=True, event_filter=EVENT_FILTER)
            folder.observer = polling
            folder.watch_failure_logged = False
            logger.info("Polling %s every %.1f s (%s)", folder.path, self.poll_interval_s, reason)
            return True
        except OSError as error:
            if not folder.watch_failure_logged:
                folder.watch_failure_logged = True
                logger.error(
                    "Cannot watch %s at all (%s); only the periodic rescans will see its changes",
                    folder.path,
                    explain(error),
                )
            return False

    def unwatch(self, folder: WatchedFolder) -> None:
        observer, watch = folder.observer, folder.watch
        folder.observer = folder.watch = None
        if observer is not None and watch is not None:
            try:
                observer.unschedule(watch)
            except (KeyError, OSError, RuntimeError):
                logger.debug("Watch of %s was already gone", folder.path)

    def stop(self) -> list[BaseObserver]:
        """Ask every observer to stop; returns them, for the caller to join."""
        observers = [o for o in (self.native, self._polling) if o is not None]
        for observer in observers:
            with contextlib.suppress(Exception):
                observer.stop()
        return observers

    def _polling_observer(self) -> BaseObserver:
        if self._polling is None:
            self._polling = PollingObserver(timeout=self.poll_interval_s)
            self._polling.start()
        return self._polling
