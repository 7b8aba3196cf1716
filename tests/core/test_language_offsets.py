"""Reference language offsets: a query in a language the index lacks loses that language too."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from desktop_search.core import Engine, Settings
from desktop_search.core.search.language import LanguageGuesser
from desktop_search.core.search.language_centroids import ABSENT_CENTERING, MIN_PASSAGES, LanguageCentroids
from desktop_search.core.search.language_offsets import (
    LanguageOffsets,
    measure_offsets,
    reference_sentences,
)
from desktop_search.core.search.searcher import Searcher
from desktop_search.core.store.store import Store
from tests.core.test_language_centroids import DIM, _language_store, _unit
from tests.support.centroids import ranking_vector
from tests.support.fake_embedder import HashEmbedder

DATA = Path(__file__).resolve().parents[1] / "data"
GERMAN_QUESTION = "Wann fährt der nächste Zug nach Köln?"


class AxisEmbedder:
    """Each reference language's sentences along an axis of their own (plus the shared first axis)."""

    dim = DIM

    def __init__(self, axes: dict[str, int], reference: dict[str, tuple[str, ...]]) -> None:
        self.language_of = {s: lang for lang, sentences in reference.items() for s in sentences}
        self.axes = axes
        self.calls = 0

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = []
        for text in texts:
            v = np.eye(DIM)[0] + np.eye(DIM)[self.axes[self.language_of[text]]]
            out.append(_unit(v))
        return np.stack(out).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        raise AssertionError("the reference is embedded as passages")


REFERENCE = {"de": ("eins", "zwei"), "en": ("one", "two"), "fr": ("un", "deux")}


def test_each_languages_offset_is_its_mean_less_the_mean_of_all_languages() -> None:
    embedder = AxisEmbedder({"de": 3, "en": 4, "fr": 5}, REFERENCE)
    offsets = measure_offsets(embedder, REFERENCE)  # type: ignore[arg-type]
    means = {lang: _unit(np.eye(DIM)[0] + np.eye(DIM)[axis]) for lang, axis in embedder.axes.items()}
    overall = np.mean(np.stack(list(means.values())), axis=0)
    for lang in REFERENCE:
        assert np.allclose(offsets[lang], means[lang] - overall, atol=1e-6)
    assert np.allclose(sum(offsets.values()), 0.0, atol=1e-6)


def test_apart_from_the_index_is_the_offset_less_the_index_languages_by_share() -> None:
    embedder = AxisEmbedder({"de": 3, "en": 4, "fr": 5}, REFERENCE)
    offsets = LanguageOffsets(embedder, REFERENCE)  # type: ignore[arg-type]
    every = offsets.all()
    apart = offsets.apart_from("de", {"en": 0.75, "fr": 0.25, "xx": 0.5})  # xx: not in the reference
    assert apart is not None
    assert np.allclose(apart, every["de"] - 0.75 * every["en"] - 0.25 * every["fr"], atol=1e-6)
    assert np.allclose(offsets.apart_from("de", {"xx": 1.0}), every["de"])  # type: ignore[arg-type]
    assert offsets.apart_from("ko", {"en": 1.0}) is None
    assert embedder.calls == 1  # measured once


def test_a_failed_measurement_leaves_no_offsets_and_says_why(caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        dim = DIM

        def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
            raise RuntimeError("model gone")

    offsets = LanguageOffsets(Broken(), REFERENCE)  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING):
        assert offsets.apart_from("de", {"en": 1.0}) is None
    assert "reference language offsets" in caplog.text


def test_a_query_in_a_language_the_index_lacks_loses_half_of_what_a_present_one_would(
    tmp_path: Path,
) -> None:
    """German has too few passages for a mean of its own: a German query loses, half as far, the
    reference's German-less-English and the index's mean; a language the reference lacks is left alone."""
    store, _german, _english = _language_store(tmp_path, MIN_PASSAGES - 1, MIN_PASSAGES + 5)
    try:
        reference = {"de": ("eins",), "en": ("one",)}
        offsets = LanguageOffsets(AxisEmbedder({"de": 6, "en": 7}, reference), reference)  # type: ignore[arg-type]
        means = LanguageCentroids(store, offsets=offsets)
        centroids = means.current()
        assert set(centroids.by_language) == {"en"} and centroids.overall is not None
        query = _unit(np.eye(DIM)[2] + 0.5 * np.eye(DIM)[0])
        ranked = ranking_vector(means, query, GERMAN_QUESTION)
        apart = offsets.all()["de"] - offsets.all()["en"]
        expected = query - ABSENT_CENTERING * (apart + centroids.overall)
        assert np.allclose(ranked, _unit(expected), atol=1e-5)
        assert ranking_vector(means, query, GERMAN_QUESTION, absent=0.0) is query
        assert ranking_vector(means, query, GERMAN_QUESTION, strength=0.0) is query
        # Dutch is not in this reference: the query is left as it is
        assert ranking_vector(means, query, "Wanneer vertrekt de volgende trein naar Keulen?") is query
        # offsets of another model (another width) are never mixed into the query
        wide = {"de": ("eins",), "en": ("one",)}
        other = LanguageOffsets(HashEmbedder(dimension=2 * DIM), wide)  # type: ignore[arg-type]
        assert ranking_vector(LanguageCentroids(store, offsets=other), query, GERMAN_QUESTION) is query
        # without offsets at all (as before them), too
        assert ranking_vector(LanguageCentroids(store), query, GERMAN_QUESTION) is query
    finally:
        store.close()


