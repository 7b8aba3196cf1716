"""The one object callers hold: the GUI, the tray, the CLI and the benchmarks all use :class:`Engine`.

It owns the settings, the store, the embedder, the indexer and the watcher; callers never reach
into those directly. Every method is safe to call from any thread. Long methods (``load_model``,
``index``, ``search`` before the model is loaded) block, so a UI calls them from a worker thread, or
uses the background service (``start_background``): one indexer thread that scans, indexes, then
watches the folders and reports progress through a callback. The work is done by the subsystems
(``index.*``, ``model.switch``, ``store``, ``search``); the engine holds their shared state and the
locks that order it, and ``close`` stops the index runs in flight before it closes the store.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_search.core.config.paths import AppPaths, resolve_paths
from desktop_search.core.config.settings import Settings, load_settings, save_settings
from desktop_search.core.errors import UserError
from desktop_search.core.index import folders as watched
from desktop_search.core.index import migration, runs
from desktop_search.core.index.jobs import JobControl, RunsInFlight
from desktop_search.core.index.keyword_first import KeywordFirst
from desktop_search.core.index.planner import plan_paths, scan_folders
from desktop_search.core.index.scanner import ScanPlan
from desktop_search.core.index.service import BackgroundService
from desktop_search.core.index.status import status_report
from desktop_search.core.index.writerlock import WriterLock
from desktop_search.core.model import switch
from desktop_search.core.model.protocol import Embedder, LoadCallback
from desktop_search.core.records import FileRecord, FileStatus, IndexProgress, Phase, SearchFilters, SearchHit
from desktop_search.core.store.pathkeys import from_key, to_key
from desktop_search.core.store.text import extracted_text

if TYPE_CHECKING:
    from desktop_search.core.extract import ExtractorPool
    from desktop_search.core.index.indexer import Indexer
    from desktop_search.core.search.searcher import Searcher
    from desktop_search.core.store.store import Store

log = logging.getLogger(__name__)

ProgressCallback = Callable[[IndexProgress], None]
# settings whose change alters what is indexed or how it is cut: a rescan follows
RESCAN_FIELDS = frozenset({"chunk_tokens", "chunk_overlap_tokens", "exclusions", "include_hidden", "ocr"})


class Engine:
    """Facade over store, embedder, indexer, watcher and search."""

    def __init__(self, settings: Settings, paths: AppPaths, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.paths = paths.ensure()
        self._active = switch.ActiveModel(self.paths.index_dir)
        # an embedder handed in (tests, diagnostics) pins the model: no background model switch
        self._pinned = embedder is not None
        active = embedder.model_name if embedder is not None else (self._active.read() or settings.model)
        if embedder is None:
            embedder = switch.create_embedder(settings, self.paths, active)
        self.embedder: Embedder = embedder
        self.model_name: str = active
        self.store: Store = switch.open_store(self.paths.index_dir, active)
        self._active.write(active)
        self._lock = threading.RLock()
        self._load_lock = threading.Lock()
        self._keyword_first = KeywordFirst()  # a load waits while phase 1 reads files (keyword_first)
        self._pool: ExtractorPool | None = None
        self._indexer: Indexer | None = None
        self._searcher: Searcher | None = None
        self.model_error: UserError | None = None
        self.last_progress = IndexProgress(Phase.IDLE)
        self._service: BackgroundService | None = None
        self._pausing = False  # indexing paused by the user (kept for a service started later)
        self._in_flight = RunsInFlight()  # blocking index runs, stopped before the store closes
        self._readers = switch.StoreReaders()  # searches in flight per store (see a model switch)
        self._writer_lock = WriterLock(paths.index_dir / "writer.lock")
        self._watch_rebuilds(self.store)

    def _watch_rebuilds(self, store: Store) -> None:
        """Only the writer replaces a damaged vector index, and a run then refills it from the cache."""
        store.rebuild_guard, store.after_rebuild = self._writer_lock.acquire, self.request_scan

    @classmethod
    def open(
        cls,
        data_dir: str | Path | None = None,
        embedder: Embedder | None = None,
        settings: Settings | None = None,
    ) -> Engine:
        """Load settings from the (possibly overridden) config dir and open the store. ``embedder``
        replaces the configured model (tests pass a fake or the shared real one); ``settings`` the saved
        settings (not saved until ``save_settings``)."""
        paths = resolve_paths(data_dir)
        if settings is None:
            settings = load_settings(paths.settings_file)
        return cls(settings, paths, embedder)

    def save_settings(self) -> None:
        save_settings(self.settings, self.paths.settings_file)

    def update_settings(self, **changes: Any) -> set[str]:
        """Change settings by name, validate, save, and start what the changes need.

        A new model is built in the background while the current index serves; a change of what is
        indexed (exclusions, passage size, hidden files) rescans. Raises SettingsError for a bad value
        (nothing is changed then). Returns the names of the fields that changed.
        """
        with self._lock:
            new = dataclasses.replace(self.settings, **changes).validate()
            names = [f.name for f in dataclasses.fields(Settings)]
            changed = {n for n in names if getattr(self.settings, n) != getattr(new, n)}
            if not changed:
                return changed
            for name in changed:
                setattr(self.settings, name, getattr(new, name))
            self.save_settings()
            runs.follow_settings(self.settings, self._indexer, self._searcher)
        if changed & {"model", "model_path"} and self._service is not None:
            self._service.wake()
        if changed & RESCAN_FIELDS:
            self.request_scan()
        return changed

    # -- model ---------------------------------------------------------------------------------------

    def load_model(self, progress: LoadCallback | None = None) -> None:
        """Resolve and load the embedding model (blocking; raises ModelUnavailableError)."""
        with self._load_lock:
            if not self.model_ready:  # first, let a starting or running phase 1 read files (keyword_first)
                self._keyword_first.wait()
            try:
                self.embedder.load(progress)
            except UserError as err:
                self.model_error = err
                raise
            self.model_error = None
            _ = self.store.vectors  # open the vector store here too, off the caller's UI thread
        # then anchor the shown scores and measure the index's language means (~2 s, once), outside the
        # load lock: the searcher is fetched under the engine lock, never taken inside the load lock
        self._get_searcher().prepare()

    @property
    def model_ready(self) -> bool:
        return self.embedder.loaded

    @property
    def precision(self) -> str:
        return self.embedder.precision or "float32"

    @property
    def device(self) -> str:
        return self.embedder.device or "cpu"

    @property
    def migration_pending(self) -> bool:
        """The settings name another model than the live index's: a re-index for it is due."""
        return not self._pinned and self.settings.model != self.model_name

    def change_model(self, model_name: str, model_path: str = "") -> None:
        """Switch to another model: its index is built in the background while the current one serves;
        the switch is atomic once it is complete, and one a crash interrupted resumes at the next start."""
        self.update_settings(model=model_name, model_path=model_path)

    def migrate_model(
        self, progress: ProgressCallback | None = None, control: JobControl | None = None
    ) -> bool:
        """Build the index for ``settings.model`` and switch to it (blocking). True when switched."""
        if not self.migration_pending:
            return False
        target = self.settings.model
        report = self._tracking(progress)
        report(IndexProgress(Phase.LOADING_MODEL, message=f"Loading {target} for re-indexing…"))
        current = self._get_indexer()  # the writer lock and the extractor pool
        assert self._pool is not None
        pool, options, scan = self._pool, current.options, lambda store: self.scan(store=store)
        built = migration.build_index(target, self.settings, self.paths, pool, options, scan, report, control)
        if built is None:
            return False
        with self._lock:
            old_store, old_model, old_searcher = self.store, self.model_name, self._searcher
            self.store, self.embedder, self.model_name = built.store, built.embedder, target
            self._watch_rebuilds(self.store)
            self._indexer, self._searcher = built.indexer, None
            self._active.write(target)
        if old_searcher is not None:
            old_searcher.close()  # its language means refresh in a thread no search waits for
        self._readers.retire(old_store)
        switch.delete_store(self.paths.index_dir, old_model)
        report(dataclasses.replace(built.result, message=f"Now searching with {target}."))
        return True

    # -- folders -------------------------------------------------------------------------------------

    @property
    def folders(self) -> list[str]:
        return list(self.settings.folders)

    def add_folder(self, folder: str | Path) -> None:
        """Watch and index a folder (raises FolderUnreadableError); the background service scans it."""
        with self._lock:
            if not watched.add_folder(self.settings, folder, self.store.ledger):
                return  # already covered
            self.save_settings()
        self.request_scan()

    def remove_folder(self, folder: str | Path) -> None:
        """Stop indexing a folder and drop its entries from the index."""
        with self._lock:
            path = watched.drop_folder(self.settings, folder)
            self.save_settings()
            watched.forget_folder(self.store, path)
        if self._service is not None:
            self._service.refresh_watches()

    def unavailable_folders(self) -> list[str]:
        """Keys of the watched folders that are missing (unplugged drives); their entries are kept."""
        return watched.unavailable_folders(self.store.ledger)

    # -- indexing ------------------------------------------------------------------------------------

    def scan(self, folders: Iterable[str] | None = None, store: Store | None = None) -> ScanPlan:
        """Diff the folders (all by default) against the ledger; missing folders keep their entries."""
        ledger = (store or self.store).ledger
        exclusions = watched.exclusions_for(self.settings, self.paths)
        folders = self.folders if folders is None else folders
        return scan_folders(folders, ledger, exclusions, ocr=self.settings.ocr)

    def index(
        self, progress: ProgressCallback | None = None, control: JobControl | None = None
    ) -> IndexProgress:
        """Scan every folder and index what changed (blocking; pausable and cancellable via control).

        Returns the last progress report (phase DONE or CANCELLED).
        """
        report = self._tracking(progress)
        with self._in_flight.track(control) as control, self._keyword_first.settling():
            indexer = self._loaded_indexer(report)
            report(IndexProgress(Phase.SCANNING))
            return runs.run_plan(self.store, indexer, self.scan(), report, control)

    def index_paths(
        self, paths: list[str], progress: ProgressCallback | None = None, control: JobControl | None = None
    ) -> IndexProgress:
        """Index (or forget, when gone) just these files (blocking)."""
        report = self._tracking(progress)
        indexer = self._loaded_indexer(report)
        exclusions = watched.exclusions_for(self.settings, self.paths)
        plan = plan_paths(paths, self.folders, self.store.ledger, exclusions, self.settings.ocr)
        with self._in_flight.track(control) as control:
            return runs.run_plan(self.store, indexer, plan, report, control)

    def run_plan(
        self, plan: ScanPlan, progress: ProgressCallback | None = None, control: JobControl | None = None
    ) -> IndexProgress:
        """Index what a plan (from ``scan``) lists (blocking)."""
        report = self._tracking(progress)
        with self._in_flight.track(control) as control:
            return runs.run_plan(self.store, self._loaded_indexer(report), plan, report, control)

    def prepare_indexing(self, progress: ProgressCallback | None = None) -> None:
        """Take the index's writer lock, load the model and set up the indexer (blocking; the indexing
        methods do it when needed). Raises a UserError when the model or the index is unavailable."""
        self._loaded_indexer(self._tracking(progress))

    def _loaded_indexer(self, report: ProgressCallback) -> Indexer:
        if not self.model_ready:
            report(IndexProgress(Phase.LOADING_MODEL, message="Loading the model…"))
        return self._get_indexer()

    def _get_indexer(self) -> Indexer:
        with self._lock:
            if self._indexer is None:
                from desktop_search.core.extract import ExtractorPool

                self._writer_lock.acquire()  # the model loads in the run's embedding phase, not here
                self._pool = ExtractorPool(workers=1)
                options, first = runs.index_options(self.settings), self._keyword_first
                self._indexer = runs.build_indexer(
                    self.store, self.embedder, self.settings, self._pool, options, self.load_model, first
                )
            return self._indexer

    def _tracking(self, progress: ProgressCallback | None) -> ProgressCallback:
        def report(p: IndexProgress) -> None:
            self.last_progress = p
            self._writer_lock.publish(p)  # for status in other processes
            if progress is not None:
                progress(p)

        return report

    # -- background service --------------------------------------------------------------------------

    def start_background(self, progress: ProgressCallback | None = None, watch: bool = True) -> None:
        """Start the indexer thread: load the model, scan and index every folder, then watch them."""
        with self._lock:
            if self._service is not None:
                return
            self._service = BackgroundService(
                self,
                self._tracking(progress),
                watch and self.settings.watch,
                watch_filter=lambda: watched.watch_filter(
                    watched.exclusions_for(self.settings, self.paths), self.folders
                ),
                mark_missing=lambda folder: watched.set_unavailable(self.store.ledger, to_key(folder), True),
            )
            self._keyword_first.expect()  # a model load now waits for its first scan (keyword_first)
            if self._pausing:
                self._service.control.pause()
            self._service.start()

    def request_scan(self) -> None:
        """Ask the background service for a full rescan (after adding a folder, say)."""
        if self._service is not None:
            self._service.refresh_watches()
            self._service.request_scan()

    def pause_indexing(self) -> None:
        self._pausing = True  # a service not started yet (the window's Pause is live first) starts paused
        if self._service is not None:
            self._service.control.pause()

    def resume_indexing(self) -> None:
        self._pausing = False
        if self._service is not None:
            self._service.control.resume()

    @property
    def indexing_paused(self) -> bool:
        return self._service.control.paused if self._service is not None else self._pausing

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until the background service has nothing queued (tests and scripts). False on timeout."""
        return self._service is None or self._service.wait_idle(timeout)

    def stop_background(self, timeout: float = 30.0) -> None:
        """Stop watching and the indexer thread; the batch in hand is finished, nothing is lost."""
        with self._lock:
            service = self._service
        if service is not None:
            service.stop(timeout)
            with self._lock:
                if self._service is service and not service.alive:
                    self._service = None  # kept while its thread runs, so close() can wait again

    def retry(self, paths: list[str]) -> None:
        """Mark failed files pending again; the next index run retries them."""
        self.store.ledger.set_status(paths, FileStatus.PENDING, "Waiting to be retried.")
        if self._service is not None:
            self._service.add_paths([from_key(p) for p in paths])

    # -- search --------------------------------------------------------------------------------------

    def _get_searcher(self) -> Searcher:
        with self._lock:
            if self._searcher is None:
                from desktop_search.core.search.searcher import Searcher

                self._searcher = Searcher(
                    self.store,
                    self.embedder,
                    dense_weight=self.settings.dense_weight,
                    keyword_weight=self.settings.keyword_weight,
                    unavailable_folders=self.unavailable_folders,
                )
            return self._searcher

    def tune_search(self, **params: float) -> None:
        """Set ranking parameters for this session only (benchmarks and experiments; nothing is saved):
        those of ``search.fusion.FUSION_PARAMETERS``, e.g. ``rrf_k`` or ``language_centering=0``."""
        self._get_searcher().tune(**params)

    def search(
        self,
        query: str,
        k: int = 20,
        filters: SearchFilters | None = None,
        grouped: bool = True,
        mode: str = "hybrid",  # hybrid | dense | keyword
    ) -> list[SearchHit]:
        loading = self._load_lock.locked() or self._keyword_first.reading  # the indexer loads it soon
        if mode != "keyword" and not (loading and not self.model_ready):
            self.load_model()  # (while the indexer loads it, the searcher answers by keyword)
        with self._reading() as searcher:
            return searcher.search(query, k=k, filters=filters, grouped=grouped, mode=mode)

    def find_similar(
        self,
        chunk_id: str | None = None,
        path: str | None = None,
        k: int = 10,
        filters: SearchFilters | None = None,
    ) -> list[SearchHit]:
        with self._reading() as searcher:
            return searcher.find_similar(chunk_id=chunk_id, path=path, k=k, filters=filters)

    @contextlib.contextmanager
    def _reading(self) -> Iterator[Searcher]:
        """The live searcher, with its store counted as in use until the block ends (see a model switch)."""
        with self._lock:
            searcher, store = self._get_searcher(), self.store
            self._readers.enter(store)
        try:
            yield searcher
        finally:
            self._readers.leave(store)

    # -- ledger and status ---------------------------------------------------------------------------

    def files(self, status: FileStatus | None = None) -> list[FileRecord]:
        return self.store.ledger.files(status)

    def status(self) -> dict[str, Any]:
        """The ``desktop-search status --json`` object."""
        loaded = {"device": self.device, "precision": self.precision} if self.model_ready else {}
        model = {"model": self.model_name, "device": "", "precision": "", **loaded}
        progress = self._writer_lock.progress_elsewhere() or self.last_progress  # the window's, say
        return status_report(self.store, model, self.folders, str(self.paths.data_dir), progress)

    def check(self, repair: bool = False) -> dict[str, Any]:
        """Consistency check of ledger, chunks, keyword index and vectors (``desktop-search check``)."""
        return self.store.check(repair=repair).as_dict()

    def extracted_text(self, path: str) -> str:
        """The file's extracted text, rebuilt from its stored chunks (offsets match the hits')."""
        return extracted_text(self.store.ledger, path if path.startswith("\x00") else to_key(path))

    def close(self) -> None:
        self.stop_background()
        if (self._service is not None and self._service.alive) or not self._in_flight.cancel_and_wait(30.0):
            # closing the store under a running thread crashes SQLite (use after close): leave it open
            log.warning("an indexer thread did not stop in time; the store is left open")
            return
        with self._lock:
            pool, self._pool = self._pool, None
            if pool is not None:
                pool.close()
            if self._searcher is not None:
                self._searcher.close()  # its language means stop measuring before the store closes
            self.store.close()
            self._writer_lock.release()
