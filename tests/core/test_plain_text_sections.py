"""A plain-text file with numbered section titles is cut at them, each part headed by its chapter and
section, as PDF passages are: the Debian Python Policy's text edition (Sphinx's text builder), the
Chinese Debian Reference's (w3m) and man-db's manual (groff). A numbered line inside a paragraph cuts
nothing. Chapter titles with one number head their sections when they are numbered in order, and a
text's contents list is navigation: listed, never ranked above the section it names."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core.extract import extract_file
from desktop_search.core.extract.plaintext import section_parts, title_line
from tests.core.extract_samples import check_offsets
from tests.support.real_search import search_folder

DATA = Path(__file__).resolve().parent.parent / "data"
POLICY = DATA / "python-policy.txt"
MAN_DB = DATA / "man-db-manual.txt"  # groff's output: chapters, sections, contents at the end
OPENSSH = DATA / "openssh-README.Debian.txt"  # underlined titles, "-" for the document and its topics


def test_the_python_policy_text_is_cut_at_its_numbered_sections() -> None:
    policy = extract_file(POLICY)
    check_offsets(policy)
    headings = [s.heading for s in policy.sections]
    assert (
        "3. Python Packaging › 3.2 Main packages" in headings
        and "3. Python Packaging › 3.3 Virtual packages for Python-version specific dependencies" in headings
    )
    # "2. Completing the move to Python 3" ends in a number; the appendices number again from 1
    assert "2. Completing the move to Python 3 › 2.1 Removal of the unversioned packages" in headings
    assert "2. Packaging Tools › 2.3 dh-python" in headings
    assert not any("¶" in (h or "") for h in headings)  # Sphinx's pilcrow after each title
    [main] = [s for s in policy.sections if s.heading == "3. Python Packaging › 3.2 Main packages"]
    assert (
        main.text.startswith("3.2. Main packages¶\n")
        and "For every Python version provided in Debian" in main.text
    )


def test_the_chinese_text_edition_is_cut_at_its_sections() -> None:
    text = extract_file(DATA / "debian-reference.zh-cn.excerpt.txt")
    assert [s.heading for s in text.sections][1:] == [
        "1.3.3 MC 文件管理",
        "1.3.4 MC 命令行技巧",
        "1.3.5 MC 内部编辑器",
    ]


def test_numbered_lines_inside_paragraphs_and_lone_titles_cut_nothing() -> None:
    prose = (
        "Report\n\nSales grew.\n3.5 million units shipped\nin the third quarter.\n\n2.1 Outlook\n\nSteady."
    )
    assert section_parts(prose, title_line(prose)) == section_parts(prose, "Report")
    assert [p.heading for p in section_parts(prose, "Report")] == ["Report"]  # one title alone: no cut


def test_man_db_s_manual_has_its_chapters_and_its_contents_at_the_end_is_navigation() -> None:
    manual = extract_file(MAN_DB)
    check_offsets(manual)
    headings = [s.heading for s in manual.sections if not s.navigation]
    assert (
        "1. Introduction › 1.1 man-db" in headings
        and "4. Compression › 4.2 Compressed cat pages › 4.2.1 Stray cats" in headings
    )
    [contents] = [s for s in manual.sections if s.navigation]
    assert contents.text.startswith("Contents\n") and "4.2.1  Stray cats ....." in contents.text
    assert contents is manual.sections[-1] and contents.text.rstrip().endswith("ii")  # to its last page
    assert not any("Stray cats ....." in s.text for s in manual.sections if not s.navigation)


SED_FAQ = """THE SED FAQ

CONTENTS

1. GENERAL INFORMATION
1.1. Introduction - How this FAQ is organized
1.2. Latest version of the sed FAQ

2. BASIC SED
2.1. What is sed?

2.2. Versions of sed

2.2.1. Free versions

1. GENERAL INFORMATION

1.1. Introduction - How this FAQ is organized

   This FAQ is organized to answer common questions about sed.