def test_the_reference_says_the_same_in_every_language() -> None:
    """Sixteen sentences in each of sixteen languages, each recognised as its language (a sentence
    pasted into the wrong list would skew that language's offset)."""
    reference = reference_sentences()
    assert len(reference) >= 16 and {"en", "de", "fr", "es", "ja", "zh"} <= set(reference)
    assert {len(sentences) for sentences in reference.values()} == {16}
    guesser = LanguageGuesser()
    for lang, sentences in reference.items():
        recognised = sum(guesser.guess(s) == lang for s in sentences)
        assert recognised >= len(sentences) - 1, lang  # py3langid calls one Chinese sentence Wu


def _ranks(scores: np.ndarray) -> np.ndarray:
    ranks = np.empty(len(scores))
    ranks[np.argsort(scores)] = np.arange(len(scores))
    return ranks


def _rank_agreement(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's correlation of two scorings of the same passages."""
    return float(np.corrcoef(_ranks(a), _ranks(b))[0, 1])


@pytest.mark.model
def test_a_question_in_a_language_the_index_lacks_ranks_more_like_its_translation(
    tmp_path: Path, real_embedder
) -> None:
    """Two English manuals' excerpts (Debian Reference chapter 2, AMC pages 57-66). A German and a French
    question rank the index's passages more as their English translation does once the ranking vector
    loses their language; and the German one finds its answer page (AMC "6.6.2 Manual input")."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("debian-reference.en.excerpt.pdf", "grouping/amc-en-pages-57-66.pdf"):
        shutil.copy(DATA / name, docs)
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        ids = [cid for record in engine.files() for cid in engine.store.ledger.chunk_ids_of(record.path)]
        passages = np.stack(list(engine.store.vectors.get_vectors(ids).values()))
        centroids = engine._get_searcher().centroids  # the searcher's own means and offsets
        pairs = [
            (
                "Wie gebe ich die angekreuzten Kästchen von Hand ein, wenn kein Scanner verfügbar ist?",
                "How do I enter the ticked boxes by hand when no scanner is available?",
            ),
            (
                "Comment saisir à la main les cases cochées sans scanner ?",
                "How do I enter the ticked boxes by hand without a scanner?",
            ),
        ]
        for question, translation in pairs:
            plain = np.asarray(real_embedder.embed_query(question), dtype=np.float32)
            english = passages @ np.asarray(real_embedder.embed_query(translation), dtype=np.float32)
            ranking = ranking_vector(centroids, plain, question, absent=ABSENT_CENTERING)
            assert ranking is not plain
            before, after = (
                _rank_agreement(passages @ plain, english),
                _rank_agreement(passages @ ranking, english),
            )
            assert after > before + 0.01, (question, before, after)
        top = engine.search(pairs[0][0], k=3, grouped=False)[0]
        assert Path(top.path).name == "amc-en-pages-57-66.pdf" and top.page in {6, 7}
    finally:
        engine.close()


def test_offsets_are_measured_once_per_model_and_kept_in_the_index(tmp_path: Path) -> None:
    """Measured on first need, not at start (the searcher's ``prepare`` leaves them); kept in the
    ledger, so the next session reads them back without embedding; another model measures its own."""
    store = Store(tmp_path / "index", "test-model")
    try:
        embedder = HashEmbedder(dimension=DIM)
        searcher = Searcher(store, embedder)
        searcher.prepare()
        offsets = searcher.centroids.offsets
        assert offsets is not None and offsets._offsets is None  # nobody asked yet
        measured = offsets.all()
        assert set(measured) == set(reference_sentences()) and embedder.calls  # embedded now
        again = HashEmbedder(dimension=DIM)
        read_back = LanguageOffsets(again, ledger=store.ledger).all()
        assert not again.calls and set(read_back) == set(measured)
        assert all(np.allclose(read_back[lang], measured[lang], atol=1e-6) for lang in measured)

        class Other(HashEmbedder):
            model_name = "test/another-model"

        other = Other(dimension=DIM)
        assert LanguageOffsets(other, ledger=store.ledger).all() and other.calls  # not the other's
        store.ledger.set_meta("language_offsets", "{not json")  # a damaged record: measured again
        fresh = HashEmbedder(dimension=DIM)
        assert LanguageOffsets(fresh, ledger=store.ledger).all() and fresh.calls
    finally:
        store.close()
