"""Where the table rows of a Word 97–2003 document end ([MS-DOC] paragraph properties).

In a ``.doc`` every table cell ends with the mark 0x07, and so does every row: a row's last cell mark
is followed by one more 0x07, a paragraph of its own whose properties say "table row end" (fTtp).
Told apart from the text alone, an empty cell and a row end look the same, so the paragraph
properties are read (:mod:`word_paragraphs`): a paragraph whose sprms set fTtp holds a row end.
:mod:`word_doc` turns those marks into line ends, so a table reads one row per line. Anything
unreadable there leaves the marks as cell ends (tabs): the text is never lost for it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_search.core.extract.word_paragraphs import ParagraphRun


@dataclass(frozen=True)
class Piece:
    """A run of characters: ``cp``..``cp + length`` at byte offset ``fc`` of WordDocument."""

    cp: int
    length: int
    fc: int
    width: int  # bytes per character: 1 (8-bit) or 2 (UTF-16)


def row_ends(runs: Sequence[ParagraphRun], pieces: Sequence[Piece], text: str) -> set[int]:
    """The character positions of the 0x07 marks in ``text`` that end a table row (``runs``: the
    paragraphs' properties, ordered by file offset)."""
    marks = [cp for cp, ch in enumerate(text) if ch == "\x07"]
    ranges = [(run.start, run.end) for run in runs if run.row_end]
    if not marks or not ranges:
        return set()
    starts = [start for start, _ in ranges]  # paragraphs do not overlap: one candidate per offset
    piece_starts = [piece.cp for piece in pieces]  # pieces come in character order
    ends: set[int] = set()
    for cp in marks:
        fc = file_offset(pieces, piece_starts, cp)
        at = bisect_right(starts, fc) - 1 if fc is not None else -1
        if at >= 0 and fc is not None and fc < ranges[at][1]:
            ends.add(cp)
    return ends


def file_offset(pieces: Sequence[Piece], piece_starts: Sequence[int], cp: int) -> int | None:
    """The byte offset in WordDocument of character ``cp`` (``piece_starts``: each piece's cp)."""
    at = bisect_right(piece_starts, cp) - 1
    if at < 0 or cp >= pieces[at].cp + pieces[at].length:
        return None
    return pieces[at].fc + (cp - pieces[at].cp) * pieces[at].width
