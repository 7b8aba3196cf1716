"""What a page of results shows first, and what it hides: the relevance floor and the sort order.

The floor is on a hit's match strength (:mod:`desktop_search.core.search.match_strength`), measured by
``benchmarks/floor.py`` (share of results below each candidate floor; hybrid search, k=30):

=====  ==========================  =============================  ==============================
floor  SciFact, 100 claims:        manuals, questions in English  manuals, questions in de/fr/ja/es
       relevant / irrelevant top10 relevant / irrelevant top10    relevant / irrelevant top10
=====  ==========================  =============================  ==============================
0.30   0.0 % / 0.0 %               0.0 % / 0.0 %                  0.0 % / 0.0 %
0.40   0.0 % / 0.0 %               0.0 % / 0.0 %                  0.0 % / 5.9 %
0.45   0.0 % / 0.0 %               0.0 % / 0.0 %                  0.0 % / 14.1 %
0.50   0.0 % / 0.1 %               0.0 % / 0.9 %                  0.0 % / 22.1 %
0.55   0.0 % / 0.3 %               12.5 % / 0.9 %                 15.8 % / 30.9 %
0.60   0.9 % / 1.3 %               25.0 % / 7.0 %                 47.4 % / 56.6 %
=====  ==========================  =============================  ==============================

The weakest relevant result seen was 0.506 (0.535 across languages), so :data:`RELEVANCE_FLOOR` is 0.45:
no relevant result measured falls below it, with a margin, while a fifth of the other manual's passages
that a cross-language query lists in its top 10 do. The window hides the weaker results behind a
"Show N weaker results" row, quick search leaves them out, the CLI takes ``--min-strength``.
"""

from __future__ import annotations

from collections.abc import Sequence

from desktop_search.core.records import SearchHit

RELEVANCE_FLOOR = 0.45  # measured: see the module docstring and benchmarks/floor.py
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
