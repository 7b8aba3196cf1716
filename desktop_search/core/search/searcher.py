"""Hybrid search over the store: dense (Chroma) + keyword (FTS5 BM25), fused, grouped by file.

The Engine holds one :class:`Searcher` and delegates ``search`` and ``find_similar`` to it. A search
never raises on what the user typed: empty, huge, punctuation-only or operator-laden queries, NUL
bytes and lone surrogates all answer cleanly (possibly with no results).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import numpy as np

from desktop_search.core.model.protocol import Embedder
from desktop_search.core.records import SearchFilters, SearchHit, Span
from desktop_search.core.search.code_passages import UNMATCHED_CODE_FACTOR, unmatched_code
from desktop_search.core.search.crumb_passages import UNMATCHED_CRUMB_FACTOR, unmatched_crumb
from desktop_search.core.search.figure_passages import UNMATCHED_FIGURE_FACTOR, unmatched_figure
from desktop_search.core.search.filters import chroma_where, normalise
from desktop_search.core.search.folding import fold_duplicates, fold_similar
from desktop_search.core.search.fusion import (
    COVERAGE_POWER,
    FUSION_PARAMETERS,
    RRF_K,
    RRF_K_MIN,
    RRF_K_SHARE,
    SHARED_RARITY_MIN_PASSAGES,
    SHARED_RARITY_POWER,
    STRAY_COVERAGE_POWER,
    STRAY_MIN_TERMS,
    UNRELATED_STRENGTH,
    Candidate,
    assign_dense_ranks,
    demote_unrelated_dense_votes,
    fuse,
    index_rrf_k,
    keyword_rank_stands_in,
    scope_probe,
    shared_words_rarity,
)
from desktop_search.core.search.grouping import PageKey, fold_pages, group_by_file, page_key, use_room
from desktop_search.core.search.highlight import (
    Highlighter,
    QueryTerm,
    content_matches,
    coverage,
    query_terms,
)
from desktop_search.core.search.keyword import KeywordAnswer, KeywordSearch
from desktop_search.core.search.language import sure_language
from desktop_search.core.search.language_centroids import ABSENT_CENTERING, LanguageCentroids, shifted_query
from desktop_search.core.search.language_offsets import LanguageOffsets
from desktop_search.core.search.license_passages import (
    UNMATCHED_LICENSE_FACTOR,
    asks_about_licences,
    unmatched_license,
)
from desktop_search.core.search.match_strength import RAW_COSINE, Calibration, MatchScale, measure_calibration
from desktop_search.core.search.name_lists import UNMATCHED_NAMES_FACTOR, unmatched_name_list
from desktop_search.core.search.navigation import demote_navigation
from desktop_search.core.search.query_text import clean_query, dense_query_text
from desktop_search.core.search.text_constraints import MAX_DEPTH, WIDEN, TextConstraint
from desktop_search.core.search.translations import fold_translations, guessed_language, room_for
from desktop_search.core.search.unmatched import demote_unmatched
from desktop_search.core.store.ledger import ChunkRow
from desktop_search.core.store.store import Store

log = logging.getLogger(__name__)

MODES = ("hybrid", "dense", "keyword")
MIN_DEPTH = 50  # candidates fetched per leg, at least
_WORD = re.compile(r"\w", re.UNICODE)


class Searcher:
    """Answers searches and find-similar requests against one store with one embedder."""

    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        dense_weight: float = 1.0,
        keyword_weight: float = 1.0,
        unavailable_folders: Callable[[], Sequence[str]] = lambda: (),
        rrf_k: float = RRF_K,
        coverage_power: float = COVERAGE_POWER,
        code_factor: float = UNMATCHED_CODE_FACTOR,
        license_factor: float = UNMATCHED_LICENSE_FACTOR,
        figure_factor: float = UNMATCHED_FIGURE_FACTOR,
        crumb_factor: float = UNMATCHED_CRUMB_FACTOR,
        names_factor: float = UNMATCHED_NAMES_FACTOR,
        stray_min_terms: float = STRAY_MIN_TERMS,
        language_centering: float = 1.0,
        minority_centering: float = 1.0,
        absent_centering: float = ABSENT_CENTERING,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.dense_weight = dense_weight
        self.keyword_weight = keyword_weight
        self.rrf_k = rrf_k
        self.rrf_k_share, self.rrf_k_min = RRF_K_SHARE, RRF_K_MIN  # a smaller k in a small index
        self.coverage_power = coverage_power
        self.code_factor = code_factor
        self.license_factor = license_factor
        self.figure_factor = figure_factor
        self.names_factor = names_factor
        self.crumb_factor = crumb_factor
        self.stray_min_terms = stray_min_terms
        self.dense_floor = UNRELATED_STRENGTH  # below it a dense rank counts after every candidate
        self.shared_rarity_power = SHARED_RARITY_POWER  # see fusion.shared_words_rarity
        self.shared_rarity_min_passages: float = SHARED_RARITY_MIN_PASSAGES
        # how much the query loses of its language's offset (0: the plain query vector), of the index's
        # mean (times the share in other languages) and, in a language the index lacks, of its reference
        self.language_centering, self.minority_centering = language_centering, minority_centering
        self.absent_centering = absent_centering
        self.centroids = LanguageCentroids(store, offsets=LanguageOffsets(embedder, ledger=store.ledger))
        self._unavailable = unavailable_folders
        self.keywords = KeywordSearch(store.ledger)
        self._keyword_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="keyword-leg")
        self._scale: MatchScale | None = None
        self._calibration: Calibration | None = None
        self._scale_lock = threading.Lock()

    def match_scale(self, shift: np.ndarray | None = None) -> MatchScale:
        """How this model's cosines read as match strength (with ``shift``: the similarities of a query
        that loses it), measured on first use (needs the model)."""
        with self._scale_lock:
            if self._scale is None:
                try:
                    self._calibration = measure_calibration(self.embedder)
                    self._scale = self._calibration.scale()
                except Exception:  # shown scores fall back to raw cosine; search itself goes on
                    log.exception("could not measure the model's match scale; showing raw cosine")
                    self._scale = RAW_COSINE
            calibration = self._calibration
            if shift is None or calibration is None or shift.shape != calibration.queries.shape[1:]:
                return self._scale
            return calibration.scale(shift)

    def prepare(self) -> None:
        """Do now what the first search would otherwise wait for: the match scale (needs the model)
        and the index's language means (a sample of its passages)."""
        self.match_scale()
        self.centroids.current()

    def close(self) -> None:
        """Start no more background work on the store: it is being retired (searches in flight end)."""
        self.centroids.close()

    def tune(self, **params: float) -> None:
        """Set ranking parameters by name (those of ``fusion.FUSION_PARAMETERS``); ValueError names an
        unknown one, and then nothing is set."""
        unknown = set(params) - set(FUSION_PARAMETERS)
        if unknown:
            raise ValueError(f"unknown fusion parameters: {', '.join(sorted(unknown))}")
        for name, value in params.items():
            setattr(self, name, float(value))

    # -- search --------------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        k: int = 20,
        filters: SearchFilters | None = None,
        grouped: bool = True,
        mode: str = "hybrid",
    ) -> list[SearchHit]:
        """The best ``k`` passages (grouped: the best ``k`` files, each with its other passages folded).

        ``mode`` picks the legs: ``hybrid`` (both, fused), ``dense`` or ``keyword``.
        """
        if mode not in MODES:
            raise ValueError(f"unknown search mode {mode!r}; use one of {', '.join(MODES)}")
        if mode != "keyword" and not getattr(self.embedder, "loaded", True):
            mode = "keyword"  # the model is still loading: the keyword leg answers meanwhile
        text = clean_query(query)
        if k <= 0 or not _WORD.search(text):
            return []
        depth = max(MIN_DEPTH, 3 * k)
        unavailable = list(self._unavailable())
        scope = normalise(filters, unavailable)
        constraint = TextConstraint.of(scope)
        dense_depth = min(MAX_DEPTH, depth * WIDEN) if constraint is not None else depth
        candidates: dict[str, Candidate] = {}
        qvec: np.ndarray | None = None
        rank_vec: np.ndarray | None = None
        shift: np.ndarray | None = None
        in_scope: int | None = None  # embedded passages the filters leave, when the dense leg saw them all
        keyword_leg: Future[KeywordAnswer] | None = None
        # sure of the query's language: its function words that are words elsewhere ("war", "comment")
        # are stop words too (stopwords.LANGUAGE_STOPWORDS)
        language = sure_language(text) if mode != "dense" else None
        if mode != "dense":  # SQLite runs it beside the query embedding (both release the GIL)
            keyword_leg = self._keyword_pool.submit(
                self.keywords.answer, text, depth, filters, unavailable, language
            )
        if mode != "keyword":
            qvec = np.asarray(self.embedder.embed_query(dense_query_text(text)), dtype=np.float32)
            shift = self.centroids.query_shift(
                qvec, text, self.language_centering, self.minority_centering, self.absent_centering
            )
            rank_vec = qvec if shift is None else shifted_query(qvec, shift)
            where = chroma_where(scope)
            probe = dense_depth if where is None else scope_probe(dense_depth, self.rrf_k, self.rrf_k_share)
            dense_hits = self._dense(rank_vec, probe, where)
            in_scope = len(dense_hits) if len(dense_hits) < probe else None  # all the filters leave
            for rank, dhit in enumerate(dense_hits[:dense_depth], start=1):
                candidates[dhit.chunk_id] = Candidate(dhit.chunk_id, dhit.similarity, dense_rank=rank)
        stray_power = STRAY_COVERAGE_POWER
        if keyword_leg is not None:
            answer = keyword_leg.result()
            # the index knows the query's words: one shared rare word is evidence, unless the query
            # is long enough that one word of it is chance (another edition's "Frage")
            if not answer.foreign and answer.terms < self.stray_min_terms:
                stray_power = self.coverage_power
            for rank, khit in enumerate(answer.hits, start=1):
                c = candidates.setdefault(khit.chunk_id, Candidate(khit.chunk_id))
                c.keyword_score, c.keyword_rank = khit.score, rank
        if not candidates:
            return []
        rows = self.store.ledger.get_chunks(list(candidates))
        # a vector whose row is gone (file re-indexed or removed meanwhile) is skipped, not an error
        live = [c for cid, c in candidates.items() if cid in rows]
        if constraint is not None:  # phrases and excluded words, as the highlighter reads them
            live = [c for c in live if constraint.passes(rows[c.chunk_id].text, rows[c.chunk_id].heading)]
        if qvec is not None and rank_vec is not None and rank_vec is not qvec:
            self._fill_similarity(rank_vec, live, qvec)  # the ranking score and the cosine shown
        elif qvec is not None and mode == "hybrid":
            self._fill_similarity(qvec, [c for c in live if c.similarity is None])
        scale = self.match_scale() if qvec is not None else RAW_COSINE
        # a shifted query shows the strength of what it was ranked by (see match_strength)
        shifted = self.match_scale(shift) if qvec is not None and shift is not None else None
        if qvec is not None and mode == "hybrid":
            assign_dense_ranks(live)
            if scale is not RAW_COSINE:  # a model whose scale is unknown keeps every vote
                demote_unrelated_dense_votes(live, (shifted or scale).strength, self.dense_floor)
            # passages waiting for phase 2 to embed them (their rows say so: no second ledger read)
            keyword_rank_stands_in(live, {c.chunk_id for c in live if not rows[c.chunk_id].embedded})
        terms = query_terms(text, language=language)
        highlighter = Highlighter(terms, language)
        spans: dict[str, tuple[Span, ...]] = {}
        rrf_k = self.rrf_k
        if mode == "hybrid":
            # the index's size, for how rare the shared words are and the RRF constant (counted at most
            # every 30 s); the constant is the size of what is searched: a search filtered to a small
            # folder of a large index ranks its few passages as a small index does
            passages = self.centroids.current().passages
            searched = passages if in_scope is None or not passages else min(passages, in_scope)
            rrf_k = index_rrf_k(self.rrf_k, searched, self.rrf_k_share, self.rrf_k_min)
            for c in (c for c in live if c.keyword_rank is not None):
                row = rows[c.chunk_id]
                spans[c.chunk_id] = weigh_keyword_match(c, terms, highlighter, row.text, row.heading)
                if c.content_terms and answer.term_passages:  # foreign or not (shared_words_rarity)
                    c.rarity = shared_words_rarity(
                        c.content_words,
                        answer.term_passages,
                        passages,
                        self.shared_rarity_power,
                        self.shared_rarity_min_passages,
                    )
        ranked = fuse(live, self.dense_weight, self.keyword_weight, rrf_k, self.coverage_power, stray_power)
        if mode == "hybrid":
            rules = [
                (unmatched_code, self.code_factor),
                (unmatched_figure, self.figure_factor),
                (unmatched_crumb, self.crumb_factor),
                (unmatched_name_list, self.names_factor),
            ]
            if not asks_about_licences(text):  # "Darf ich das Programm weitergeben?" asks for them
                rules.append((unmatched_license, self.license_factor))
            ranked = demote_unmatched(ranked, rows, rules)
        ranked = demote_navigation(ranked, rows)
        hashes = self.store.ledger.content_hashes([rows[c.chunk_id].path for c in ranked])
        ranked, duplicates = fold_duplicates(ranked, rows, hashes)
        room = room_for(k, {rows[c.chunk_id].path for c in ranked})  # more where translations may fold
        shown = _shown(ranked, rows, room, grouped)
        hits = []
        for rank, c in enumerate(ranked, start=1):
            if c.chunk_id not in shown:
                continue
            row = rows[c.chunk_id]
            found = spans[c.chunk_id] if c.chunk_id in spans else highlighter.find(row.text)[0]
            hits.append(_hit(row, c, rank, found, scale, shifted))
        if not grouped:  # every page, each naming its file's identical copies (left out)
            pages = [replace(h, duplicates=duplicates.get(h.path, ())) for h in fold_pages(hits, room)]
            return self._fold_translations(pages)[:k]
        heads = group_by_file(hits, room)
        heads = [replace(h, duplicates=duplicates.get(h.path, ())) for h in heads]
        return use_room(self._fold_translations(fold_similar(heads))[:k], k)

    def _fold_translations(self, results: list[SearchHit]) -> list[SearchHit]:
        """``results`` with translations of better ones folded under them (see :mod:`translations`)."""
        try:
            return fold_translations(results, self.store.current_vectors, guessed_language)
        except Exception:  # folding is a convenience: the results stand without it
            log.exception("could not fold translations; results shown unfolded")
            return results

    def _dense(self, qvec: np.ndarray, depth: int, where: dict[str, Any] | None):
        try:
            return self.store.dense_query(qvec, depth, where)
        except Exception:  # a vector index hiccup must not take the keyword leg down with it
            log.exception("dense search failed; answering from the keyword index only")
            return []

    def _fill_similarity(
        self, qvec: np.ndarray, candidates: list[Candidate], shown_qvec: np.ndarray | None = None
    ) -> None:
        """Cosine of ``candidates`` (keyword-only hits) to ``qvec`` from their stored vectors, so every
        score means the same; with ``shown_qvec``, also their cosine to that one, which is shown."""
        if not candidates:
            return
        try:
            vectors = self.store.current_vectors([c.chunk_id for c in candidates])
        except Exception:
            log.exception("could not read stored vectors; keyword-only hits keep no similarity")
            return
        for c in candidates:
            vec = vectors.get(c.chunk_id)
            if vec is not None and vec.shape == qvec.shape:
                c.similarity = float(np.dot(vec, qvec))
                if shown_qvec is not None:
                    c.cosine = float(np.dot(vec, shown_qvec))

    # -- find similar --------------------------------------------------------------------------------

    def find_similar(
        self,
        chunk_id: str | None = None,
        path: str | None = None,
        k: int = 10,
        filters: SearchFilters | None = None,
    ) -> list[SearchHit]:
        """Passages nearest to a passage (its stored vector) or a whole file (the mean of its vectors).

        The source file's own passages are left out. Unknown ids or paths give no results.
        """
        if k <= 0 or (chunk_id is None and path is None):
            return []
        ledger = self.store.ledger
        if chunk_id is not None:
            row = ledger.get_chunks([chunk_id]).get(chunk_id)
            if row is None:
                return []
            source_path, source_ids = row.path, [chunk_id]
        else:
            assert path is not None
            source_path = path
            source_ids = ledger.chunk_ids_of(path)
        vectors = self.store.current_vectors(source_ids)
        if not vectors:
            return []
        vec = np.mean(np.stack(list(vectors.values())), axis=0)
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:
            return []
        vec = vec / norm
        exclude = ledger.chunk_ids_of(source_path)
        where = chroma_where(normalise(filters, list(self._unavailable())))
        dense = self.store.dense_query(vec, k, where, exclude_ids=exclude)
        rows = ledger.get_chunks([h.chunk_id for h in dense])
        # stored vectors need no model; measuring the scale does, so a model not loaded yet isn't loaded here
        scale = self.match_scale() if getattr(self.embedder, "loaded", True) else RAW_COSINE
        hits: list[SearchHit] = []
        for h in dense:
            row = rows.get(h.chunk_id)
            if row is None or row.path == source_path:
                continue
            c = Candidate(h.chunk_id, h.similarity, dense_rank=len(hits) + 1, score=h.similarity)
            hits.append(_hit(row, c, len(hits) + 1, (), scale))
        return hits


