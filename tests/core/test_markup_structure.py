"""A Markdown page's contents list (list items that each link to a heading of the page) is navigation,
its sections carry their path, and badges read as their alt text: Node.js's BUILDING.md and OpenSSL's
README.md, as installed in /usr/share/doc. reST sections carry
their path too (pip's architecture notes)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core.extract import extract_file
from desktop_search.core.extract.markdown import split_markdown
from tests.core.extract_samples import check_offsets
from tests.support.real_search import search_folder

DATA = Path(__file__).resolve().parent.parent / "data"
BUILDING = DATA / "nodejs-BUILDING.md"
README = DATA / "openssl-README.md"
PIP_RST = DATA / "pip-upgrade-options.rst"


def test_building_md_s_contents_list_is_navigation_and_its_sections_have_paths() -> None:
    page = extract_file(BUILDING)
    check_offsets(page)
    [contents] = [s for s in page.sections if s.navigation]
    assert contents.heading == "Building Node.js › Table of contents"
    assert contents.text.startswith("Table of contents\n\n* Supported platforms\n  * Input\n")
    assert "(#" not in contents.text  # the links' targets are not text
    headings = [s.heading for s in page.sections]
    assert "Building Node.js › Supported platforms › Platform list" in headings
    assert "Building Node.js › Building Node.js with FIPS-compliant OpenSSL" in headings


def test_openssl_s_readme_reads_its_badges_as_words_and_its_contents_as_navigation() -> None:
    readme = extract_file(README)
    first = readme.sections[0].text
    assert "openssl logo" in first and "![" not in first and "][" not in first
    [contents] = [s for s in readme.sections if s.navigation]
    assert contents.text.startswith("Table of Contents\n\n - Overview\n - Download\n")
    # a heading right above its first subsection opens it
    assert any(
        s.heading == "Download › For Production Use" and s.text.startswith("Download\n")
        for s in readme.sections
    )


def test_a_rest_page_s_sections_carry_their_path() -> None:
    """reST levels come from the order adornment styles are first used (pip's architecture notes)."""
    page = extract_file(PIP_RST)
    check_offsets(page)
    assert [s.heading for s in page.sections][:3] == [
        "Options that control the installation process",
        "Options that control the installation process › Controlling what gets installed",
        "Options that control the installation process › Controlling what gets considered",
    ]


def test_sphinx_metadata_fields_of_a_rest_page_are_no_text() -> None:
    """pip's pages open with ":orphan:", which was a passage of its own; a field list of the text stays."""
    from desktop_search.core.extract.rst import split_rst

    text = ":orphan:\n:tocdepth: 2\n\n=====\nCache\n=====\n\n:Author: Pip team\n\nRemoves wheels.\n"
    parts = [p for p in split_rst(text) if p.text.strip()]
    expected = "Cache\n\n:Author: Pip team\n\nRemoves wheels."
    assert [(p.heading, p.text) for p in parts] == [("Cache", expected)]


def test_short_lists_and_lists_of_other_pages_are_text() -> None:
    two = "# Notes\n\n- [Install](#install)\n- [Usage](#usage)\n\n## Install\n\nRun the installer.\n"
    assert not any(p.navigation for p in split_markdown(two))
    links = "# Links\n\n" + "".join(f"- [Site {n}](https://example.org/{n})\n" for n in range(5))
    assert not any(p.navigation for p in split_markdown(links))


@pytest.mark.model
def test_the_section_not_the_contents_list_answers(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(BUILDING, docs / "BUILDING.md")
    hits = search_folder(docs, tmp_path / "home", real_embedder, "FIPS-compliant OpenSSL", k=3)
    assert hits[0].heading == "Building Node.js › Building Node.js with FIPS-compliant OpenSSL"
    assert not hits[0].navigation