1.2. Latest version of the sed FAQ

   The newest version of the sed FAQ is usually here.

2. BASIC SED

2.1. What is sed?

   "sed" stands for Stream EDitor.

2.2. Versions of sed

2.2.1. Free versions

   Note: "Free" does not mean "public domain".
"""


def test_a_contents_list_ends_where_its_first_entry_begins_and_cuts_nothing() -> None:
    """The sed FAQ's list (its entries standing alone between blank lines too) up to the first section."""
    parts = section_parts(SED_FAQ, title_line(SED_FAQ))
    assert [(p.heading, p.navigation) for p in parts] == [
        ("THE SED FAQ", True),
        ("1. GENERAL INFORMATION › 1.1 Introduction - How this FAQ is organized", False),
        ("1. GENERAL INFORMATION › 1.2 Latest version of the sed FAQ", False),
        ("2. BASIC SED", False),  # "2.1. What is sed?" ends as a sentence: no title
        ("2. BASIC SED › 2.2 Versions of sed › 2.2.1 Free versions", False),
    ]
    assert parts[0].text.startswith(
        "THE SED FAQ\n\nCONTENTS\n"
    )  # the title alone goes with it and parts[0].text.rstrip().endswith("2.2.1. Free versions")


def test_a_chapter_s_own_contents_list_stops_before_its_opening_paragraphs() -> None:
    """The X Keyboard Extension's text edition: each chapter lists its sections, then opens with prose."""
    text = (
        "Chapter 1. Overview\n\nTable of Contents\n\nConventions and Assumptions\n\n"
        "This extension provides a number of new capabilities and controls for text\nkeyboards.\n\n"
        "Conventions and Assumptions\n\nThis document uses the syntactic conventions of the core.\n\n"
        "Chapter 2. Keyboard State\n\nThe core protocol description of keyboard state consists of "
        "eight\nmodifiers.\n"
    )
    parts = section_parts(text, None)
    assert [(p.heading, p.navigation) for p in parts] == [
        ("Chapter 1. Overview", True),
        ("Chapter 1. Overview", False),
        ("Chapter 2. Keyboard State", False),
    ]
    assert parts[0].text.rstrip().endswith("Table of Contents\n\nConventions and Assumptions")
    assert parts[1].text.startswith("This extension provides")


def test_a_book_s_chapters_in_capitals_and_roman_numbers_without_names() -> None:
    """Project Gutenberg's plain-text books: "CHAPTER IV." on its line, its name on the next."""
    text = "".join(
        f"CHAPTER {numeral}.\n\nThe chapter's own text, as long as it goes on in the book.\n\n"
        for numeral in ("I", "II", "III", "IV")
    )
    assert [p.heading for p in section_parts(text, None)] == [
        "CHAPTER I.",
        "CHAPTER II.",
        "CHAPTER III.",
        "CHAPTER IV.",
    ]


def test_a_manual_page_s_sections_are_its_titles_in_capitals() -> None:
    """The real ls(1) page formatted to a file: NAME, SYNOPSIS, DESCRIPTION, …, SEE ALSO."""
    page = extract_file(DATA / "ls.1.overstruck.txt")
    check_offsets(page)
    headings = [s.heading for s in page.sections]
    assert headings[:3] == ["NAME", "SYNOPSIS", "DESCRIPTION"] and headings[-1] == "SEE ALSO"
    [description] = [s for s in page.sections if s.heading == "DESCRIPTION"]
    assert "-t     sort by time, newest first" in description.text
    # two lines in capitals, or one inside a paragraph, are not titles
    text = "Notes\n\nWARNING\n  Back up first.\n\nSee the text.\nNOTE\n\nTODO\n  More.\n"
    assert [p.heading for p in section_parts(text, "Notes")] == ["Notes"]


