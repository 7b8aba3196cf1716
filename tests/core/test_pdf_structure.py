"""PDF structure in extraction: running headers and footers, hyphenated words, navigation pages and
outline headings, on small rules and on excerpts of a real manual (tests/data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_search.core.extract.pdf import extract_pdf, structured_parts
from desktop_search.core.extract.pdf_headings import split_by_numbered_titles
from desktop_search.core.extract.pdf_layout import (
    hyphenated_words,
    join_across_pages,
    join_hyphenated,
    line_key,
    mark_prefix,
    strip_running_lines,
)
from desktop_search.core.extract.pdf_navigation import navigation_spans
from desktop_search.core.extract.results import Deadline, Extracted

DATA = Path(__file__).resolve().parent.parent / "data"
EN = DATA / "debian-reference.en.excerpt.pdf"
DE = DATA / "debian-reference.de.excerpt.pdf"
FAQ = DATA / "debian-faq.en.excerpt.pdf"  # LaTeX book headers: "CHAPTER 3. CHOOSING A DEBIAN … 3.1. …"


def _extract(path: Path) -> Extracted:
    return extract_pdf(path.read_bytes(), Deadline(60))


# -- rules ------------------------------------------------------------------------------------------


def test_page_numbers_are_set_aside_in_line_keys() -> None:
    assert line_key("Auto Multiple Choice 87 / 92") == line_key("Auto Multiple Choice 3 / 92")
    assert line_key("Debian Reference 12 / 261") == line_key("Debian Reference iv") == "debian reference #"
    assert line_key("Chapter mix of words") != line_key("Chapter 5 of words")  # a roman word mid-line stays


def _book(pages: int) -> list[str]:
    """Pages with a book header on even pages, a chapter header on odd ones, and a page-number footer."""
    topics = ["apples", "pears", "plums", "figs", "limes", "dates", "kiwis", "grapes"]
    body = "Some text about {t}.\nMore on {t} here.\nAnd a closing line on {t}."
    out = []
    for n in range(pages):
        head = f"The Handbook {n + 1} / {pages}" if n % 2 == 0 else "Chapter 1. Getting started"
        out.append(f"{head}\n{body.format(t=topics[n])}\n{n + 1}")
    return out


def test_running_headers_footers_and_odd_even_pages_are_stripped() -> None:
    cleaned = strip_running_lines(_book(8))
    assert all("Handbook" not in page and "Chapter 1." not in page for page in cleaned)
    assert cleaned[2] == "Some text about plums.\nMore on plums here.\nAnd a closing line on plums."


def test_short_documents_keep_every_line() -> None:
    assert strip_running_lines(_book(3)) == _book(3)


def test_mark_prefixes_are_a_word_and_the_chapter_number() -> None:
    assert mark_prefix(line_key("CHAPTER 3. CHOOSING A DEBIAN … 3.1. WHICH DEBIAN …")) == "chapter #."
    assert mark_prefix(line_key("KAPITEL 11. ANPASSEN IHRES DEBIAN …")) == "kapitel #."
    assert mark_prefix(line_key("第3章 パッケージ管理")) == "第#章"
    assert mark_prefix(line_key("3.1.6 You are talking about testing")) is None  # a numbered heading
    assert mark_prefix(line_key("Some text about 3 apples")) is None  # the number comes too late
    assert mark_prefix(line_key("Debian Reference 12 / 261")) is None


def _marked_book(pages: int) -> list[str]:
    """Pages headed by their chapter's mark ("CHAPTER 2. PEARS …"), two pages a chapter."""
    topics = ["apples", "pears", "plums", "figs", "limes", "dates", "kiwis", "grapes"]
    out = []
    for n in range(pages):
        chapter = n // 2 + 1
        mark = f"{chapter}.{n % 2 + 1}. ON {topics[n].upper()}"
        head = f"CHAPTER {chapter}. {topics[chapter - 1].upper()} … {mark}"
        out.append(f"{head}\nSome text about {topics[n]}.\nChapter {chapter} goes on about {topics[n]}.")
    return out


def test_running_chapter_marks_are_stripped_though_no_two_chapters_share_one() -> None:
    cleaned = strip_running_lines(_marked_book(8))
    assert cleaned[5] == "Some text about dates.\nChapter 3 goes on about dates."
    assert all("CHAPTER" not in page for page in cleaned)


def test_a_header_misread_by_ocr_goes_with_its_page_number_but_a_title_page_stays() -> None:
    head = "Handbuch für Debian Edu / Skolelinux 12 Bookworm"
    misread = "Handbuch fiir Debian Edu / Skolelinux 12 Bookworm"  # as OCR reads it on a screenshot page
    topics = ["Äpfel", "Birnen", "Pflaumen", "Feigen", "Limetten", "Datteln"]
    pages = [f"{head} {n + 1} / 98\nText über {t}.\nMehr zu {t}." for n, t in enumerate(topics)]
    pages[0] = f"{head}\nEin Titelblatt.\nVon uns."  # the title, with no page number
    pages[3] = f"{misread}\n\n4 / 98\n\nSelect a language\nEin Bildschirmfoto."  # its number split off
    pages[4] = f"{misread} 5 / 98\n72\n73 \\end{{center}}"  # then a listing's numbered lines
    cleaned = strip_running_lines(pages)
    assert cleaned[3] == "\n\nSelect a language\nEin Bildschirmfoto."
    assert cleaned[4] == "72\n73 \\end{center}"  # a listing's line number is no page number
    assert cleaned[0] == pages[0]
    assert cleaned[1] == "Text über Birnen.\nMehr zu Birnen."


def test_a_chapter_pages_bare_number_goes_but_not_a_number_ahead_of_the_page() -> None:
    pages = _book(8)
    body = "\nThe first line.\nThe second line.\nThe third line.\nThe fourth line."
    pages[4] = "5\n2 Tutorial" + body  # a chapter's opening page: no header, only its number
    pages[6] = "120\nrows in the table" + body  # no page 120 this early: content
    cleaned = strip_running_lines(pages)
    assert cleaned[4] == "2 Tutorial" + body
    assert cleaned[6] == pages[6]


def test_hyphenated_words_joined_but_not_real_compounds() -> None:
    assert join_hyphenated("die Konfigu-\nration ist") == "die Konfiguration\nist"
    assert join_hyphenated("Ma-\nriaDB, PostgreSQL") == "MariaDB,\nPostgreSQL"
    assert join_hyphenated("Jean-\nPierre") == "Jean-\nPierre"  # a capital goes on: a compound
    assert join_hyphenated("c'est-\nà-dire") == "c'est-\nà-dire"
    pages = ["comme il apparaît dans l’exemple ci-dessus, et", "l’exemple ci-\ndessus montre"]
    assert join_hyphenated(pages[1], hyphenated_words(pages)) == pages[1]  # the document writes "ci-dessus"


def test_a_word_broken_across_a_page_end_is_joined_on_the_first_page() -> None:
    pages = join_across_pages(["Die Paketkonfigu-", "ration bleibt erhalten.\nNoch mehr."])
    assert pages == ["Die Paketkonfiguration", "bleibt erhalten.\nNoch mehr."]
    assert join_across_pages(["Die Debian-", "System ist da."]) == ["Die Debian-", "System ist da."]


def navigation_pages(pages: list[str]) -> list[bool]:
    """Whether each page is navigation as a whole."""
    return [span == (0, len(page)) for span, page in zip(navigation_spans(pages), pages, strict=True)]


def test_navigation_pages() -> None:
    toc = "Contents\n1 Introduction 1\n1.1 Scope . . . . . . . 1\n1.2 Words . . . . . . 3\n2 Setup . . . . 7"
    index = "Index\napt-get, 23, 45\naptitude, 12\ndpkg, 7, 30\nsources.list, 44\nsudo, 9"
    index_more = "apt, 23\ncron, 80\ndebconf, 14\ngrub, 100\nkernel, 55, 56\nlocale, 120"
    table = "Package sizes\npackage popcon size\ndpkg 919 5989\napt 874 4211\nThe table shows sizes."
    prose = "This chapter explains the setup.\nIt has numbers like 42 in it.\nBut it is prose."
    # a two-column index read column by column: an entry's sub-entries break from their numbers
    index_split = "--memlimit\nwhy3-prove option, 65\n--meta\n171\n--modular\nwhy3-extract option, 82"
    assert navigation_pages([toc, prose, table, index, index_more, index_split, prose]) == [
        True,
        False,
        False,
        True,
        True,
        True,
        False,
    ]


