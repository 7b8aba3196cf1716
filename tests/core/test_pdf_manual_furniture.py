"""Page furniture of manuals built with Sphinx and Texinfo: headers that pair the book's title with
the section in force, headers and footers that name the chapter beside the page number, a blank
page's lone roman number, "(continues on next page)" where a listing breaks, and a chapter's opening
words; on small rules and on excerpts of real manuals (tests/data)."""

from __future__ import annotations

from pathlib import Path

from desktop_search.core.extract.pdf import extract_pdf
from desktop_search.core.extract.pdf_headings import split_by_outline
from desktop_search.core.extract.pdf_layout import strip_running_lines
from desktop_search.core.extract.pdf_outline import OutlineEntry
from desktop_search.core.extract.results import Deadline

DATA = Path(__file__).resolve().parent.parent / "data"
GUIDE = DATA / "ubuntu-packaging-guide.en.excerpt.pdf"  # Sphinx
R_ADMIN = DATA / "r-admin.excerpt.pdf"  # Texinfo
TITLE = "The Handbook of Fruit"
TOPICS = ["apples", "pears", "plums", "figs", "limes", "dates", "kiwis", "grapes"]


def _sphinx_book() -> list[str]:
    """Odd pages headed by their section and the book's title, even ones by the title and chapter."""
    pages = []
    for n, topic in enumerate(TOPICS):
        chapter = n // 4 + 1
        head = f"{chapter}.{n}. On {topic} {TITLE}" if n % 2 == 0 else f"{TITLE} Chapter {chapter}. Fruit"
        body = f"Some text about {topic}.\nMore on {topic} here.\nAnd a closing line on {topic}."
        pages.append(f"{head}\n{body}\n© 2020, Fruit People {n + 1}")
    return pages


def test_headers_pairing_the_title_with_the_section_are_stripped() -> None:
    cleaned = strip_running_lines(_sphinx_book())
    assert all(TITLE not in page and "Fruit People" not in page for page in cleaned)
    assert cleaned[2] == "Some text about plums.\nMore on plums here.\nAnd a closing line on plums."


def test_the_title_alone_and_long_lines_that_open_with_it_stay() -> None:
    pages = _sphinx_book()
    pages[0] = f"{TITLE}\nRelease 1.0\nFruit People"  # the title page
    long_line = f"{TITLE} is a book about fruit that tells you how to grow, pick, keep and eat every kind"
    pages[3] = f"{long_line}\nSome text about figs.\n© 2020, Fruit People 4"
    cleaned = strip_running_lines(pages)
    assert cleaned[0].startswith(f"{TITLE}\n")
    assert cleaned[3] == f"{long_line}\nSome text about figs."


def test_slide_titles_that_share_their_first_words_stay() -> None:
    pages = [f"Project Phoenix: {t.title()}\nWhat we know of {t}.\nWhat we do with {t}." for t in TOPICS]
    assert strip_running_lines(pages) == pages


def test_a_line_naming_the_part_beside_its_page_number_goes_when_it_repeats() -> None:
    pages = []
    for n, topic in enumerate(TOPICS):  # no header is on half the pages; each is on three, or two
        part = "Chapter 1: Growing fruit" if n < 3 else "Appendix A: Fruit recipes" if n < 6 else "Index"
        pages.append(f"{part} {n + 1}\nSome text about {topic}.\n{n + 1}.1. On {topic} {n + 10}")
    cleaned = strip_running_lines(pages)
    assert cleaned[2] == "Some text about plums.\n3.1. On plums 12"  # each foot is a line of its own
    assert all("Chapter 1:" not in page and "Appendix A:" not in page for page in cleaned)
    assert cleaned[6].startswith("Index 7\n")  # on two pages only, and too short a title


def test_a_short_chapter_title_beside_the_page_number_goes_when_it_repeats() -> None:
    """lshort's French edition heads its even pages with the chapter in force ("42 Mise en page": ten
    letters), each chapter's on a third of them. A chapter's opening line ("Chapitre 2") stays."""
    titles = ("Mise en page", "Les figures", "Les maths")
    pages = []
    for chapter, title in enumerate(titles):
        for n, topic in enumerate(TOPICS):
            page = 40 + 8 * chapter + n
            head = f"{page} {title}" if page % 2 == 0 else f"{chapter + 2}.{n} On {topic} {page}"
            if n == 0:
                head = f"Chapitre {chapter + 2}\n{title}"
            pages.append(f"{head}\nSome text about {topic}.\nMore on {topic} here.")
    cleaned = strip_running_lines(pages)
    assert not any(
        f"{40 + 8 * c + n} {title}" in page
        for page in cleaned
        for c, title in enumerate(titles)
        for n in range(8)
    )
    assert cleaned[0] == "Chapitre 2\nMise en page\nSome text about apples.\nMore on apples here."
    assert cleaned[2] == "Some text about plums.\nMore on plums here."


