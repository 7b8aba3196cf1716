"""One index run against a store, and building the indexer the settings ask for.

A run marks the store while it works; a mark still there at the next run means the last one was killed,
so the store is checked and repaired first. A run that ends well is followed by a compaction of the
vector index when deleted vectors' slots have piled up (:mod:`~desktop_search.core.index.compaction`).
Store failures (disk full, read-only, locked) leave a run as errors the user can act on.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from desktop_search.core.config.settings import Settings
from desktop_search.core.errors import UserError
from desktop_search.core.index.compaction import compact_if_due
from desktop_search.core.index.jobs import JobControl
from desktop_search.core.index.scanner import ScanPlan
from desktop_search.core.model.protocol import Embedder
from desktop_search.core.records import IndexProgress, Phase
from desktop_search.core.store.errors import store_error

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop_search.core.extract import ExtractorPool
    from desktop_search.core.index.indexer import Indexer, IndexOptions
    from desktop_search.core.index.keyword_first import KeywordFirst
    from desktop_search.core.search.searcher import Searcher
    from desktop_search.core.store.store import Store

    ProgressCallback = Callable[[IndexProgress], None]

log = logging.getLogger(__name__)

DIRTY_KEY = (
    "run_in_progress"  # ledger meta: "1" while indexing; still set at start-up: the last run was killed
)


def run_plan(
    store: Store, indexer: Indexer, plan: ScanPlan, report: ProgressCallback, control: JobControl | None
) -> IndexProgress:
    """Index what ``plan`` lists into ``store`` (blocking); returns the last progress report."""
    ledger = store.ledger
    try:
        if ledger.get_meta(DIRTY_KEY) == "1":
            # the last run was killed mid-way: bring ledger, keyword index and vectors back in line
            found = store.check(repair=True)
            if not found.consistent:
                log.warning("repaired the index after an interrupted run: %s", found.as_dict())
        ledger.set_meta(DIRTY_KEY, "1")
        result = indexer.run(plan, report, control)
        ledger.set_meta(DIRTY_KEY, "0")
        if result.phase == Phase.DONE and compact_if_due(store, result, report, control or JobControl()):
            report(result)  # the run's own last word again, after the compaction's
        return result
    except UserError:
        raise
    except Exception as err:
        converted = store_error(err)
        if converted is not err:
            raise converted from err
        raise


def index_options(settings: Settings) -> IndexOptions:
    from desktop_search.core.index.indexer import IndexOptions

    return IndexOptions(
        max_bytes=settings.max_file_size_mb * 2**20, timeout_s=settings.extract_timeout_s, ocr=settings.ocr
    )


def follow_settings(settings: Settings, indexer: Indexer | None, searcher: Searcher | None) -> None:
    """The live parts follow changed settings: the searcher's fusion weights, and the indexer's file
    size and time limits and OCR switch (from its next file on)."""
    import dataclasses

    if searcher is not None:
        searcher.dense_weight = settings.dense_weight
        searcher.keyword_weight = settings.keyword_weight
    if indexer is not None:
        fresh = index_options(settings)
        indexer.options = dataclasses.replace(
            indexer.options, max_bytes=fresh.max_bytes, timeout_s=fresh.timeout_s, ocr=fresh.ocr
        )


def build_indexer(
    store: Store,
    embedder: Embedder,
    settings: Settings,
    pool: ExtractorPool,
    options: IndexOptions,
    load_model: Callable[[], None] | None = None,
    keyword_first: KeywordFirst | None = None,
) -> Indexer:
    """An indexer for ``store`` whose chunker follows ``embedder``'s tokenizer and window.

    The model is not loaded here: the indexer's embedding phase calls ``load_model`` (default: the
    embedder's ``load``) when the first passage needs a vector, while files are made keyword-searchable;
    ``keyword_first`` learns when phase 1 runs (the engine's load waits for it).
    """
    from desktop_search.core.index.chunking import Chunker
    from desktop_search.core.index.indexer import Indexer

    chunker = Chunker(
        embedder.count_tokens, settings.chunk_tokens, settings.chunk_overlap_tokens, embedder.max_tokens
    )
    return Indexer(store, embedder, chunker, pool, options, load_model, keyword_first)
