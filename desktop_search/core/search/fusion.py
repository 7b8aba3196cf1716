"""Weighted reciprocal rank fusion of the dense and keyword rankings.

Each leg contributes ``weight / (rrf_k + rank)``. Ranks, not raw scores, are fused, so BM25's
unbounded scale never swamps the cosine. The keyword vote is further scaled by how much of the
query a passage covers (see :func:`desktop_search.core.search.highlight.coverage`):

* a passage that shares two or more content words with the query gets ``coverage``: a long
  natural-language query is rarely matched whole (on SciFact's claims the best passage covers about
  half), and such partial matches are the keyword leg's real evidence; in an index of a thousand
  passages or more, times the square root of its shared words' mean rarity
  (:func:`shared_words_rarity`), so that two common words do not count like two names, nor every
  word of a query that is mostly common ones;
* a passage that shares a single content word with a longer query gets ``coverage ** 2`` when the
  query is foreign to the index (most of its words occur nowhere in it,
  :attr:`~desktop_search.core.search.keyword.KeywordAnswer.foreign`): a German query over English text may
  share one stray word with a passage ("war", "man"), and that must not outvote the dense leg's
  cross-lingual hit. When the index knows the query's words, one shared word is evidence like any
  other ("Ivermectin is used to treat onchocerciasis": the drug's name alone) and counts by coverage;
  either way, times how rare that word is beside the query's rarest (:func:`one_word_rarity`), so a
  common word shared by chance ("collection" of a French question over English descriptions) counts
  little and a rare name fully;
* a passage containing every word, or the exact code, keeps full coverage either way (the rarity of
  its words still counts, as above).

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
RRF_K_SHARE = 0.25  # ... or, in an index of fewer passages than RRF_K / RRF_K_SHARE, this share of them
RRF_K_MIN = 10.0  # ... but never less
COVERAGE_POWER = 1.0  # keyword vote x coverage**power for a passage with 2+ of the query's content words
STRAY_COVERAGE_POWER = 2.0  # ... and with one, for a foreign query: a fifth of the words gets 1/25
STRAY_MIN_TERMS = float("inf")  # content words from which a one-word hit is stray even if not foreign
# a similarity that reads as at most this match strength is no closer than unrelated text (strength 0 is
# the model's mean over unrelated pairs): its dense rank counts after every candidate's
UNRELATED_STRENGTH = 0.05
# a hit sharing several of the query's words counts by their mean rarity to this power (shared_words_rarity)
SHARED_RARITY_POWER = 0.5
SHARED_RARITY_MIN_PASSAGES = 1000  # ... in an index of at least so many passages (every measured set has)
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
    "names_factor",
    "stray_min_terms",
    "language_centering",
    "minority_centering",
    "absent_centering",
    "dense_floor",
    "shared_rarity_power",
    "shared_rarity_min_passages",
    "rrf_k_share",
    "rrf_k_min",
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


def index_rrf_k(rrf_k: float, passages: int, share: float = RRF_K_SHARE, least: float = RRF_K_MIN) -> float:
    """The RRF constant for an index of ``passages`` passages: ``rrf_k``, or ``share`` of them when that
    is less, but not less than ``least`` (share 0: always ``rrf_k``; an index whose size is unknown, 0
    passages, keeps ``rrf_k`` too).

    k = 60 keeps the votes of a long list's first ranks close (rank 1 counts 1/61, rank 10 1/70), so
    many signals decide together. In a folder of 40 passages both legs rank every passage, and at 60
    the 40th dense rank still counts three fifths of the first: meaning barely separates passages, and
    the keyword leg's coverage decides alone. "After logging in over SSH, how do I get root rights?"
    over nine pages of the FreedomBox manual's Spanish edition put "SSH via Tor" (strength 0.50, the
    name shared) above "Escalar a Superusuario" (0.81). Measured with ``benchmarks/smallfolder.py``
    (195 folders of 18 to 55 passages, nine pages around a gold page of the three realdocs question
    sets), hybrid MRR@10 same language / across languages: k = 60 0.842 / 0.761; 20 0.864 / 0.764;
    share 0.5 0.864 / 0.764; share 0.25 0.861 / 0.776 (dense alone 0.810 / 0.780, keyword alone 0.832 /
    0.534). Over 21 pages (``--before 10 --after 10``, the FreedomBox and LilyPond sets: 72 folders of
    40 to 125 passages) k = 60 0.813 / 0.706, share 0.5 0.808 / 0.707, share 0.25 0.808 / 0.718. The
    manuals of ``benchmarks/realdocs.py`` and SciFact are far larger and keep k = 60.

    ``least`` (10) keeps a folder of a handful of passages from ranking by its dense order alone, where
    similarities differ by hundredths (195 small folders: 0.861 / 0.775 with it, 0.861 / 0.776 without).
    Seven passages of a spam mail, a meeting note and Lorem ipsum, asked "Börsengang in Frankfurt
    geplant": at k = 60 the mail, the one passage with "Frankfurt", came first by 0.0004; at 10 Lorem
    ipsum, nearest by meaning (the model's mistake), comes first and the mail third."""
    if share <= 0 or passages <= 0:
        return rrf_k
    return min(rrf_k, max(least, share * passages))


def scope_probe(depth: int, rrf_k: float, share: float = RRF_K_SHARE) -> int:
    """How many passages a filtered search asks of the dense leg: ``depth``, or enough to tell whether
    the passages the filters leave are fewer than an index needs to keep ``rrf_k`` (240 at the
    defaults), when ``depth`` is less. Only the first ``depth`` are candidates; the count, when the
    leg returns fewer, is the size :func:`index_rrf_k` is given: a search filtered to a small folder of
    a large index ranks as an index of that folder would (``benchmarks/smallfolder.py --together``)."""
    if share <= 0:
        return depth
    return max(depth, math.ceil(rrf_k / share))


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


def shared_words_rarity(
    words: Collection[str],
    term_passages: Mapping[str, int],
    passages: int,
    power: float = SHARED_RARITY_POWER,
    min_passages: float = SHARED_RARITY_MIN_PASSAGES,
) -> float:
    """How much a keyword hit counts by the query words it shares: one word by its
    :func:`one_word_rarity`; several by the mean of theirs to ``power`` (a passage with several of
    the query's words has more than chance for it, so their commonness weighs less; 0 counts them
    fully). A Spanish question over the English FreedomBox manual, "Mi proveedor de internet bloquea
    Tor, ¿cómo puedo evitarlo?", shares "internet" and "Tor" with the Tor chapter's every section
    and only "Tor" with "Circumventing Tor censorship", the one that answers (nearest by meaning):
    counted fully, two common words outvoted it. Measured on one built index each (power 0 -> 0.5):
    realdocs (``--absent``) MRR@10 grouped cross 0.713 -> 0.744, same 0.728 -> 0.744, flat cross
    0.678 -> 0.691, same 0.691 -> 0.693; FreedomBox (benchmarks/data/freedombox_questions.json)
    grouped cross 0.750 -> 0.800, flat cross 0.758 -> 0.754; LilyPond grouped cross 0.583 -> 0.571,
    flat cross 0.529 -> 0.533, same 0.729 -> 0.725; crosslingual.py hybrid nDCG@10 cross 0.707 ->
    0.711 (English 0.886 -> 0.897); cjk.py unchanged; SciFact hybrid nDCG@10 0.7168 -> 0.7155 (power
    1: 0.7090, realdocs grouped cross 0.726; 0.25: 0.7154, 0.75: 0.7114).

    A passage with every word of the query counts so too: counted fully, "convertir un archivo MIDI a
    LilyPond" put a page with all four words above "Invoking midi2ly" (LilyPond grouped same 0.900 ->
    0.850; realdocs flat cross 0.691 -> 0.683, SciFact 0.7155 -> 0.7150, realdocs grouped same 0.744 ->
    0.753). Several words count fully in an index of fewer than ``min_passages`` passages: there a
    word in one passage and a word in two differ by a fifth of the scale, and that noise decided
    between two notes that each shared three words with "how much did the cellar heat pump cost" (the
    one that answers had "cellar", which an identical copy of it also had; the other had "cost").

    The words are summed in sorted order, so a score does not depend on the process's string hashing."""
    if not words or not term_passages:
        return 1.0
    if len(words) == 1:
        return one_word_rarity(next(iter(words)), term_passages, passages)
    if passages < min_passages:
        return 1.0
    mean = sum(one_word_rarity(w, term_passages, passages) for w in sorted(words)) / len(words)
    return float(mean**power)


def assign_dense_ranks(candidates: list[Candidate]) -> None:
    """Rank every candidate with a known cosine by that cosine (1 = most similar).

    Keyword-only candidates whose cosine was computed from their stored vector thus take the dense
    rank they really have among the candidates, instead of none.
    """
    known = sorted((c for c in candidates if c.similarity is not None), key=lambda c: -(c.similarity or 0.0))
    for rank, c in enumerate(known, start=1):
        c.dense_rank = rank
