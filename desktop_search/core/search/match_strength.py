"""How sure a search is of a passage, on a scale a person can read.

Embedding models squeeze cosine similarity into a narrow band: multilingual-e5 gives unrelated text
about 0.75 and a passage that answers the query about 0.87. Shown as a percentage, raw cosine reads
"75 %" for noise. A :class:`MatchScale` maps cosine between two anchors measured on the model itself,
with a small built-in set of queries, each with the passage that answers it (several languages):

* ``unrelated``: the mean cosine of each query to the *other* queries' passages: 0 %;
* ``answer``: the mean cosine of each query to its own passage: :data:`ANSWER_STRENGTH` (90 %).

Any model gets its own anchors, so a model with another cosine range reads the same way.

Above :data:`ANSWER_STRENGTH` the scale bends towards 100 % instead of stopping there
(:func:`soft_ceiling`): a query in the language of a manual on its own subject finds many passages
closer than the typical answer, and clipped, every result of "measure the speed of sound using the
microphone and the piezo buzzer" over the expEYES manual read 100 % (their straight readings 1.10 to
1.17). Bent, they read 95 % to 96 %, 1.5 (the closest seen over four manuals' questions) reads 99 %,
and 100 % is left to the nearly identical. Below the knee nothing changes, so the relevance floor
and the inline margin (:mod:`~desktop_search.core.search.grouping`) are measured as before.

A query that loses its language's offset before the dense leg (a German question over German, English
and French manuals: :mod:`~desktop_search.core.search.language_centroids`) is ranked by its similarity
after that shift. What the window and the CLI's lines show is then that similarity, read on anchors
measured by taking the same shift out of the built-in queries (``SearchHit.ranked_strength``): by the
plain cosine a German passage the ranking put fourth read strongest ("81 %" under "47 %"), close to the
query for sharing its language. The plain cosine's strength stays ``SearchHit.strength``: the relevance
floor and the inline passages are measured on it (``benchmarks/floor.py``); read after the shift, other
languages' relevant results read lower (weakest 0.478 -> 0.441) and a floor low enough to keep them let
an unrelated file of a small index through.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from desktop_search.core.model.protocol import Embedder

ANSWER_STRENGTH = 0.9  # what a passage as close as a typical answer shows
# above it, the scale bends: 1 - (1 - ANSWER_STRENGTH) * exp(-excess / CEILING_BEND) (soft_ceiling),
# a third of the slope below the knee, so that the readings seen past it (up to 1.5 straight) spread
# over 90-99 %
CEILING_BEND = 0.3
MIN_SPAN = 1e-3  # anchors closer than this say nothing (a fake or broken model): raw cosine is shown

# (query, the passage that answers it): distinct topics, so every other pairing is unrelated
CALIBRATION_PAIRS: tuple[tuple[str, str], ...] = (
    (
        "how often should tomatoes be watered",
        "Tomato plants need deep watering two or three times a week, more often in hot weather.",
    ),
    (
        "reset the router password",
        "To reset the router password, hold the reset button on the back for ten seconds.",
    ),
    (
        "why did revenue fall last quarter",
        "Quarterly revenue dropped sharply because many customers cancelled their subscriptions.",
    ),
    ("Wann fiel die Berliner Mauer?", "The Berlin Wall came down on 9 November 1989."),
    (
        "睡眠不足对心脏的影响",
        "Adults who sleep fewer than six hours a night have a higher risk of heart disease.",
    ),
    (
        "comment installer un paquet logiciel",
        "Run apt install followed by the package name to install the software.",
    ),
    (
        "¿a qué temperatura se hornea el pan?",
        "Bake the loaf at 220 degrees until the crust is golden brown.",
    ),
    ("bicycle chain maintenance", "Oil the chain once a month to keep the bicycle running smoothly."),
)


@dataclass(frozen=True)
class MatchScale:
    """Maps a cosine similarity to a 0..1 match strength."""

    unrelated: float  # cosine that reads 0
    answer: float  # cosine that reads ANSWER_STRENGTH

    def strength(self, cosine: float) -> float:
        span = self.answer - self.unrelated
        if span < MIN_SPAN:
            return max(0.0, min(1.0, cosine))
        return soft_ceiling(ANSWER_STRENGTH * (cosine - self.unrelated) / span)


def soft_ceiling(value: float) -> float:
    """``value`` clipped to 0 below, unchanged up to :data:`ANSWER_STRENGTH`, and above it bent towards
    1, never reaching it: closer than a typical answer still reads closer."""
    if value <= ANSWER_STRENGTH:
        return max(0.0, value)
    return 1.0 - (1.0 - ANSWER_STRENGTH) * math.exp(-(value - ANSWER_STRENGTH) / CEILING_BEND)


RAW_COSINE = MatchScale(unrelated=0.0, answer=0.0)  # span 0: strength is the cosine itself, clipped


@dataclass(frozen=True)
class Calibration:
    """The built-in queries' and passages' vectors (rows in the order of :data:`CALIBRATION_PAIRS`)."""

    queries: np.ndarray
    passages: np.ndarray

    def scale(self, shift: np.ndarray | None = None) -> MatchScale:
        """The scale of this model's cosines; with ``shift``, of the similarities of queries that
        lose it before the dense leg (see :meth:`LanguageCentroids.query_shift`): the queries lose the
        same shift, so a passage reads as strong as the ranking finds it."""
        queries = self.queries
        if shift is not None:
            moved = queries - shift
            queries = moved / np.maximum(np.linalg.norm(moved, axis=1, keepdims=True), 1e-6)
        cosines = queries @ self.passages.T
        own = np.eye(len(cosines), dtype=bool)
        return MatchScale(unrelated=float(cosines[~own].mean()), answer=float(cosines[own].mean()))


def measure_calibration(
    embedder: Embedder, pairs: Sequence[tuple[str, str]] = CALIBRATION_PAIRS
) -> Calibration:
    """Embed ``len(pairs)`` queries and passages once (~0.3 s on a CPU)."""
    queries = np.stack([np.asarray(embedder.embed_query(q), dtype=np.float32) for q, _ in pairs])
    passages = np.asarray(embedder.embed_documents([p for _, p in pairs]), dtype=np.float32)
    return Calibration(queries, passages)


def measure_scale(embedder: Embedder, pairs: Sequence[tuple[str, str]] = CALIBRATION_PAIRS) -> MatchScale:
    """Anchor a scale on ``embedder`` (see the module docstring)."""
    return measure_calibration(embedder, pairs).scale()