def test_the_section_in_force_beside_the_printed_number_goes_though_it_never_repeats() -> None:
    """Why3's and Eyes17's Sphinx manuals: "2.2. Getting Started with the GUI 7" at the foot of an odd
    page, one section per page, so no foot repeats; "12 Chapter 2. Fruit" heads even pages and tells
    how the printed numbers run (two behind the file's pages). A foot whose number is not the page's
    stays (a numbered line of the text)."""
    pages = ["The Handbook of Fruit", "Contents\nFruit 1"]
    for n, topic in enumerate(TOPICS, start=1):  # printed page n on the file's page n + 2
        body = f"Some text about {topic}.\nAnd more on {topic}."
        if n % 2:
            pages.append(f"{body}\n2.{n}. On {topic} {n}")
        else:
            pages.append(f"{n} Chapter 2. Fruit\n{body}")
    pages[4] = pages[4].replace("2.3. On plums 3", "2.3. On plums 33")  # not its page: text
    cleaned = strip_running_lines(pages)
    assert cleaned[2] == "Some text about apples.\nAnd more on apples."
    assert cleaned[3] == "Some text about pears.\nAnd more on pears."
    assert cleaned[4].endswith("2.3. On plums 33")
    assert all(f"2.{n}. On" not in page for n, page in enumerate(cleaned, start=-1) if n != 3)


def test_an_appendix_section_beside_the_printed_number_goes() -> None:
    """lshort: "A.5 TeX on Linux 123" heads an odd page of its appendix, once."""
    pages = ["The Handbook of Fruit", "Contents\nFruit 1"]
    for n, topic in enumerate(TOPICS, start=1):  # printed page n on the file's page n + 2
        head = f"2.{n}. On {topic} {n}" if n % 2 else f"{n} Chapter 2. Fruit"
        pages.append(f"{head}\nSome text about {topic}.\nAnd more on {topic}.")
    pages[6] = pages[6].replace("2.5. On limes 5", "A.5 Growing limes 5")
    cleaned = strip_running_lines(pages)
    assert cleaned[6] == "Some text about limes.\nAnd more on limes."


def test_a_blank_pages_roman_number_goes() -> None:
    pages = _sphinx_book()
    pages[1] = "ii"
    pages[5] = "C\nCherries are red."  # a letter heading an index page is no number
    cleaned = strip_running_lines(pages)
    assert cleaned[1] == ""
    assert cleaned[5] == "C\nCherries are red."


def test_a_chapter_opening_pages_number_alone_at_its_foot_goes() -> None:
    """Sphinx's LaTeX manuals number a chapter's opening page at its foot only ("11", plain style), the
    other pages in their running lines; the running lines tell how far printed numbers run behind the
    file's pages, and a last line that is exactly the page's number goes. Without that evidence, or
    with another number, a last line stays (a listing's output)."""
    front = ["The Handbook of Fruit\nSecond edition", "Preface\nWe wrote this book for growers."]
    body = [
        f"{TITLE} {n + 1}\nSome text about {topic}.\nAnd more on {topic}." for n, topic in enumerate(TOPICS)
    ]
    pages = front + body  # printed numbers run two pages behind the file's
    pages[5] = "CHAPTER\nTWO\nFIGS\nFigs grow on trees.\n4"  # the file's page 6, printed 4
    pages[7] = "CHAPTER\nTHREE\nDATES\nprint(1)\n1"  # a listing's output, not the page's number
    cleaned = strip_running_lines(pages)
    assert cleaned[5] == "CHAPTER\nTWO\nFIGS\nFigs grow on trees."
    assert cleaned[7].endswith("print(1)\n1")
    unnumbered = [page.replace(f"{TITLE} {n - 1}\n", f"{TITLE}\n") for n, page in enumerate(pages)]
    assert strip_running_lines(unnumbered)[5].endswith("trees.\n4")  # no printed numbers to read


def test_the_real_sphinx_manuals_chapter_opening_loses_its_page_number() -> None:
    text = extract_pdf(GUIDE.read_bytes(), Deadline(60)).text
    summit = "Summit where developers and contributors come together to plan the features of the next"
    assert f"{summit} releases.\n\nEvery feature" in text  # a bare "3" stood between them


def test_a_listing_broken_across_pages_loses_its_continuation_notes_only() -> None:
    pages = _sphinx_book()
    pages[2] = pages[2].replace("\n©", "\n$ make\n(continues on next page)\n©")
    pages[3] = pages[3].replace("\nSome", "\n(continued from previous page)\n$ make install\nSome", 1)
    pages[5] = pages[5].replace("\nSome", "\n(see the figure below)\nSome", 1)  # one of its kind
    cleaned = strip_running_lines(pages)
    assert "continue" not in cleaned[2] + cleaned[3]
    assert cleaned[2].endswith("$ make") and cleaned[3].startswith("$ make install\n")
    assert cleaned[5].startswith("(see the figure below)\n")


