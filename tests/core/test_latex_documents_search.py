"""LaTeX sources through the whole product (real model, real store, real files): a question finds the
section that answers it by its title and words, in the language it was asked in or another."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core import Engine
from tests.core.test_latex_documents import CHAPTER_DE, LAB_REPORT
from tests.support.real_search import indexed_engine

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, real_embedder):
    docs = tmp_path_factory.mktemp("theses")
    for source in (LAB_REPORT, CHAPTER_DE):
        shutil.copy(source, docs / source.name)
    with indexed_engine(docs, tmp_path_factory.mktemp("home"), real_embedder) as engine:
        yield engine


def test_the_section_that_answers_ranks_first(engine: Engine) -> None:
    [best, *_] = engine.search("How do I include a Java code snippet in my report?", k=3, grouped=False)
    assert Path(best.path).name == LAB_REPORT.name
    assert best.heading == "The first assignment › Including code"
    assert "\\begin" not in best.text and "import ij.ImagePlus;" in best.text


def test_an_english_question_finds_the_german_chapters_section(engine: Engine) -> None:
    [best, *_] = engine.search("which software do I need to work with LaTeX", k=3, grouped=False)
    assert Path(best.path).name == CHAPTER_DE.name
    assert best.heading == "Zum Arbeiten mit LaTeX › Einstieg › Software"


def test_a_german_question_finds_its_section_by_title(engine: Engine) -> None:
    [best, *_] = engine.search("Wie setze ich eine Fußnote in eine Überschrift?", k=3, grouped=False)
    assert best.heading == "Zum Arbeiten mit LaTeX › Fußnoten › Fußnoten in Überschriften"
