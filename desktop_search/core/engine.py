"""The one object callers hold: the GUI, the tray, the CLI and the benchmarks all use :class:`Engine`.

It owns the settings, the store, the embedder, the indexer and the watcher; callers never reach
into those directly. Every method is safe to call from any thread; long methods (``load_model``,
``index``, ``search`` before the model is loaded) block, so a UI calls them from a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_search.core.jobs import JobControl
from desktop_search.core.paths import AppPaths
from desktop_search.core.records import FileRecord, FileStatus, IndexProgress, SearchFilters, SearchHit
from desktop_search.core.settings import Settings

ProgressCallback = Callable[[IndexProgress], None]


class Engine:  # pragma: no cover - contract; implemented in the indexing and search issues
    """Facade over store, embedder, indexer, watcher and search."""

    def __init__(self, settings: Settings, paths: AppPaths, embedder: Any = None) -> None:
        raise NotImplementedError

    @classmethod
    def open(cls, data_dir: str | Path | None = None, embedder: Any = None) -> Engine:
        """Load settings from the (possibly overridden) config dir and open the store."""
        raise NotImplementedError

    # model
    def load_model(self, progress: Callable[[str], None] | None = None) -> None:
        """Resolve and load the embedding model (blocking; raises ModelUnavailableError)."""
        raise NotImplementedError

    @property
    def model_ready(self) -> bool:
        raise NotImplementedError

    # folders and indexing
    def add_folder(self, folder: str | Path) -> None:
        raise NotImplementedError

    def remove_folder(self, folder: str | Path) -> None:
        """Stop indexing a folder and drop its entries from the index."""
        raise NotImplementedError

    def index(self, progress: ProgressCallback | None = None, control: JobControl | None = None) -> None:
        """Scan every folder and index what changed (blocking; pausable and cancellable via control)."""
        raise NotImplementedError

    def start_watching(self, progress: ProgressCallback | None = None) -> None:
        raise NotImplementedError

    def stop_watching(self) -> None:
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

    def extracted_text(self, path: str) -> str:
        """The file's extracted text (for a preview around a passage)."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError
