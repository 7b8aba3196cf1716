"""Notes written on a PDF's pages (sticky notes, comments on highlights and strike-outs): read as lines
at the end of their page, and found through the real stack.

Real annotated PDFs from pdfannots' test data (tests/data/README.md): a HotOS paper with a reader's
notes, and a Word document with its author's comments.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core import Engine, Settings
from desktop_search.core.extract.dispatch import extract_data
from desktop_search.core.extract.pdf_annotations import with_notes
from desktop_search.core.extract.results import Part

DATA = Path(__file__).resolve().parent.parent / "data"
PAPER = DATA / "pdf-pdfannots-hotos17-annotated.pdf"
WORD = DATA / "pdf-pdfannots-word-annotated.pdf"


def notes_by_page(path: Path) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for section in extract_data(path.name, path.read_bytes()).sections:
        found.setdefault(section.page or 0, []).extend(
            line for line in section.text.split("\n") if line.startswith("Note")
        )
    return {page: lines for page, lines in found.items() if lines}


def test_a_readers_notes_end_their_page() -> None:
    assert notes_by_page(PAPER) == {
        1: ["Note: This is a note with no text attached."],
        2: ["Note: This is lower in column 1", "Note: This is at the top of column two"],
        4: ["Note: This is a nit.", "Note: This is a different nit"],
    }
    text = extract_data(PAPER.name, PAPER.read_bytes()).text
    assert text.count("Hardware is the new software") >= 1 and "/Popup" not in text


def test_an_authors_comments_carry_their_name() -> None:
    assert notes_by_page(WORD) == {
        1: ["Note (Andrew Baumann): blah blah", "Note (Andrew Baumann): Nonsense!"],
        2: ["Note (Andrew Baumann): Struck comma"],
    }


def test_notes_of_a_page_without_text_get_a_part_of_their_own() -> None:
    parts = [Part("one", page=1), Part("three a", page=3), Part("three b", page=3, heading="B")]
    noted = with_notes(parts, {2: ["Note: blank page"], 3: ["Note (Ann): see b"], 4: []})
    assert [(p.page, p.text) for p in noted] == [
        (1, "one"), (2, "Note: blank page"), (3, "three a"), (3, "three b\nNote (Ann): see b"),
    ]  # fmt: skip
    assert with_notes(parts, {}) == parts


@pytest.mark.model
@pytest.mark.timeout(600)
def test_words_only_a_note_has_find_its_page(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(PAPER, docs / PAPER.name)
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        hits = engine.search("a different nit", k=3, grouped=False)
    finally:
        engine.close()
    assert hits[0].page == 4 and "Note: This is a different nit" in hits[0].text
