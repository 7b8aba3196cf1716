"""Building a new model's index beside the live one, the first half of a model switch.

The new model is loaded and its index filled from a full scan while searches keep using the live index;
the caller makes the new index live (see :mod:`desktop_search.core.model.switch`) only when it is
complete. An interrupted build leaves its partial index, and the next build resumes from it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from desktop_search.core.config.paths import AppPaths
from desktop_search.core.config.settings import Settings
from desktop_search.core.index import runs
from desktop_search.core.index.jobs import JobControl
from desktop_search.core.index.scanner import ScanPlan
from desktop_search.core.model import switch
from desktop_search.core.model.protocol import Embedder
from desktop_search.core.records import IndexProgress, Phase

if TYPE_CHECKING:
    from desktop_search.core.extract import ExtractorPool
    from desktop_search.core.index.indexer import Indexer, IndexOptions
    from desktop_search.core.store.store import Store


@dataclasses.dataclass(frozen=True)
class BuiltIndex:
    """A complete index for another model, ready to go live."""

    store: Store
    embedder: Embedder
    indexer: Indexer
    result: IndexProgress  # the build's last progress report


def build_index(
    target: str,
    settings: Settings,
    paths: AppPaths,
    pool: ExtractorPool,
    options: IndexOptions,
    scan: Callable[[Store], ScanPlan],
    report: Callable[[IndexProgress], None],
    control: JobControl | None,
) -> BuiltIndex | None:
    """Load ``target``, scan into its index and index everything (blocking).

    None when the build was cancelled or the settings moved on to yet another model meanwhile.
    """
    embedder = switch.create_embedder(settings, paths, target)
    embedder.load()
    store = switch.open_store(paths.index_dir, target)
    indexer = runs.build_indexer(store, embedder, settings, pool, options)
    message = f"Re-indexing for {target}; searches use the current index until it is done."

    def relay(p: IndexProgress) -> None:
        report(dataclasses.replace(p, message=p.message or message))

    result = runs.run_plan(store, indexer, scan(store), relay, control)
    if result.phase != Phase.DONE or settings.model != target:
        store.close()
        return None
    return BuiltIndex(store, embedder, indexer, result)
