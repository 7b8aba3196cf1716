"""The dense leg ranks by the query less what sets its language's passages apart from the index's, and
less the index's mean as far as the index is written in other languages than the query's.

Unit tests on a real store with vectors made by hand; then through the real stack: a German question
over a German manual and an English one finds its answer in the English manual.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from desktop_search.core import Engine, Settings
from desktop_search.core.model.protocol import Embedder
from desktop_search.core.records import FileRecord, FileStatus, SearchHit
from desktop_search.core.search.language import LanguageGuesser, choose_among
from desktop_search.core.search.language_centroids import (
    MIN_PASSAGES,
    LanguageCentroids,
    embedded_passages,
    measure,
)
from desktop_search.core.store.ledger import ChunkRow
from desktop_search.core.store.pathkeys import chunk_id, to_key
from desktop_search.core.store.store import Store
from tests.support.centroids import ranking_vector

DATA = Path(__file__).resolve().parents[1] / "data"
GERMAN = [
    "Die Bahn kündigte an, dass die Strecke zwischen Köln und Frankfurt im Sommer gesperrt wird.",
    "Während der Bauarbeiten fahren Ersatzbusse, die allerdings deutlich mehr Zeit benötigen.",
    "Pendler sollten ihre Fahrten frühzeitig planen und die Hinweise in der App beachten.",
]
ENGLISH = [
    "The quarterly report shows that revenue from the northern region grew by eleven percent.",
    "Most of the growth came from small businesses that renewed their service contracts early.",
    "Operating costs rose more slowly, mainly because the new warehouse reduced delivery times.",
]
DIM = 8


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


def _write(store: Store, name: str, texts: list[str], vectors: np.ndarray) -> None:
    key = to_key(f"/docs/{name}")
    rows = [ChunkRow(chunk_id(key, i), key, i, t, 0, len(t)) for i, t in enumerate(texts)]
    store.write_files([(FileRecord(key, to_key("/docs"), FileStatus.PENDING), rows, vectors)])


def _language_store(tmp_path: Path, german: int, english: int) -> tuple[Store, np.ndarray, np.ndarray]:
    """German passages around one direction, English ones around another; returns both means."""
    rng = np.random.default_rng(3)
    german_axis, english_axis = np.eye(DIM)[0], np.eye(DIM)[1]
    store = Store(tmp_path / "index", "test-model")
    means = []
    for name, texts, axis, count in (
        ("de.txt", GERMAN, german_axis, german),
        ("en.txt", ENGLISH, english_axis, english),
    ):
        if not count:
            means.append(np.zeros(DIM))
            continue
        passages = [texts[i % len(texts)] + f" ({i})" for i in range(count)]
        vectors = np.stack([_unit(axis + 0.3 * rng.standard_normal(DIM)) for _ in passages])
        _write(store, name, passages, vectors)
        means.append(vectors.mean(axis=0))
    return store, means[0], means[1]


def test_the_guesser_names_a_texts_language_and_chooses_among_the_index_ones() -> None:
    guesser = LanguageGuesser()
    assert guesser.guess("Wie bekomme ich eine Warnung, bevor meine Festplatte kaputtgeht?") == "de"
    assert guesser.guess("パッケージを古いバージョンに戻すにはどうすればよいですか") == "ja"
    lang, confidence = choose_among(
        guesser.probabilities("Comment configurer le réseau sans fil ?"), {"fr", "en"}
    )
    assert lang == "fr" and 0.5 < confidence <= 1.0
    assert choose_among(guesser.probabilities("anything"), set()) == (None, 0.0)


def test_each_language_gets_its_mean_and_a_query_loses_its_own(tmp_path: Path) -> None:
    store, german_mean, english_mean = _language_store(tmp_path, MIN_PASSAGES + 5, MIN_PASSAGES + 5)
    try:
        centroids = measure(store, LanguageGuesser())
        assert set(centroids.by_language) == {"de", "en"}
        assert np.allclose(centroids.by_language["de"], german_mean, atol=1e-5)
        assert np.allclose(centroids.by_language["en"], english_mean, atol=1e-5)
        assert centroids.passages == 2 * (MIN_PASSAGES + 5)

        overall = centroids.overall
        assert overall is not None and np.allclose(overall, (german_mean + english_mean) / 2, atol=1e-5)
        assert centroids.shares == pytest.approx({"de": 0.5, "en": 0.5})
        query = _unit(np.eye(DIM)[0] + np.eye(DIM)[2])
        german_question = "Wann fährt der nächste Zug nach Köln?"
        ranking = ranking_vector(LanguageCentroids(store), query, german_question)
        # half the index is in another language: the query loses half the index's mean too
        assert np.allclose(ranking, _unit(query - (german_mean - overall) - 0.5 * overall), atol=1e-5)
        means = LanguageCentroids(store)
        stronger = ranking_vector(means, query, german_question, strength=2.0, minority=0.0)
        assert np.allclose(stronger, _unit(query - 2.0 * (german_mean - overall)), atol=1e-5)
        assert ranking_vector(means, query, german_question, strength=0.0) is query
        # a German query no longer prefers German passages for being German
        german_side = _unit(german_mean - english_mean)
        assert float(query @ german_side) > 0.4 and abs(float(ranking @ german_side)) < 0.15
    finally:
        store.close()


def test_a_query_in_a_language_the_index_lacks_is_left_as_it_is(tmp_path: Path) -> None:
    """Too few German passages for a mean of their own: a German query must not lose the English side
    (that would favour the German passages); an English one does."""
    store, _german, english_mean = _language_store(tmp_path, MIN_PASSAGES - 1, MIN_PASSAGES + 5)
    try:
        centroids = measure(store, LanguageGuesser())
        assert set(centroids.by_language) == {"en"}
        assert centroids.overall is not None
        means = LanguageCentroids(store)
        query = _unit(np.eye(DIM)[2] + 0.5 * np.eye(DIM)[0])
        assert ranking_vector(means, query, "Wann fährt der nächste Zug nach Köln?") is query
        english = ranking_vector(means, query, "When does the next train to Cologne leave?")
        share = centroids.shares["en"]
        assert share == pytest.approx((MIN_PASSAGES + 5) / (2 * MIN_PASSAGES + 4))
        expected = query - (english_mean - centroids.overall) - (1 - share) * centroids.overall
        assert np.allclose(english, _unit(expected), atol=1e-5)
    finally:
        store.close()


def test_a_query_in_the_language_of_the_whole_index_keeps_the_index_mean(tmp_path: Path) -> None:
    """An index in one language (SciFact's abstracts): its mean is its language's, so the query ranks
    as it is; in a mostly German index a German query loses a little of the mean, an English one most."""
    store, _german, _english = _language_store(tmp_path, 0, MIN_PASSAGES + 5)
    try:
        query = _unit(np.eye(DIM)[2] + 0.5 * np.eye(DIM)[1])
        only = ranking_vector(LanguageCentroids(store), query, "When does the next train to Cologne leave?")
        assert np.allclose(only, query, atol=1e-6)
    finally:
        store.close()
    store, german_mean, english_mean = _language_store(tmp_path / "mixed", 4 * MIN_PASSAGES, MIN_PASSAGES)
    try:
        means = LanguageCentroids(store)
        centroids = means.current()
        assert centroids.overall is not None
        assert centroids.shares == pytest.approx({"de": 0.8, "en": 0.2})
        query = _unit(np.eye(DIM)[2] + 0.3 * np.eye(DIM)[0] + 0.3 * np.eye(DIM)[1])
        german = ranking_vector(means, query, "Wann fährt der nächste Zug nach Köln?")
        english = ranking_vector(means, query, "When does the next train to Cologne leave?")
        overall = centroids.overall
        assert np.allclose(german, _unit(query - (german_mean - overall) - 0.2 * overall), atol=1e-5)
        assert np.allclose(english, _unit(query - (english_mean - overall) - 0.8 * overall), atol=1e-5)
    finally:
        store.close()


def test_an_index_without_vectors_leaves_the_query_alone_until_it_has_some(tmp_path: Path) -> None:
    store = Store(tmp_path / "index", "test-model")
    try:
        means = LanguageCentroids(store)
        query = _unit(np.arange(1, DIM + 1, dtype=np.float32))
        assert ranking_vector(means, query, "eine Frage") is query
        rng = np.random.default_rng(5)
        for name, texts, axis in (("de.txt", GERMAN, 0), ("en.txt", ENGLISH, 1)):
            vectors = np.stack(
                [_unit(np.eye(DIM)[axis] + rng.standard_normal(DIM)) for _ in range(MIN_PASSAGES)]
            )
            _write(store, name, [texts[i % 3] + f" {i}" for i in range(MIN_PASSAGES)], vectors)
        # measured again on the next search, not half a minute later: there were none before
        assert not np.allclose(ranking_vector(means, query, "Wann fährt der nächste Zug?"), query, atol=1e-3)
    finally:
        store.close()


AMC = "grouping/amc-en-pages-57-66.pdf"


def _with_and_without(
    tmp_path: Path, embedder: Embedder, names: list[str], question: str, **off: float
) -> tuple[list[SearchHit], list[SearchHit]]:
    """The test data files ``names`` indexed through the engine; the question's top 5 passages as
    searched by default, then with the ranking parameters ``off`` (Engine.tune_search)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in names:
        shutil.copy(DATA / name, docs)
    engine = Engine.open(tmp_path / "home", embedder=embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        default = engine.search(question, k=5, grouped=False)
        engine.tune_search(**off)
        return default, engine.search(question, k=5, grouped=False)
    finally:
        engine.close()


@pytest.mark.model
def test_a_german_question_finds_the_english_manual_over_the_german_one(
    tmp_path: Path, real_embedder
) -> None:
    """The German Debian Reference (chapter 2) and the English AMC manual (pages 57-66); the question
    is answered on the excerpt's pages 6-7 of the AMC manual ("6.6.2 Manual input")."""
    question = "Wie gebe ich die angekreuzten Kästchen von Hand ein, wenn kein Scanner verfügbar ist?"
    centred, plain = _with_and_without(
        tmp_path, real_embedder, ["debian-reference.de.excerpt.pdf", AMC], question, language_centering=0.0
    )
    assert Path(centred[0].path).name == "amc-en-pages-57-66.pdf" and centred[0].page in {6, 7}
    assert all(Path(h.path).name == "amc-en-pages-57-66.pdf" for h in centred)
    # the shown strength is the plain cosine's, whichever vector ranked
    assert all(h.strength is not None and 0.0 <= h.strength <= 1.0 for h in centred)
    # without the language's mean taken out, a German page of the unrelated manual comes first
    assert Path(plain[0].path).name == "debian-reference.de.excerpt.pdf"


@pytest.mark.model
def test_a_question_in_a_minority_language_finds_its_answer_page_in_another(
    tmp_path: Path, real_embedder
) -> None:
    """Japanese is a small part of this index (chapter 2 of the Debian Reference in Japanese, German and
    English, and ten pages of the English AMC manual). A Japanese question answered on the AMC excerpt's
    page 5 (book page 61: letters printed inside the boxes, how to mark them, the threshold) also loses
    what all the index's passages share, and that page comes first; without it, page 9 did."""
    names = [f"debian-reference.{lang}.excerpt.pdf" for lang in ("ja", "de", "en")] + [AMC]
    question = "選択肢の記号がボックス内に印刷されている場合、受験者にどうマークさせ、閾値はどう設定すべきか"
    hits, plain = _with_and_without(tmp_path, real_embedder, names, question, minority_centering=0.0)
    pages = [(Path(h.path).name, h.page) for h in hits]
    assert pages[0] == ("amc-en-pages-57-66.pdf", 5)
    plain_pages = [(Path(h.path).name, h.page) for h in plain]
    assert plain_pages.index(("amc-en-pages-57-66.pdf", 5)) > 0


def test_a_store_that_fails_under_a_search_leaves_the_query_alone(tmp_path: Path) -> None:
    """A model switch replaces the store while searches go on: the means cannot be read, the search
    ranks by the plain query and does not fail."""
    store, _german, _english = _language_store(tmp_path, MIN_PASSAGES + 5, MIN_PASSAGES + 5)
    try:
        means = LanguageCentroids(store)

        def gone() -> int:
            raise sqlite3.OperationalError("unable to open database file")

        store.ledger.chunk_total = gone  # type: ignore[method-assign]
        query = _unit(np.eye(DIM)[0] + np.eye(DIM)[2])
        assert ranking_vector(means, query, "Wann fährt der nächste Zug nach Köln?") is query
        assert ranking_vector(means, query, "Wann fährt der nächste Zug nach Köln?") is query
    finally:
        store.close()


def test_the_means_are_measured_again_when_files_are_rewritten_with_other_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A re-read file keeps its number of passages; its vectors still count as changed (an extractor
    update that re-reads every PDF must not leave the old text's means in a long-running session)."""
    from desktop_search.core.search import language_centroids

    monkeypatch.setattr(language_centroids, "CHECK_EVERY_S", 0.0)
    store, _german_mean, _ = _language_store(tmp_path, german=40, english=40)
    try:
        means = LanguageCentroids(store)
        before = means.current()
        assert np.allclose(before.by_language["de"], _german_mean, atol=1e-5)
        moved = np.stack([_unit(np.eye(DIM)[2] + 0.1 * i * np.eye(DIM)[3]) for i in range(40)])
        _write(store, "de.txt", [GERMAN[i % 3] + f" ({i})" for i in range(40)], moved)
        assert embedded_passages(store) == 80  # the same number of passages as before
        after = means.current()  # sees the rewrite and measures again in the background
        for _ in range(100):
            if after is not before:
                break
            time.sleep(0.05)
            after = means.current()
        assert np.allclose(after.by_language["de"], moved.mean(axis=0), atol=1e-5)
    finally:
        store.close()


def test_the_sample_of_passages_depends_on_their_texts_not_on_the_order_files_were_written(
    tmp_path: Path,
) -> None:
    """Two builds of the same files, written in another order, measure the same means."""
    texts = {f"{name}.txt": [f"{name} passage {i} about glaciers" for i in range(60)] for name in "abc"}
    samples = []
    for n, order in enumerate((["a.txt", "b.txt", "c.txt"], ["c.txt", "a.txt", "b.txt"])):
        store = Store(tmp_path / f"index{n}", "test-model")
        for name in order:
            _write(store, name, texts[name], np.stack([_unit(np.ones(DIM))] * 60))
        samples.append(sorted(text for _cid, text, _h in store.ledger.sample_passages(40)))
        assert len(store.ledger.sample_passages(1000)) == 180  # an index under the limit: all of it
        store.close()
    assert samples[0] == samples[1] and 20 <= len(samples[0]) <= 80
    assert {text.split()[0] for text in samples[0]} == {"a", "b", "c"}  # spread over the files


def test_a_closed_means_measures_no_more_and_waits_for_one_under_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A model switch closes the old searcher's means before its store closes and its folder is
    deleted: a background measurement then under way ends first, and none starts after (one that
    did reopened the deleted store's ledger mid-deletion and left the old index folder behind)."""
    from desktop_search.core.search import language_centroids

    monkeypatch.setattr(language_centroids, "CHECK_EVERY_S", 0.0)
    store, _german, _english = _language_store(tmp_path, german=40, english=40)
    try:
        means = LanguageCentroids(store)
        before = means.current()
        measuring, release, measured = threading.Event(), threading.Event(), []
        real_measure = language_centroids.measure

        def slow_measure(*args: object) -> language_centroids.Centroids:
            measuring.set()
            release.wait(10)
            measured.append(1)
            return real_measure(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(language_centroids, "measure", slow_measure)
        _write(
            store,
            "more.txt",
            [f"{ENGLISH[0]} ({i})" for i in range(40)],
            np.stack([_unit(np.eye(DIM)[1])] * 40),
        )
        assert means.current() is before  # stale: a refresh starts in the background
        assert measuring.wait(10)
        closer = threading.Thread(target=means.close)
        closer.start()
        closer.join(0.3)
        assert closer.is_alive(), "close waits for the measurement under way"
        release.set()
        closer.join(10)
        assert not closer.is_alive() and measured == [1]
        _write(
            store,
            "most.txt",
            [f"{ENGLISH[1]} ({i})" for i in range(80)],
            np.stack([_unit(np.eye(DIM)[1])] * 80),
        )
        means.current()
        time.sleep(0.3)
        assert measured == [1], "no measurement after close"
        fresh = LanguageCentroids(store)  # a search that fetched a searcher just before it was retired
        fresh.close()
        assert fresh.current().passages == 0 and measured == [1], "not even a first measurement"
    finally:
        store.close()
