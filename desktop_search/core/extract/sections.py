"""The heading a passage travels with in a structured document (DOCX, ODT, HTML, EPUB): a short path
of the section it is in, its chapter (the outermost heading open), the section its own is in when
that is not the chapter, and its own section, the way PDF passages name theirs ("Packaging › 3.2
Main packages", "Experiments › 2.2 Measuring Resistance › 2.2.2 Procedure"); a document title heads
only the text before the first chapter."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from desktop_search.core.extract.results import Part

SEPARATOR = " › "  # between a chapter and its section in a heading path, for every format
MAX_TITLE_CHARS = 100
# a numbered section title at a line start, with two or more numbers: "3.2.1 From the Debian repository"
NUMBERED_TITLE = re.compile(r"^(\d+(?:\.\d+){1,5})\.?[ \t]+([^\W\d_][^\n]{1,80})$", re.MULTILINE)
TITLE_END = re.compile(r"[.,;:!?]$|\d$|(?:\.\s?){3,}")  # how a sentence or a contents line ends, not a title
_LEADING_NUMBER = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+")  # "3.2.1 …", "4. …"
MAX_TITLE_LEVEL = 3  # a numbered title's level is its count of numbers, at most this
# a field whose result is a contents list, an index or a table of authorities (DOCX and Word 97 fields)
NAVIGATION_FIELD = re.compile(r"\s*(?:TOC|INDEX|TOA)\b", re.IGNORECASE)


def short_title(title: str) -> str:
    title = " ".join(title.split())
    return title if len(title) <= MAX_TITLE_CHARS else title[: MAX_TITLE_CHARS - 1].rstrip() + "…"


def _title_parts(match: re.Match[str]) -> tuple[str, str] | None:
    """(number, title) of a :data:`NUMBERED_TITLE` match, None when its title ends as a sentence or a
    contents line does."""
    title = match.group(2).strip()
    return None if TITLE_END.search(title) else (match.group(1), title)


def numbered_title(text: str) -> tuple[str, str, int] | None:
    """(number, title, level) when ``text`` is one line that reads as a numbered section title with two
    or more numbers ("3.2.1 From the Debian repository": level 3), else None. HTML, DOCX and ODT take a
    bold paragraph that reads as one for a heading."""
    match = NUMBERED_TITLE.fullmatch(" ".join(text.split()))
    parts = None if match is None else _title_parts(match)
    if parts is None:
        return None
    number, title = parts
    return number, title, title_level(number)


def title_level(number: str) -> int:
    """A numbered title's level: its count of numbers ("3.2.1": 3), at most :data:`MAX_TITLE_LEVEL`."""
    return min(number.count(".") + 1, MAX_TITLE_LEVEL)


