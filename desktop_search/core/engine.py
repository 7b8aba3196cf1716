"""The one object callers hold: the GUI, the tray, the CLI and the benchmarks all use :class:`Engine`.

It owns the settings, the store, the embedder, the indexer and the watcher; callers never reach
into those directly. Every method is safe to call from any thread. Long methods (``load_model``,
``index``, ``search`` before the model is loaded) block, so a UI calls them from a worker thread,
or uses the background service (``start_background``), which runs one long-lived indexer thread
that scans, indexes, then watches the folders and reports progress through a callback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_search.core.embedder import LoadProgress
from desktop_search.core.jobs import JobControl
from desktop_search.core.paths import AppPaths
from desktop_search.core.records import FileRecord, FileStatus, IndexProgress, SearchFilters, SearchHit
from desktop_search.core.settings import Settings

ProgressCallback = Callable[[IndexProgress], None]
LoadCallback = Callable[[LoadProgress], None]


class Engine:  # pragma: no cover - contract; implemented in the indexing and search issues
    """Facade over store, embedder, indexer, watcher and search."""

    settings: Settings
    paths: AppPaths

    def __init__(self, settings: Settings, paths: AppPaths, embedder: Any = None) -> None:
        raise NotImplementedError

    @classmethod
    def open(
        cls, data_dir: str | Path | None = None, embedder: Any = None, settings: Settings | None = None
    ) -> Engine:
        """Load settings from the (possibly overridden) config dir and open the store.

        ``embedder`` replaces the configured model (tests pass a HashEmbedder or the shared real one);
        ``settings`` replaces the saved settings (not saved until ``save_settings``).
        """
        raise NotImplementedError

    def save_settings(self) -> None:
        raise NotImplementedError

    # model
    def load_model(self, progress: LoadCallback | None = None) -> None:
        """Resolve and load the embedding model (blocking; raises ModelUnavailableError)."""
        raise NotImplementedError

    @property
    def model_ready(self) -> bool:
        raise NotImplementedError

    # folders and indexing
    @property
    def folders(self) -> list[str]:
        raise NotImplementedError

    def add_folder(self, folder: str | Path) -> None:
        """Watch and index a folder (raises FolderUnreadableError); the background service scans it."""
        raise NotImplementedError

    def remove_folder(self, folder: str | Path) -> None:
        """Stop indexing a folder and drop its entries from the index."""
        raise NotImplementedError

    def index(self, progress: ProgressCallback | None = None, control: JobControl | None = None) -> IndexProgress:
        """Scan every folder and index what changed (blocking; pausable and cancellable via control).

        Returns the last progress report (phase DONE or CANCELLED).
        """
        raise NotImplementedError

    def index_paths(
        self, paths: list[str], progress: ProgressCallback | None = None, control: JobControl | None = None
    ) -> IndexProgress:
        """Index (or forget, when gone) just these files (blocking)."""
        raise NotImplementedError

    # background service: one long-lived indexer thread
    def start_background(self, progress: ProgressCallback | None = None, watch: bool = True) -> None:
        """Start the indexer thread: load the model, scan and index every folder, then watch them."""
        raise NotImplementedError

    def request_scan(self) -> None:
        """Ask the background service for a full rescan (after adding a folder, say)."""
        raise NotImplementedError

    def pause_indexing(self) -> None:
        raise NotImplementedError

    def resume_indexing(self) -> None:
        raise NotImplementedError

    @property
    def indexing_paused(self) -> bool:
        raise NotImplementedError

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until the background service has nothing queued (tests and scripts). False on timeout."""
        raise NotImplementedError

    def stop_background(self, timeout: float = 30.0) -> None:
        """Stop watching and the indexer thread; the batch in hand is finished, nothing is lost."""
        raise NotImplementedError

    def retry(self, paths: list[str]) -> None:
        """Mark failed files pending again; the next index run retries them."""
        raise NotImplementedError

    # search
    def search(
        self,
        query: str,
        k: int = 20,
        filters: SearchFilters | None = None,
        grouped: bool = True,
        mode: str = "hybrid",  # hybrid | dense | keyword
    ) -> list[SearchHit]:
        raise NotImplementedError

    def find_similar(
        self, chunk_id: str | None = None, path: str | None = None, k: int = 10
    ) -> list[SearchHit]:
        raise NotImplementedError

    # ledger and status
    def files(self, status: FileStatus | None = None) -> list[FileRecord]:
        raise NotImplementedError

    def status(self) -> dict[str, Any]:
        """The ``desktop-search status --json`` object."""
        raise NotImplementedError

    def check(self, repair: bool = False) -> dict[str, Any]:
        """Consistency check of ledger, chunks, keyword index and vectors (``desktop-search check``)."""
        raise NotImplementedError

    def extracted_text(self, path: str) -> str:
        """The file's extracted text (for a preview around a passage)."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError
