"""EPUB books as SiSU and Sphinx write them, through the whole product (real model, real store, real
files): their contents pages are navigation, their text is text, and no chapter title stands alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_search.core import Engine
from tests.core.navigation_samples import WELCOME, make_sisu_epub_manual, make_sphinx_epub_manual
from tests.support.real_search import indexed_engine

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, real_embedder):
    docs = tmp_path_factory.mktemp("books")
    (docs / "sisu.epub").write_bytes(make_sisu_epub_manual())
    (docs / "welcome.epub").write_bytes(make_sphinx_epub_manual())
    with indexed_engine(docs, tmp_path_factory.mktemp("home"), real_embedder) as engine:
        yield engine


@pytest.mark.parametrize(
    ("query", "section"),
    [
        ("Wo soll der Bienenstock stehen?", "1.1 Placing the hive"),
        ("when is honey ready", "2.3 Harvesting honey"),
    ],
)
def test_the_contents_page_of_headings_never_outranks_the_section(engine: Engine, query: str, section: str):
    hits = [h for h in engine.search(query, k=300, grouped=False) if Path(h.path).name == "sisu.epub"]
    contents = [h for h in hits if h.navigation]
    # the contents page has no vector: the English query finds it by its words, the German one not
    assert len(contents) == (query == "when is honey ready")
    assert all("1.1 Placing the hive" in h.text for h in contents)
    answer = min(h.rank for h in hits if (h.heading or "").endswith(section))
    assert all(h.rank > answer for h in contents)


def test_no_passage_of_the_book_is_a_bare_title(engine: Engine) -> None:
    hits = engine.search("beekeeping", k=300, grouped=False, mode="dense")
    assert hits
    assert all(len(h.text.strip().splitlines()) > 1 for h in hits if Path(h.path).name == "sisu.epub")


def test_the_welcome_text_of_a_sphinx_book_is_text(engine: Engine) -> None:
    [best, *_] = engine.search("what does the handbook teach a beginner", k=5, grouped=False)
    assert Path(best.path).name == "welcome.epub" and WELCOME in best.text and not best.navigation
