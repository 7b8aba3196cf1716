"""The paragraph properties of a Word 97–2003 document that its text needs ([MS-DOC] PAPX in FKPs).

The PlcBtePapx in the table stream lists the FKP pages of ``WordDocument``; each page gives, for runs
of file offsets (one run per paragraph, ending at its mark), the paragraph's style (istd) and its
sprms. Read from them: the style, whether the paragraph is a table row's end (fTtp: :mod:`word_tables`
makes it a line end) and its outline level when set directly (sprmPOutLvl). The stylesheet (STSH)
tells which styles are headings and which are contents or index entries (:func:`style_roles`), by
their built-in identifiers (sti), so a localized name ("Kop 1", "Überschrift 1") reads the same.
Anything unreadable here gives no runs and no roles: the text is read without them, never lost.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

PAGE = 512  # an FKP page
_TTP_SPRMS = frozenset({0x2417, 0x244C})  # sprmPFTtp, sprmPFInnerTtp
_OUTLINE_LEVEL = 0x2640  # sprmPOutLvl: 0..8 is heading level 1..9, 9 is body text
_TABLE_DEFINITION, _CHANGE_TABS = 0xD608, 0xC615  # variable-size sprms with their own length rules
_OPERAND_SIZES = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}  # by spra (the sprm's top three bits)
# built-in style identifiers (sti): headings 1-9, the Title; index 1-9, toc 1-9, index heading and
# table of figures are navigation
_HEADING_STI = {sti: sti for sti in range(1, 10)} | {62: 0}
_NAVIGATION_STI = frozenset({*range(10, 28), 33, 35})
_NAVIGATION_NAME = re.compile(r"(?:toc|contents|index|table of figures|table of authorities) ?\d")


@dataclass(frozen=True)
class ParagraphRun:
    """One paragraph's properties: it ends at file offset ``end`` (its mark is just before)."""

    start: int
    end: int
    style: int  # istd: the paragraph's style in the stylesheet
    row_end: bool = False  # the mark ends a table row
    outline: int | None = None  # a heading level set on the paragraph itself


@dataclass(frozen=True)
class StyleRoles:
    """What the stylesheet's styles are, by istd: heading levels (0: the Title) and navigation."""

    levels: dict[int, int]
    navigation: frozenset[int]


def paragraph_runs(document: bytes, bte_papx: bytes) -> list[ParagraphRun]:
    """Every paragraph's properties, ordered by file offset; [] when they cannot be read."""
    try:
        return sorted(_runs(document, bte_papx), key=lambda run: run.start)
    except (struct.error, IndexError, KeyError):
        return []


def style_roles(stsh: bytes) -> StyleRoles:
    """Heading and navigation styles from the stylesheet (STSH); none when it cannot be read.

    A style is a heading by its built-in identifier (heading 1-9, Title) or by the outline level its
    paragraph properties set (LibreOffice's "OOoHeading 1"); else it inherits its base style's role.
    It is navigation by identifier (toc, index, table of figures) or by name ("Contents 1")."""
    styles = _styles(stsh)
    levels: dict[int, int] = {}
    navigation: set[int] = set()
    for istd in styles:
        level, is_nav = _role(styles, istd)
        if level is not None:
            levels[istd] = level
        if is_nav:
            navigation.add(istd)
    return StyleRoles(levels, frozenset(navigation))


@dataclass(frozen=True)
class _Style:
    sti: int
    base: int
    name: str
    outline: int | None