def test_an_appendix_ends_the_last_chapter() -> None:
    """The X11 protocol's encoding tables were headed "Chapter 12. Flow Control and Concurrency"."""
    titles = ("Chapter 1. Protocol Formats", "Chapter 2. Errors", "Appendix A. KEYSYM Encoding")
    text = "".join(f"{title}\n\nThe text of {title.lower()} goes here.\n\n" for title in titles)
    assert [p.heading for p in section_parts(text, None)] == list(titles)
    lone = "Notes\n\nSome notes that have no chapters at all.\n\nAppendix A. Codes\n\nThe codes.\n"
    assert [p.heading for p in section_parts(lone, "Notes")] == ["Notes"]  # no chapters: no cut


def test_underlined_titles_cut_a_text_and_their_lines_go() -> None:
    """OpenSSH's README.Debian underlines its title and its topics with "-", its two parts with "=":
    the title is the document's, the parts are chapters and the topics their sections."""
    readme = extract_file(OPENSSH)
    check_offsets(readme)
    headings = [s.heading for s in readme.sections]
    assert "UPGRADE ISSUES › PermitRootLogin" in headings
    assert "OTHER ISSUES › Kerberos support" in headings
    assert "------" not in readme.text and "=====" not in readme.text
    [root] = [s for s in readme.sections if s.heading == "UPGRADE ISSUES › PermitRootLogin"]
    assert root.text.startswith("OpenSSH for Debian\n\nUPGRADE ISSUES\n\nPermitRootLogin\n\nAs of 1:6.6p1-1")


def test_rules_listings_and_table_headers_are_not_titles() -> None:
    text = (
        "Notes\n=====\n\nA paragraph that ends here over a rule\n-----\n\nName      Size\n"
        "--------------\nfoo       12\n\n------------------------------------\n"
        'foo.c:2: printf("hello word!\\n");\n-----------------------------------\n\n'
        "-------------\ngit jump diff\n------------\n\nLater\n=====\n\nThe end of the notes is here.\n"
    )
    parts = section_parts(text, None)
    assert [p.heading for p in parts] == ["Notes", "Later"]  # git-jump's README: listings in rules
    assert "over a rule\n-----" in parts[0].text and "Name      Size\n----" in parts[0].text
    assert "---\ngit jump diff\n---" in parts[0].text


def test_a_listing_of_one_line_between_fences_is_not_a_title() -> None:
    """AsciiDoc fences listings with equal rules (Git's user manual: "-" * 49), so a listing of one line
    reads like a title over- and underlined; it was cut as "$ release-script 2.6.12 2.6.13-rc6"."""
    fence = "-" * 49
    text = (
        f"Releasing\n=========\n\nThen running:\n\n{fence}\n$ release-script 2.6.12 2.6.13-rc6\n{fence}\n\n"
        f"where release-script is a shell script that looks like:\n\n{fence}\n#!/bin/sh\nstable=$1\n"
        f"{fence}\n\nTesting\n=======\n\nRun the tests.\n\nBuilding\n--------\n\nRun make.\n"
        "\n------------\n$ git commit\n------------\n\nThat is all.\n"
    )
    parts = section_parts(text, None)
    assert [p.heading for p in parts] == ["Releasing", "Testing", "Testing › Building"]
    assert "Then running:\n\n" + fence + "\n$ release-script" in parts[0].text
    assert "$ git commit" in parts[2].text  # rules of another length, but a shell's command
    # reST's titles over- and underlined alike stay titles
    reST = "".join(f"=====\n{t}\n=====\n\nText of {t}.\n\n" for t in ("Title", "Other", "Third"))
    assert [p.heading for p in section_parts(reST, None)] == ["Title", "Other", "Third"]


ASCIIDOC = """My First Contribution
=====================
:sectanchors:

[[summary]]
== Summary

This tutorial shows how to send a change for review.

[[prerequisites]]
=== Prerequisites

You know how to clone a repository.

----
== not a title: a line of a listing
----

NAME
----
git-mail - send patches by mail

== Sending patches by mail

Run git send-email with the patches of your branch.
"""


