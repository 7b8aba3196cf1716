"""The match strength: cosine placed between the model's own 'unrelated' and 'answer' anchors; for a query
shifted before the dense leg (its language's offset taken out), what is shown is the similarity it was
ranked by, on anchors shifted the same way, and the plain cosine's strength stays for the floor."""

from __future__ import annotations

import numpy as np
import pytest

from desktop_search.core.records import SearchHit
from desktop_search.core.search.match_strength import (
    ANSWER_STRENGTH,
    CALIBRATION_PAIRS,
    RAW_COSINE,
    MatchScale,
    measure_calibration,
    measure_scale,
)
from desktop_search.core.search.searcher import Searcher
from desktop_search.core.store.store import Store
from tests.support.fake_embedder import HashEmbedder


def test_anchors_read_zero_and_answer_strength() -> None:
    scale = MatchScale(unrelated=0.75, answer=0.87)
    assert scale.strength(0.75) == 0.0
    assert scale.strength(0.87) == pytest.approx(ANSWER_STRENGTH)
    assert scale.strength(0.60) == 0.0  # below unrelated: clipped, never negative
    assert 0.995 <= scale.strength(0.99) < 1.0  # nearly identical: reads 100 %
    assert scale.strength(0.81) == pytest.approx(0.45)


def test_closer_than_a_typical_answer_still_reads_closer() -> None:
    """Past the answer anchor the scale bends towards 100 % instead of clipping: passages of a manual
    on the query's own subject, all closer than the typical answer, still read in their order."""
    scale = MatchScale(unrelated=0.75, answer=0.87)
    readings = [scale.strength(c) for c in (0.86, 0.87, 0.88, 0.90, 0.93, 0.96)]
    assert readings == sorted(readings) and len({round(r * 100) for r in readings}) == len(readings)
    assert all(r < 1.0 for r in readings)
    assert scale.strength(0.75 + 1.1 * 0.12 / 0.9) == pytest.approx(0.95, abs=0.002)  # 1.1 straight: 95 %
    assert scale.strength(0.84) == pytest.approx(0.675)  # below the knee: unchanged


def test_anchors_too_close_show_raw_cosine() -> None:
    assert RAW_COSINE.strength(0.42) == pytest.approx(0.42)
    assert RAW_COSINE.strength(-0.3) == 0.0
    assert MatchScale(unrelated=0.5, answer=0.5002).strength(0.8) == pytest.approx(0.8)


def test_display_score_prefers_strength() -> None:
    hit = SearchHit("c", "/p", "t", None, 0, 1, similarity=0.8)
    assert hit.display_score == pytest.approx(0.8)
    assert SearchHit("c", "/p", "t", None, 0, 1, similarity=0.8, strength=0.3).display_score == 0.3
    ranked = SearchHit("c", "/p", "t", None, 0, 1, similarity=0.8, strength=0.3, ranked_strength=0.2)
    assert ranked.display_score == 0.2  # what the hit was ranked by
    assert SearchHit("c", "/p", "t", None, 0, 1).display_score == 0.0  # keyword-only: no cosine


def test_calibration_pairs_are_distinct_topics() -> None:
    queries = [q for q, _ in CALIBRATION_PAIRS]
    assert len(set(queries)) == len(queries) >= 6


def test_measure_scale_on_a_fake_model() -> None:
    scale = measure_scale(HashEmbedder(dimension=64))
    assert np.isfinite(scale.unrelated) and np.isfinite(scale.answer)
    assert scale.answer > scale.unrelated  # the pairs share words, so even hashed words agree more


def test_a_failed_measurement_falls_back_to_raw_cosine(tmp_path) -> None:
    class Broken(HashEmbedder):
        def embed_documents(self, texts):
            if any(t == CALIBRATION_PAIRS[0][1] for t in texts):
                raise RuntimeError("model went away")
            return super().embed_documents(texts)

    embedder = Broken(dimension=64)
    store = Store(tmp_path / "index", embedder.model_name)
    try:
        assert Searcher(store, embedder).match_scale() is RAW_COSINE
    finally:
        store.close()


@pytest.mark.model
def test_real_model_anchors(real_embedder) -> None:
    scale = measure_scale(real_embedder)
    # multilingual-e5-small: unrelated text about 0.74, an answer about 0.87
    assert 0.6 < scale.unrelated < 0.8
    assert scale.answer - scale.unrelated > 0.08


def test_a_shifted_calibration_reads_shifted_similarities() -> None:
    calibration = measure_calibration(HashEmbedder(dimension=64))
    assert calibration.scale() == measure_scale(HashEmbedder(dimension=64))
    shift = 0.3 * calibration.passages.mean(axis=0)  # what a minority language's query loses
    shifted = calibration.scale(shift)
    moved = calibration.queries - shift
    moved /= np.linalg.norm(moved, axis=1, keepdims=True)
    cosines = moved @ calibration.passages.T
    assert shifted.answer == pytest.approx(float(np.diag(cosines).mean()), rel=1e-5)
    assert shifted.unrelated < calibration.scale().unrelated  # the shared mean went with the shift


@pytest.mark.model
def test_strength_follows_the_ranking_of_a_shifted_query(tmp_path, real_embedder) -> None:
    """A German question over a German and an English manual: the German passages are closer to it
    by language alone. The dense leg ranks without that, and the strengths shown follow its order (by
    the plain cosine, German passages ranked lower read stronger: 0.63, 0.79, 0.76, 0.45, …)."""
    import shutil
    from pathlib import Path

    from desktop_search.core import Engine, Settings

    data = Path(__file__).resolve().parent.parent / "data"
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("debian-reference.en.excerpt.pdf", "debian-reference.de.excerpt.pdf"):
        shutil.copy(data / name, docs / name)
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        hits = [
            h for h in engine.search("Wie halte ich mein System aktuell?", k=30, grouped=False, mode="dense")
        ]
        text = [h for h in hits if not h.navigation]
        assert {h.path.endswith("de.excerpt.pdf") for h in text} == {True, False}
        shown = [h.display_score for h in text]
        assert shown == sorted(shown, reverse=True)
        assert all(h.ranked_strength is not None for h in text)
        plain = [h.strength for h in text]  # the floor's and the inline passages' strength
        assert plain != sorted(plain, reverse=True)
        assert all(h.similarity is not None and 0 < h.similarity <= 1 for h in text)  # the plain cosine
    finally:
        engine.close()
