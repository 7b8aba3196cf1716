"""Which PDF pages are navigation (tables of contents, lists of tables, indexes) rather than text.

A navigation page names every topic, so it sits near every query; it is kept (listed and keyword-
searchable) but marked, and the searcher never ranks it above real text. A page is navigation when
* many of its lines are dot-leader entries ("5.4.3 Simple questions . . . . 22", or with colons or
  middle dots), or
* it is titled like a table of contents or an index ("Contents", "Inhaltsverzeichnis", "目次", ...)
  or the outline files it under such a title, and most of its lines end in a page number, or
* it follows a navigation page and most of its lines still end in a page number.

A page whose contents list is followed by the text it opens (a chapter's first page in DocBook books:
"3. Programming with libbzip2 / Table of Contents / 3.1 … 8 / … / This chapter describes …"), or
comes after text (a paper's abstract, then "Contents"), is navigation only from its contents title to
its list's last entry (:func:`navigation_spans`); so is a titled list of entries inside a page of text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

NAVIGATION_TITLES = frozenset(
    t.casefold()
    for t in (
        "Contents", "Table of Contents", "List of Tables", "List of Figures", "List of Examples", "Index",
        "Inhaltsverzeichnis", "Inhalt", "Tabellenverzeichnis", "Abbildungsverzeichnis",
        "Stichwortverzeichnis", "Register", "Table des matières", "Sommaire",
        "Liste des tableaux", "Liste des figures",
        "Índice", "Índice general", "Índice de tablas", "Lista de tablas", "Indice", "Sommario",
        "Indice generale", "Elenco delle tabelle", "目次", "表目次", "図目次", "索引", "目录", "表格清单",
    )
)  # fmt: skip
# leaders of dots, or of colons or middle dots (LaTeX's Japanese classes: "3.2 スコープ : : : : 14")
DOT_LEADER = re.compile(r"(?:[.:·・]\s{0,3}){4,}\s*(?:\d+|[ivxlcdm]+)\s*$|…{2,}\s*\d+\s*$", re.IGNORECASE)
_ENDS_IN_PAGE = re.compile(r"(?:^|\s|\.|,)(?:\d{1,4}|[ivxlcdm]{1,6})\s*$", re.IGNORECASE)
MIN_DOTTED_LINES = 3
DOTTED_SHARE = 0.3  # of a page's lines
NUMBERED_SHARE = 0.5  # lines ending in a page number on a titled page
CONTINUED_SHARE = 0.5  # ... on a page after a navigation page (read by column, an index splits
# entries from their numbers)
MIN_LINES = 5
_CHAPTER_LINE = re.compile(r"^(\d{1,2})\.?\s+([^\W\d_].{1,100})$")
# the text after a contents list on the same page (a chapter's opening), kept as text when it is prose
MIN_TAIL_LINES = 3
MIN_TAIL_CHARS = 150
TAIL_NUMBERED_SHARE = 0.3
LIST_ENTRY_SHARE = 0.6  # of the lines of a contents list inside a page of text


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def is_navigation_title(title: str) -> bool:
    """A contents or index title, also spaced out as CJK titles often are ("目 次", "索 引")."""
    folded = " ".join(title.split()).casefold()
    return folded in NAVIGATION_TITLES or folded.replace(" ", "") in NAVIGATION_TITLES


def _titled(lines: list[str]) -> bool:
    return any(is_navigation_title(line) for line in lines[:3])


def _shares(lines: list[str]) -> tuple[int, float, float]:
    dotted = sum(1 for line in lines if DOT_LEADER.search(line))
    numbered = sum(1 for line in lines if _ENDS_IN_PAGE.search(line))
    return dotted, dotted / len(lines), numbered / len(lines)


Span = tuple[int, int]  # a page's navigation, as offsets into its text; (0, 0): none


def navigation_spans(pages: Sequence[str], outline_navigation: frozenset[int] = frozenset()) -> list[Span]:
    """For each page's text (headers already stripped), the part of it that is navigation: none, the
    whole page, or a contents list with text before or after it (see the module docstring);
    ``outline_navigation`` holds the 0-based pages that the outline files under a navigation title."""
    spans: list[Span] = []
    runs_on = False  # the page before ends in navigation: a list may go on here
    for number, text in enumerate(pages):
        lines = _lines(text)
        if not lines:
            spans.append((0, 0))
            runs_on = False
            continue
        dotted, dotted_share, numbered_share = _shares(lines)
        navigation = (
            (dotted >= MIN_DOTTED_LINES and dotted_share >= DOTTED_SHARE)
            or ((_titled(lines) or number in outline_navigation) and numbered_share >= NUMBERED_SHARE)
            or (runs_on and len(lines) >= MIN_LINES and numbered_share >= CONTINUED_SHARE)
        )
        rows = _rows(text)
        if navigation:
            entry = DOT_LEADER if dotted >= MIN_DOTTED_LINES else _ENDS_IN_PAGE
            span = (_list_start(rows, _title_row(rows)), _list_end(rows, entry) or len(text))
        else:
            span = _titled_list(rows) or (0, 0)
        spans.append(span)
        runs_on = span[1] == len(text) and span[1] > span[0]
    return spans


Row = tuple[int, int, str]  # a non-blank line: its start and end offsets (after its newline), its text


def _rows(text: str) -> list[Row]:
    rows: list[Row] = []
    position = 0
    for line in text.split("\n"):
        start, position = position, position + len(line) + 1
        if line.strip():
            rows.append((start, min(position, len(text)), line.strip()))
    return rows


def _prose(rows: Sequence[Row]) -> bool:
    """Whether lines beside a contents list are text of their own (see :data:`MIN_TAIL_LINES`)."""
    if len(rows) < MIN_TAIL_LINES or sum(len(line) for _, _, line in rows) < MIN_TAIL_CHARS:
        return False
    return sum(1 for *_, line in rows if _ENDS_IN_PAGE.search(line)) / len(rows) < TAIL_NUMBERED_SHARE


def _title_row(rows: Sequence[Row]) -> int | None:
    """The index of a page's first contents title ("Table of Contents"), if it has one."""
    return next((i for i, (*_, line) in enumerate(rows) if is_navigation_title(line)), None)


