"""Watching folders for changes: debounced, coalesced, robust to storms, unplugged drives and lost events.

:class:`FolderWatcher` watches each folder recursively with watchdog (inotify, FSEvents,
ReadDirectoryChangesW; the polling observer where a native watch cannot be had) and hands the
net changes (:class:`FolderChanges`) to one callback, on one thread of its own:

- events are coalesced per path (:mod:`desktop_search.core.watch.changes`) and delivered after
  ``debounce_s`` of quiet, but never later than ``max_delay_s`` after the first pending event, so a
  steady stream still flows in a few large batches;
- paths that ``is_excluded`` selects (by default :func:`default_is_excluded`: hidden, temporary,
  lock and backup files) are ignored, at every folder level below the watched folder;
- a watched folder that disappears is reported once in ``missing`` and nothing below it is ever
  reported deleted; it is polled every ``presence_poll_s`` and, when back, watched again and
  reported in ``returned`` and ``rescan``;
- every ``reconcile_interval_s`` all folders are reported in ``rescan`` (network drives miss
  events), and so are the folders of an inotify queue overflow;
- a storm of events is bounded in memory: past ``max_pending`` pending paths, the pending paths
  are traded for a rescan of their folders.

The callback must not block for long (the engine puts the changes on its indexer queue); an
exception in it is logged and the watcher goes on.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import stat
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from desktop_search.core.watch.changes import ChangeCoalescer, FolderChanges, is_within
from desktop_search.core.watch.filters import PathPredicate, any_of, default_is_excluded, inside_any

__all__ = [
    "FolderChanges",
    "FolderWatcher",
    "any_of",
    "default_is_excluded",
    "inside_any",
]

logger = logging.getLogger(__name__)

ChangesCallback = Callable[[FolderChanges], None]

# Only the events we use: opening and reading files (our own indexer does that) raise none.
_EVENT_FILTER: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]
_WRITE_EVENTS = (FileModifiedEvent, FileAttribEvent, FileClosedEvent)

_Identity = tuple[int, int]


@dataclass
class _Folder:
    """One watched folder and the state of its watch."""

    path: str
    present: bool = False
    identity: _Identity | None = None  # (st_dev, st_ino) when last seen present
    observer: BaseObserver | None = None
    watch: ObservedWatch | None = None
    stale: bool = False  # watchdog reported the folder itself gone: check it and watch it afresh
    watch_failure_logged: bool = False
    nested: list[str] = field(default_factory=list)  # other watched folders inside this one


def _identity(path: str) -> _Identity | None:
    """(device, inode) of a folder, or None when it is not there or cannot be reached."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISDIR(info.st_mode):
        return None
    return (info.st_dev, info.st_ino)


def _is_empty_dir(path: str) -> bool:
    try:
        with os.scandir(path) as entries:
            return next(entries, None) is None
    except OSError:
        return True


def _text(path: str | bytes) -> str:
    return os.fsdecode(path)


class _Handler(FileSystemEventHandler):
    """Forwards one watched folder's events to the watcher (runs on watchdog's dispatcher thread)."""

    def __init__(self, watcher: FolderWatcher, root: str) -> None:
        self._watcher = watcher
        self._root = root

    def dispatch(self, event: FileSystemEvent) -> None:
        try:
            self._watcher._on_event(self._root, event)
        except Exception:  # never let one bad event stop watchdog's dispatcher
            logger.exception("Could not handle file event %r", event)


