"""Plain text and source code: decode, keep as one section (a text's title line as its heading), or
cut a text at its numbered section titles.

A text file with numbered section titles, each a line of its own between blank lines ("1.3.3. MC 文件管理"
in the Chinese Debian Reference's text edition, "3.2.  Message Format" in an RFC), is cut at them, and
each part is headed by its chapter and section as PDF passages are ("1.3. Midnight Commander (MC) ›
1.3.3. MC 文件管理"); a passage in the middle of a long chapter then still says what it is about. At
least two such titles are needed; the title line heads the text before the first. Chapter titles with
one number ("1.  Introduction", "IV. Writing", "Chapter 3. Errors") count when they are numbered in
order and the numbered sections after each are its own ("3.2" after "3."). A contents list
(:mod:`~desktop_search.core.extract.plain_contents`) is a part of its own, marked as navigation, and
the entries in it cut nothing.

Minified or generated code (a web page's ``searchindex.js``, a ``.min.css`` bundle, one-line JSON) is
skipped with a reason: nobody wrote or reads it, its passages are cut from lines of tens of thousands
of characters, and their language-neutral tokens sit near any query that finds nothing better (in a
Sphinx site's folder, ``searchindex.js`` was the top answer to German and Japanese questions).
"""

from __future__ import annotations

import re

from desktop_search.core.extract.cjk_text import TYPED_MIN_LINES, join_cjk_wraps
from desktop_search.core.extract.encoding import decode_text
from desktop_search.core.extract.plain_contents import contents_spans
from desktop_search.core.extract.plain_pages import unpaginated
from desktop_search.core.extract.results import Deadline, Extracted, FileSkipped, Part, assemble
from desktop_search.core.extract.sections import SectionPath, numbered_titles, title_level
from desktop_search.core.extract.terminal import terminal_text

TITLE_MAX_CHARS = 150
MINIFIED_LINE_CHARS = 2000  # a code line this long was written by a tool
MINIFIED_SHARE = 0.8  # ... and code whose text is nearly all such lines is minified or generated
MINIFIED_REASON = "Minified or generated code (lines of thousands of characters); not read."


def is_minified(text: str) -> bool:
    """Nearly all of ``text`` (:data:`MINIFIED_SHARE`) is in lines over :data:`MINIFIED_LINE_CHARS` chars."""
    if len(text) < MINIFIED_LINE_CHARS:
        return False
    long_chars = sum(len(line) for line in text.split("\n") if len(line) > MINIFIED_LINE_CHARS)
    return long_chars >= MINIFIED_SHARE * len(text)


def title_line(text: str) -> str | None:
    """A short first line set off by a blank line, with more text after it: the text's title.

    Notes, README files, exported articles and abstracts often start that way; the title then gives
    every chunk of the file its context (see :func:`desktop_search.core.index.indexer.embedding_text`).
    """
    lines = text.lstrip().split("\n", 2)
    if len(lines) < 3 or lines[1].strip():
        return None
    first = lines[0].strip()
    if not 2 <= len(first) <= TITLE_MAX_CHARS or len(lines[2].strip()) < len(first):
        return None
    return first


MIN_SECTION_TITLES = 2  # numbered titles a text needs before it is cut at them
# a chapter title with one number, standing alone: "1.  Introduction", "IV. Writing", "Chapter 3. Errors"
_CHAPTER_TITLE = re.compile(
    r"^(?:Chapter[ \t]+(\d{1,2})\.?|(\d{1,2})\.|([IVXLC]{1,7})\.)[ \t]+([^\W\d_][^\n]{1,80})$", re.MULTILINE
)
_APPENDIX_TITLE = re.compile(r"^Appendix[ \t]+([A-Z])[.:]?[ \t]+([^\W\d_][^\n]{1,80})$", re.MULTILINE)
_CHAPTER_END = re.compile(r"[.,;:!]$|(?:\.\s?){3,}")  # how a sentence or a contents line ends
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def _roman_value(numeral: str) -> int:
    values = [_ROMAN[c] for c in numeral]
    return sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0], strict=True))


def _standing_alone(text: str, start: int) -> bool:
    """The line at ``start`` has a blank line (or the text's edge) before and after it."""
    if start:  # text[start - 1] is the line break that ends the line before
        before_start = text.rfind("\n", 0, start - 1) + 1
        if text[before_start : start - 1].strip():
            return False
    end = text.find("\n", start)
    if end < 0:
        return True
    after_end = text.find("\n", end + 1)
    return not text[end + 1 : after_end if after_end >= 0 else len(text)].strip()


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


Cut = tuple[int, str, int]  # (offset, heading label, level)


def _chapter_titles(text: str) -> list[Cut]:
    """Chapter titles with one number that stand alone, numbered 1, 2, 3, … (or I, II, III, …; or from
    0) in reading order, and again from 1 for appendices or a book's next part; a run needs two titles,
    so a lone "1. Install" or a numbered list's item between paragraphs is not one."""
    runs: list[list[tuple[int, Cut]]] = [[]]  # each run: (number, cut) in order
    for match in _CHAPTER_TITLE.finditer(text):
        arabic = match.group(1) or match.group(2)
        number = int(arabic) if arabic else _roman_value(match.group(3))
        title = match.group(4).rstrip("¶ ")
        if _CHAPTER_END.search(title) or not _standing_alone(text, match.start()):
            continue
        run = runs[-1]
        cut = (match.start(), " ".join(match.group(0).rstrip("¶ ").split()), 1)
        if run and number == run[-1][0] + 1:
            run.append((number, cut))
        elif number in (0, 1):  # a run begins (a lone title before it was no chapter)
            if len(run) < MIN_SECTION_TITLES:
                run.clear()
            else:
                runs.append(run := [])
            run.append((number, cut))
    return [cut for run in runs if len(run) >= MIN_SECTION_TITLES for _, cut in run]


