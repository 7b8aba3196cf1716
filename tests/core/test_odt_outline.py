"""Outlines that skip heading levels (ODT and HTML), contents lists written as headings, and SiSU's
object numbers: the Live Systems Manual as SiSU exports it (``tests/data/odt-sisu-live-manual-en.odt``,
and its HTML edition's markup)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_search.core.extract import extract_file
from desktop_search.core.extract.dispatch import extract_data
from desktop_search.core.extract.results import Part
from desktop_search.core.extract.sections import cut_levels, fold_heading_only
from tests.support.real_search import search_folder

MANUAL = Path(__file__).resolve().parent.parent / "data" / "odt-sisu-live-manual-en.odt"


def test_sections_begin_at_the_three_shallowest_levels_a_document_uses() -> None:
    assert cut_levels([1, 2, 2, 3, 4, 5]) == {1, 2, 3}  # the usual Heading 1-3
    assert cut_levels([1, 4, 5, 6, 4]) == {1, 4, 5}  # SiSU's ODT: levels 2 and 3 unused
    assert cut_levels([0, 1, 4, 5, 6]) == {0, 1, 4, 5}  # level 0 (no outline level) cuts as before
    assert cut_levels([]) == frozenset()


def test_five_titles_in_a_row_are_a_contents_list_and_fewer_open_the_next_part() -> None:
    def titled(title: str, text: str = "") -> Part:
        return Part(title + ("\n" + text if text else ""), heading=title)

    two = fold_heading_only([titled("Index"), titled("A"), titled("B", "apt, aptitude")])
    assert [(p.text, p.navigation) for p in two] == [("Index\nA\nB\napt, aptitude", False)]
    chapters = [titled(f"{n}. Chapter {n}") for n in range(1, 6)]
    listed = fold_heading_only([*chapters, titled("1.1 Start", "The first words.")])
    assert [p.navigation for p in listed] == [True, False]
    assert listed[0].text.split("\n")[:2] == ["1. Chapter 1", "2. Chapter 2"]
    assert listed[1].text == "1.1 Start\nThe first words."


def test_a_title_over_its_own_contents_list_opens_the_text_after_the_list() -> None:
    """DocBook's chunked HTML opens a chapter with its title, then the chapter's contents list, then its
    text: the title stood alone as a passage ("パッケージ管理", first for a question about packages)."""
    title = Part("Package management", heading="Package management")
    contents = Part("Managing broken packages", heading="Package management", navigation=True)
    text = Part("Once you can move around the package list, install.", heading="Package management")
    folded = fold_heading_only([title, contents, text])
    assert [(p.text, p.navigation) for p in folded] == [
        ("Managing broken packages", True),
        ("Package management\nOnce you can move around the package list, install.", False),
    ]
    alone = fold_heading_only([title, contents, Part("Other", heading="Other")])
    assert alone[0].text.startswith("Package management\nManaging")  # all list: it opens the list


def test_a_sisu_manual_reads_in_its_sections_without_object_numbers() -> None:
    r = extract_file(MANUAL)
    assert "「" not in r.text  # "This chapter contains … 「160」" read the number as a word
    headings = [s.heading for s in r.sections]
    assert "The basics › 4.1 What is a live system?" in headings  # level 5: cut only at chapters before
    assert len(r.sections) > 80 and max(s.end - s.start for s in r.sections) < 12_000
    opening = r.sections[0]
    assert opening.navigation and "4. The basics" in r.text[opening.start : opening.end]


def test_a_sisu_manuals_section_is_found_under_its_own_heading(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "live-manual.odt").write_bytes(MANUAL.read_bytes())
    hits = search_folder(docs, tmp_path / "home", real_embedder, "what is a live system made of?", k=3)
    headings = [h.heading or "" for h in hits]
    assert any(heading.endswith("4.1 What is a live system?") for heading in headings), headings
    assert all("「" not in h.text for h in hits)


def test_an_html_page_that_skips_heading_levels_is_cut_at_those_it_uses() -> None:
    """live-manual-html's single page: parts in <h1>, chapters in <h4>, sections in <h5>; cut at h1-h3
    alone, its 160,000 characters were 23 sections (25,000 under "The basics")."""
    sisu = (
        '<h1 class="norm" id="158">The basics</h1><div class="substance"><label class="ocn">159</label>'
        '<h4 class="norm" id="159">4. The basics</h4></div><p>This chapter contains an overview.</p>'
        '<h5 class="norm" id="163"><a name="h4.1"></a>4.1 What is a live system?</h5>'
        "<p>A live system usually means an operating system booted from a removable medium.</p>"
        "<h6>4.1.1 Parts</h6><p>A kernel, an initial RAM disk and a system image.</p>"
    )
    headings = [s.heading for s in extract_data("live-manual.en.html", sisu.encode()).sections]
    assert headings == ["The basics › 4. The basics", "The basics › 4.1 What is a live system?"]
    usual = "<h1>Guide</h1><h2>Install</h2><h3>Steps</h3><p>Run it.</p><h4>Note</h4><p>It takes a minute.</p>"
    assert [s.heading for s in extract_data("guide.html", usual.encode()).sections] == [
        "Guide › Install › Steps"
    ]


DOCBOOK_CHAPTER = (
    "<html><head><title>Chapter 2. Package management</title></head><body><div class='chapter'>"
    "<div class='titlepage'><h2 class='title'>Package management</h2></div>"
    "<div class='toc'><p><b>Table of Contents</b></p><dl><dt><span class='section'>"
    "<a href='#broken'>Managing broken packages</a></span></dt></dl></div>"
    "<p>Once you can move around the package list, it is time to install and remove packages: flag a"
    " package for installation with +, for removal with -, then press g to carry the changes out.</p>"
    "<div class='section'><h3 id='broken'>Managing broken packages</h3><p>Changing the state of a"
    " package can leave dependencies unmet; aptitude then proposes solutions you can accept.</p>"
    "</div></div></body></html>"
)


@pytest.mark.model
def test_a_docbook_chapter_title_is_no_passage_of_its_own(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ch02.html").write_text(DOCBOOK_CHAPTER, encoding="utf-8")
    hits = search_folder(docs, tmp_path / "home", real_embedder, "how do I install and remove packages")
    assert hits[0].text.startswith("Package management\nOnce you can move around")
    assert all(hit.text.strip() != "Package management" for hit in hits)
