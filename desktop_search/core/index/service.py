"""The background indexing service: one long-lived thread that loads the model, scans and indexes every
watched folder, then indexes what the folder watcher reports, and builds a new model's index when the
settings name another model. It pauses, resumes and stops cleanly (the batch in hand is finished).

The service drives an :class:`IndexingHost` (the engine) through its public indexing methods only.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from desktop_search.core.config.settings import Settings
from desktop_search.core.errors import UserError
from desktop_search.core.index.jobs import JobControl
from desktop_search.core.records import IndexProgress, Phase

if TYPE_CHECKING:
    from desktop_search.core.watch.changes import FolderChanges
    from desktop_search.core.watch.watcher import FolderWatcher

log = logging.getLogger(__name__)

ProgressCallback = Callable[[IndexProgress], None]


class IndexingHost(Protocol):
    """What the service drives (the engine's public indexing face)."""

    settings: Settings
    model_error: UserError | None

    @property
    def folders(self) -> list[str]: ...

    @property
    def migration_pending(self) -> bool: ...

    def prepare_indexing(self, progress: ProgressCallback | None = None) -> None: ...

    def index(
        self, progress: ProgressCallback | None = None, control: JobControl | None = None
    ) -> IndexProgress: ...

    def index_paths(
        self, paths: list[str], progress: ProgressCallback | None = None, control: JobControl | None = None
    ) -> IndexProgress: ...

    def migrate_model(
        self, progress: ProgressCallback | None = None, control: JobControl | None = None
    ) -> bool: ...


class BackgroundService:
    """The long-lived indexer thread: full scans, watched changes, pause/resume, clean stop.

    ``watch_filter`` gives the watcher's exclusion test for the current folders; ``mark_missing`` is
    told the watched folders the watcher finds gone (an unplugged drive).
    """

    RETRY_AFTER_ERROR_S = 30.0
    # files a run left because no extraction worker could start are tried by a scan this much later
    # (the pool itself tries a new process only every 60 s)
    RETRY_POSTPONED_S = 60.0

    def __init__(
        self,
        host: IndexingHost,
        report: ProgressCallback,
        watch: bool,
        watch_filter: Callable[[], Callable[[str], bool]],
        mark_missing: Callable[[str], None],
    ) -> None:
        self.host = host
        self.report = report
        self.watch = watch
        self.control = JobControl()
        self._watch_filter = watch_filter
        self._mark_missing = mark_missing
        self._cond = threading.Condition()
        self._scan = True
        self._paths: set[str] = set()
        self._stopping = False
        self._busy = False
        self._migration_failed_for = ""
        self._postponed_scan_at: float | None = None  # time.monotonic() of the scan for postponed files
        self._waiting: IndexProgress | None = None  # the last report of a run whose files still wait
        self._thread = threading.Thread(target=self._loop, name="indexer", daemon=True)
        self._watcher: FolderWatcher | None = None

    # -- requests --------------------------------------------------------------------------------

    def request_scan(self) -> None:
        with self._cond:
            self._scan = True
            self._cond.notify_all()

    def add_paths(self, paths: Iterable[str]) -> None:
        with self._cond:
            self._paths.update(paths)
            self._cond.notify_all()

    def wake(self) -> None:
        """Look again for work (the model setting changed: a migration may be due)."""
        with self._cond:
            self._cond.notify_all()

    def _migration_due(self) -> bool:
        return self.host.migration_pending and self._migration_failed_for != self.host.settings.model

    def wait_idle(self, timeout: float | None) -> bool:
        """Block until nothing is queued or running; False on timeout."""
        with self._cond:
            return self._cond.wait_for(
                lambda: (
                    self._stopping or not (self._busy or self._scan or self._paths or self._migration_due())
                ),
                timeout,
            )

    # -- life ------------------------------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout: float) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self.control.cancel()
        if self._watcher is not None:
            self._watcher.stop()
        self._thread.join(timeout)

    def refresh_watches(self) -> None:
        """Watch the host's current folders."""
        if self._watcher is not None:
            self._watcher.set_folders(self.host.folders)

    def _start_watcher(self) -> None:
        try:
            from desktop_search.core.watch.watcher import FolderWatcher
        except ImportError:
            log.warning("folder watching is not available")
            return
        # the watcher's default rules (hidden, temp and lock files) are already in the exclusions
        self._watcher = FolderWatcher(self._on_changes, is_excluded=self._watch_filter())
        self._watcher.set_folders(self.host.folders)
        self._watcher.start()

    def _on_changes(self, changes: FolderChanges) -> None:
        paths = set(changes.changed) | set(changes.deleted)
        for old, new in changes.moved:
            paths.update((old, new))
        paths.update(changes.deleted_dirs)
        for folder in changes.missing:
            self._mark_missing(folder)
        with self._cond:
            self._paths.update(paths)
            if changes.rescan or changes.returned:
                self._scan = True
            self._cond.notify_all()

    def _scan_watched(self) -> IndexProgress:
        """A full scan; the watcher knows it runs (a file it lists may be deleted in the same breath)."""
        with self._watcher_told(None):
            return self.host.index(self.report, self.control)

    def _index_watched(self, paths: list[str]) -> IndexProgress:
        """A run of the paths the watcher reported; it knows they are looked at (as for a scan)."""
        with self._watcher_told(paths):
            return self.host.index_paths(paths, self._report_waiting, self.control)

    @contextlib.contextmanager
    def _watcher_told(self, paths: list[str] | None) -> Iterator[None]:
        watcher = self._watcher
        if watcher is not None:
            watcher.scan_began(paths)
        try:
            yield
        finally:
            if watcher is not None:
                watcher.scan_ended()

    def _after_run(self, result: IndexProgress, scan: bool) -> None:
        """Schedule a scan for the files ``result`` left for later (see :attr:`RETRY_POSTPONED_S`); a
        scan that left none ends the wait (it read them)."""
        if result.postponed:
            self._waiting = result
            with self._cond:
                self._postponed_scan_at = time.monotonic() + self.RETRY_POSTPONED_S
        elif scan:
            self._waiting = None

    def _report_waiting(self, progress: IndexProgress) -> None:
        """A run's reports; one that ends while an earlier run's files wait for their retry says they
        wait (a watcher's run of one edited file must not say "Up to date" meanwhile)."""
        waiting = self._waiting
        if progress.phase == Phase.DONE and not progress.postponed and waiting is not None:
            message = "; ".join(m for m in (progress.message, waiting.message) if m)
            progress = replace(progress, postponed=waiting.postponed, message=message)
        self.report(progress)

    def _migrate(self) -> None:
        target = self.host.settings.model
        try:
            self.host.migrate_model(self.report, self.control)
        except UserError as err:  # the new model cannot be loaded: keep the current index, say why
            self._migration_failed_for = target
            self.host.model_error = err
            self.report(IndexProgress(Phase.IDLE, message=str(err)))

    def _loop(self) -> None:
        try:
            self.host.prepare_indexing(self.report)
        except UserError as err:
            self.report(IndexProgress(Phase.IDLE, message=str(err)))
            with self._cond:
                self._scan, self._paths = False, set()
                self._cond.notify_all()
            return
        if self.watch:
            self._start_watcher()
        while True:
            with self._cond:
                self._busy = False
                self._cond.notify_all()
                self._cond.wait_for(
                    lambda: self._stopping or self._scan or self._paths or self._migration_due(),
                    None if self._postponed_scan_at is None else self._postponed_scan_at - time.monotonic(),
                )
                if self._stopping:
                    return
                if self._postponed_scan_at is not None and time.monotonic() >= self._postponed_scan_at:
                    self._scan = True  # the files a run left for later
                if self._scan:
                    self._postponed_scan_at = None
                scan, paths = self._scan, self._paths
                self._scan, self._paths = False, set()
                self._busy = True
            try:
                if scan:
                    self._after_run(self._scan_watched(), scan=True)
                elif paths:
                    self._after_run(self._index_watched(sorted(paths)), scan=False)
                elif self._migration_due():
                    self._migrate()
            except UserError as err:
                log.warning("indexing stopped: %s", err)
                self.report(IndexProgress(Phase.IDLE, message=str(err)))
                with self._cond:  # try again later (disk full, locked store…)
                    self._paths |= paths
                    self._cond.wait_for(lambda: self._stopping, self.RETRY_AFTER_ERROR_S)
                    self._scan = self._scan or scan
            except Exception:
                log.exception("indexing failed")
            if self.control.cancelled:
                return
