"""Licences through the whole product (real model, real store, real files no one here wrote): a licence
found by meaning alone falls below the manual that answers; a question about licensing finds it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core import Engine
from tests.support.real_search import indexed_engine

pytestmark = pytest.mark.model

DATA = Path(__file__).resolve().parents[1] / "data"
RECOVER = "Wie rette ich Daten aus einer beschädigten Datei?"  # the bzip2 manual's section 2.6


def _is_licence(path: str) -> bool:
    return Path(path).name in ("copyright", "Apache-2.0")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, real_embedder):
    docs = tmp_path_factory.mktemp("docs")
    shutil.copytree(DATA / "licenses", docs / "licenses")  # debianutils/copyright, Apache-2.0
    shutil.copy2(DATA / "bzip2-manual.pdf.gz", docs / "bzip2-manual.pdf.gz")
    with indexed_engine(docs, tmp_path_factory.mktemp("home"), real_embedder) as engine:
        yield engine


def _scores(engine: Engine, query: str) -> dict[str, float]:
    return {h.chunk_id: h.score for h in engine.search(query, k=200, grouped=False)}


def test_a_licence_found_by_meaning_alone_falls_below_the_manual(engine: Engine) -> None:
    hits = engine.search(RECOVER, k=4, grouped=False)
    assert Path(hits[0].path).name == "bzip2-manual.pdf.gz"
    assert not any(_is_licence(h.path) for h in hits)
    engine.tune_search(license_factor=1.0)  # the scores the licences would have had
    try:
        plain = engine.search(RECOVER, k=200, grouped=False)
    finally:
        engine.tune_search(license_factor=0.5)
    scored = _scores(engine, RECOVER)
    licences = [h for h in plain if _is_licence(h.path) and h.chunk_id in scored]
    assert licences
    for h in licences:
        assert scored[h.chunk_id] == pytest.approx(h.score * 0.5)


def test_a_question_about_licensing_in_another_language_finds_the_licence(engine: Engine) -> None:
    for query in ("Darf ich das Programm weitergeben?", "プログラムを配布してもよいですか"):
        assert _is_licence(engine.search(query, k=3)[0].path), query
