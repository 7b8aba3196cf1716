"""The vector cache: each text embedded once per model, reused by copies and edits, collected when unused."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from desktop_search.core.config.settings import Settings
from desktop_search.core.engine import Engine
from desktop_search.core.index.cached_embedding import embed_with_cache
from desktop_search.core.store.ledger import Ledger
from desktop_search.core.store.vector_cache import VectorCache, text_key
from tests.support.counting_embedder import CountingEmbedder
from tests.support.fake_embedder import HashEmbedder


def _paragraphs(n: int, seed: str) -> str:
    return "\n\n".join(
        " ".join(f"{seed}{p}word{i % 40} lorem{i % 7} ipsum{(i * p) % 13}." for i in range(25))
        for p in range(n)
    )


def _engine(home: Path, embedder) -> Engine:
    return Engine.open(home, embedder=embedder, settings=Settings(chunk_tokens=220).validate())


def _distinct_hashes(engine: Engine) -> set[str]:
    return {r[0] for r in engine.store.ledger.conn.execute("SELECT text_hash FROM chunks")}


def test_texts_within_one_call_and_across_calls_are_embedded_once(tmp_path: Path) -> None:
    cache = VectorCache(Ledger(tmp_path / "ledger.sqlite3"), "test/hash-embedder")
    embedder = CountingEmbedder(HashEmbedder())
    vectors, reused = embed_with_cache(embedder, ["a b", "c d", "a b"], cache)
    assert (embedder.embedded, reused, vectors.shape) == (2, 1, (3, 64))
    again, reused = embed_with_cache(embedder, ["c d", "a b", "e f"], cache)
    assert (embedder.embedded, reused) == (3, 2)
    assert np.array_equal(again[0], vectors[1]) and np.array_equal(again[1], vectors[0])
    assert len(cache) == 3 and VectorCache(cache.ledger, "other/model").get_many([text_key("a b")]) == {}


def test_a_copied_file_embeds_nothing_and_unused_vectors_are_collected(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "report.txt").write_text("Quarterly report\n\n" + _paragraphs(12, "r"), encoding="utf-8")
    (folder / "other.txt").write_text(_paragraphs(4, "o"), encoding="utf-8")
    embedder = CountingEmbedder(HashEmbedder())
    engine = _engine(tmp_path / "home", embedder)
    try:
        engine.add_folder(folder)
        engine.index()
        first = engine.store.ledger.chunk_total()
        assert embedder.embedded >= first > 6
        before = embedder.embedded
        shutil.copytree(folder, folder / "copy")
        engine.index()
        assert embedder.embedded == before  # the copies' passages all came from the cache
        assert engine.store.ledger.chunk_total() == 2 * first
        cache = engine.store.vector_cache
        assert len(cache) == len(_distinct_hashes(engine)) == first
        # gone from both places: its vectors are collected; still used by the copy: kept
        (folder / "other.txt").unlink()
        (folder / "copy" / "other.txt").unlink()
        (folder / "report.txt").unlink()
        engine.index()
        assert len(cache) == len(_distinct_hashes(engine)) == engine.store.ledger.chunk_total()
        assert len(cache) < first
        engine.remove_folder(folder)
        assert len(cache) == 0
    finally:
        engine.close()


@pytest.mark.model
def test_a_cache_hit_returns_the_identical_vector(real_embedder, tmp_path: Path) -> None:
    cache = VectorCache(Ledger(tmp_path / "ledger.sqlite3"), real_embedder.model_name)
    texts = ["Lighthouses guide ships at night.", "Tomatoes need full sun and steady water."]
    first, reused = embed_with_cache(real_embedder, texts, cache)
    assert reused == 0 and first.dtype == np.float32
    again, reused = embed_with_cache(real_embedder, texts[::-1], cache)
    assert reused == 2
    assert again[1].tobytes() == first[0].tobytes() and again[0].tobytes() == first[1].tobytes()


@pytest.mark.model
def test_an_edit_near_the_top_re_embeds_at_most_three_passages(real_embedder, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    text = _paragraphs(30, "m")
    (folder / "manual.txt").write_text(text, encoding="utf-8")
    embedder = CountingEmbedder(real_embedder)
    engine = _engine(tmp_path / "home", embedder)
    try:
        engine.add_folder(folder)
        engine.index()
        passages = engine.store.ledger.chunk_total()
        assert passages >= 10 and embedder.embedded >= passages
        before = embedder.embedded
        edited = "A sentence the author added at the top, long enough to shift every later word. " + text
        (folder / "manual.txt").write_text(edited, encoding="utf-8")
        engine.index()
        assert embedder.embedded - before <= 3
        hits = engine.search("m29word3 lorem2", k=3)
        assert hits and hits[0].path.endswith("manual.txt")
    finally:
        engine.close()
