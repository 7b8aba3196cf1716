"""Contents lists in a plain-text file: where they are, so they become navigation, not answers.

A text edition of a manual lists its sections before (or after) them, as a PDF's contents pages do;
the list names every topic, so it sits near every query. A contents list is found two ways:

* under a title line ("CONTENTS", "Table of Contents", "Inhaltsverzeichnis", "目次", … the PDF reader's
  titles): it runs from its first entry to just before that entry's text comes again (the section
  itself: the sed FAQ, libpng's manual, the X11 protocol's text edition); where it does not come again,
  over the lines that end in a page number ("1.1  man-db ......  1", man-db's manual, whose contents
  come last), or else over the one block of short lines under the title (util-linux's "CONTENTS");
* untitled, as a run of dot-leader entries (three or more).
"""

from __future__ import annotations

import re

from desktop_search.core.extract.pdf_navigation import DOT_LEADER, is_navigation_title

MAX_CONTENTS_LINES = 600  # a contents list whose first entry comes again further on is not one
MAX_ENTRY_CHARS = 60  # an entry of a list without page numbers is a short line...
MAX_LIST_CHARS = 70  # ... and a line of a contents list is no longer than this, but for dot leaders
_ENTRY_END = re.compile(r"[.,;]$")  # ... that does not end as a sentence does
_RULE = re.compile(r"^\s*([-=_~*━─])\1{2,}\s*$")  # "-------" under a title, "_____" after a list
_LONE_PAGE_NUMBER = re.compile(r"^\s*(?:\d{1,4}|[ivxlcdm]{1,6})\s*$", re.IGNORECASE)
_PAGE_NUMBER_END = re.compile(r"\S\s+(?:\d{1,4}|[ivxlcdm]{1,6})\s*$", re.IGNORECASE)
_LEADERS = re.compile(r"(?:\s*\.\s?){3,}\s*(?:\d+|[ivxlcdm]+)?\s*$", re.IGNORECASE)
MIN_DOTTED = 3


def _key(line: str) -> str:
    """An entry's text as its section title reads it: no dot leaders or page number, spaces folded."""
    return " ".join(_LEADERS.sub("", line).split()).casefold()


def _numbered_entry(line: str) -> bool:
    return bool(DOT_LEADER.search(line) or _PAGE_NUMBER_END.search(line))


def _blank(line: str) -> bool:
    return not line.strip() or bool(_RULE.match(line))


def _prose(block: list[str]) -> bool:
    """A block of lines that reads as paragraphs, not entries: a full-width line that is no entry
    with a page number, or two lines that end as sentences do."""
    long = any(len(line.strip()) > MAX_LIST_CHARS and not _numbered_entry(line) for line in block)
    return long or sum(1 for line in block if _ENTRY_END.search(line.strip())) >= 2


def _blocks(lines: list[str], first: int, end: int) -> list[tuple[int, list[str]]]:
    """The blocks of non-blank lines from ``first`` to ``end``, each with its first line's number."""
    blocks: list[tuple[int, list[str]]] = []
    for n in range(first, end):
        if _blank(lines[n]):
            continue
        if blocks and n > 0 and not _blank(lines[n - 1]) and n - 1 >= first:
            blocks[-1][1].append(lines[n])
        else:
            blocks.append((n, [lines[n]]))
    return blocks


def _until_prose(lines: list[str], first: int, end: int) -> int:
    """``end``, or the start of the first block of paragraphs before it (a chapter's own contents
    list, then its opening paragraphs, then its first section)."""
    for start, block in _blocks(lines, first, end):
        if _prose(block):
            return start
    return end


def _numbered_run(lines: list[str], first: int) -> int:
    """The line after a run of entries ending in page numbers, over blank lines, lone page numbers
    (a page's footer) and one line of an entry wrapped in two."""
    end, wrapped = first, False
    for n in range(first, len(lines)):
        line = lines[n]
        if _blank(line):
            continue
        if _numbered_entry(line) or _LONE_PAGE_NUMBER.match(line):
            end, wrapped = n + 1, False
        elif not wrapped and len(line.strip()) <= MAX_LIST_CHARS:
            wrapped = True
        else:
            break
    return end


def _span_end(lines: list[str], first: int) -> int | None:
    """The line after the contents list whose first entry is ``lines[first]``, None when the lines
    there do not read as one."""
    key = _key(lines[first])
    limit = min(len(lines), first + MAX_CONTENTS_LINES)
    for n in range(first + 1, limit):
        if _key(lines[n]) == key:  # the first entry's section begins
            end = _until_prose(lines, first, n)
            return end if end > first else None
    if _numbered_entry(lines[first]):
        return _numbered_run(lines, first)
    n = first
    while n < len(lines) and not _blank(lines[n]):  # else the one block of entries under the title
        line = lines[n].strip()
        if len(line) > MAX_ENTRY_CHARS or _ENTRY_END.search(line):
            return None
        n += 1
    return n if n - first >= 2 else None


def _titled_spans(lines: list[str]) -> list[tuple[int, int]]:
    spans = []
    n = 0
    while n < len(lines):
        if not is_navigation_title(lines[n].strip()):
            n += 1
            continue
        first = n + 1
        while first < len(lines) and _blank(lines[first]):
            first += 1
        end = _span_end(lines, first) if first < len(lines) else None
        if end is None:
            n += 1
            continue
        spans.append((n, end))
        n = end
    return spans


def _dotted_spans(lines: list[str], taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Runs of dot-leader entries (gaps of up to three lines) outside the titled lists."""
    spans = []
    run: list[int] = []
    for n, line in enumerate(lines):
        if not DOT_LEADER.search(line) or any(a <= n < b for a, b in taken):
            continue
        if run and n - run[-1] > 3:
            if len(run) >= MIN_DOTTED:
                spans.append((run[0], run[-1] + 1))
            run = []
        run.append(n)
    if len(run) >= MIN_DOTTED:
        spans.append((run[0], run[-1] + 1))
    return spans


def contents_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets in ``text`` of its contents lists, a title line with its list, in order."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    titled = _titled_spans(lines)
    spans = sorted(titled + _dotted_spans(lines, titled))
    return [(offsets[a], min(offsets[b], len(text))) for a, b in spans]
