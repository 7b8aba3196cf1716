"""Plain text and source code: decode, keep as one section (a text's title line as its heading), or
cut a text at its section titles.

A text is cut at its titles (:mod:`~desktop_search.core.extract.plain_titles`: numbered section titles
that stand alone, chapters with one number, underlined titles), and each part is headed by its chapter
and section as PDF passages are ("1.3. Midnight Commander (MC) › 1.3.3. MC 文件管理", "UPGRADE ISSUES ›
PermitRootLogin"); a passage in the middle of a long chapter then still says what it is about. A
contents list (:mod:`~desktop_search.core.extract.plain_contents`) is a part of its own, marked as
navigation, and the entries in it cut nothing. Before that, a terminal's escapes and overstrikes are
read as the letters shown (:mod:`~desktop_search.core.extract.terminal`) and a formatter's page
furniture is dropped (:mod:`~desktop_search.core.extract.plain_pages`).

Minified or generated code (a web page's ``searchindex.js``, a ``.min.css`` bundle, one-line JSON) is
skipped with a reason: nobody wrote or reads it, its passages are cut from lines of tens of thousands
of characters, and their language-neutral tokens sit near any query that finds nothing better (in a
Sphinx site's folder, ``searchindex.js`` was the top answer to German and Japanese questions).
"""

from __future__ import annotations

from desktop_search.core.extract.cjk_text import TYPED_MIN_LINES, join_cjk_wraps
from desktop_search.core.extract.encoding import decode_text
from desktop_search.core.extract.plain_pages import unpaginated
from desktop_search.core.extract.plain_titles import text_titles
from desktop_search.core.extract.results import Deadline, Extracted, FileSkipped, Part, assemble
from desktop_search.core.extract.sections import SectionPath
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


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def section_parts(text: str, title: str | None) -> list[Part]:
    """``text`` cut at its section titles (see the module docstring), each part headed by its path,
    and its contents lists parts of their own, marked as navigation; one part headed by ``title``
    when it has neither. A title with no text before the next one (a chapter title right above its
    first section) opens the next part instead of standing alone."""
    text, cuts, contents = text_titles(text)  # underlined titles' adornment lines go
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
