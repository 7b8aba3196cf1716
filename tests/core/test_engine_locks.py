"""The engine's locks: loading the model on one thread while another sets up the indexer."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from desktop_search.core.config.settings import Settings
from desktop_search.core.engine import Engine
from tests.support.fake_embedder import HashEmbedder


class GatedEmbedder(HashEmbedder):
    """A fake whose ``load`` waits until the test lets it finish."""

    def __init__(self) -> None:
        super().__init__(dimension=64)
        self.loaded = False
        self.entered = threading.Event()
        self.release = threading.Event()

    def load(self, progress: object = None) -> None:
        self.entered.set()
        assert self.release.wait(10)
        self.loaded = True


def test_model_load_beside_indexer_setup_does_not_deadlock(tmp_path: Path) -> None:
    """The loader finishes under the load lock and then needs the engine lock (to anchor the score
    scale); the indexer set-up holds the engine lock and waits for the load lock. Neither may wait
    for the other while holding what the other needs."""
    embedder = GatedEmbedder()
    engine = Engine.open(tmp_path / "home", embedder=embedder, settings=Settings().validate())
    loader = threading.Thread(target=engine.load_model, daemon=True)
    loader.start()
    assert embedder.entered.wait(5)  # the loader holds the load lock
    indexer = threading.Thread(target=engine.prepare_indexing, daemon=True)
    indexer.start()  # takes the engine lock, then waits for the load lock
    time.sleep(0.3)
    embedder.release.set()
    loader.join(15)
    indexer.join(15)
    # deadlocked threads would hold the engine's locks: close() is only safe once both are done
    assert not loader.is_alive() and not indexer.is_alive(), "model load and indexer set-up deadlocked"
    try:
        assert engine.search("anything", k=3) == []  # the engine still answers
    finally:
        engine.close()