def numbered_titles(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, number, title) of each line of ``text`` that reads as a numbered section title, as
    :func:`numbered_title` reads one line (the PDF reader finds them in page text)."""
    for match in NUMBERED_TITLE.finditer(text):
        parts = _title_parts(match)
        if parts is not None:
            yield match.start(), *parts


def heading_path(chapter: str, section: str | None, title: str) -> str:
    """The path "chapter › section › title", without the section where it says nothing more: none, the
    chapter again (SiSU's "About this manual" opens "1. About this manual"), or numbered so that the title
    cannot be in it ("3.2.1 …" is not in "3.1 …", where a document skips "3.2")."""
    if section and _unnumbered(section) not in (_unnumbered(chapter), _unnumbered(title)):
        outer, inner = _LEADING_NUMBER.match(section), _LEADING_NUMBER.match(title)
        if outer is None or inner is None or inner.group(1).startswith(outer.group(1) + "."):
            return SEPARATOR.join((chapter, section, title))
    return f"{chapter}{SEPARATOR}{title}"


def _unnumbered(title: str) -> str:
    return _LEADING_NUMBER.sub("", title, count=1).casefold()


class SectionPath:
    """The headings open at the current point of a document, fed in reading order."""

    def __init__(self) -> None:
        self._open: list[tuple[int, str]] = []  # (level, title); level 0 is a document title

    def enter(self, level: int, title: str) -> str | None:
        """A heading of ``level`` begins a section; returns the new section's heading path."""
        title = short_title(title)
        if title:
            self._open = [(lvl, t) for lvl, t in self._open if lvl < level] + [(level, title)]
        return self.heading

    @property
    def heading(self) -> str | None:
        chapters = [t for lvl, t in self._open if lvl > 0] or [t for _, t in self._open]
        if not chapters:
            return None
        # the chapter, the section the current one is in (a subsection's own title is often generic:
        # "Procedure", "Examples"), the current one; the index embeds the first and last only
        if len(chapters) == 1:
            return chapters[0]
        return heading_path(chapters[0], chapters[-2] if len(chapters) >= 3 else None, chapters[-1])


CONTENTS_RUN = 5  # titles in a row with no text between them that are a contents list, not openers
SECTION_LEVELS = 3  # headings of levels 1-3 begin a section (DOCX, Word 97, Markdown; cut_levels counts)


def cut_levels(levels: Iterable[int], count: int = SECTION_LEVELS) -> frozenset[int]:
    """The heading levels that begin a section: the ``count`` shallowest a document uses. Most use
    Heading 1-3; one that skips levels cuts at those it has (SiSU's ODT manuals use 1, 4, 5 and 6: its
    numbered sections, "4.1 What is a live system?", are level 5, and a rule of "level 3 or less" cut
    the Live Systems Manual only at its chapters, passages of 25,000 characters under one heading)."""
    used = set(levels)
    return frozenset(sorted(used - {0})[:count]) | (used & {0})  # 0: no level in the outline (a title)


def fold_heading_only(parts: list[Part]) -> list[Part]:
    """Parts where a part that holds nothing but its own heading line (a chapter title followed at once
    by its first section, or the title of a section that is all contents list or index) opens the next
    part instead of standing alone as a passage with no text; several such titles in a row (a page's
    "Index" and its first letter) all open it, and a title over its section's own contents list opens
    the text after the list. :data:`CONTENTS_RUN` or more in a row are a contents list written as
    headings (SiSU's ODT manuals open with every chapter's two titles) and make a navigation part of
    their own."""
    parts = [part for part in parts if part.text.strip()]
    out: list[Part] = []
    carried: list[Part] = []
    past_contents = False  # the carried titles open their section's text after its contents list
    for i, part in enumerate(parts):
        lines = [line for line in part.text.split("\n") if line.strip()]  # its own, not those carried in
        following = parts[i + 1] if i + 1 < len(parts) else None
        if (
            len(lines) == 1
            and part.heading
            and part.heading.endswith(short_title(lines[0]))
            and not part.navigation
            and following is not None
            and following.page == part.page
        ):
            carried.append(part)  # titles in a row ("Index", "A") all open the next part
            # a section that opens with its own contents list (DocBook's chunked HTML) and goes on
            # with text: the title opens that text, the list stays navigation of its own
            past_contents = following.navigation and not _section_ends_after(parts, i + 1, part.heading)
            continue
        if past_contents and part.navigation:
            out.append(part)
            continue
        past_contents = False
        carry = "".join(c.text.strip() + "\n" for c in carried)
        if len(carried) >= CONTENTS_RUN:
            out.append(Part(carry, carried[0].page, carried[0].heading, navigation=True))
            carry = ""
        carried = []
        out.append(Part(carry + part.text, part.page, part.heading, part.navigation))
    return out


def _section_ends_after(parts: list[Part], index: int, heading: str | None) -> bool:
    """Whether the rest of ``heading``'s section after part ``index`` is navigation too (a sidebar
    after an index's last letter, a contents list with its "On this page" title), or there is none."""
    for later in parts[index + 1 :]:
        if later.heading != heading:
            return True
        if not later.navigation:
            return False
    return True
