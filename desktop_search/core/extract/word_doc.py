"""Word 97–2003 ``.doc`` files: the text from the document's piece table ([MS-DOC]), read with olefile.

A ``.doc`` is a Compound File. Its ``WordDocument`` stream opens with the File Information Block
(FIB): where the piece table (the CLX, in the ``0Table`` or ``1Table`` stream) is, and how many
characters the main text, footnotes, headers, comments, endnotes and text boxes have. The piece table
maps character positions to runs of bytes in ``WordDocument``, 8-bit (Windows-1252) or UTF-16.

Word's control characters become text: paragraph and line marks are newlines, table cells tabs and
each table row a line (:mod:`word_tables`), page and section breaks blank lines; a field keeps its
result and drops its code ("Figure { SEQ Figure }1" reads "Figure 1"); the anchors of pictures, drawn
objects and note references are dropped. The main
text comes first, then footnotes, comments, endnotes and text boxes; headers and footers are left
out (they repeat on every page, like a PDF's running headers). Heading paragraphs (by style or outline
level) cut the main text into sections whose passages carry their heading path, and contents and
index entries are navigation, as in a DOCX (:mod:`word_sections`). Word 95 and older files (another
FIB) and encrypted ones are skipped with a reason.
"""

from __future__ import annotations

import re
import struct

from desktop_search.core.extract.compound_file import open_compound, read_stream
from desktop_search.core.extract.results import (
    Deadline,
    Extracted,
    ExtractionFailed,
    FileSkipped,
    Part,
    assemble,
)
from desktop_search.core.extract.sections import fold_heading_only
from desktop_search.core.extract.word_paragraphs import paragraph_runs, style_roles
from desktop_search.core.extract.word_sections import (
    FIELD_BEGIN,
    FIELD_END,
    FIELD_SEPARATOR,
    mark_sections,
    sections,
)
from desktop_search.core.extract.word_tables import Piece, row_ends

WORD_97 = 101  # the first FIB version (nFib) of Word 97's format; older files are Word 6/95
_MAGIC = 0xA5EC
_ENCRYPTED, _TABLE_1 = 0x0100, 0x0200
_CLX_INDEX = 33  # fcClx / lcbClx in FibRgFcLcb97
_BTE_PAPX_INDEX = 13  # fcPlcfBtePapx / lcbPlcfBtePapx: where the paragraph properties are
_STSH_INDEX = 1  # fcStshf / lcbStshf: the stylesheet
_COMPRESSED = 0x40000000
# stories in character-position order: main, footnotes, headers, (macros), comments, endnotes,
# text boxes, header text boxes; kept: all but headers and header text boxes
_KEPT_STORIES = (True, True, False, False, True, True, True, False)
_ROW_TAIL = re.compile(r"\t+\n")  # a row's last cell mark, before the row's end
_CONTROL = str.maketrans(
    {
        "\r": "\n",  # paragraph mark
        "\x0b": "\n",  # line break
        "\x0c": "\n\n",  # page or section break
        "\x0e": "\n",  # column break
        "\x07": "\t",  # end of a table cell or row
        "\x1e": "-",  # non-breaking hyphen
        "\x1f": "",  # optional hyphen
        "\xa0": " ",
        # anchors of pictures (1), drawn objects (8), note and comment references (2, 5), and other
        # marks with no text of their own
        **dict.fromkeys(map(chr, [0, 1, 2, 3, 4, 5, 6, 8, *range(0x10, 0x13), *range(0x16, 0x1E)]), ""),
    }
)


def extract_doc(data: bytes, deadline: Deadline) -> Extracted:
    with open_compound(data, "Word document") as ole:
        if not ole.exists("WordDocument"):
            raise ExtractionFailed("The Word document is damaged (it has no WordDocument stream).")
        document = read_stream(ole, "WordDocument")
        fib = _Fib(document)
        table_name = "1Table" if fib.flags & _TABLE_1 else "0Table"
        if not ole.exists(table_name):
            raise ExtractionFailed(f"The Word document is damaged (its {table_name} stream is missing).")
        table = read_stream(ole, table_name)
    deadline.check()
    text, pieces = _piece_text(document, table[fib.fc_clx : fib.fc_clx + fib.lcb_clx])
    runs = paragraph_runs(document, table[fib.fc_bte_papx : fib.fc_bte_papx + fib.lcb_bte_papx])
    ends = row_ends(runs, pieces, text)
    if ends:  # a row's end mark becomes a line end; its cells' marks stay tabs
        text = "".join("\x0b" if cp in ends else ch for cp, ch in enumerate(text))
    roles = style_roles(table[fib.fc_stshf : fib.fc_stshf + fib.lcb_stshf])
    main, marks = mark_sections(text[: fib.story_lengths[0]], runs, roles, pieces)
    parts = sections(_readable(main), marks)
    others, at = [], fib.story_lengths[0]
    for keep, count in zip(_KEPT_STORIES[1:], fib.story_lengths[1:], strict=True):
        if keep and count > 0:
            others.append(_readable(text[at : at + count]))
        at += count
    parts.append(Part("\n\n".join(s for s in others if s.strip())))  # notes, comments, text boxes
    return assemble(fold_heading_only(parts), "doc")