def test_asciidoc_one_line_titles_cut_the_text_and_their_marks_go() -> None:
    """AsciiDoc's titles ("== Summary"; Git's user manual and its technical notes) head their sections,
    levelled by their count of "=" and beside the text's two-line titles ("NAME" over "----" is an
    "=="); anchors, attribute entries and marks are not text; a listing's lines are not titles."""
    parts = section_parts(ASCIIDOC, None)
    assert [p.heading for p in parts] == [
        "Summary", "Summary › Prerequisites", "NAME", "Sending patches by mail"
    ]  # fmt: skip
    assert (
        parts[0].text
        == "My First Contribution\n\nSummary\n\nThis tutorial shows how to send a change for review.\n\n"
    )
    assert "----\n== not a title: a line of a listing\n----" in parts[1].text
    assert parts[2].text.startswith("NAME\ngit-mail - send")
    wiki = "Intro text.\n\n== Setup ==\n\nInstall it.\n\n== Usage ==\n\nRun it.\n"  # MediaWiki's
    assert [p.heading for p in section_parts(wiki, None)] == [None, "Setup", "Usage"]
    lone = "Notes\n\n== Only one\n\nA text with one such line is not cut.\n"
    assert [p.heading for p in section_parts(lone, "Notes")] == ["Notes"]


@pytest.mark.model
def test_an_asciidoc_passage_carries_its_section(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "contributing.adoc").write_text(ASCIIDOC, encoding="utf-8")
    hits = search_folder(docs, tmp_path / "home", real_embedder, "how do I mail my patches", k=3)
    assert hits[0].heading == "Sending patches by mail"
    assert "==" not in hits[0].text and "[[" not in " ".join(h.text for h in hits)


def test_lists_and_titles_that_only_look_like_chapters_or_contents_cut_nothing() -> None:
    steps = "Setup\n\n1. Install\n\nRun the installer and wait.\n\nThen reboot the machine now.\n"
    assert [p.heading for p in section_parts(steps, "Setup")] == ["Setup"]  # one "chapter": no run
    prose = (
        "Contents\n\nThis package contains the programs that manage user accounts, and their\n"
        "manual pages, in the languages that were translated.\n"
    )
    assert [p.navigation for p in section_parts(prose, None)] == [False]  # a paragraph, not a list
    # chapters whose sections are numbered in other chapters were a numbered list: no chapters
    mixed = "".join(
        f"{title}\n\nSome text about {title}.\n\n"
        for title in ("1. Alpha", "2. Beta", "3.1 Gamma", "3.2 Delta")
    )
    assert [p.heading for p in section_parts(mixed, None)] == [None, "3.1 Gamma", "3.2 Delta"]


@pytest.mark.model
def test_a_passage_of_the_text_edition_carries_its_section(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(POLICY, docs)
    hits = search_folder(
        docs,
        tmp_path / "home",
        real_embedder,
        "which package must provide the interpreter /usr/bin/pythonX.Y",
    )
    assert hits[0].heading == "3. Python Packaging › 3.2 Main packages"


@pytest.mark.model
def test_the_section_not_the_contents_list_answers(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(MAN_DB, docs)
    hits = search_folder(docs, tmp_path / "home", real_embedder, "stray cats", k=5)
    assert hits[0].heading == "4. Compression › 4.2 Compressed cat pages › 4.2.1 Stray cats"
    navigation = [n for n, hit in enumerate(hits) if "....." in hit.text]
    assert not navigation or navigation[0] > 0


@pytest.mark.model
def test_a_topic_under_an_underlined_title_answers_with_its_path(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(OPENSSH, docs / "README.Debian.txt")
    hits = search_folder(
        docs, tmp_path / "home", real_embedder, "stop root from logging in with a password over ssh"
    )
    assert hits[0].heading == "UPGRADE ISSUES › PermitRootLogin"
