"""The index status report: what ``desktop-search status --json`` prints and the GUI's status shows.

Counts by file status (``keyword_only``: listed and keyword-searchable, passages still waiting for
their vectors; ``indexed``: every vector stored), chunk total, the failures with their reasons, the
watched and unavailable folders, the store's size, and where the current indexing run is: this
process's, or another's that indexes the same store (the window, while a script asks:
:mod:`~desktop_search.core.index.beacon`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop_search.core.index.folders import unavailable_folders
from desktop_search.core.records import FileStatus, IndexProgress
from desktop_search.core.store.pathkeys import from_key

if TYPE_CHECKING:
    from desktop_search.core.store.store import Store


def status_report(
    store: Store, model: dict[str, str], folders: list[str], data_dir: str, progress: IndexProgress
) -> dict[str, Any]:
    """The status object; ``model`` gives the ``model``, ``device`` and ``precision`` entries."""
    ledger = store.ledger
    counts = ledger.counts()
    # keyword first, meaning next: an indexed file with passages still waiting for vectors is
    # keyword-only (listed and keyword-searchable); "indexed" counts the files with every vector
    keyword_only = ledger.keyword_only_files()
    counts["indexed"] = counts.get("indexed", 0) - keyword_only
    counts["keyword_only"] = keyword_only
    failures = [{"path": from_key(r.path), "reason": r.reason} for r in ledger.files(FileStatus.FAILED)]
    return {
        "files": {
            name: counts.get(name, 0) for name in ("indexed", "keyword_only", "failed", "skipped", "pending")
        },
        "chunks": ledger.chunk_total(),
        **model,
        "folders": folders,
        "unavailable_folders": [from_key(f) for f in unavailable_folders(ledger)],
        "store_bytes": store.store_size_bytes(),
        "data_dir": data_dir,
        "indexing": {
            "phase": str(progress.phase),
            "files_done": progress.files_done,
            "files_total": progress.files_total,
            "meaning_done": progress.meaning_done,
            "meaning_total": progress.meaning_total,
            "eta_s": progress.eta_s,
        },
        "failures": failures,
    }
