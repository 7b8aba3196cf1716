"""The one object callers hold: the GUI, the tray, the CLI and the benchmarks all use :class:`Engine`.

It owns the settings, the store, the embedder, the indexer and the watcher; callers never reach
into those directly. Every method is safe to call from any thread. Long methods (``load_model``,
``index``, ``search`` before the model is loaded) block, so a UI calls them from a worker thread,
or uses the background service (``start_background``), which runs one long-lived indexer thread
that scans, indexes, then watches the folders and reports progress through a callback.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import json
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from desktop_search.core.config.paths import AppPaths, resolve_paths
from desktop_search.core.config.settings import Settings, load_settings, save_settings
from desktop_search.core.errors import FolderUnreadableError, StoreUnavailableError, UserError
from desktop_search.core.extract.kinds import is_listed
from desktop_search.core.index.exclusions import Exclusions
from desktop_search.core.index.jobs import JobControl
from desktop_search.core.index.scanner import DiskFile, ScanPlan, diff_folder, walk_folder
from desktop_search.core.index.writerlock import WriterLock
from desktop_search.core.model.embedder import Embedder, HashEmbedder, LoadProgress
from desktop_search.core.records import (
    FileRecord,
    FileStatus,
    IndexProgress,
    Phase,
    SearchFilters,
    SearchHit,
)
from desktop_search.core.store.pathkeys import from_key, to_key

log = logging.getLogger(__name__)

ProgressCallback = Callable[[IndexProgress], None]
LoadCallback = Callable[[LoadProgress], None]
EMBEDDER_ENV = "DESKTOP_SEARCH_EMBEDDER"  # "hash": the fast fake embedder (tests and diagnostics only)
_UNAVAILABLE_KEY = "unavailable_folders"
_ACTIVE_MODEL_FILE = "active-model.json"  # which model's index serves searches
_DIRTY_KEY = "run_in_progress"  # set while indexing; still set at start-up means the last run was killed
# settings whose change alters what is indexed or how it is cut: a rescan follows
RESCAN_FIELDS = frozenset({"chunk_tokens", "chunk_overlap_tokens", "exclusions", "include_hidden"})


def _embedder_from_env() -> Embedder | None:
    if os.environ.get(EMBEDDER_ENV, "").lower() == "hash":
        return HashEmbedder()
    return None


class Engine:
    """Facade over store, embedder, indexer, watcher and search."""

    def __init__(self, settings: Settings, paths: AppPaths, embedder: Any = None) -> None:
        self.settings = settings
        self.paths = paths.ensure()
        if embedder is None:
            embedder = _embedder_from_env()
        # an embedder handed in (tests, diagnostics) pins the model: no background model switch
        self._pinned = embedder is not None
        active = (
            embedder.model_name if embedder is not None else (self._read_active_model() or settings.model)
        )
        if embedder is None:
            embedder = self._create_embedder(active)
        self.embedder: Any = embedder
        self.model_name: str = active
        self.store = self._open_store(active)
        self._write_active_model(active)
        self._lock = threading.RLock()
        self._load_lock = threading.Lock()
        self._pool: Any = None
        self._indexer: Any = None
        self._searcher: Any = None
        self.model_error: UserError | None = None
        self.last_progress = IndexProgress(Phase.IDLE)
        self._service: _BackgroundService | None = None
        self._readers: dict[int, int] = {}  # searches in flight per store (by id)
        self._readers_done = threading.Condition()
        self._writer_lock = WriterLock(paths.index_dir / "writer.lock")

    # -- which model's index is live -----------------------------------------------------------------

    def _store_dir(self, model_name: str) -> Path:
        from desktop_search.core.store.vectors import collection_name

        return self.paths.index_dir / collection_name(model_name)

    def _open_store(self, model_name: str) -> Any:
        from desktop_search.core.store.store import Store

        try:
            self.paths.index_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.paths.index_dir.chmod(0o700)
            return Store(self._store_dir(model_name), model_name)
        except Exception as err:
            raise _store_error(err) from err

    def _create_embedder(self, model_name: str) -> Any:
        from desktop_search.core.model.source import create_embedder

        if model_name == self.settings.model:
            return create_embedder(self.settings, self.paths)
        return create_embedder(
            dataclasses.replace(self.settings, model=model_name, model_path=""), self.paths
        )

    def _read_active_model(self) -> str | None:
        try:
            return str(json.loads((self.paths.index_dir / _ACTIVE_MODEL_FILE).read_text())["model"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _write_active_model(self, model_name: str) -> None:
        if self._read_active_model() == model_name:
            return
        target = self.paths.index_dir / _ACTIVE_MODEL_FILE
        tmp = target.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(json.dumps({"model": model_name}))
        os.replace(tmp, target)

    @property
    def migration_pending(self) -> bool:
        """The settings name another model than the live index's: a re-index for it is due."""
        return not self._pinned and self.settings.model != self.model_name

    def change_model(self, model_name: str, model_path: str = "") -> None:
        """Switch to another model: its index is built in the background while the current one serves.

        The switch is atomic once the new index is complete; the old index is removed only then, and a
        switch interrupted by a crash resumes at the next start.
        """
        self.update_settings(model=model_name, model_path=model_path)

    def migrate_model(
        self, progress: ProgressCallback | None = None, control: JobControl | None = None
    ) -> bool:
        """Build the index for ``settings.model`` and switch to it (blocking). True when switched."""
        if not self.migration_pending:
            return False
        from desktop_search.core.index.indexer import Indexer

        target = self.settings.model
        report = self._tracking(progress)
        report(IndexProgress(Phase.LOADING_MODEL, message=f"Loading {target} for re-indexing…"))
        self._get_indexer()  # the writer lock and the extractor pool
        embedder = self._create_embedder(target)
        embedder.load()
        store = self._open_store(target)
        indexer = Indexer(store, embedder, self._chunker_for(embedder), self._pool, self._indexer.options)
        message = f"Re-indexing for {target}; searches use the current index until it is done."

        def relay(p: IndexProgress) -> None:
            report(dataclasses.replace(p, message=p.message or message))

        plan = self.scan(store=store)
        result = self._run_on(store, indexer, plan, relay, control)
        if result.phase != Phase.DONE or self.settings.model != target:
            store.close()
            return False
        with self._lock:
            old_store, old_model = self.store, self.model_name
            self.store, self.embedder, self.model_name = store, embedder, target
            self._indexer, self._searcher = indexer, None
            self._write_active_model(target)
        self._retire_store(old_store)
        shutil.rmtree(self._store_dir(old_model), ignore_errors=True)
        report(dataclasses.replace(result, message=f"Now searching with {target}."))
        return True

    @classmethod
    def open(
        cls, data_dir: str | Path | None = None, embedder: Any = None, settings: Settings | None = None
    ) -> Engine:
        """Load settings from the (possibly overridden) config dir and open the store.

        ``embedder`` replaces the configured model (tests pass a HashEmbedder or the shared real one);
        ``settings`` replaces the saved settings (not saved until ``save_settings``).
        """
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
            changed = {
                f.name
                for f in dataclasses.fields(Settings)
                if getattr(self.settings, f.name) != getattr(new, f.name)
            }
            if not changed:
                return changed
            for name in changed:
                setattr(self.settings, name, getattr(new, name))
            self.save_settings()
        if changed & {"model", "model_path"} and self._service is not None:
            self._service.wake()
        if changed & RESCAN_FIELDS:
            self.request_scan()
        return changed

    # -- model ---------------------------------------------------------------------------------------

    def load_model(self, progress: LoadCallback | None = None) -> None:
        """Resolve and load the embedding model (blocking; raises ModelUnavailableError)."""
        with self._load_lock:
            load = getattr(self.embedder, "load", None)
            if load is None:
                return
            if progress is not None and hasattr(self.embedder, "_folder_source"):
                self._attach_load_progress(progress)
            try:
                load()
            except UserError as err:
                self.model_error = err
                raise
            self.model_error = None
            _ = self.store.vectors  # open the vector store here too, off the caller's UI thread
        # and anchor the shown scores (~0.3 s, once per model); outside the load lock, because the
        # searcher is fetched under the engine lock, which _get_indexer holds while it loads the model
        self._get_searcher().match_scale()

    def _attach_load_progress(self, progress: LoadCallback) -> None:
        source = self.embedder._folder_source
        if not callable(source) or getattr(source, "_with_progress", False):
            return
        from desktop_search.core.model.source import resolve_model_folder

        settings, paths = self.settings, self.paths

        def folder() -> Path:
            return resolve_model_folder(settings.model, paths, settings.model_path, False, progress)

        folder._with_progress = True  # type: ignore[attr-defined]
        self.embedder._folder_source = folder

    @property
    def model_ready(self) -> bool:
        return bool(getattr(self.embedder, "loaded", True))

    @property
    def precision(self) -> str:
        return str(getattr(self.embedder, "precision", "") or "float32")

    @property
    def device(self) -> str:
        return str(getattr(self.embedder, "device", "") or "cpu")

    # -- folders -------------------------------------------------------------------------------------

    @property
    def folders(self) -> list[str]:
        return list(self.settings.folders)

    def add_folder(self, folder: str | Path) -> None:
        """Watch and index a folder (raises FolderUnreadableError); the background service scans it."""
        path = os.path.abspath(os.path.expanduser(os.fspath(folder)))
        if not os.path.isdir(path):
            raise FolderUnreadableError(f"The folder {path} does not exist.", "Pick an existing folder.")
        if not os.access(path, os.R_OK | os.X_OK):
            raise FolderUnreadableError(f"The folder {path} cannot be read.", "Check its permissions.")
        with self._lock:
            for existing in self.settings.folders:
                if _is_within(path, existing):
                    return  # already covered
            # a new parent replaces the folders inside it
            inner = [f for f in self.settings.folders if f != path and _is_within(f, path)]
            self.settings.folders = [f for f in self.settings.folders if f not in inner] + [path]
            for f in inner:
                self._reassign_folder(to_key(f), to_key(path))
            self.save_settings()
        self.request_scan()

    def _reassign_folder(self, old_key: str, new_key: str) -> None:
        with self.store.ledger.transaction() as tx:
            tx.execute("UPDATE files SET folder = ? WHERE folder = ?", (new_key, old_key))

    def remove_folder(self, folder: str | Path) -> None:
        """Stop indexing a folder and drop its entries from the index."""
        path = os.path.abspath(os.path.expanduser(os.fspath(folder)))
        with self._lock:
            self.settings.folders = [f for f in self.settings.folders if f != path]
            self.save_settings()
            rows = self.store.ledger.files(folder=to_key(path))
            self.store.remove_files([r.path for r in rows])
            self._set_unavailable(to_key(path), False)
        if self._service is not None:
            self._service.refresh_watches()

    # -- unavailable folders (unplugged drives) -------------------------------------------------------

    def unavailable_folders(self) -> list[str]:
        raw = self.store.ledger.get_meta(_UNAVAILABLE_KEY, "[]") or "[]"
        try:
            return list(json.loads(raw))
        except ValueError:
            return []

    def _set_unavailable(self, folder_key: str, missing: bool, store: Any = None) -> None:
        ledger = (store or self.store).ledger
        current = set(json.loads(ledger.get_meta(_UNAVAILABLE_KEY, "[]") or "[]"))
        changed = (folder_key in current) != missing
        if not changed:
            return
        current = current | {folder_key} if missing else current - {folder_key}
        ledger.set_meta(_UNAVAILABLE_KEY, json.dumps(sorted(current)))

    # -- indexing ------------------------------------------------------------------------------------

    def _exclusions(self) -> Exclusions:
        return Exclusions(
            self.settings.exclusions,
            self.settings.include_hidden,
            private_dirs=(
                self.paths.data_dir,
                self.paths.cache_dir,
                self.paths.config_dir,
                self.paths.log_dir,
            ),
        )

    def _chunker_for(self, embedder: Any) -> Any:
        """A chunker for ``embedder``'s tokenizer and window, sized by the settings."""
        from desktop_search.core.index.chunking import Chunker

        return Chunker(
            embedder.count_tokens,
            self.settings.chunk_tokens,
            self.settings.chunk_overlap_tokens,
            embedder.max_tokens,
        )

    def _get_indexer(self) -> Any:
        with self._lock:
            if self._indexer is None:
                from desktop_search.core.extract import ExtractorPool
                from desktop_search.core.index.indexer import Indexer, IndexOptions

                self._writer_lock.acquire()
                self.load_model()
                chunker = self._chunker_for(self.embedder)
                self._pool = ExtractorPool(workers=1)
                options = IndexOptions(
                    max_bytes=self.settings.max_file_size_mb * 2**20,
                    timeout_s=self.settings.extract_timeout_s,
                )
                self._indexer = Indexer(self.store, self.embedder, chunker, self._pool, options)
            return self._indexer

    def scan(self, folders: Iterable[str] | None = None, store: Any = None) -> ScanPlan:
        """Diff the folders (all by default) against the ledger; missing folders keep their entries."""
        store = store or self.store
        plan = ScanPlan()
        exclusions = self._exclusions()
        for folder in folders if folders is not None else self.folders:
            key = to_key(folder)
            if not os.path.isdir(folder):
                plan.missing_folders.append(key)
                self._set_unavailable(key, True, store)
                continue
            known = store.ledger.snapshot(key)
            disk = {f.key: f for f in walk_folder(folder, exclusions, _log_walk_error)}
            if known and not disk and _is_empty_dir(folder):
                # an unmounted drive leaves its empty mount point behind: keep the entries
                plan.missing_folders.append(key)
                self._set_unavailable(key, True, store)
                continue
            plan.present_folders.append(key)
            self._set_unavailable(key, False, store)
            diff_folder(folder, known, disk, plan)
        return plan

    def index(
        self, progress: ProgressCallback | None = None, control: JobControl | None = None
    ) -> IndexProgress:
        """Scan every folder and index what changed (blocking; pausable and cancellable via control).

        Returns the last progress report (phase DONE or CANCELLED).
        """
        report = self._tracking(progress)
        indexer = self._loaded_indexer(report)
        report(IndexProgress(Phase.SCANNING))
        plan = self.scan()
        return self._run(indexer, plan, report, control)

    def index_paths(
        self, paths: list[str], progress: ProgressCallback | None = None, control: JobControl | None = None
    ) -> IndexProgress:
        """Index (or forget, when gone) just these files (blocking)."""
        report = self._tracking(progress)
        indexer = self._loaded_indexer(report)
        return self._run(indexer, self._plan_for_paths(paths), report, control)

    def _loaded_indexer(self, report: ProgressCallback) -> Any:
        if not self.model_ready:
            report(IndexProgress(Phase.LOADING_MODEL, message="Loading the model…"))
        return self._get_indexer()

    def _run(
        self, indexer: Any, plan: ScanPlan, report: ProgressCallback, control: JobControl | None
    ) -> IndexProgress:
        return self._run_on(self.store, indexer, plan, report, control)

    def _run_on(
        self, store: Any, indexer: Any, plan: ScanPlan, report: ProgressCallback, control: JobControl | None
    ) -> IndexProgress:
        ledger = store.ledger
        try:
            if ledger.get_meta(_DIRTY_KEY) == "1":
                # the last run was killed mid-way: bring ledger, keyword index and vectors back in line
                found = store.check(repair=True)
                if not found.consistent:
                    log.warning("repaired the index after an interrupted run: %s", found.as_dict())
            ledger.set_meta(_DIRTY_KEY, "1")
            result = indexer.run(plan, report, control)
            ledger.set_meta(_DIRTY_KEY, "0")
            return result
        except UserError:
            raise
        except Exception as err:
            converted = _store_error(err)
            if converted is not err:
                raise converted from err
            raise

    def _plan_for_paths(self, paths: Iterable[str]) -> ScanPlan:
        plan = ScanPlan()
        exclusions = self._exclusions()
        roots = self.folders
        seen: set[str] = set()
        listings: dict[str, list[FileRecord]] = {}  # a root's rows, read once per call
        for path in paths:
            path = os.path.abspath(path)
            root = _root_of(path, roots)
            if root is None or path in seen:
                continue
            seen.add(path)
            key = to_key(path)
            record = self.store.ledger.get(key)
            try:
                st = os.stat(path)
            except OSError:
                st = None
            if (
                st is None
                or not os.path.isfile(path)
                or not is_listed(path)
                or exclusions.excludes(path, root)
            ):
                if record is not None:
                    plan.deleted.append(record)
                    if st is None:
                        continue  # a deleted file; only a path the ledger does not know may be a folder
                # a folder that went away: forget everything below it
                prefix = key.rstrip(os.sep) + os.sep
                if root not in listings:
                    listings[root] = self.store.ledger.files(folder=to_key(root))
                for row in listings[root]:
                    if row.path.startswith(prefix) and row.path not in seen:
                        seen.add(row.path)
                        plan.deleted.append(row)
                continue
            found = DiskFile(key, to_key(root), st.st_size, st.st_mtime)
            if record is None:
                plan.new.append(found)
            elif (
                record.status == FileStatus.PENDING
                or record.size != found.size
                or record.mtime != found.mtime
            ):
                plan.changed.append((record, found))
        return plan

    def _tracking(self, progress: ProgressCallback | None) -> ProgressCallback:
        def report(p: IndexProgress) -> None:
            self.last_progress = p
            if progress is not None:
                progress(p)

        return report

    # -- background service --------------------------------------------------------------------------

    def start_background(self, progress: ProgressCallback | None = None, watch: bool = True) -> None:
        """Start the indexer thread: load the model, scan and index every folder, then watch them."""
        with self._lock:
            if self._service is not None:
                return
            self._service = _BackgroundService(self, self._tracking(progress), watch and self.settings.watch)
            self._service.start()

    def request_scan(self) -> None:
        """Ask the background service for a full rescan (after adding a folder, say)."""
        if self._service is not None:
            self._service.refresh_watches()
            self._service.request_scan()

    def pause_indexing(self) -> None:
        if self._service is not None:
            self._service.control.pause()

    def resume_indexing(self) -> None:
        if self._service is not None:
            self._service.control.resume()

    @property
    def indexing_paused(self) -> bool:
        return self._service is not None and self._service.control.paused

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until the background service has nothing queued (tests and scripts). False on timeout."""
        if self._service is None:
            return True
        return self._service.wait_idle(timeout)

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

    def _get_searcher(self) -> Any:
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

    def search(
        self,
        query: str,
        k: int = 20,
        filters: SearchFilters | None = None,
        grouped: bool = True,
        mode: str = "hybrid",  # hybrid | dense | keyword
    ) -> list[SearchHit]:
        if mode != "keyword":
            self.load_model()
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
    def _reading(self) -> Iterator[Any]:
        """The live searcher, with its store counted as in use until the block ends (see a model switch)."""
        with self._lock:
            searcher = self._get_searcher()
            store = self.store
            with self._readers_done:
                self._readers[id(store)] = self._readers.get(id(store), 0) + 1
        try:
            yield searcher
        finally:
            with self._readers_done:
                self._readers[id(store)] -= 1
                self._readers_done.notify_all()

    def _retire_store(self, store: Any, timeout: float = 60.0) -> None:
        """Close a store that is no longer live once the searches still using it are over."""
        with self._readers_done:
            self._readers_done.wait_for(lambda: self._readers.get(id(store), 0) == 0, timeout)
            self._readers.pop(id(store), None)
        store.close()

    # -- ledger and status ---------------------------------------------------------------------------

    def files(self, status: FileStatus | None = None) -> list[FileRecord]:
        return self.store.ledger.files(status)

    def status(self) -> dict[str, Any]:
        """The ``desktop-search status --json`` object."""
        counts = self.store.ledger.counts()
        unavailable = self.unavailable_folders()
        failures = [
            {"path": from_key(r.path), "reason": r.reason} for r in self.store.ledger.files(FileStatus.FAILED)
        ]
        progress = self.last_progress
        return {
            "files": {
                "indexed": counts.get("indexed", 0),
                "failed": counts.get("failed", 0),
                "skipped": counts.get("skipped", 0),
                "pending": counts.get("pending", 0),
            },
            "chunks": self.store.ledger.chunk_total(),
            "model": self.model_name,
            "device": self.device if self.model_ready else "",
            "precision": self.precision if self.model_ready else "",
            "folders": self.folders,
            "unavailable_folders": [from_key(f) for f in unavailable],
            "store_bytes": self.store.store_size_bytes(),
            "data_dir": str(self.paths.data_dir),
            "indexing": {
                "phase": str(progress.phase),
                "files_done": progress.files_done,
                "files_total": progress.files_total,
            },
            "failures": failures,
        }

    def check(self, repair: bool = False) -> dict[str, Any]:
        """Consistency check of ledger, chunks, keyword index and vectors (``desktop-search check``)."""
        return self.store.check(repair=repair).as_dict()

    def extracted_text(self, path: str) -> str:
        """The file's extracted text, rebuilt from its stored chunks (offsets match the hits')."""
        chunks = self.store.ledger.chunks_of(path if path.startswith("\x00") else to_key(path))
        if not chunks:
            return ""
        size = max(c.end for c in chunks)
        buffer = ["\n"] * size
        for c in chunks:
            buffer[c.start : c.end] = list(c.text[: c.end - c.start])
        return "".join(buffer)

    def close(self) -> None:
        self.stop_background()
        service = self._service
        if service is not None and service.alive:
            # closing the store under a running thread crashes SQLite (use after close): leave it open
            log.warning("the indexer thread did not stop in time; the store is left open")
            return
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None
            self.store.close()
            self._writer_lock.release()


def _is_within(path: str, folder: str) -> bool:
    """``path`` is ``folder`` or below it."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _root_of(path: str, folders: Iterable[str]) -> str | None:
    """The innermost watched folder holding ``path``."""
    return max((f for f in folders if _is_within(path, f)), key=len, default=None)


def _is_empty_dir(folder: str) -> bool:
    try:
        with os.scandir(folder) as entries:
            return next(entries, None) is None
    except OSError:
        return False


def _log_walk_error(path: str, err: OSError) -> None:
    log.warning("cannot read %r: %s", path, err)


_FULL_ERRNOS = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})
_READ_ONLY_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


def _store_error(err: BaseException) -> BaseException:
    """Disk full, read-only or locked stores become a StoreUnavailableError the user can act on."""
    text = str(err).lower()
    code = err.errno if isinstance(err, OSError) else None
    if isinstance(err, UserError):
        return err
    if ("disk" in text and "full" in text) or "no space" in text or code in _FULL_ERRNOS:
        return StoreUnavailableError(
            "The disk holding the index is full.", "Free some space; indexing resumes by itself."
        )
    if (
        "readonly" in text
        or "read-only" in text
        or "permission denied" in text
        or "unable to open database file" in text  # SQLite's words for a folder it cannot write
        or code in _READ_ONLY_ERRNOS
    ):
        return StoreUnavailableError(
            "The index folder cannot be written (read-only or no permission).",
            "Check the data folder's permissions.",
        )
    if "locked" in text:
        return StoreUnavailableError(
            "The index is locked by another program.", "Close other Desktop Search instances and retry."
        )
    return err


