"""Navigation passages through the whole product: real model, real store, real PDF excerpts of a
manual (tests/data). A table-of-contents page names every topic; it must never outrank the page it
points to, yet stay findable."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core import Engine
from tests.support.real_search import indexed_engine

pytestmark = pytest.mark.model

DATA = Path(__file__).resolve().parent.parent / "data"
QUERIES = [
    "Debian package management prerequisites",  # a contents line, word for word
    "basic precautions before installing packages from mixed suites",
    "Grundsätzliche Vorsichtsmaßnahmen",
    "Vorsichtsmaßnahmen bei der Paketverwaltung",  # German over both languages
    "life with eternal upgrades",
    "Debian archive basics",
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, real_embedder):
    docs = tmp_path_factory.mktemp("manuals")
    for name in (
        "debian-reference.en.excerpt.pdf",
        "debian-reference.de.excerpt.pdf",
        "ubuntu-packaging-guide.en.excerpt.pdf",  # Sphinx's headers: "1.2. Getting Set Up <title>"
    ):
        shutil.copy(DATA / name, docs / name)
    with indexed_engine(docs, tmp_path_factory.mktemp("home"), real_embedder) as engine:
        yield engine


@pytest.mark.parametrize("query", QUERIES)
def test_navigation_passages_rank_after_every_text_passage(engine: Engine, query: str) -> None:
    hits = engine.search(query, k=200, grouped=False)
    assert any(h.navigation for h in hits) and any(not h.navigation for h in hits)
    last_text = max(h.rank for h in hits if not h.navigation)
    assert all(h.rank > last_text for h in hits if h.navigation)
    for path in {h.path for h in hits}:  # within each manual too: its contents page comes last
        ranks = [h.navigation for h in hits if h.path == path]
        assert ranks == sorted(ranks)


@pytest.mark.parametrize("query", QUERIES)
def test_grouped_results_lead_with_text(engine: Engine, query: str) -> None:
    hits = engine.search(query, k=10)
    text = [h for h in hits if not h.navigation]
    assert text and text[0] is hits[0]
    # a file shown by its contents page only (its text passages folded as near-identical to the
    # other edition's: tables and commands are the same in both) comes after every file shown by text
    assert all(h.rank > text[-1].rank for h in hits if h.navigation)
    # every text passage of the excerpts knows its section, past the title page
    assert all(h.heading for h in text if h.page != 1)


def test_a_file_matched_only_by_its_contents_page_still_appears(engine: Engine) -> None:
    hits = engine.search("safeguarding", k=10, mode="keyword")
    assert hits and all(h.navigation and h.page == 1 for h in hits)


def test_passages_hold_neither_running_headers_nor_page_numbers(engine: Engine) -> None:
    hits = engine.search("Debian Reference", k=200, grouped=False)
    assert hits
    for h in hits:
        assert "Debian Reference" not in f"{h.text} {h.heading}" and "Debian-Referenz" not in h.text
        assert "/ 233" not in h.text


def test_passages_carry_their_outline_heading(engine: Engine) -> None:
    [hit] = [h for h in engine.search("Do not install packages from random mixture of suites", k=5)][:1]
    assert (
        hit.heading
        == "Debian package management › 2.1 Debian package management prerequisites › 2.1.2 Basic precautions"
    )
    assert hit.page == 3


def test_sphinx_manual_passages_hold_no_header_and_open_with_their_section(engine: Engine) -> None:
    rows = engine.search("Ubuntu Packaging Guide", k=200, grouped=False)
    passages = [p for row in rows for p in (row, *row.inline, *row.more) if "ubuntu-packaging" in p.path]
    assert len(passages) > 20
    assert [p.page for p in passages if "Ubuntu Packaging Guide" in p.text] == [1]  # its title page only
    top = engine.search("How do I make an SSH key to upload my packages to Launchpad?", k=1)[0]
    assert (
        top.heading == "Articles › 1.2.1 Install basic packaging software › Create your SSH key"
        and top.text.startswith("Create your SSH key\n")
    )
