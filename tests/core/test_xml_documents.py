"""XML documents of prose (DocBook, Mallard, FictionBook, TEI) read as documents, other XML as code:
real KDE and GNOME help files from Debian packages, and small books written here for what none of
them holds (an e-book in Windows-1251 with its cover as base64)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_search.core.extract import ExtractionFailed, extract_file
from desktop_search.core.extract.dispatch import choose_kind
from desktop_search.core.search.code_passages import is_code_passage
from desktop_search.core.store.ledger import ChunkRow

DATA = Path(__file__).resolve().parents[1] / "data"
OKULAR = DATA / "okular-handbook.en.excerpt.docbook"
SHORTCUTS = DATA / "gnome-help-keyboard-shortcuts-set.page"
MAGNIFIER_DE = DATA / "gnome-help-a11y-mag.de.page"
SCHEMA = DATA / "org.gnome.desktop.a11y.magnifier.gschema.xml"

FICTION_BOOK = """<?xml version="1.0" encoding="windows-1251"?>
<FictionBook xmlns="http://www.gribuser.ru/xml/fictionbook/2.0" xmlns:l="http://www.w3.org/1999/xlink">
<description><title-info><genre>prose_classic</genre><author><first-name>Антон</first-name>
<last-name>Чехов</last-name></author><book-title>Рассказы</book-title><lang>ru</lang>
<coverpage><image l:href="#cover.jpg"/></coverpage></title-info>
<document-info><program-used>FictionBook Editor 2.6</program-used></document-info></description>
<body><title><p>Антон Чехов</p><p>Рассказы</p></title>
<section><title><p>Толстый и тонкий</p></title>
<p>На вокзале Николаевской железной дороги встретились два приятеля: один толстый, другой тонкий.</p>
<p>Толстый только что пообедал на вокзале, и губы его, подернутые маслом, лоснились.</p></section>
<section><title><p>Хамелеон</p></title>
<p>Через базарную площадь идет полицейский надзиратель Очумелов в новой шинели.</p></section>
</body>
<binary id="cover.jpg" content-type="image/jpeg">/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQN
DAsLDBkSEw8UHRofHh0a</binary>
</FictionBook>
"""


def test_a_kde_handbook_reads_as_sections_under_their_titles() -> None:
    extracted = extract_file(OKULAR)
    assert extracted.kind == "xmldoc"
    headings = [s.heading for s in extracted.sections]
    assert "Basic Usage › Presentation Mode" in headings
    assert "okular Advanced Features › Signatures › Adding Digital Signatures" in headings
    assert "<para>" not in extracted.text and "</" not in extracted.text
    # entities its external DTD defines read as their names; menus and keys as they are shown
    assert "The okular Handbook" in extracted.text
    assert "File → Open" in extracted.text
    assert "Ctrl+Shift+T" in extracted.text  # entities and an element: &Ctrl;&Shift;<keycap>T</keycap>
    # what a reader never sees: index terms, revision dates, the translators' credits
    assert "2021-05-31" not in extracted.text
    presentation = next(s for s in extracted.sections if s.heading == "Basic Usage › Presentation Mode")
    assert presentation.text.startswith("Presentation Mode\n")


def test_a_mallard_page_keeps_its_table_rows_and_key_sequences() -> None:
    extracted = extract_file(SHORTCUTS)
    assert extracted.kind == "xmldoc"
    assert extracted.sections[0].heading == "Set keyboard shortcuts"
    lines = extracted.text.splitlines()
    assert "Turn zoom on or off \tAlt+Super+8" in lines
    assert any(s.heading == "Set keyboard shortcuts › Custom shortcuts" for s in extracted.sections)
    german = extract_file(MAGNIFIER_DE)
    assert german.sections[0].heading == "Einen Bildschirmbereich vergrößern"
    # a link's words are the sentence's ("… bedeutet nicht, die Textgröße zu erhöhen")
    assert "bedeutet nicht, die  zu" not in german.text


def test_other_xml_stays_code_and_another_page_file_text() -> None:
    schema = SCHEMA.read_bytes()
    assert choose_kind("org.gnome.desktop.a11y.magnifier.gschema.xml", schema) == "code"
    assert choose_kind("notes.page", b"Page one of my notes <b>bold</b>\n") == "text"
    assert choose_kind("book.xml", OKULAR.read_bytes()) == "xmldoc"


def test_a_fiction_book_in_windows_1251_without_its_pictures(tmp_path: Path) -> None:
    path = tmp_path / "chekhov.fb2"
    path.write_bytes(FICTION_BOOK.encode("cp1251"))
    extracted = extract_file(path)
    assert extracted.kind == "xmldoc"
    assert "/9j/4AAQ" not in extracted.text and "FictionBook Editor" not in extracted.text
    assert "prose_classic" not in extracted.text
    story = next(s for s in extracted.sections if "Николаевской" in s.text)
    assert story.heading is not None and story.heading.endswith("Толстый и тонкий")
    assert "Чехов" in extracted.text  # the author is found by name


def test_a_tei_edition_and_entities_no_dtd_declares(tmp_path: Path) -> None:
    path = tmp_path / "letters.xml"
    path.write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>Letters'
        "</title></titleStmt></fileDesc></teiHeader><text><body><div type='letter'><head>To my sister"
        "</head><p>The caf&eacute; on the corner &mdash; &product; &amp; co.</p><lg><l>First line</l>"
        "<l>second line</l></lg></div></body></text></TEI>",
        encoding="utf-8",
    )
    extracted = extract_file(path)
    assert extracted.kind == "xmldoc"
    assert extracted.sections[0].heading == "To my sister"
    assert "The café on the corner — product & co." in extracted.text
    assert "First line\nsecond line" in extracted.text


def test_damaged_xml_says_so_and_an_entity_bomb_stops(tmp_path: Path) -> None:
    cut = tmp_path / "cut.docbook"
    cut.write_bytes(OKULAR.read_bytes()[:40_000])
    with pytest.raises(ExtractionFailed, match="XML document is damaged"):
        extract_file(cut)
    bomb = tmp_path / "bomb.dbk"
    entities = "".join(f'<!ENTITY e{i} "&e{i - 1};&e{i - 1};&e{i - 1};&e{i - 1};">' for i in range(1, 12))
    bomb.write_text(f'<!DOCTYPE book [<!ENTITY e0 "laugh">{entities}]><book><para>&e11;</para></book>')
    with pytest.raises(ExtractionFailed):
        extract_file(bomb)


def test_an_xml_passage_under_a_title_is_a_documents() -> None:
    row = ChunkRow("c", "/docs/book.xml", 0, "text", 0, 4, ext="xml", heading="Intro")
    assert not is_code_passage(row)
    assert is_code_passage(ChunkRow("c", "/docs/pom.xml", 0, "text", 0, 4, ext="xml"))


def test_a_docbook_5_file_named_xml_with_titled_lists_and_tables(tmp_path: Path) -> None:
    path = tmp_path / "guide.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<book xmlns="http://docbook.org/ns/docbook" version="5.0">'
        "<info><title>Guide</title><releaseinfo>Revision: 0</releaseinfo></info><chapter><title>Setup"
        "</title><para>Before you start.</para><itemizedlist><title>What you need</title><listitem><para>"
        "A cable</para></listitem></itemizedlist><table><title>Ports</title><tgroup cols='2'><tbody><row>"
        "<entry>USB</entry><entry>front</entry></row></tbody></tgroup></table></chapter></book>",
        encoding="utf-8",
    )
    extracted = extract_file(path)
    assert extracted.kind == "xmldoc" and "Revision" not in extracted.text
    assert extracted.sections[-1].heading == "Setup"
    lines = ["Guide", "Setup", "Before you start.", "What you need", "A cable", "Ports", "USB\tfront"]
    assert extracted.sections[-1].text.splitlines() == lines  # the book's title opens the chapter


def test_a_mallard_pages_link_title_is_not_its_title(tmp_path: Path) -> None:
    path = tmp_path / "files-search.page"
    path.write_text(
        '<page xmlns="http://projectmallard.org/1.0/" type="topic" id="files-search"><info>'
        '<title type="link" role="trail">Search</title><desc>Locate files.</desc></info>'
        "<title>Search for files</title><p>Open Files and start typing.</p>"
        "<section><title>Customize files search</title><p>Choose where to look.</p></section></page>",
        encoding="utf-8",
    )
    headings = [s.heading for s in extract_file(path).sections]
    assert headings == ["Search for files", "Search for files › Customize files search"]
