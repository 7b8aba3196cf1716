"""Chapters that open with their own contents list, and headers that name the chapter in force: the
print styles of DocBook (the real *bzip2 and libbzip2* manual as Debian ships it, gzipped, in
tests/data) and a LaTeX paper whose contents follow its abstract; on small pages and the real PDF."""

from __future__ import annotations

import gzip
from pathlib import Path

from desktop_search.core.extract.pdf import extract_pdf, structured_parts
from desktop_search.core.extract.pdf_layout import strip_running_lines
from desktop_search.core.extract.pdf_navigation import navigation_spans
from desktop_search.core.extract.results import Deadline

DATA = Path(__file__).resolve().parent.parent / "data"
BZIP2_MANUAL = DATA / "bzip2-manual.pdf.gz"

ENTRIES = "3.1. Structure . . . . . . 8\n3.2. Errors . . . . . . . 10\n3.3. Interface . . . . . . 11\n"
OPENING = "3. Programming with the library\nTable of Contents\n" + ENTRIES
PROSE = (
    "This chapter describes the programming interface of the library.\n"
    "For background on memory use, read the chapter on the command first.\n"
    "3.1. Structure\nThe library has three parts: a low-level interface and a high-level one.\n"
)
ABSTRACT = (
    "Abstract\nThis paper describes a parallel word-by-word checksum computation.\n"
    "It runs at 1.2 cycles per byte on modern processors, improving the state of the art.\n"
    "It also collects tricks that we found handy on many occasions.\n"
)


def test_a_contents_list_is_navigation_and_the_text_around_it_is_not() -> None:
    opening = OPENING + PROSE
    paper = ABSTRACT + "Contents\n1 Definition 2\n2 Related work 3\n3 Tricks and tips 4\n"
    toc = "Table of Contents\n" + ENTRIES * 3
    spans = navigation_spans([opening, paper, toc, PROSE])
    assert opening[slice(*spans[0])] == OPENING  # the chapter's title comes with its list
    assert paper[spans[1][0] :].startswith("Contents\n") and spans[1][1] == len(paper)
    assert spans[2] == (0, len(toc)) and spans[3] == (0, 0)


def test_the_text_after_a_chapters_list_is_headed_by_the_chapter() -> None:
    parts = structured_parts(["Some text of chapter two.\n2.9. Author\nJulian wrote it.", OPENING + PROSE])
    page_two = [p for p in parts if p.page == 2]
    assert [(p.navigation, p.heading) for p in page_two] == [
        (True, None),
        (False, "3 Programming with the library"),  # not the previous page's "2.9 Author"
        (False, "3 Programming with the library › 3.1 Structure"),
    ]


def test_a_header_naming_the_chapter_in_force_is_furniture_but_its_opening_title_is_not() -> None:
    topics = ["options", "memory", "errors", "speed", "streams", "buffers", "files", "bugs", "limits"]
    bodies = [f"Some text about {t}.\nMore text about {t} here.\nA last line on {t}." for t in topics]
    heads = ["2. How to use it", *["How to use it"] * 3, "3. Programming with libfoo2"]
    heads += ["Programming with libfoo2"] * 4  # "libfoo2" ends in a number, like a header's page
    pages = [f"{head}\n{body}\n{n}" for n, (head, body) in enumerate(zip(heads, bodies, strict=True), 3)]
    cleaned = strip_running_lines(pages)
    kept = [page.split("\n")[0] for page in cleaned]
    assert kept == [
        heads[0],
        *[b.split("\n")[0] for b in bodies[1:4]],
        heads[4],
        *[b.split("\n")[0] for b in bodies[5:]],
    ]


def test_a_header_is_known_by_a_chapter_title_that_wrapped_on_its_opening_page() -> None:
    """Valgrind's manual (DocBook): "2. Using and understanding the" / "Valgrind core" opens the
    chapter whose pages are headed "Using and understanding the Valgrind core"; "5. Cachegrind: a
    cache and branch-" / "prediction profiler" one headed "Cachegrind: a cache and branch-prediction
    profiler". The headers stayed glued to the first passage of 101 of its 397 pages."""
    topics = ["options", "memory", "errors", "speed", "streams", "buffers", "files", "bugs", "limits"]
    bodies = [f"Some text about {t}.\nMore text about {t} here.\nA last line on {t}." for t in topics]
    heads = [
        "2. Using and understanding the\nValgrind core",
        *["Using and understanding the Valgrind core"] * 3,
    ]
    heads += ["5. Cachegrind: a cache and branch-\nprediction profiler"]
    heads += ["Cachegrind: a cache and branch-prediction profiler"] * 4
    pages = [f"{head}\n{body}\n{n}" for n, (head, body) in enumerate(zip(heads, bodies, strict=True), 15)]
    cleaned = strip_running_lines(pages)
    assert cleaned[0].startswith(heads[0] + "\n") and cleaned[4].startswith(heads[4] + "\n")
    assert [page.split("\n")[0] for i, page in enumerate(cleaned) if i not in (0, 4)] == [
        b.split("\n")[0] for i, b in enumerate(bodies) if i not in (0, 4)
    ]


def test_the_real_docbook_manual_keeps_its_chapter_openings_as_text() -> None:
    result = extract_pdf(gzip.decompress(BZIP2_MANUAL.read_bytes()), Deadline(120))
    sections = [(s, result.text[s.start : s.end]) for s in result.sections]
    # the chapters' running headers are gone from every passage
    for header in ("How to use bzip2\n", "Programming with libbzip2\n", "Miscellanea\n"):
        assert not any(text.startswith(header) for _, text in sections)
    # chapter 2's first page: its contents list is navigation, its NAME and SYNOPSIS are text
    page5 = [(s.navigation, s.heading) for s, _ in sections if s.page == 5]
    assert page5[0] == (True, None) and (False, "2 How to use bzip2 › 2.2 SYNOPSIS") in page5
    intro = next(text for s, text in sections if s.page == 11 and not s.navigation)
    assert intro.startswith("This chapter describes the programming interface to libbzip2.")
    assert [s.heading for s, text in sections if text is intro] == ["3 Programming with libbzip2"]
    navigation = "".join(text for s, text in sections if s.navigation)
    assert "This chapter" not in navigation and "bzip2recover filename" not in navigation


def test_dot_leaders_spaced_wide_are_contents_entries() -> None:
    """ReportLab's user guide sets its leaders two spaces apart, on a line of their own."""
    entries = "".join(f"1.{n} Topic number {n}\n  .  .  .  .  .  .  .  .  . {n + 5}\n" for n in range(1, 8))
    page = "Table of contents\n" + entries
    assert navigation_spans([page]) == [(0, len(page))]