class _BackgroundService:
    """The long-lived indexer thread: full scans, watched changes, pause/resume, clean stop."""

    RETRY_AFTER_ERROR_S = 30.0

    def __init__(self, engine: Engine, report: ProgressCallback, watch: bool) -> None:
        self.engine = engine
        self.report = report
        self.watch = watch
        self.control = JobControl()
        self._cond = threading.Condition()
        self._scan = True
        self._paths: set[str] = set()
        self._stopping = False
        self._busy = False
        self._migration_failed_for = ""
        self._thread = threading.Thread(target=self._loop, name="indexer", daemon=True)
        self._watcher: Any = None

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
        with self._cond:
            self._cond.notify_all()

    def _migration_due(self) -> bool:
        engine = self.engine
        return engine.migration_pending and self._migration_failed_for != engine.settings.model

    def wait_idle(self, timeout: float | None) -> bool:
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
        if self._watcher is not None:
            self._watcher.set_folders(self.engine.folders)

    def _start_watcher(self) -> None:
        try:
            from desktop_search.core.watch.watcher import FolderWatcher
        except ImportError:
            log.warning("folder watching is not available")
            return
        exclusions = self.engine._exclusions()
        folders = self.engine.folders

        def excluded(path: str) -> bool:
            root = _root_of(path, folders)
            return root is not None and exclusions.excludes(path, root)

        # the watcher's default rules (hidden, temp and lock files) are already in Exclusions

        self._watcher = FolderWatcher(self._on_changes, is_excluded=excluded)
        self._watcher.set_folders(folders)
        self._watcher.start()

    def _on_changes(self, changes: Any) -> None:
        paths = set(changes.changed) | set(changes.deleted)
        for old, new in changes.moved:
            paths.update((old, new))
        paths.update(getattr(changes, "deleted_dirs", ()) or ())
        for folder in changes.missing:
            self.engine._set_unavailable(to_key(folder), True)
        with self._cond:
            self._paths.update(paths)
            if changes.rescan or changes.returned:
                self._scan = True
            self._cond.notify_all()

    def _migrate(self) -> None:
        target = self.engine.settings.model
        try:
            self.engine.migrate_model(self.report, self.control)
        except UserError as err:  # the new model cannot be loaded: keep the current index, say why
            self._migration_failed_for = target
            self.engine.model_error = err
            self.report(IndexProgress(Phase.IDLE, message=str(err)))

    def _loop(self) -> None:
        try:
            self.engine._loaded_indexer(self.report)
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
                    lambda: self._stopping or self._scan or self._paths or self._migration_due()
                )
                if self._stopping:
                    return
                scan, paths = self._scan, self._paths
                self._scan, self._paths = False, set()
                self._busy = True
            try:
                if scan:
                    self.engine.index(self.report, self.control)
                elif paths:
                    self.engine.index_paths(sorted(paths), self.report, self.control)
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