def _entry(title: str, depth: int, chapter: str) -> OutlineEntry:
    return OutlineEntry(title, 0, depth, chapter)


def test_a_chapters_opening_words_join_its_first_section() -> None:
    page = "CHAPTER\nONE\nARTICLES\n1.1 Introduction\nUbuntu is made of many parts."
    entries = [_entry("Articles", 0, "Articles"), _entry("Introduction", 1, "Articles")]
    [parts] = split_by_outline([page], entries, [False])
    assert parts == [(page, "Articles › 1.1 Introduction")]


def test_text_going_on_from_the_previous_page_keeps_its_section() -> None:
    page = "$ echo 'set bell-style none' >> ~/.inputrc\n9.5.10 Memory usage\nThere are two resources."
    [parts] = split_by_outline([page], [_entry("9.5.10 Memory usage", 1, "Tips")], [False])
    assert [heading for _, heading in parts] == [None, "Tips › 9.5.10 Memory usage"]
    assert parts[0][0].startswith("$ echo")


def test_a_short_section_with_a_sentence_keeps_its_heading() -> None:
    page = "4.5 タイトル\nタイトルをつけるには、[== と ==] で囲みます。\n4.6 逐語的コンテント\n本文。"
    entries = [_entry("4.5 タイトル", 1, "AMC-TXT"), _entry("4.6 逐語的コンテント", 1, "AMC-TXT")]
    [parts] = split_by_outline([page], entries, [False])
    assert [heading for _, heading in parts] == ["AMC-TXT › 4.5 タイトル", "AMC-TXT › 4.6 逐語的コンテント"]


def test_a_subsection_is_headed_by_the_section_it_is_in() -> None:
    page = (
        "2.2 Measuring Resistance\nConnect it to SEN.\n2.2.2 Procedure\nRead the value.\n2.3 Measuring\nMore."
    )
    entries = [
        _entry("School Level Experiments", 0, "School Level Experiments"),
        _entry("Measuring Resistance", 1, "School Level Experiments"),
        _entry("Procedure", 2, "School Level Experiments"),
        _entry("Measuring", 1, "School Level Experiments"),
    ]
    [parts] = split_by_outline([page], entries, [False])
    assert [heading for _, heading in parts] == [
        "School Level Experiments › 2.2 Measuring Resistance",
        "School Level Experiments › 2.2 Measuring Resistance › 2.2.2 Procedure",
        "School Level Experiments › 2.3 Measuring",  # a section closes the one before and its subsections
    ]


# -- a real manual ------------------------------------------------------------------------------------


def test_real_sphinx_manual_keeps_its_title_on_the_title_page_only() -> None:
    sections = extract_pdf(GUIDE.read_bytes(), Deadline(60)).sections
    assert sections[0].page == 1 and sections[0].text.startswith("Ubuntu Packaging Guide\n")
    later = "\n".join(s.text for s in sections[1:])
    assert "Ubuntu Packaging Guide" not in later and "Chapter 1. Articles" not in later
    assert "(continues on next page)" not in later and "(continued from previous page)" not in later
    assert "Creative Commons" not in later  # the footer
    assert all(s.text.strip() not in ("ii", "CHAPTER\nONE") for s in sections)


def test_real_sphinx_manual_sections_open_with_their_own_title() -> None:
    sections = extract_pdf(GUIDE.read_bytes(), Deadline(60)).sections
    by_heading = {s.heading: s for s in reversed(sections) if s.heading}  # the first of each
    ssh = by_heading["Articles › 1.2.1 Install basic packaging software › Create your SSH key"]
    assert ssh.page == 11 and ssh.text.startswith("Create your SSH key\nSSH stands for Secure Shell")
    opening = by_heading["Articles › 1.1 Introduction to Ubuntu Development"]
    assert opening.page == 7 and opening.text.startswith("CHAPTER\nONE\nARTICLES\n1.1 Introduction")


def test_real_texinfo_manual_loses_its_chapter_headers_and_keeps_its_headings() -> None:
    sections = extract_pdf(R_ADMIN.read_bytes(), Deadline(60)).sections
    text = "\n".join(s.text for s in sections)
    assert "Chapter 2: Installing R under Unix-alikes" not in text and "Chapter 1: Obtaining R" not in text
    by_heading = {s.heading: s for s in reversed(sections) if s.heading}  # the first of each
    installation = by_heading["2 Installing R under Unix-alikes › 2.4 Installation"]
    assert installation.page == 12 and installation.text.startswith("2.4 Installation\n")
    assert "1 Obtaining R" in by_heading  # not "1 1 Obtaining R": the page number above it is gone
