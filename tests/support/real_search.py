"""The real engine over a folder, for tests that check what a search finds and paints.

The ``real_embedder`` fixture computes each passage's vector once per run
(``tests.support.remembered_vectors``), so the manuals these tests share cost the model one pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from desktop_search.core import Engine, SearchHit, Settings


@contextmanager
def indexed_engine(docs: Path, home: Path, embedder: Any) -> Iterator[Engine]:
    """The real engine with ``docs`` as its folder, indexed; closed on leaving."""
    engine = Engine.open(home, embedder=embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        yield engine
    finally:
        engine.close()


def search_folder(docs: Path, home: Path, embedder: Any, query: str, k: int = 5) -> list[SearchHit]:
    """The top ``k`` passages (flat) for ``query`` from the real engine after indexing ``docs``."""
    with indexed_engine(docs, home, embedder) as engine:
        return engine.search(query, k=k, grouped=False)
