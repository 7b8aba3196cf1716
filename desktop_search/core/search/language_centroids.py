"""The mean passage vector of each language in the index, and what a query loses before the dense leg.

multilingual-e5 writes a text's language into its vector beside its meaning: a query is closer to
every passage in its own language than to the same passage in another one. A German question about a
manual that exists only in English and French then finds German pages of an unrelated manual first.
The dense leg therefore ranks by the query less what sets its language's passages apart from the
index's, ``normalise(q - (mean[lang] - mean))``. In an index of one language the two means are the
same and nothing changes.

Measured with ``benchmarks/realdocs.py``'s manuals (six languages; questions in en/de/fr/ja/es; dense
leg, every passage ranked; the product's figures are in the closing note of issue 17): right page in
the top 5 across languages 0.53 → 0.63, in the question's own language 0.79 → 0.81; SciFact (English
only) hybrid nDCG@10 0.7143 → 0.7144. Subtracting the whole language mean (``q - mean[lang]``) did more
on the manuals (0.76 across languages) but took SciFact to 0.696: it also takes out what all the
index's passages share, and with it part of the meaning.

So the query also loses the mean of all passages, in proportion to the share of the index written in
other languages than its own: ``q - (mean[lang] - mean) - (1 - share[lang]) * mean``. A query in a
language that is a small part of the index (a German question over a library of English, French and
Japanese manuals), which needs an answer in another language, comes close to ``q - mean[lang]``; a query
in the language of nearly all of the index (SciFact's English claims) keeps the plain rule, as before.
On the manuals (product, ``--absent``, int8 build; hit@1 / hit@5 / MRR@10), across languages: flat
0.373 / 0.686 / 0.501 → 0.471 / 0.745 / 0.584, grouped 0.471 / 0.725 / 0.574 → 0.569 / 0.804 / 0.667;
in the question's own language: flat 0.617 / 0.766 / 0.699 → 0.617 / 0.809 / 0.706, grouped 0.702 /
0.702 / 0.702 → 0.745 / 0.766 / 0.755. A fixed share of the mean for every multilingual index (0.5, 1,
1.5) did no better across languages and cost same-language MRR of the dense leg more.

Languages come from :class:`~desktop_search.core.search.language.LanguageGuesser` on a sample of the
index's passages (every n-th passage with a vector, at most :data:`SAMPLE` of them), with their vectors
from the vector cache (the vector store for those it lacks); a language needs :data:`MIN_PASSAGES`
sampled passages for a mean of its own. A query unsure among the index's languages (below
:data:`MIN_CONFIDENCE`: "apt pinning") is left as it is. The means are measured on the first search (and
on each search while the index has no vectors) and again in the background, the old ones serving
meanwhile, once the index has grown or shrunk by a tenth, or a tenth of its vectors were written again
(files edited or re-read: the same count, other text), counted at most every half minute.

A query surely in a language the index lacks (a German question over English and French files) has no
mean of its own here. Taking the English part out of it would favour the French files for no reason, so
it used to be left as it is; its German then pulled it toward what sits near every language (listings,
tables). Now the built-in reference sentences stand in
(:mod:`~desktop_search.core.search.language_offsets`): the query loses its language's reference offset
less the index's languages' (weighted by their shares), and the index's mean, each
:data:`ABSENT_CENTERING` (half) as far as a query of the index's own languages would. Half, because the
reference offsets come from other text than the index's (cosine 0.56-0.87 to the index's own offsets on
the manuals). Measured (int8 encoder; ``realdocs.py --absent --lone``, each question asked of an index
with nothing in its language, hit@1 / hit@5 / MRR@10; ``crosslingual.py``, English paragraphs, questions
in five other languages, hybrid nDCG@10), without -> with:

- manuals, flat: 0.490 / 0.706 / 0.571 -> 0.510 / 0.745 / 0.606; grouped 0.529 / 0.686 / 0.592 ->
  0.569 / 0.725 / 0.635 (German flat 0.333 / 0.583 / 0.424 -> 0.250 / 0.500 / 0.375: one question, am-06,
  loses its Gmail page; French and Japanese gain);
- Debian's descriptions: cross-language 0.688 -> 0.702 (de 0.673 -> 0.697, fr 0.744 -> 0.752, es 0.712 ->
  0.710, ja 0.694 -> 0.695, zh 0.617 -> 0.656).

The full steps (``absent`` 1) did better on the manuals (grouped MRR 0.661) but cost Debian's descriptions
(0.671; ja 0.635); the whole offset without the index's mean about as well on the manuals and less on
Debian's descriptions (0.682).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from desktop_search.core.search.language import LanguageGuesser, choose_among, shared_guesser
from desktop_search.core.search.language_offsets import LanguageOffsets
from desktop_search.core.store.store import Store

log = logging.getLogger(__name__)

SAMPLE = 5000  # passages whose language and vector make the means
MIN_PASSAGES = 20  # sampled passages a language needs for a mean of its own
# how sure a query's language must be: among the index's languages, to take its mean out; among all
# languages, to leave the query alone as one the index lacks
MIN_CONFIDENCE = 0.5
ABSENT_CENTERING = 0.5  # how far a query in a language the index lacks goes, of the two steps above
STALE_CHANGE = 0.1  # measure again once this share of the passages came, went or were written again
CHECK_EVERY_S = 30.0  # how often a search may count the index's passages to see that


@dataclass(frozen=True)
class Centroids:
    """Mean vectors by language, the mean of all, and how many passages had vectors when measured."""

    by_language: dict[str, np.ndarray] = field(default_factory=dict)
    overall: np.ndarray | None = None
    passages: int = 0
    shares: dict[str, float] = field(default_factory=dict)  # of the sampled passages, by language
    changes: int = 0  # the vector store's count of vectors written and deleted, when measured


def measure(store: Store, guesser: LanguageGuesser, sample: int = SAMPLE) -> Centroids:
    """The means of a sample of the index's passages with a vector (navigation passages left out)."""
    embedded = embedded_passages(store)
    changes = store.vectors.changes
    rows = store.ledger.sample_passages(sample)
    cached = store.vector_cache.get_many(h for _cid, _text, h in rows if h)  # fast: one SQLite read
    missing = [cid for cid, _text, h in rows if h not in cached]
    stored = store.current_vectors(missing) if missing else {}
    texts, vectors = [], []
    for cid, text, h in rows:
        vector = cached.get(h, stored.get(cid))
        if vector is not None:
            texts.append(text)
            vectors.append(vector)
    if not texts:
        return Centroids(passages=embedded, changes=changes)
    matrix = np.stack(vectors)
    languages = np.array([guesser.guess(text) for text in texts])
    by_language = {
        str(lang): matrix[languages == lang].mean(axis=0)
        for lang in set(languages.tolist())
        if int((languages == lang).sum()) >= MIN_PASSAGES
    }
    shares = {lang: float((languages == lang).mean()) for lang in by_language}
    return Centroids(by_language, matrix.mean(axis=0), embedded, shares, changes)


