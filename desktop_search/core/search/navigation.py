"""Navigation passages (tables of contents, indexes) rank after every passage of real text.

A table of contents names every topic, so it sits near any query; it stays findable (a file whose
only match is its contents page still appears) but never above a passage that can answer.
"""

from __future__ import annotations

from collections.abc import Mapping

from desktop_search.core.search.fusion import Candidate
from desktop_search.core.store.ledger import ChunkRow


def demote_navigation(ranked: list[Candidate], rows: Mapping[str, ChunkRow]) -> list[Candidate]:
    """``ranked`` with its navigation passages moved after all others, each part in its own order."""
    text = [c for c in ranked if not rows[c.chunk_id].navigation]
    if len(text) == len(ranked):
        return ranked
    return text + [c for c in ranked if rows[c.chunk_id].navigation]
