"""Watching folders for changes: debounced, coalesced, robust to storms, unplugged drives and lost events.

:class:`FolderWatcher` watches each folder recursively with watchdog (inotify, FSEvents,
ReadDirectoryChangesW; the polling observer where a native watch cannot be had) and hands the
net changes (:class:`FolderChanges`) to one callback, on one thread of its own:

- events are coalesced per path (:mod:`desktop_search.core.watch.changes`) and delivered after
  ``debounce_s`` of quiet, but never later than ``max_delay_s`` after the first pending event, so a
  steady stream still flows in a few large batches (:mod:`desktop_search.core.watch.delivery`);
- paths that ``is_excluded`` selects (by default :func:`default_is_excluded`: hidden, temporary,
  lock and backup files) are ignored, at every folder level below the watched folder;
- a watched folder that disappears is reported once in ``missing`` and nothing below it is ever
  reported deleted; it is polled every ``presence_poll_s`` and, when back, watched again and
  reported in ``returned`` and ``rescan`` (:mod:`desktop_search.core.watch.presence`);
- every ``reconcile_interval_s`` all folders are reported in ``rescan`` (network drives miss
  events), and so are the folders of an inotify queue overflow;
- a storm of events is bounded in memory: past ``max_pending`` pending paths, the pending paths
  are traded for a rescan of their folders.

This module ties those parts together and owns the watched folders' lifecycle; the observers and
their watches are in :mod:`desktop_search.core.watch.observers`, the meaning of each event in
:mod:`desktop_search.core.watch.events`. The callback must not block for long (the engine puts the
changes on its indexer queue); an exception in it is logged and the watcher goes on.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable

from watchdog.events import DirDeletedEvent, FileSystemEvent
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from desktop_search.core.watch.changes import ChangeCoalescer, FolderChanges, is_within
from desktop_search.core.watch.delivery import ChangesCallback, Delivery, Update
from desktop_search.core.watch.events import event_paths, is_ignored, update_for
from desktop_search.core.watch.filters import PathPredicate, any_of, default_is_excluded, inside_any
from desktop_search.core.watch.observers import (
    WATCHDOG_LOGGER,
    EventForwarder,
    Observers,
    OverflowLogHandler,
    WatchedFolder,
)
from desktop_search.core.watch.presence import PresenceLoop, folder_identity, only_mount_point_left
from desktop_search.core.watch.threads import join_thread

__all__ = [
    "FolderChanges",
    "FolderWatcher",
    "any_of",
    "default_is_excluded",
    "inside_any",
]

logger = logging.getLogger(__name__)


def _rescan_all(roots: list[str]) -> Update:
    def rescan(pending: ChangeCoalescer) -> None:
        for root in roots:
            pending.rescan(root)

    return rescan


class FolderWatcher:
    """Watches folders recursively and delivers coalesced :class:`FolderChanges` to ``on_changes``."""

    # The native observer; a test may substitute one whose watches fail, to exercise the fallback.
    _native_observer_factory: Callable[[], BaseObserver] = Observer

    def __init__(
        self,
        on_changes: ChangesCallback,
        *,
        debounce_s: float = 0.5,
        max_delay_s: float = 2.0,
        reconcile_interval_s: float = 600.0,
        is_excluded: PathPredicate | None = None,
        presence_poll_s: float = 2.0,
        force_polling: bool = False,
        poll_interval_s: float = 2.0,
        max_pending: int = 50_000,
    ) -> None:
        """``is_excluded`` replaces :func:`default_is_excluded` (compose them with :func:`any_of`).

        ``force_polling`` watches every folder with watchdog's polling observer (every
        ``poll_interval_s``), for file systems whose changes the OS does not report (network shares).
        """
        self._is_excluded = is_excluded if is_excluded is not None else default_is_excluded
        self._force_polling = force_polling

        self._lock = threading.RLock()  # folders, observers, lifecycle
        self._folders: dict[str, WatchedFolder] = {}
        self._observers = Observers(poll_interval_s)
        self._delivery = Delivery(
            on_changes,
            debounce_s=debounce_s,
            max_delay_s=max_delay_s,
            max_pending=max_pending,
            present_roots=lambda: [f.path for f in self._folders.values() if f.present],
            scan_grace_s=2.0 + poll_interval_s,
        )
        self._presence = PresenceLoop(
            self._check_presence, self._reconcile, max(0.05, presence_poll_s), reconcile_interval_s
        )

        self._started = False
        self._closing = False  # presence checks stop
        self._stopped = False
        self._overflow_handler = OverflowLogHandler(self._on_overflow)

    # --- public API --------------------------------------------------------------------------

    @property
    def folders(self) -> list[str]:
        """The watched folders (absolute paths), in the order given."""
        return list(self._folders)

    @property
    def unavailable_folders(self) -> list[str]:
        """Watched folders that are missing right now (their entries are kept)."""
        return [f.path for f in self._folders.values() if self._started and not f.present]

    def set_folders(self, folders: Iterable[str | os.PathLike[str]]) -> None:
        """Watch exactly these folders from now on (watches are added and removed on the fly)."""
        wanted: list[str] = []
        for folder in folders:
            path = os.path.abspath(os.fspath(folder))
            if path not in wanted:
                wanted.append(path)
        with self._lock:
            old = self._folders
            removed = [old[p] for p in old if p not in wanted]
            for folder_state in removed:
                self._observers.unwatch(folder_state)
            current = {p: old.get(p) or WatchedFolder(p) for p in wanted}
            for folder_state in current.values():
                outer = folder_state.path
                folder_state.nested = [p for p in wanted if p != outer and is_within(p, outer)]
            self._folders = current
            if removed:
                removed_paths = [f.path for f in removed]

                def unwatched(path: str) -> bool:
                    return any(is_within(path, r) for r in removed_paths) and not any(
                        is_within(path, w) for w in wanted
                    )

                def drop_removed(pending: ChangeCoalescer) -> None:
                    pending.forget(unwatched)
                    for path in removed_paths:
                        pending.drop_folder(path)

                self._delivery.amend(drop_removed)
            if self._started and not self._closing:
                for path in wanted:
                    if path not in old:
                        self._attach(current[path])

    def start(self) -> None:
        """Start watching (idempotent; a stopped watcher cannot be started again)."""
        with self._lock:
            if self._stopped or self._closing:
                raise RuntimeError("a stopped FolderWatcher cannot be started again")
            if self._started:
                return
            self._started = True
            if not self._force_polling:
                self._observers.start_native(type(self)._native_observer_factory)
            logging.getLogger(WATCHDOG_LOGGER).addHandler(self._overflow_handler)
            for folder_state in self._folders.values():
                self._attach(folder_state)
            self._delivery.start()
            self._presence.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop watching, deliver what is pending, and join every thread (safe to call twice)."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            self._closing = True
            started = self._started
        deadline = time.monotonic() + timeout

        def remaining() -> float:
            return max(0.0, deadline - time.monotonic())

        if not started:
            return
        self._presence.stop(remaining())
        with self._lock:
            for folder_state in self._folders.values():
                folder_state.observer = folder_state.watch = None
        for observer in self._observers.stop():
            join_thread(observer, remaining())
        logging.getLogger(WATCHDOG_LOGGER).removeHandler(self._overflow_handler)
        self._delivery.stop(remaining())

    def scan_began(self, paths: Iterable[str] | None = None) -> None:
        """The indexer starts scanning the folders (or, with ``paths``, looking at just these): a file
        created from now on may be indexed by it, so one that is deleted again before the next delivery
        is reported deleted, not forgotten."""
        self._delivery.scan_began(paths)

    def scan_ended(self) -> None:
        """The indexer's scan or run is over (see :meth:`scan_began`)."""
        self._delivery.scan_ended()

    def flush(self, timeout: float = 10.0) -> None:
        """Deliver the pending changes now and wait until the callback has run (tests, shutdown)."""
        self._delivery.flush(timeout)

    # --- watches -----------------------------------------------------------------------------

    def _attach(self, folder_state: WatchedFolder) -> None:
        """Watch a folder that is new to the watcher, or report it missing (caller holds the lock)."""
        identity = folder_identity(folder_state.path)
        if identity is None:
            folder_state.present = False
            logger.warning("Watched folder %s is not available; its entries are kept", folder_state.path)
            self._report(lambda pending: pending.folder_missing(folder_state.path))
            return
        folder_state.present = True
        folder_state.identity = identity
        self._watch(folder_state)

    def _watch(self, folder_state: WatchedFolder) -> bool:
        """(Re)create the folder's watch (caller holds the lock); False when it cannot be had."""
        return self._observers.watch(folder_state, EventForwarder(self._on_event, folder_state.path))

    # --- events (watchdog's dispatcher thread) ------------------------------------------------

    def _on_event(self, root: str, event: FileSystemEvent) -> None:
        folder_state = self._folders.get(root)
        if folder_state is None or not folder_state.present or self._delivery.stopping:
            return
        src, dest = event_paths(event)
        if event.is_directory and isinstance(event, DirDeletedEvent) and src == root:
            self._folder_vanished(folder_state)
            return

        def ignored(path: str) -> bool:
            return is_ignored(path, root, folder_state.nested, self._is_excluded)

        update = update_for(event, src, dest, ignored)
        if update is not None:
            self._report(update)

    def _folder_vanished(self, folder_state: WatchedFolder) -> None:
        """watchdog says the watched folder itself went away: hold its news, let the presence check decide."""
        folder_state.stale = True
        root = folder_state.path
        self._report(lambda pending: pending.forget(lambda p: is_within(p, root)))
        self._presence.wake()

    def _on_overflow(self) -> None:
        native = self._observers.native
        roots = [f.path for f in self._folders.values() if f.present and f.observer is native]
        if not roots or self._delivery.stopping:
            return
        logger.warning("File events were lost (event queue overflow); rescanning %d folder(s)", len(roots))
        self._report(_rescan_all(roots))

    def _report(self, update: Update) -> None:
        self._delivery.report(update)

    # --- presence and reconciliation (presence thread) ----------------------------------------

    def _check_presence(self) -> None:
        with self._lock:
            if self._closing:
                return
            for folder_state in list(self._folders.values()):
                self._check_folder(folder_state)

    def _check_folder(self, folder_state: WatchedFolder) -> None:
        path = folder_state.path
        identity = folder_identity(path)
        if folder_state.present:
            if identity is None:
                self._mark_missing(folder_state, "it is gone")
            elif identity != folder_state.identity or folder_state.stale:
                if only_mount_point_left(path, folder_state.identity, identity):
                    self._mark_missing(folder_state, "only its empty mount point is left")
                    return
                folder_state.identity = identity
                folder_state.stale = False
                self._watch(folder_state)
                logger.info("Watched folder %s was replaced; watching and rescanning it", path)
                self._report(lambda pending: pending.rescan(path))
            elif folder_state.watch is None and self._watch(folder_state):
                self._report(lambda pending: pending.rescan(path))
        elif identity is not None and not only_mount_point_left(path, folder_state.identity, identity):
            folder_state.present = True
            folder_state.identity = identity
            folder_state.stale = False
            self._watch(folder_state)
            logger.info("Watched folder %s is back", path)
            self._report(lambda pending: pending.folder_returned(path))

    def _mark_missing(self, folder_state: WatchedFolder, why: str) -> None:
        folder_state.present = False
        folder_state.stale = False
        self._observers.unwatch(folder_state)
        logger.warning("Watched folder %s is unavailable (%s); its entries are kept", folder_state.path, why)
        path = folder_state.path
        self._report(lambda pending: pending.folder_missing(path))

    def _reconcile(self) -> None:
        with self._lock:
            roots = [f.path for f in self._folders.values() if f.present]
        if roots:
            self._report(_rescan_all(roots))
