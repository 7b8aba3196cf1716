"""One real-engine search over a folder, for tests that check what a search finds and paints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop_search.core import Engine, SearchHit, Settings


def search_folder(docs: Path, home: Path, embedder: Any, query: str, k: int = 5) -> list[SearchHit]:
    """The top ``k`` passages (flat) for ``query`` from the real engine after indexing ``docs``."""
    engine = Engine.open(home, embedder=embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        return engine.search(query, k=k, grouped=False)
    finally:
        engine.close()
