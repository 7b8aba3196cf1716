"""A Word 97–2003 document's main text cut into sections by its heading paragraphs, as a DOCX is.

Which paragraphs are headings (a heading style, or an outline level set on the paragraph) and which
are contents or index entries comes from :mod:`word_paragraphs`. The cuts are marked in the raw story
before its fields and control characters are read (:func:`word_doc._readable` drops field codes and
keeps their results, across paragraphs): each marked paragraph starts with :data:`MARK` and one
character that numbers its entry in a list of (level, navigation). Reading leaves those characters as
they are; :func:`sections` splits the read text at them into parts with heading paths
(:class:`sections.SectionPath`) and navigation flags.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from desktop_search.core.extract.results import Part
from desktop_search.core.extract.sections import NAVIGATION_FIELD, SECTION_LEVELS, SectionPath
from desktop_search.core.extract.word_paragraphs import ParagraphRun, StyleRoles
from desktop_search.core.extract.word_tables import Piece, file_offset

MARK = "\ue000"  # private use: never in a document's text as Word stores it
_FIRST_CODE, _LAST_CODE = 0xF0000, 0xFFFFD  # plane 15's private use characters number the marks
_PARAGRAPH_ENDS = ("\r", "\x07", "\x0c")  # paragraph marks, table cell marks and section breaks
_SPLIT = re.compile(MARK + "(.)", re.DOTALL)
FIELD_BEGIN, FIELD_SEPARATOR, FIELD_END = "\x13", "\x14", "\x15"  # Word's field marks

Marks = list[tuple[int | None, bool]]  # per mark: (heading level or None, navigation)


def mark_sections(
    story: str, runs: Sequence[ParagraphRun], roles: StyleRoles, pieces: Sequence[Piece]
) -> tuple[str, Marks]:
    """``story`` (the main text, from character position 0) with a mark opening each paragraph that
    is a heading or where navigation begins or ends; and what each mark says."""
    if not runs:
        return story, []
    starts = [run.start for run in runs]
    piece_starts = [piece.cp for piece in pieces]
    in_contents = _contents_fields(story)
    out: list[str] = []
    marks: Marks = []
    navigation, begin = False, 0
    for cp, ch in enumerate(story):
        if ch not in _PARAGRAPH_ENDS and cp != len(story) - 1:
            continue
        level, is_nav = _paragraph_role(cp, runs, starts, roles, pieces, piece_starts)
        if in_contents[cp]:
            level, is_nav = None, True
        if (level is not None or is_nav != navigation) and _FIRST_CODE + len(marks) <= _LAST_CODE:
            out.append(MARK + chr(_FIRST_CODE + len(marks)))
            marks.append((level, is_nav))
            navigation = is_nav
        out.append(story[begin : cp + 1])
        begin = cp + 1
    return "".join(out), marks


def _contents_fields(story: str) -> bytearray:
    """Per character of ``story``, 1 inside the result of a TOC, INDEX or TOA field (the entries of a
    contents list or an index, whatever their styles)."""
    inside = bytearray(len(story))
    open_fields: list[list[int]] = []  # per open field: [its begin, its separator or -1]
    for cp, ch in enumerate(story):
        if ch == FIELD_BEGIN:
            open_fields.append([cp, -1])
        elif ch == FIELD_SEPARATOR and open_fields and open_fields[-1][1] < 0:
            open_fields[-1][1] = cp
        elif ch == FIELD_END and open_fields:
            begin, separator = open_fields.pop()
            if separator > begin and NAVIGATION_FIELD.match(story[begin + 1 : separator]):
                inside[separator:cp] = b"\x01" * (cp - separator)
    return inside


def _paragraph_role(
    mark_cp: int,
    runs: Sequence[ParagraphRun],
    starts: Sequence[int],
    roles: StyleRoles,
    pieces: Sequence[Piece],
    piece_starts: Sequence[int],
) -> tuple[int | None, bool]:
    """(heading level, navigation) of the paragraph whose mark is at ``mark_cp``."""
    fc = file_offset(pieces, piece_starts, mark_cp)
    at = bisect_right(starts, fc) - 1 if fc is not None else -1
    if at < 0 or fc is None or fc >= runs[at].end:
        return None, False
    run = runs[at]
    if run.style in roles.navigation:
        return None, True
    level = roles.levels.get(run.style)
    return (level if level is not None else run.outline), False


def sections(text: str, marks: Marks) -> list[Part]:
    """The read main text as parts: split at its marks, each with its heading path and navigation."""
    pieces = _SPLIT.split(text)
    parts = [Part(pieces[0])]
    path = SectionPath()
    heading: str | None = None
    for code, chunk in zip(pieces[1::2], pieces[2::2], strict=True):
        index = ord(code) - _FIRST_CODE
        level, navigation = marks[index] if 0 <= index < len(marks) else (None, False)
        title = chunk.strip().split("\n", 1)[0]
        if level is not None and level <= SECTION_LEVELS and title and not navigation:
            heading = path.enter(level, title)
        last = parts[-1]
        if last.heading == heading and last.navigation == navigation:
            parts[-1] = Part(last.text + chunk, heading=heading, navigation=navigation)
        else:
            parts.append(Part(chunk, heading=heading, navigation=navigation))
    return parts