def test_numbered_titles_give_headings_without_an_outline() -> None:
    pages = [
        "5.4 LaTeX commands\nSome text.\n5.4.3 Simple questions\nA question has answers.",
        "More about questions.\n1. Install it.\n5.4.4 Multiple questions\nSeveral answers.",
    ]
    parts = split_by_numbered_titles(pages, [False, False])
    assert [h for _, h in parts[0]] == ["5.4 LaTeX commands", "5.4 LaTeX commands › 5.4.3 Simple questions"]
    assert [h for _, h in parts[1]] == [
        "5.4 LaTeX commands › 5.4.3 Simple questions",
        "5.4 LaTeX commands › 5.4.4 Multiple questions",
    ]


def test_a_numbered_subsection_is_headed_by_its_chapter_and_section() -> None:
    pages = [
        "Contents\n5.4 Commands\nText.\n5.4.3 Questions\nA question.\n5.4.3.1 Simple\nOne.\n5.5 More\nMore."
    ]
    [parts] = split_by_numbered_titles(pages, [False], {0: ("5", "LaTeX source file")})
    assert [h for _, h in parts] == [
        "5 LaTeX source file › 5.4 Commands",
        "5 LaTeX source file › 5.4 Commands › 5.4.3 Questions",
        "5 LaTeX source file › 5.4.3 Questions › 5.4.3.1 Simple",
        "5 LaTeX source file › 5.5 More",
    ]
    [parts] = split_by_numbered_titles(pages, [False])  # no chapter title: the shallowest one known
    assert [h for _, h in parts][2] == "5.4 Commands › 5.4.3 Questions › 5.4.3.1 Simple"


def test_structured_parts_without_a_reader_still_clean_pages() -> None:
    parts = structured_parts([None, "the extrac-\ntion, then \ufb01nal"])
    assert [(p.page, p.text) for p in parts] == [(2, "the extraction,\nthen final")]


# -- a real manual ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [EN, DE], ids=["en", "de"])
def test_real_manual_headers_gone_everywhere(path: Path) -> None:
    extracted = _extract(path)
    header = "Debian-Referenz" if path == DE else "Debian Reference"
    assert header not in extracted.text
    assert not any(header in (s.heading or "") for s in extracted.sections)
    assert "/ 233" not in extracted.text and "/ 248" not in extracted.text  # the page-number half


def test_real_book_chapter_and_section_marks_gone_and_the_text_kept() -> None:
    extracted = _extract(FAQ)
    assert "CHAPTER 3." not in extracted.text and "3.2. BUT WHAT ABOUT KNOPPIX" not in extracted.text
    assert "3.1.6 You are talking about testing being broken" in extracted.text
    assert "3.2.1 I know that Knoppix" in extracted.text
    assert extracted.text.startswith("Chapter 3\nChoosing a Debian distribution")  # the title page's own
    broken = next(s for s in extracted.sections if "3.1.6" in (s.heading or ""))
    assert broken.page == 3 and broken.text.startswith("3.1.6 You are talking about testing")


@pytest.mark.parametrize("path", [EN, DE], ids=["en", "de"])
def test_real_manual_contents_page_is_navigation_and_no_other(path: Path) -> None:
    extracted = _extract(path)
    assert {s.page for s in extracted.sections if s.navigation} == {1}
    assert all(s.heading is None for s in extracted.sections if s.navigation)


def test_real_manual_passages_carry_their_outline_heading() -> None:
    sections = _extract(EN).sections
    by_heading = {s.heading: s for s in reversed(sections) if s.heading}  # the first of each
    precautions = by_heading[
        "Debian package management › 2.1 Debian package management prerequisites › 2.1.2 Basic precautions"
    ]
    assert precautions.page == 3 and precautions.text.startswith("2.1.2 Basic precautions\n")
    assert "Do not install packages from random mixture of suites" in precautions.text
    carried = [s for s in sections if s.page == 6]  # no section starts on it: the one in force goes on
    assert [s.heading for s in carried] == [
        "Debian package management › 2.1 Debian package management prerequisites"
        " › 2.1.4 Debian archive basics"
    ]
    de = {s.heading for s in _extract(DE).sections}
    assert "2.1.2 Grundsätzliche Vorsichtsmaßnahmen" in {h.rsplit(" › ", 1)[-1] for h in de if h}


def test_real_manual_hyphenated_words_joined() -> None:
    text = _extract(DE).text
    for word in ("Paketaktualisierungen", "Binärpaketen", "verfügbar", "vollständigen", "Sicherheitslücken"):
        assert word in text
    assert "Interpreter-\nFunktionalitäten" in text  # a compound keeps its hyphen
    assert "http://security.debian.org/debian-\nsecurity/" in text  # the document writes "debian-security"
    assert "re-\nlease" not in _extract(EN).text
