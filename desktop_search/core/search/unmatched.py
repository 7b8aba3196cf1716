"""Passages that rank as answers on the query's own words, not on meaning alone.

Some passages sit near many queries whatever they ask: a code file's language-neutral tokens
(:mod:`code_passages`), a licence's legal prose (:mod:`license_passages`). One that the keyword leg
also found (the query names its function, its package, its licence) keeps its place; one found by
meaning alone keeps a share of its fused score, so prose that answers ranks first and the passage still
follows when nothing better is there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import PurePosixPath

from desktop_search.core.search.fusion import Candidate
from desktop_search.core.store.ledger import ChunkRow
from desktop_search.core.store.pathkeys import from_key

# (the passages a rule scores down: found by meaning alone, of its kind; the share of the score they keep)
Rule = tuple[Callable[[Candidate, ChunkRow], bool], float]


def demote_unmatched(
    ranked: list[Candidate], rows: Mapping[str, ChunkRow], rules: Sequence[Rule]
) -> list[Candidate]:
    """``ranked`` re-sorted after scaling down the passages that a rule names (by the smallest share
    of the rules that name one)."""
    rules = [(names, factor) for names, factor in rules if factor < 1.0]
    if not rules:
        return ranked
    changed = False
    for c in ranked:
        row = rows[c.chunk_id]
        factor = min((f for names, f in rules if names(c, row)), default=1.0)
        if factor < 1.0:
            c.score *= factor
            changed = True
    if not changed:
        return ranked
    return sorted(ranked, key=lambda c: (-c.score, -(c.similarity or -1.0), c.chunk_id))


def passage_file_name(row: ChunkRow) -> str:
    """The name of the passage's file: the innermost member's, for a part ("message 2 / Makefile",
    "src.zip / build/Makefile" name ``Makefile``)."""
    return PurePosixPath((row.part or from_key(row.path)).replace("\\", "/")).name.strip()
