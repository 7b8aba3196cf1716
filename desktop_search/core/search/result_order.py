"""What a page of results shows first, and what it hides: the relevance floor and the sort order.

The floor is on a hit's match strength (:mod:`desktop_search.core.search.match_strength`), measured by
``benchmarks/floor.py`` (SciFact, and questions in other languages than their passages): at
:data:`RELEVANCE_FLOOR` at most 2 % of the relevant results fall below it, while the unrelated files a
small index lists under the good ones do. The window hides the weaker results behind a "Show N weaker
results" row, quick search leaves them out, the CLI takes ``--min-strength``.
"""

from __future__ import annotations

from collections.abc import Sequence

from desktop_search.core.records import SearchHit

RELEVANCE_FLOOR = 0.30  # see the module docstring and benchmarks/floor.py
SORTS = ("relevance", "date")


def split_weak(
    hits: Sequence[SearchHit], floor: float = RELEVANCE_FLOOR
) -> tuple[list[SearchHit], list[SearchHit]]:
    """``hits`` split into those at or above ``floor`` and the weaker ones (order kept). A hit with no
    strength (keyword-only search) is never weak: there is nothing to measure it by."""
    strong: list[SearchHit] = []
    weak: list[SearchHit] = []
    for hit in hits:
        (weak if hit.strength is not None and hit.strength < floor else strong).append(hit)
    return strong, weak


def sort_hits(hits: Sequence[SearchHit], sort: str = "relevance") -> list[SearchHit]:
    """``hits`` by relevance (as they come) or ``date``: newest modified first, relevance breaking ties."""
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
    if sort == "relevance":
        return list(hits)
    return sorted(hits, key=lambda h: -h.modified)
