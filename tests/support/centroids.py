"""The dense leg's ranking vector, as the searcher builds it from a query's shift (tests of the means)."""

from __future__ import annotations

import numpy as np

from desktop_search.core.search.language_centroids import LanguageCentroids, shifted_query


def ranking_vector(
    centroids: LanguageCentroids, query: np.ndarray, text: str, **weights: float
) -> np.ndarray:
    """The query less its shift, or the query itself when it has none."""
    shift = centroids.query_shift(query, text, **weights)
    return query if shift is None else shifted_query(query, shift)