def _appendix_titles(text: str) -> list[Cut]:
    """Appendix titles that stand alone, lettered A, B, C, … in reading order ("Appendix B. Protocol
    Encoding"): chapters of their own, so an appendix's passages are not headed by the last chapter."""
    cuts: list[Cut] = []
    for match in _APPENDIX_TITLE.finditer(text):
        title = match.group(2).rstrip("¶ ")
        in_order = ord(match.group(1)) - ord("A") == len(cuts)
        if in_order and not _CHAPTER_END.search(title) and _standing_alone(text, match.start()):
            cuts.append((match.start(), " ".join(match.group(0).rstrip("¶ ").split()), 1))
    return cuts


def _in_their_chapters(chapters: list[Cut], sections: list[tuple[int, str]]) -> bool:
    """Every numbered section after a chapter title is numbered in that chapter ("3.2" in "3. …"):
    a contents list's or a numbered list's items read as chapters otherwise."""
    for start, number in sections:
        before = [label for at, label, _ in chapters if at < start]
        if before and _chapter_number(before[-1]) != number.split(".")[0]:
            return False
    return True


def _chapter_number(label: str) -> str:
    appendix = _APPENDIX_TITLE.match(label)
    if appendix is not None:
        return appendix.group(1)
    match = _CHAPTER_TITLE.match(label)
    if match is None:  # pragma: no cover - labels are the titles the pattern matched
        return ""
    arabic = match.group(1) or match.group(2)
    return str(int(arabic)) if arabic else str(_roman_value(match.group(3)))


def _section_titles(text: str, contents: list[tuple[int, int]]) -> list[Cut]:
    """Where ``text`` is cut: its numbered section titles that stand alone, and its chapter titles,
    outside its contents lists; none when there are fewer than :data:`MIN_SECTION_TITLES`."""
    spaced = text.replace("\xa0", " ")  # "1.3.3.\xa0MC": the same offsets, the title rule's spaces
    outside = [
        (start, number, name)
        for start, number, name in numbered_titles(spaced)
        if _standing_alone(text, start) and not any(a <= start < b for a, b in contents)
    ]
    chapters = [cut for cut in _chapter_titles(spaced) if not any(a <= cut[0] < b for a, b in contents)]
    if not _in_their_chapters(chapters, [(start, number) for start, number, _ in outside]):
        chapters = []
    if chapters:  # an appendix ends the last chapter
        chapters = sorted(
            chapters
            + [cut for cut in _appendix_titles(spaced) if not any(a <= cut[0] < b for a, b in contents)]
        )
    sections = [
        (start, f"{number} {name.rstrip('¶ ')}", title_level(number) + (1 if chapters else 0))
        for start, number, name in outside
    ]
    cuts = sorted(chapters + sections)
    return cuts if len(cuts) >= MIN_SECTION_TITLES else []


def section_parts(text: str, title: str | None) -> list[Part]:
    """``text`` cut at its section titles (see the module docstring), each part headed by its path,
    and its contents lists parts of their own, marked as navigation; one part headed by ``title``
    when it has neither. A title with no text before the next one (a chapter title right above its
    first section) opens the next part instead of standing alone."""
    contents = contents_spans(text)
    cuts = _section_titles(text, contents)
    if not cuts and not contents:
        return [Part(text, heading=title)]
    path = SectionPath()
    if title:
        path.enter(0, title)
    # each boundary: (offset, cut or None, end of a contents list or -1)
    bounds = sorted(
        [(start, (start, label, level), -1) for start, label, level in cuts]
        + [(a, None, b) for a, b in contents],
        key=lambda bound: bound[0],
    )
    parts: list[Part] = []
    begin, heading, label, opened = 0, path.heading, title or "", -1  # a title alone opens the next part
    for offset, cut, contents_end in bounds:
        piece = text[begin:offset]
        if label and len(piece.split()) <= len(label.split()) + 1:  # only its title: it opens the next part
            opened = begin if opened < 0 else opened
        elif _has_words(piece):  # not a rule line left between a contents list and the text
            parts.append(Part(text[begin if opened < 0 else opened : offset], heading=heading))
            opened = -1
        if cut is None:  # a contents list, with the bare titles above it (a chapter's own list)
            nav_start = offset if opened < 0 else opened
            parts.append(Part(text[nav_start:contents_end], heading=path.heading, navigation=True))
            begin, heading, label, opened = contents_end, path.heading, "", -1
        else:
            begin, heading, label = offset, path.enter(cut[2], cut[1]), cut[1]
    parts.append(Part(text[begin if opened < 0 else opened :], heading=heading))
    return parts


def extract_plain(data: bytes, deadline: Deadline, kind: str = "text") -> Extracted:
    text = decode_text(data)
    if kind == "code" and is_minified(text):
        raise FileSkipped(MINIFIED_REASON)
    if kind == "code":
        return assemble([Part(text)], kind)
    text = terminal_text(text)  # a log's colours, a formatted manual page's bold and underline
    text = unpaginated(text)  # a formatter's page headers and footers, its hyphenated words
    text = join_cjk_wraps(text, min_lines=TYPED_MIN_LINES)  # an editor's wraps inside CJK words
    return assemble(section_parts(text, title_line(text)), kind)