def _list_start(rows: Sequence[Row], title: int | None) -> int:
    """Where a navigation page's list starts: at its contents title (row ``title``) when text comes
    before it (an abstract above "Contents"), else at the page's top."""
    return rows[title][0] if title is not None and _prose(rows[:title]) else 0


def _list_end(rows: Sequence[Row], entry: re.Pattern[str]) -> int | None:
    """Where the text after a page's contents list starts, when prose follows its last entry; None when
    the list runs to the page's end."""
    last = max((i for i, (*_, line) in enumerate(rows) if entry.search(line)), default=None)
    if last is None or not _prose(rows[last + 1 :]):
        return None
    return rows[last][1]


def _titled_list(rows: Sequence[Row]) -> Span | None:
    """A contents title and the entries under it, inside a page of text (a paper's "Contents" below its
    abstract): at least :data:`MIN_DOTTED_LINES` entries, most lines of the list, ending where
    :data:`MIN_TAIL_LINES` lines in a row are no entries."""
    title = _title_row(rows)
    if title is None:
        return None
    entries, last, gap = 0, title, 0
    for i in range(title + 1, len(rows)):
        if DOT_LEADER.search(rows[i][2]) or _ENDS_IN_PAGE.search(rows[i][2]):
            entries, last, gap = entries + 1, i, 0
        else:
            gap += 1
            if gap >= MIN_TAIL_LINES:
                break
    if entries < MIN_DOTTED_LINES or entries < LIST_ENTRY_SHARE * (last - title):
        return None
    return _list_start(rows, title), rows[last][1]


def list_chapter(navigation: str) -> tuple[str, str] | None:
    """The (number, title) of the chapter a contents list opens, when its first line names one
    ("3. Programming with libbzip2" above "Table of Contents"), else None."""
    lines = _lines(navigation)
    match = _CHAPTER_LINE.match(lines[0]) if len(lines) > 1 else None
    if match is None or is_navigation_title(lines[0]) or DOT_LEADER.search(lines[0]):
        return None
    return match.group(1), match.group(2).strip()
