"""How to run a keyword query cheaply on a large index: Elasticsearch's "common terms" idea for FTS5.

FTS5 computes BM25 for every row an OR query matches (about 1 µs a row here), so a query with common
words over 100,000 chunks spends most of its time scoring rows that only share a common word. Rows are
instead scored only when they contain a *rare* term (the rarest terms whose document counts add up to
at most ``budget``); the common terms still count towards those rows' scores. When every term is
common, rows must contain all of them. Below the budget the plan is the plain OR query (exact BM25).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

ROW_BUDGET = 10_000  # rows scored per query leg, about 10 ms


@dataclass(frozen=True)
class KeywordPlan:
    """``rare`` terms select the rows; ``common`` terms (rarest first) only add to those rows' scores."""

    rare: tuple[str, ...]
    common: tuple[str, ...]

    @property
    def exact(self) -> bool:
        return not self.common


def plan_terms(terms: Sequence[str], doc_counts: Mapping[str, int], budget: int = ROW_BUDGET) -> KeywordPlan:
    """Split ``terms`` (FTS5 phrases) by how many rows contain them, rarest first into ``rare``."""
    if sum(doc_counts.get(t, 0) for t in terms) <= budget:
        return KeywordPlan(tuple(terms), ())
    rare: list[str] = []
    used = 0
    for term in sorted(terms, key=lambda t: doc_counts.get(t, 0)):
        count = doc_counts.get(term, 0)
        if used + count > budget:
            break
        rare.append(term)
        used += count
    common = tuple(sorted((t for t in terms if t not in rare), key=lambda t: doc_counts.get(t, 0)))
    return KeywordPlan(tuple(t for t in terms if t in rare), common)


def any_of(terms: Sequence[str]) -> str:
    return " OR ".join(terms)


def all_of(terms: Sequence[str]) -> str:
    return " AND ".join(terms)
