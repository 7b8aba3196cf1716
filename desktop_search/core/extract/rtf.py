"""RTF: a small parser for control words, groups, ``\\'hh`` bytes and ``\\uN`` characters.

Destinations that hold no body text (font and colour tables, pictures, objects, metadata, and every
``{\\* ...}`` destination a reader may ignore) are skipped. Legacy bytes are decoded with the
document's ``\\ansicpg`` code page, or a font's ``\\fcharset`` when the font table gives one.
Footnotes (``\\footnote``) and comments (``\\annotation``, with their ``\\atnauthor``) are read as lines
after the paragraph that cites them ("Comment (Ann): …"), as in DOCX and ODT: inside the sentence they
would cut it.
"""

from __future__ import annotations

import re

from desktop_search.core.extract.results import (
    Deadline,
    Extracted,
    ExtractionFailed,
    Part,
    assemble,
    comment_line,
)

_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])|([^\\{}\r\n]+)|[\r\n]+", re.S
)
_SKIP_DESTINATIONS = frozenset(
    b"""
    fonttbl colortbl stylesheet info pict object objdata themedata colorschememapping datastore latentstyles
    listtable listoverridetable rsidtbl generator xmlnstbl filetbl revtbl header headerl headerr headerf
    footer footerl footerr footerf bkmkstart bkmkend fldinst mmathPr pgdsctbl shppict nonshppict blipuid
    """.split()
)
_NOTES = frozenset({b"footnote", b"annotation"})  # read as lines after their paragraph
_PARAGRAPH_ENDS = frozenset({b"par", b"sect", b"page", b"row"})
_BREAKS = {
    b"par": "\n",
    b"line": "\n",
    b"sect": "\n\n",
    b"page": "\n\n",
    b"row": "\n",
    b"tab": "\t",
    b"cell": "\t",
}
_SYMBOLS = {
    b"emdash": "—",
    b"endash": "–",
    b"bullet": "•",
    b"lquote": "‘",
    b"rquote": "’",
    b"ldblquote": "“",
    b"rdblquote": "”",
    b"emspace": " ",
    b"enspace": " ",
    b"qmspace": " ",
}
# \fcharset -> code page
_CHARSETS = {
    0: "cp1252",
    128: "cp932",
    129: "cp949",
    134: "gbk",
    136: "cp950",
    161: "cp1253",
    162: "cp1254",
    163: "cp1258",
    177: "cp1255",
    178: "cp1256",
    186: "cp1257",
    204: "cp1251",
    222: "cp874",
    238: "cp1250",
}


def _codec(codepage: int | None) -> str:
    if codepage in (None, 0):
        return "cp1252"
    name = f"cp{codepage}"
    try:
        b"".decode(name)
    except LookupError:
        return "cp1252"
    return name


def _font_charsets(data: bytes) -> dict[int, str]:
    """Font number -> codec from the font table (\\f1\\fcharset204 ...)."""
    fonts: dict[int, str] = {}
    start = data.find(b"\\fonttbl")
    if start < 0:
        return fonts
    for m in re.finditer(rb"\\f(\d+)[^;{}]*?\\fcharset(\d+)", data[start : start + 200_000]):
        codec = _CHARSETS.get(int(m.group(2)))
        if codec:
            fonts[int(m.group(1))] = codec
    return fonts