def weigh_keyword_match(
    c: Candidate, terms: list[QueryTerm], highlighter: Highlighter, text: str, heading: str | None
) -> tuple[Span, ...]:
    """Set how much of the query a keyword hit covers (its text and heading), which scales its vote in
    :func:`fuse`; returns the text's highlight spans."""
    spans, matched = highlighter.find(text)
    if heading:
        matched |= highlighter.find(heading)[1]
    c.coverage = coverage(terms, matched)
    c.content_words = content_matches(terms, matched)
    return spans


def _shown(ranked: list[Candidate], rows: dict[str, ChunkRow], k: int, grouped: bool) -> set[str]:
    """The chunk ids a page of results will show: every passage of the first ``k`` files, or (not
    grouped) of the first ``k`` pages (:func:`fold_pages`); highlights are computed for these only."""

    def place(c: Candidate) -> PageKey | tuple[str, str | None]:
        row = rows[c.chunk_id]
        return (row.path, row.part) if grouped else page_key(row.path, row.part, row.page, c.chunk_id)

    places: set[PageKey | tuple[str, str | None]] = set()
    shown: set[str] = set()
    for c in ranked:
        key = place(c)
        if key not in places:
            if len(places) >= k:
                continue
            places.add(key)
        shown.add(c.chunk_id)
    return shown


def _hit(
    row: ChunkRow,
    c: Candidate,
    rank: int,
    spans: tuple[Span, ...],
    scale: MatchScale,
    shifted: MatchScale | None = None,
) -> SearchHit:
    """A result; with ``shifted`` (the scale of a query that lost its language's offset), its ranked
    strength reads the similarity it was ranked by."""
    cosine = c.cosine if c.cosine is not None else c.similarity
    ranked = None if shifted is None or c.similarity is None else shifted.strength(c.similarity)
    return SearchHit(
        chunk_id=row.chunk_id,
        path=row.path,
        text=row.text,
        page=row.page,
        start=row.start,
        end=row.end,
        heading=row.heading,
        similarity=cosine,
        strength=None if cosine is None else scale.strength(cosine),
        ranked_strength=ranked,
        keyword_score=c.keyword_score,
        score=c.score,
        rank=rank,
        highlights=spans,
        navigation=row.navigation,
        modified=row.part_date if row.part_date is not None else row.mtime,
        part=row.part,
    )
