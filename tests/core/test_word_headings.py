"""A Word 97–2003 document's headings travel with its passages, and its contents and index are
navigation, as in a DOCX: read from real documents (tests/data/README.md says where each comes from).

The Math Guide excerpt is the hard case: LibreOffice saved its own heading styles ("OOoHeading 1",
known only by the outline level their properties set), its contents entries ("OOoContents 1") inside
a TOC field and its index inside an INDEX field; R officer's example uses Word's built-in Heading 1
and 2; Antiword's test document a Dutch "Kop 1" (built-in, by its identifier).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core import Engine, Settings
from desktop_search.core.extract.dispatch import extract_data
from desktop_search.core.extract.word_paragraphs import style_roles

DATA = Path(__file__).resolve().parents[1] / "data"
MATH_GUIDE = DATA / "word97-libreoffice-mathguide-excerpt.doc"
OFFICER = DATA / "word97-libreoffice-officer-example.doc"
ANTIWORD = DATA / "word97-antiword-test.doc"


def _sections(path: Path) -> list[tuple[str | None, bool, str]]:
    result = extract_data(path.name, path.read_bytes())
    return [(s.heading, s.navigation, s.text) for s in result.sections]


def test_built_in_heading_styles_make_sections() -> None:
    headings = [h for h, _, _ in _sections(OFFICER)]
    assert headings == ["Title 1", "Title 2", "Title 2 › Sub title 1", "Title 2 › Sub title 2"]
    dutch = _sections(ANTIWORD)  # "Kop 1" is Heading 1 by its built-in identifier
    assert dutch[0][0] == "This is just a small test document."


def test_styles_of_its_own_are_headings_by_their_outline_level() -> None:
    sections = _sections(MATH_GUIDE)
    headings = [h for h, nav, _ in sections if not nav]
    assert "Preface › Where to get more help › Help system" in headings and "Getting started" in headings
    assert "Getting started › Inserting a formula into a Writer document" in headings
    body = next(t for h, _, t in sections if h == "Preface › Where to get more help › Help system")
    assert body.startswith("Help system\nLibreOffice comes with an extensive Help system.")


def test_the_contents_and_the_index_are_navigation() -> None:
    sections = _sections(MATH_GUIDE)
    navigation = [(h, t) for h, nav, t in sections if nav]
    assert len(navigation) == 2
    contents, index = navigation
    assert contents[1].startswith("Copyright\t2\nContributors\t2\n")  # the TOC field's entries
    assert "Inserting a formula into a Writer document" in contents[1]
    assert index[0] == "Index" and "brackets (Math)  19" in index[1]
    real = " ".join(t for _, nav, t in sections if not nav)
    assert "brackets (Math)  19" not in real and "Contributors\t2" not in real


def test_an_unreadable_stylesheet_gives_no_roles() -> None:
    assert style_roles(b"") == style_roles(b"\x12\x00\xff\xff") == style_roles(b"\x00" * 3)
    assert not style_roles(b"").levels and not style_roles(b"").navigation


@pytest.mark.model
@pytest.mark.timeout(600)
def test_a_question_finds_the_section_not_the_contents(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(MATH_GUIDE, docs / "math-guide.doc")
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        english = engine.search("how do I put an equation into a text document", k=5, grouped=False)
        german = engine.search("Wie füge ich eine Formel in ein Textdokument ein?", k=5, grouped=False)
    finally:
        engine.close()
    answer = "Getting started › Inserting a formula into a Writer document"
    assert german[0].heading == answer  # the passage names its section (its embedded heading line)
    assert answer in [h.heading for h in english]  # "What is Math?" (equations in text) leads
    for hits in (english, german):
        assert not any(h.navigation for h in hits)  # the contents list names the section too