def rtf_to_text(data: bytes, deadline: Deadline | None = None) -> str:
    if not data.lstrip().startswith(b"{\\rtf"):
        raise ExtractionFailed("The RTF file is damaged (no RTF header).")
    fonts = _font_charsets(data)
    out: list[str] = []
    pending: bytearray = bytearray()  # \'hh bytes decoded together (multi-byte code pages)
    # state per group: (skipping, unicode skip count, codec)
    stack: list[tuple[bool, int, str]] = []
    skipping, uc, codec = False, 1, "cp1252"
    default_codec = "cp1252"
    to_skip = 0  # fallback characters still to drop after \uN
    group_start = False

    def flush() -> None:
        if pending:
            out.append(pending.decode(codec, errors="replace"))
            pending.clear()

    notes: list[str] = []  # footnotes and comments waiting for the end of their paragraph
    note_depth = 0  # the stack depth at which the note being read began (0: none)
    note_kind = ""
    author_depth = 0  # the same for an annotation's author
    author: list[str] = []
    last_author = ""
    main = out

    def end_note() -> None:
        nonlocal out, note_depth
        text = " ".join("".join(out).split())
        out, note_depth = main, 0
        if text:
            notes.append(comment_line(text, last_author) if note_kind == "annotation" else text)

    for n, m in enumerate(_TOKEN.finditer(data)):
        if deadline is not None and n % 100_000 == 0:
            deadline.check()
        word, arg, hexbyte, symbol, brace, text = m.groups()
        if brace is not None:
            flush()
            to_skip = 0
            if brace == b"{":
                if len(stack) > 1000:
                    raise ExtractionFailed("The RTF file is damaged (groups nested too deeply).")
                stack.append((skipping, uc, codec))
                group_start = True
            elif stack:
                if note_depth and len(stack) == note_depth:
                    end_note()
                if author_depth and len(stack) == author_depth:
                    last_author, out, author_depth = " ".join("".join(author).split()), main, 0
                skipping, uc, codec = stack.pop()
                group_start = False
            continue
        first_in_group, group_start = group_start, False
        if word is not None:
            outside = bool(stack) and not stack[-1][0]  # its group's parent is read, not skipped
            if word in _NOTES and outside and not note_depth and not author_depth:
                flush()
                skipping, note_depth, note_kind, out = False, len(stack), word.decode(), []
                continue
            if word == b"atnauthor" and outside and not note_depth and not author_depth:
                skipping, author_depth, out = False, len(stack), author
                author.clear()
                continue
            if word in _SKIP_DESTINATIONS:
                skipping = True
            if skipping:
                continue
            if word == b"ansicpg" and arg:
                default_codec = codec = _codec(int(arg))
            elif word == b"uc" and arg:
                uc = int(arg)
            elif word == b"u" and arg:
                flush()
                value = int(arg)
                out.append(
                    chr(value + 65536 if value < 0 else value) if -65536 < value < 0x110000 else "\ufffd"
                )
                to_skip = uc
            elif word == b"f" and arg:
                flush()
                codec = fonts.get(int(arg), default_codec)
            elif word in _BREAKS:
                flush()
                out.append(_BREAKS[word])
                if notes and out is main and word in _PARAGRAPH_ENDS:
                    out.extend(f"{note}\n" for note in notes)
                    notes.clear()
            elif word in _SYMBOLS:
                flush()
                out.append(_SYMBOLS[word])
            continue
        if symbol is not None:
            if symbol == b"*":
                if first_in_group:
                    skipping = True  # {\* ...}: a destination a reader may ignore
                continue
            if skipping:
                continue
            if to_skip:
                to_skip -= 1
                continue
            flush()
            out.append({b"~": "\xa0", b"_": "‑", b"-": "", b"\\": "\\", b"{": "{", b"}": "}"}.get(symbol, ""))
            if symbol in (b"\n", b"\r"):
                out.append("\n")
            continue
        if skipping:
            continue
        if hexbyte is not None:
            if to_skip:
                to_skip -= 1
                continue
            pending.append(int(hexbyte, 16))
            continue
        if text is not None:
            if to_skip:
                drop = min(to_skip, len(text))
                text, to_skip = text[drop:], to_skip - drop
            flush()
            out.append(text.decode(codec, errors="replace"))
    flush()
    if note_depth:
        end_note()  # a note whose group never closed (a cut-off file)
    out = main
    if notes:
        out.append("".join(f"\n{note}" for note in notes))
    return "".join(out)


def extract_rtf(data: bytes, deadline: Deadline) -> Extracted:
    return assemble([Part(rtf_to_text(data, deadline))], "rtf")