def _styles(stsh: bytes) -> dict[int, _Style]:
    """The paragraph styles of the stylesheet by istd; those read before damage when it is damaged."""
    found: dict[int, _Style] = {}
    try:
        info_size, count, base_size = struct.unpack_from("<HHH", stsh, 0)
        at = 2 + info_size
        for istd in range(count):
            size = struct.unpack_from("<H", stsh, at)[0]
            std = stsh[at + 2 : at + 2 + size]
            at += 2 + size
            if size < base_size + 2:
                continue  # an empty slot
            sti, kind_base = struct.unpack_from("<HH", std, 0)
            if kind_base & 0x0F != 1:
                continue  # a character, table or list style
            chars = struct.unpack_from("<H", std, base_size)[0]
            name = std[base_size + 2 : base_size + 2 + 2 * chars].decode("utf-16-le", "replace")
            upx = base_size + 2 + 2 * chars + 2  # past the name and its terminating zero
            upx += upx % 2
            upx_size = struct.unpack_from("<H", std, upx)[0]
            _, outline = _sprms(std, upx + 4, upx + 2 + upx_size)  # past the UPX's own istd
            found[istd] = _Style(sti & 0x0FFF, kind_base >> 4, name, outline)
    except struct.error:
        pass
    return found


def _role(styles: dict[int, _Style], istd: int) -> tuple[int | None, bool]:
    """(heading level, navigation) of a style, following its bases (at most a few steps)."""
    seen: set[int] = set()
    while istd in styles and istd not in seen:
        seen.add(istd)
        style = styles[istd]
        if style.sti in _NAVIGATION_STI or _NAVIGATION_NAME.fullmatch(_plain(style.name)):
            return None, True
        if style.outline is not None:
            return style.outline, False
        if style.sti in _HEADING_STI:
            return _HEADING_STI[style.sti], False
        istd = style.base
    return None, False


def _plain(name: str) -> str:
    """A style name lower-cased, single-spaced, without LibreOffice's "OOo" prefix."""
    return " ".join(name.lower().split()).removeprefix("ooo")


def _runs(document: bytes, bte_papx: bytes) -> list[ParagraphRun]:
    count = (len(bte_papx) - 4) // 8
    if count <= 0:
        return []
    pages = struct.unpack_from(f"<{count}I", bte_papx, 4 * (count + 1))
    runs: list[ParagraphRun] = []
    for page in {p & 0x3FFFFF for p in pages}:
        fkp = document[page * PAGE : (page + 1) * PAGE]
        if len(fkp) < PAGE:
            continue
        crun = fkp[PAGE - 1]
        offsets = struct.unpack_from(f"<{crun + 1}I", fkp, 0)
        for i in range(crun):
            papx_at = 2 * fkp[4 * (crun + 1) + 13 * i]  # BxPap.bOffset, in words
            if papx_at:
                runs.append(_run(fkp, papx_at, offsets[i], offsets[i + 1]))
    return runs


def _run(fkp: bytes, at: int, start: int, end: int) -> ParagraphRun:
    """The PapxInFkp at ``at``: its 2-byte style index, then its sprms."""
    size = 2 * fkp[at] - 1 if fkp[at] else 2 * fkp[at + 1]
    first = at + (1 if fkp[at] else 2)
    style = struct.unpack_from("<H", fkp, first)[0]
    row_end, outline = _sprms(fkp, first + 2, min(len(fkp), first + size))
    return ParagraphRun(start, end, style, row_end, outline)


def _sprms(data: bytes, pos: int, stop: int) -> tuple[bool, int | None]:
    """(row end, outline level) as the paragraph sprms in ``data[pos:stop]`` set them."""
    row_end, outline = False, None
    stop = min(stop, len(data))
    while pos + 2 < stop:
        sprm = struct.unpack_from("<H", data, pos)[0]
        pos += 2
        if sprm in _TTP_SPRMS:
            row_end = row_end or data[pos] != 0
        elif sprm == _OUTLINE_LEVEL:
            outline = data[pos] + 1 if data[pos] < 9 else None
        spra = sprm >> 13
        if spra != 6:
            pos += _OPERAND_SIZES[spra]
        elif sprm == _TABLE_DEFINITION:
            pos += 1 + struct.unpack_from("<H", data, pos)[0]  # cb counts the rest, plus one
        elif sprm == _CHANGE_TABS:
            break  # its length rule depends on its contents; the sprms read so far stand
        else:
            pos += 1 + data[pos]
    return row_end, outline
