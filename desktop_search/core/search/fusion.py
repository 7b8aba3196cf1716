"""Weighted reciprocal rank fusion of the dense and keyword rankings.

Each leg contributes ``weight / (rrf_k + rank)``. Ranks, not raw scores, are fused, so BM25's
unbounded scale never swamps the cosine. The keyword vote is further scaled by how much of the
query a passage covers (see :func:`desktop_search.core.search.highlight.coverage`):

* a passage that shares two or more content words with the query gets ``coverage``: a long
  natural-language query is rarely matched whole (on SciFact's claims the best passage covers about
  half), and such partial matches are the keyword leg's real evidence;
* a passage that shares a single content word with a longer query gets ``coverage ** 2`` when the
  query is foreign to the index (most of its words occur nowhere in it,
  :attr:`~desktop_search.core.search.keyword.KeywordAnswer.foreign`): a German query over English text may
  share one stray word with a passage ("war", "man"), and that must not outvote the dense leg's
  cross-lingual hit. When the index knows the query's words, one shared word is evidence like any
  other ("Ivermectin is used to treat onchocerciasis": the drug's name alone) and counts by coverage;
  either way, times how rare that word is beside the query's rarest (:func:`one_word_rarity`), so a
  common word shared by chance ("collection" of a French question over English descriptions) counts
  little and a rare name fully;
* a passage containing every word, or the exact code, keeps full weight either way.

A passage still waiting for its vector (phase 2 of indexing) takes its keyword rank as its dense rank
(:func:`keyword_rank_stands_in`): the dense leg cannot see it yet, and counting that as no vote let the
nearest of the few passages embedded so far outvote every keyword hit of the rest.

A passage the model finds no closer than unrelated text (:data:`UNRELATED_STRENGTH`) has its dense rank
counted after every candidate's (:func:`demote_unrelated_dense_votes`): in a small folder the nearest
few dozen passages include unrelated ones, and their ranks alone carried them past the passage that
answers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

RRF_K = 60.0
COVERAGE_POWER = 1.0  # keyword vote x coverage**power for a passage with 2+ of the query's content words
STRAY_COVERAGE_POWER = 2.0  # ... and with one, for a foreign query: a fifth of the words gets 1/25
STRAY_MIN_TERMS = float("inf")  # content words from which a one-word hit is stray even if not foreign
# a similarity that reads as at most this match strength is no closer than unrelated text (strength 0 is
# the model's mean over unrelated pairs): its dense rank counts after every candidate's
UNRELATED_STRENGTH = 0.05
CORROBORATING_TERMS = 2  # content words a passage must share with the query to count as a partial match
# the searcher's ranking parameters an experiment may change for a session (Engine.tune_search)
FUSION_PARAMETERS = (
    "dense_weight",
    "keyword_weight",
    "rrf_k",
    "coverage_power",
    "code_factor",
    "license_factor",
    "figure_factor",
    "crumb_factor",
    "stray_min_terms",
    "language_centering",
    "minority_centering",
    "absent_centering",
    "dense_floor",
)


@dataclass
class Candidate:
    """A chunk found by at least one leg, with what each leg said about it."""

    chunk_id: str
    similarity: float | None = None  # cosine to the query vector the dense leg ranks by
    cosine: float | None = None  # cosine to the query itself, where that vector differs (shown as strength)
    dense_rank: int | None = None  # 1-based
    keyword_score: float | None = None  # BM25, higher is better
    keyword_rank: int | None = None  # 1-based
    coverage: float = 1.0  # weighted share of query terms in the passage (scales the keyword vote)
    content_words: frozenset[str] = frozenset()  # the query's content words (not stop words) it has
    rarity: float = 1.0  # a one-word match's word: how rare it is beside the query's rarest (one_word_rarity)
    score: float = 0.0

    @property
    def content_terms(self) -> int:
        """How many of the query's content words the passage has."""
        return len(self.content_words)