def embedded_passages(store: Store) -> int:
    """How many of the index's passages have their vector."""
    return store.ledger.chunk_total() - store.ledger.unembedded_counts()[0]


def shifted_query(query_vector: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """The query less its shift, normalised (the dense leg's ranking vector)."""
    moved = query_vector - shift
    return (moved / float(np.linalg.norm(moved))).astype(np.float32)


class LanguageCentroids:
    """The index's language means, kept fresh, and the query vector the dense leg ranks by."""

    def __init__(
        self, store: Store, guesser: LanguageGuesser | None = None, offsets: LanguageOffsets | None = None
    ) -> None:
        self.store = store
        self.guesser = guesser or shared_guesser()
        self.offsets = offsets  # reference offsets for languages the index lacks (none: left as they are)
        self._centroids: Centroids | None = None
        self._lock = threading.Lock()  # one measurement at a time
        self._refreshing = False
        self._checked_at = 0.0
        self._failed = False  # the last measurement raised
        self._closed = False  # its store is being retired: no more measurements

    def query_shift(
        self,
        query_vector: np.ndarray,
        query_text: str,
        strength: float = 1.0,
        minority: float = 1.0,
        absent: float = ABSENT_CENTERING,
    ) -> np.ndarray | None:
        """What the query loses before the dense leg: ``strength`` times what sets its language's
        passages apart from the index's (the mean of that language's passages minus the mean of all),
        and ``minority`` times the mean of all scaled by the share of the index in other languages.

        A query surely in a language the index lacks takes the same two steps, each ``absent`` times
        as far, with the reference offsets standing in for the index's means (see the module
        docstring). None when ``strength`` is 0, its language is unsure, neither the index nor the
        reference knows it, the index has no vectors yet, or what is left is no direction. Never
        raises: a search on a store being replaced (a model switch) ranks by the plain query vector."""
        if not strength:
            return None
        try:
            centroids = self.current()
            lang, lacking = self._query_language(centroids, query_text)
            apart = None
            if lang is None and lacking is not None and absent and self.offsets is not None:
                apart = self.offsets.apart_from(lacking, centroids.shares)
                if apart is not None and apart.shape != query_vector.shape:
                    apart = None  # measured with another model than the query's: never mixed
        except Exception:
            log.warning("language means unavailable; ranking by the plain query", exc_info=True)
            return None
        if centroids.overall is None:
            return None
        if lang is not None:
            shift = strength * (centroids.by_language[lang] - centroids.overall)
            shift = shift + minority * (1.0 - centroids.shares.get(lang, 1.0)) * centroids.overall
        elif apart is not None:  # the query's language is no part of the index: other_languages is 1
            shift = absent * (strength * apart + minority * centroids.overall)
        else:
            return None
        if float(np.linalg.norm(query_vector - shift)) < 1e-6:
            return None
        return shift.astype(np.float32)

    def _query_language(self, centroids: Centroids, query_text: str) -> tuple[str | None, str | None]:
        """The query's language among those the index has a mean for (None when unsure among them), and
        the language it is surely written in when the index lacks that one (else None)."""
        if not centroids.by_language:
            return None, None
        probabilities = self.guesser.probabilities(query_text)
        likeliest = max(probabilities, key=lambda lang: probabilities[lang], default=None)
        if likeliest is None:
            return None, None
        if likeliest not in centroids.by_language and probabilities[likeliest] >= MIN_CONFIDENCE:
            return None, likeliest
        lang, confidence = choose_among(probabilities, centroids.by_language)
        return (lang if confidence >= MIN_CONFIDENCE else None), None

    def current(self) -> Centroids:
        """The means: measured now while there are none (first use, or an index without vectors until
        now), else refreshed in the background when stale, the old ones serving meanwhile. Once closed,
        what there is (none: empty means), never measured."""
        centroids = self._centroids
        if self._closed:  # a search that fetched this searcher before a model switch retired it
            return centroids or Centroids()
        if centroids is None or (centroids.overall is None and self._stale(centroids, throttle=self._failed)):
            with self._lock:
                if self._centroids is centroids and not self._closed:
                    self._centroids = self._measure()
                measured = self._centroids
            return measured or Centroids()
        if not self._refreshing and self._stale(centroids):
            self._refreshing = True
            threading.Thread(target=self._refresh, name="language-means", daemon=True).start()
        return centroids

    def _stale(self, centroids: Centroids, throttle: bool = True) -> bool:
        now = time.monotonic()
        if throttle and now - self._checked_at < CHECK_EVERY_S:
            return False
        self._checked_at = now
        try:
            total = embedded_passages(self.store)
            rewritten = abs(self.store.vectors.changes - centroids.changes)  # files re-read, same count
        except Exception:  # a store closed under us (model switch): keep what we have
            log.debug("cannot count the index's passages", exc_info=True)
            return False
        return max(abs(total - centroids.passages), rewritten) > STALE_CHANGE * max(centroids.passages, 1)

    def _refresh(self) -> None:
        try:
            with self._lock:
                if not self._closed:
                    self._centroids = self._measure()
        finally:
            self._refreshing = False

    def close(self) -> None:
        """Measure no more (the store is about to close); waits for a measurement under way."""
        with self._lock:
            self._closed = True

    def _measure(self) -> Centroids:
        try:
            centroids = measure(self.store, self.guesser)
            self._failed = False
            return centroids
        except Exception:  # the dense leg then ranks by the plain query vector; search goes on
            log.warning("could not measure the index's language means", exc_info=True)
            self._failed = True  # try again at most every CHECK_EVERY_S, not on every search
            return Centroids()