class _Fib:
    """What the text needs from the File Information Block."""

    def __init__(self, document: bytes) -> None:
        try:
            ident, self.version = struct.unpack_from("<HH", document, 0)
            self.flags = struct.unpack_from("<H", document, 0x0A)[0]
            if ident != _MAGIC:
                raise ExtractionFailed("The Word document is damaged (it does not start like one).")
            if self.version < WORD_97:
                raise FileSkipped("Word 95 and older documents are not read; save it as .docx.")
            if self.flags & _ENCRYPTED:
                raise FileSkipped("The Word document is password-protected.")
            words = struct.unpack_from("<H", document, 32)[0]
            longs_at = 34 + 2 * words
            longs = struct.unpack_from("<H", document, longs_at)[0]
            lw = struct.unpack_from(f"<{longs}i", document, longs_at + 2)
            self.story_lengths = [max(0, n) for n in lw[3:11]]
            pairs_at = longs_at + 2 + 4 * longs
            count = struct.unpack_from("<H", document, pairs_at)[0]
            if count <= _CLX_INDEX:
                raise ExtractionFailed("The Word document is damaged (its FIB is too short).")
            self.fc_clx, self.lcb_clx = struct.unpack_from("<II", document, pairs_at + 2 + 8 * _CLX_INDEX)
            self.fc_bte_papx, self.lcb_bte_papx = struct.unpack_from(
                "<II", document, pairs_at + 2 + 8 * _BTE_PAPX_INDEX
            )
            self.fc_stshf, self.lcb_stshf = struct.unpack_from(
                "<II", document, pairs_at + 2 + 8 * _STSH_INDEX
            )
        except struct.error:
            raise ExtractionFailed("The Word document is damaged (its header is cut off).") from None


def _piece_text(document: bytes, clx: bytes) -> tuple[str, list[Piece]]:
    """The document's characters, in order, from the piece table inside ``clx``; and its pieces."""
    at = 0
    try:
        while at < len(clx) and clx[at] == 0x01:  # Prc: formatting, skipped
            at += 3 + struct.unpack_from("<H", clx, at + 1)[0]
        if at >= len(clx) or clx[at] != 0x02:
            raise ExtractionFailed("The Word document is damaged (no piece table).")
        size = struct.unpack_from("<I", clx, at + 1)[0]
        plc = clx[at + 5 : at + 5 + size]
        pieces = (len(plc) - 4) // 12
        positions = struct.unpack_from(f"<{pieces + 1}I", plc)
        out: list[str] = []
        runs: list[Piece] = []
        for k in range(pieces):
            fc = struct.unpack_from("<I", plc, 4 * (pieces + 1) + 8 * k + 2)[0]
            length = max(0, positions[k + 1] - positions[k])
            if fc & _COMPRESSED:
                start = (fc & ~_COMPRESSED) // 2
                out.append(document[start : start + length].decode("cp1252", "replace"))
                runs.append(Piece(positions[k], length, start, 1))
            else:
                out.append(document[fc : fc + 2 * length].decode("utf-16-le", "replace"))
                runs.append(Piece(positions[k], length, fc, 2))
        return "".join(out), runs
    except struct.error:
        raise ExtractionFailed("The Word document is damaged (its piece table is cut off).") from None


def _readable(story: str) -> str:
    """A story's text with field codes dropped (their results kept) and control characters read."""
    if FIELD_BEGIN not in story:
        return _ROW_TAIL.sub("\n", story.translate(_CONTROL))
    kept: list[str] = []
    fields: list[bool] = []  # per open field: True once its result begins
    for ch in story:
        if ch == FIELD_BEGIN:
            fields.append(False)
        elif ch == FIELD_SEPARATOR and fields:
            fields[-1] = True
        elif ch == FIELD_END and fields:
            fields.pop()
        elif all(fields):
            kept.append(ch)
    return _ROW_TAIL.sub("\n", "".join(kept).translate(_CONTROL))