class _OverflowLogHandler(logging.Handler):
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
        self._on_changes = on_changes
        self._debounce_s = max(0.0, debounce_s)
        self._max_delay_s = max(self._debounce_s, max_delay_s)
        self._reconcile_interval_s = reconcile_interval_s
        self._is_excluded = is_excluded if is_excluded is not None else default_is_excluded
        self._presence_poll_s = max(0.05, presence_poll_s)
        self._force_polling = force_polling
        self._poll_interval_s = poll_interval_s
        self._max_pending = max_pending

        self._lock = threading.RLock()  # folders, observers, lifecycle
        self._folders: dict[str, _Folder] = {}
        self._native: BaseObserver | None = None
        self._polling: BaseObserver | None = None

        self._cond = threading.Condition()  # the coalescer and the delivery schedule
        self._pending = ChangeCoalescer()
        self._first_event_at: float | None = None
        self._last_event_at: float | None = None
        self._flush_requested = 0
        self._flushed = 0
        self._delivering = threading.Lock()

        self._started = False
        self._closing = False  # the presence thread exits
        self._stopping = False  # the delivery thread delivers what is left and exits
        self._stopped = False
        self._wake_presence = threading.Event()
        self._delivery_thread: threading.Thread | None = None
        self._presence_thread: threading.Thread | None = None
        self._overflow_handler = _OverflowLogHandler(self._on_overflow)

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
                self._unwatch(folder_state)
            current = {p: old.get(p) or _Folder(p) for p in wanted}
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

                with self._cond:
                    self._pending.forget(unwatched)
                    for path in removed_paths:
                        self._pending.drop_folder(path)
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
                try:
                    native = type(self)._native_observer_factory()
                    native.start()
                    self._native = native
                except OSError as error:  # e.g. no inotify instance left (EMFILE)
                    logger.warning("No native file watching (%s); polling every folder", self._explain(error))
            logging.getLogger("watchdog.observers").addHandler(self._overflow_handler)
            for folder_state in self._folders.values():
                self._attach(folder_state)
            self._delivery_thread = threading.Thread(
                target=self._delivery_loop, name="folder-watcher-delivery", daemon=True
            )
            self._presence_thread = threading.Thread(
                target=self._presence_loop, name="folder-watcher-presence", daemon=True
            )
            self._delivery_thread.start()
            self._presence_thread.start()

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
        self._wake_presence.set()
        self._join(self._presence_thread, remaining())
        with self._lock:
            observers = [o for o in (self._native, self._polling) if o is not None]
            for folder_state in self._folders.values():
                folder_state.observer = folder_state.watch = None
        for observer in observers:
            with contextlib.suppress(Exception):
                observer.stop()
        for observer in observers:
            self._join(observer, remaining())
        logging.getLogger("watchdog.observers").removeHandler(self._overflow_handler)
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._join(self._delivery_thread, remaining())

    def flush(self, timeout: float = 10.0) -> None:
        """Deliver the pending changes now and wait until the callback has run (tests, shutdown)."""
        thread = self._delivery_thread
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

    # --- watches -----------------------------------------------------------------------------

    def _attach(self, folder_state: _Folder) -> None:
        """Watch a folder that is new to the watcher, or report it missing (caller holds the lock)."""
        identity = _identity(folder_state.path)
        if identity is None:
            folder_state.present = False
            logger.warning("Watched folder %s is not available; its entries are kept", folder_state.path)
            self._report(lambda pending: pending.folder_missing(folder_state.path))
            return
        folder_state.present = True
        folder_state.identity = identity
        self._watch(folder_state)

    def _watch(self, folder_state: _Folder) -> bool:
        """(Re)create the folder's watch: native first, polling when that fails. Caller holds the lock."""
        self._unwatch(folder_state)
        handler = _Handler(self, folder_state.path)
        reason = "polling was asked for"
        if self._native is not None:
            try:
                folder_state.watch = self._native.schedule(
                    handler, folder_state.path, recursive=True, event_filter=_EVENT_FILTER
                )
                folder_state.observer = self._native
                folder_state.watch_failure_logged = False
                return True
            except OSError as error:
                reason = self._explain(error)
                logger.warning("Cannot watch %s natively (%s); polling it instead", folder_state.path, reason)
        try:
            polling = self._polling_observer()
            folder_state.watch = polling.schedule(
                handler, folder_state.path, recursive=True, event_filter=_EVENT_FILTER
            )
            folder_state.observer = polling
            folder_state.watch_failure_logged = False
            logger.info("Polling %s every %.1f s (%s)", folder_state.path, self._poll_interval_s, reason)
            return True
        except OSError as error:
            if not folder_state.watch_failure_logged:
                folder_state.watch_failure_logged = True
                logger.error(
                    "Cannot watch %s at all (%s); only the periodic rescans will see its changes",
                    folder_state.path,
                    self._explain(error),
                )
            return False

    @staticmethod
    def _explain(error: OSError) -> str:
        if error.errno == errno.ENOSPC:
            return "the inotify watch limit is reached; raise fs.inotify.max_user_watches"
        if error.errno == errno.EMFILE:
            return "too many inotify instances; raise fs.inotify.max_user_instances"
        if error.errno in (errno.EACCES, errno.EPERM):
            return "permission denied"
        return error.strerror or str(error)

    def _polling_observer(self) -> BaseObserver:
        if self._polling is None:
            self._polling = PollingObserver(timeout=self._poll_interval_s)
            self._polling.start()
        return self._polling

    def _unwatch(self, folder_state: _Folder) -> None:
        observer, watch = folder_state.observer, folder_state.watch
        folder_state.observer = folder_state.watch = None
        if observer is not None and watch is not None:
            try:
                observer.unschedule(watch)
            except (KeyError, OSError, RuntimeError):
                logger.debug("Watch of %s was already gone", folder_state.path)

    # --- events (watchdog's dispatcher thread) ------------------------------------------------

    def _on_event(self, root: str, event: FileSystemEvent) -> None:
        folder_state = self._folders.get(root)
        if folder_state is None or not folder_state.present or self._stopping:
            return
        src = _text(event.src_path)
        dest = _text(getattr(event, "dest_path", "") or "")
        if event.is_directory:
            if isinstance(event, DirDeletedEvent) and src == root:
                self._folder_vanished(folder_state)
                return
            self._on_dir_event(folder_state, event, src, dest)
        else:
            self._on_file_event(folder_state, event, src, dest)

    def _on_file_event(self, folder_state: _Folder, event: FileSystemEvent, src: str, dest: str) -> None:
        if isinstance(event, FileMovedEvent):
            src_out, dest_out = self._ignored(src, folder_state), self._ignored(dest, folder_state)
            if src_out and dest_out:
                return
            if src_out:
                self._report(lambda pending: pending.created(dest))
            elif dest_out:
                self._report(lambda pending: pending.deleted(src))
            else:
                self._report(lambda pending: pending.moved(src, dest))
            return
        if self._ignored(src, folder_state):
            return
        if isinstance(event, FileCreatedEvent):
            self._report(lambda pending: pending.created(src))
        elif isinstance(event, _WRITE_EVENTS):
            self._report(lambda pending: pending.modified(src))
        elif isinstance(event, FileDeletedEvent):
            self._report(lambda pending: pending.deleted(src))

    def _on_dir_event(self, folder_state: _Folder, event: FileSystemEvent, src: str, dest: str) -> None:
        if isinstance(event, DirMovedEvent):
            src_out, dest_out = self._ignored(src, folder_state), self._ignored(dest, folder_state)
            if src_out and dest_out:
                return
            if src_out:
                self._report(lambda pending: pending.dir_created(dest))
            elif dest_out:
                self._report(lambda pending: pending.dir_deleted(src))
            else:
                self._report(lambda pending: pending.dir_moved(src, dest))
            return
        if self._ignored(src, folder_state):
            return
        if isinstance(event, DirCreatedEvent):
            self._report(lambda pending: pending.dir_created(src))
        elif isinstance(event, DirDeletedEvent):
            self._report(lambda pending: pending.dir_deleted(src))

    def _ignored(self, path: str, folder_state: _Folder) -> bool:
        """Excluded at some level below the watched folder, outside it, or another watched folder's."""
        root = folder_state.path
        if path == root or not is_within(path, root):
            return True
        if folder_state.nested and any(is_within(path, inner) for inner in folder_state.nested):
            return True  # the nested watched folder reports it (and knows when it is missing)
        current = root.rstrip(os.sep)
        for part in path[len(current) :].strip(os.sep).split(os.sep):
            current = current + os.sep + part
            if self._is_excluded(current):
                return True
        return False

    def _folder_vanished(self, folder_state: _Folder) -> None:
        """watchdog says the watched folder itself went away: hold its news, let the presence check decide."""
        folder_state.stale = True
        root = folder_state.path
        self._report(lambda pending: pending.forget(lambda p: is_within(p, root)))
        self._wake_presence.set()

    def _on_overflow(self) -> None:
        roots = [f.path for f in self._folders.values() if f.present and f.observer is self._native]
        if not roots or self._stopping:
            return
        logger.warning("File events were lost (event queue overflow); rescanning %d folder(s)", len(roots))
        self._report(lambda pending: [pending.rescan(root) for root in roots])

    def _report(self, update: Callable[[ChangeCoalescer], object]) -> None:
        """Apply one event to the pending changes and schedule their delivery."""
        with self._cond:
            update(self._pending)
            if len(self._pending) > self._max_pending:
                roots = [f.path for f in self._folders.values() if f.present]
                logger.info("More than %d paths changed at once; rescanning their folders", self._max_pending)
                self._pending.collapse(roots)
            now = time.monotonic()
            if self._first_event_at is None:
                self._first_event_at = now
                self._cond.notify_all()
            self._last_event_at = now

    # --- presence and reconciliation (presence thread) ----------------------------------------

    def _presence_loop(self) -> None:
        next_reconcile = time.monotonic() + self._reconcile_interval_s
        while not self._closing:
            wait = min(self._presence_poll_s, max(0.0, next_reconcile - time.monotonic()))
            self._wake_presence.wait(wait)
            self._wake_presence.clear()
            if self._closing:
                return
            try:
                self._check_presence()
                if time.monotonic() >= next_reconcile:
                    next_reconcile = time.monotonic() + self._reconcile_interval_s
                    self._reconcile()
            except Exception:
                logger.exception("Folder presence check failed")

    def _check_presence(self) -> None:
        with self._lock:
            if self._closing:
                return
            for folder_state in list(self._folders.values()):
                self._check_folder(folder_state)

    def _check_folder(self, folder_state: _Folder) -> None:
        path = folder_state.path
        identity = _identity(path)
        if folder_state.present:
            if identity is None:
                self._mark_missing(folder_state, "it is gone")
            elif identity != folder_state.identity or folder_state.stale:
                if self._only_mount_point_left(folder_state, identity):
                    self._mark_missing(folder_state, "only its empty mount point is left")
                    return
                folder_state.identity = identity
                folder_state.stale = False
                self._watch(folder_state)
                logger.info("Watched folder %s was replaced; watching and rescanning it", path)
                self._report(lambda pending: pending.rescan(path))
            elif folder_state.watch is None and self._watch(folder_state):
                self._report(lambda pending: pending.rescan(path))
        elif identity is not None and not self._only_mount_point_left(folder_state, identity):
            folder_state.present = True
            folder_state.identity = identity
            folder_state.stale = False
            self._watch(folder_state)
            logger.info("Watched folder %s is back", path)
            self._report(lambda pending: pending.folder_returned(path))

    @staticmethod
    def _only_mount_point_left(folder_state: _Folder, identity: _Identity) -> bool:
        """An empty folder on another device where ours was: the drive is unmounted, not emptied."""
        known = folder_state.identity
        return known is not None and identity[0] != known[0] and _is_empty_dir(folder_state.path)

    def _mark_missing(self, folder_state: _Folder, why: str) -> None:
        folder_state.present = False
        folder_state.stale = False
        self._unwatch(folder_state)
        logger.warning("Watched folder %s is unavailable (%s); its entries are kept", folder_state.path, why)
        path = folder_state.path
        self._report(lambda pending: pending.folder_missing(path))

    def _reconcile(self) -> None:
        with self._lock:
            roots = [f.path for f in self._folders.values() if f.present]
        if roots:
            self._report(lambda pending: [pending.rescan(root) for root in roots])

    # --- delivery (delivery thread) -----------------------------------------------------------

    def _due_at(self) -> float | None:
        # Due even when the events cancelled out: taking the (empty) set resets the schedule.
        if self._first_event_at is None or self._last_event_at is None:
            return None
        return min(self._last_event_at + self._debounce_s, self._first_event_at + self._max_delay_s)

    def _take_locked(self) -> FolderChanges:
        self._first_event_at = self._last_event_at = None
        return self._pending.take()

    def _delivery_loop(self) -> None:
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

    @staticmethod
    def _join(thread: threading.Thread | None, timeout: float) -> None:
        if thread is None or thread is threading.current_thread() or not thread.is_alive():
            return
        thread.join(timeout)
        if thread.is_alive():
            logger.warning("Thread %s did not stop within the timeout", thread.name)
