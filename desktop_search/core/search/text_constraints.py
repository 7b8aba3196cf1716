"""Phrases a passage must contain and words it must not, checked on its text as the highlighter reads it.

The keyword leg applies them inside its FTS5 query (:func:`~.filters.fts_constraint`);
the dense leg cannot (Chroma's document filter is case- and accent-sensitive), so the searcher asks it
for :data:`WIDEN` times more candidates and keeps those :class:`TextConstraint` passes. The same check
runs on the keyword leg's rows, so both legs obey one rule: the highlighter's case- and accent-folded
match (:mod:`desktop_search.core.search.highlight`).
"""

from __future__ import annotations

from desktop_search.core.search.filters import FilterSpec
from desktop_search.core.search.highlight import Highlighter, query_terms

WIDEN = 4  # dense candidates fetched per passage wanted, when some will fail the constraint
MAX_DEPTH = 1000


class TextConstraint:
    """Checks passages against a spec's phrases and excluded words."""

    def __init__(self, phrases: tuple[str, ...], excluded: tuple[str, ...]) -> None:
        self.required = [_term_text(p) for p in phrases]
        self.required = [t for t in self.required if t]
        self._need = Highlighter([t for p in phrases for t in query_terms(f'"{p}"')[:1]])
        self._avoid = Highlighter([t for e in excluded for t in query_terms(f'"{e}"')[:1]])
        self._has_excluded = bool(self._avoid.terms)

    @classmethod
    def of(cls, spec: FilterSpec | None) -> TextConstraint | None:
        if spec is None or not (spec.phrases or spec.excluded):
            return None
        return cls(spec.phrases, spec.excluded)

    def passes(self, text: str, heading: str | None = None) -> bool:
        """The passage (its text and heading) contains every phrase and no excluded word."""
        whole = f"{heading}\n{text}" if heading else text
        if self.required:
            found = self._need.find(whole)[1]
            if not all(term in found for term in self.required):
                return False
        return not (self._has_excluded and self._avoid.find(whole)[1])


def _term_text(phrase: str) -> str:
    terms = query_terms(f'"{phrase}"')
    return terms[0].text if terms else ""
