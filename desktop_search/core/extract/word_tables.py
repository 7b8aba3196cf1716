"""Where the table rows of a Word 97–2003 document end ([MS-DOC] paragraph properties).

In a ``.doc`` every table cell ends with the mark 0x07, and so does every row: a row's last cell mark
is followed by one more 0x07, a paragraph of its own whose properties say "table row end" (fTtp).
Told apart from the text alone, an empty cell and a row end look the same, so the paragraph
properties are read: the FKP pages that the PlcBtePapx in the table stream lists give, for runs of
file offsets, each paragraph's sprms; a run whose sprms set fTtp holds a row end. :mod:`word_doc`
turns those marks into line ends, so a table reads one row per line. Anything unreadable here leaves
the marks as cell ends (tabs): the text is never lost for it.
"""

from __future__ import annotations

import struct
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

PAGE = 512  # an FKP page
_TTP_SPRMS = frozenset({0x2417, 0x244C})  # sprmPFTtp, sprmPFInnerTtp
_TABLE_DEFINITION, _CHANGE_TABS = 0xD608, 0xC615  # variable-size sprms with their own length rules
_OPERAND_SIZES = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}  # by spra (the sprm's top three bits)


@dataclass(frozen=True)
class Piece:
    """A run of characters: ``cp``..``cp + length`` at byte offset ``fc`` of WordDocument."""

    cp: int
    length: int
    fc: int
    width: int  # bytes per character: 1 (8-bit) or 2 (UTF-16)


def row_ends(document: bytes, bte_papx: bytes, pieces: Sequence[Piece], text: str) -> set[int]:
    """The character positions of the 0x07 marks in ``text`` that end a table row."""
    marks = [cp for cp, ch in enumerate(text) if ch == "\x07"]
    if not marks:
        return set()
    try:
        ranges = sorted(_row_end_runs(document, bte_papx))
    except (struct.error, IndexError):
        return set()
    starts = [start for start, _ in ranges]  # paragraphs do not overlap: one candidate per offset
    piece_starts = [piece.cp for piece in pieces]  # pieces come in character order
    ends: set[int] = set()
    for cp in marks:
        fc = _file_offset(pieces, piece_starts, cp)
        at = bisect_right(starts, fc) - 1 if fc is not None else -1
        if at >= 0 and fc is not None and fc < ranges[at][1]:
            ends.add(cp)
    return ends


def _file_offset(pieces: Sequence[Piece], piece_starts: Sequence[int], cp: int) -> int | None:
    at = bisect_right(piece_starts, cp) - 1
    if at < 0 or cp >= pieces[at].cp + pieces[at].length:
        return None
    return pieces[at].fc + (cp - pieces[at].cp) * pieces[at].width


def _row_end_runs(document: bytes, bte_papx: bytes) -> list[tuple[int, int]]:
    """(start, end) file offsets of the paragraphs whose properties mark a table row end."""
    count = (len(bte_papx) - 4) // 8
    if count <= 0:
        return []
    pages = struct.unpack_from(f"<{count}I", bte_papx, 4 * (count + 1))
    runs: list[tuple[int, int]] = []
    for page in {p & 0x3FFFFF for p in pages}:
        fkp = document[page * PAGE : (page + 1) * PAGE]
        if len(fkp) < PAGE:
            continue
        crun = fkp[PAGE - 1]
        offsets = struct.unpack_from(f"<{crun + 1}I", fkp, 0)
        for i in range(crun):
            papx_at = 2 * fkp[4 * (crun + 1) + 13 * i]  # BxPap.bOffset, in words
            if papx_at and _sets_ttp(fkp, papx_at):
                runs.append((offsets[i], offsets[i + 1]))
    return runs


def _sets_ttp(fkp: bytes, at: int) -> bool:
    """Whether the PapxInFkp at ``at`` sets fTtp (its sprms after the 2-byte style index)."""
    size = 2 * fkp[at] - 1 if fkp[at] else 2 * fkp[at + 1]
    start = at + (1 if fkp[at] else 2)
    pos, end = start + 2, min(len(fkp), start + size)
    while pos + 2 <= end:
        sprm = struct.unpack_from("<H", fkp, pos)[0]
        pos += 2
        if sprm in _TTP_SPRMS:
            return fkp[pos] != 0
        spra = sprm >> 13
        if spra != 6:
            pos += _OPERAND_SIZES[spra]
        elif sprm == _TABLE_DEFINITION:
            pos += 1 + struct.unpack_from("<H", fkp, pos)[0]  # cb counts the rest, plus one
        elif sprm == _CHANGE_TABS:
            return False  # its length rule depends on its contents; fTtp comes before it in practice
        else:
            pos += 1 + fkp[pos]
    return False