def fuse(
    candidates: list[Candidate],
    dense_weight: float = 1.0,
    keyword_weight: float = 1.0,
    rrf_k: float = RRF_K,
    coverage_power: float = COVERAGE_POWER,
    stray_coverage_power: float = STRAY_COVERAGE_POWER,
) -> list[Candidate]:
    """Score candidates by weighted RRF and return them best first (ties: higher cosine first)."""
    for c in candidates:
        score = 0.0
        if c.dense_rank is not None:
            score += dense_weight / (rrf_k + c.dense_rank)
        if c.keyword_rank is not None:
            power = coverage_power if c.content_terms >= CORROBORATING_TERMS else stray_coverage_power
            score += keyword_weight * c.coverage**power * c.rarity / (rrf_k + c.keyword_rank)
        c.score = score
    return sorted(candidates, key=lambda c: (-c.score, -(c.similarity or -1.0), c.chunk_id))


def demote_unrelated_dense_votes(
    candidates: list[Candidate], strength: Callable[[float], float], floor: float
) -> None:
    """Count the dense rank of candidates whose similarity reads below ``floor`` as match strength
    (:data:`UNRELATED_STRENGTH`: no closer than unrelated text) after every candidate's: their vote is
    small, and still orders them among themselves. "delivery note" over an invoice and a manual
    excerpt ranked two of the manual's "Note" boxes (strength 0.02, dense ranks 19 and 21 of 62
    passages) above the invoice's delivery note (0.94), on rank alone."""
    behind = len(candidates)
    for c in candidates:
        if c.similarity is not None and c.dense_rank is not None and strength(c.similarity) < floor:
            c.dense_rank += behind


def keyword_rank_stands_in(candidates: list[Candidate], waiting: Collection[str]) -> None:
    """Give each candidate of ``waiting`` (passages phase 2 has not embedded yet) its keyword rank as
    its dense rank. Measured on SciFact with a share of the abstracts waiting (hybrid nDCG@10, without
    -> with; keyword alone 0.681, all embedded 0.717): 10 % waiting 0.667 -> 0.712, half 0.408 ->
    0.681, 90 % 0.118 -> 0.662. Ranks scaled up for the embedded share, so that rank 5 of the half
    embedded counts as 10, did no better (0.711, 0.681, 0.653)."""
    for c in candidates:
        if c.chunk_id in waiting and c.similarity is None and c.keyword_rank is not None:
            c.dense_rank = c.keyword_rank


def one_word_rarity(word: str, term_passages: Mapping[str, int], passages: int) -> float:
    """How much a passage that shares only ``word`` with a query of several words counts: the word's
    inverse document frequency over the rarest query word's (a word no passage has is the rarest).
    "delivery note" over a folder where "note" is common and "delivery" absent: a passage with "note"
    alone counts 0.4, not as much as one that means the question; a rare name counts fully. It holds
    for a foreign query too: "collection d'outils de partitionnement" over Debian's English package
    descriptions (benchmarks/crosslingual.py) shares "collection" with 46 of them, and that one
    word's vote put a collection of sampling objects over the partitioning utilities; counted by its
    rarity, French hybrid nDCG@10 went 0.750 -> 0.754 (cross-language 0.706 -> 0.707; realdocs,
    LilyPond and SciFact unchanged)."""
    if word not in term_passages or passages <= 0 or len(term_passages) < 2:
        return 1.0

    def idf(n: int) -> float:
        return math.log((passages + 1) / (n + 0.5))

    rarest = max(idf(n) for n in term_passages.values())
    return max(0.0, min(1.0, idf(term_passages[word]) / rarest)) if rarest > 0 else 1.0


def assign_dense_ranks(candidates: list[Candidate]) -> None:
    """Rank every candidate with a known cosine by that cosine (1 = most similar).

    Keyword-only candidates whose cosine was computed from their stored vector thus take the dense
    rank they really have among the candidates, instead of none.
    """
    known = sorted((c for c in candidates if c.similarity is not None), key=lambda c: -(c.similarity or 0.0))
    for rank, c in enumerate(known, start=1):
        c.dense_rank = rank
