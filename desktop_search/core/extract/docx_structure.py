"""A DOCX body's structure: which paragraphs are headings (and of what level) and which belong to a
table of contents or an index, i.e. navigation.

A paragraph is navigation when its style is a contents or index style ("toc 1".."toc 9", "TOC Heading",
"index 1", "table of figures"; LibreOffice's "Contents 1", "Contents Heading", ...), when its text is
the result of a TOC, INDEX or TOA field (simple or complex, followed across paragraphs), or when it
sits in a content control of the "Table of Contents" gallery (Word's contents block).

A paragraph is a heading by its style or outline level; without either, a paragraph typed in bold
that reads as a numbered title with two or more numbers ("2.3 Harvesting honey") is a heading at the
level its numbers say (at most three), as many hand-formatted reports title their sections.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from desktop_search.core.extract.safezip import SafeZip, local
from desktop_search.core.extract.sections import NAVIGATION_FIELD, numbered_title

_NAV_STYLE_NAME = re.compile(
    r"(?:toc|contents|index|illustration index|figure index|table index|object index|user index)"
    r" ?(?:\d|heading)|table of figures|table of authorities"
)
_NAV_STYLE_ID = re.compile(r"(?:toc|contents|index|tableoffigures|tableofauthorities)(?:\d|heading)")
_NAV_GALLERIES = frozenset({"table of contents"})
MAX_INSTRUCTION_PIECES = 64
_SKIP = frozenset({"delText", "Fallback", "del", "rPh", "moveFrom"})


def attr(el: ET.Element, name: str) -> str | None:
    for key, value in el.attrib.items():
        if local(key) == name:
            return value
    return None


@dataclass(frozen=True)
class ParagraphStyles:
    levels: dict[str, int] = field(default_factory=dict)  # style id -> heading level (0: Title)
    navigation: frozenset[str] = frozenset()  # style ids of contents and index paragraphs


def paragraph_styles(z: SafeZip) -> ParagraphStyles:
    """Heading levels and navigation styles from word/styles.xml."""
    levels: dict[str, int] = {}
    navigation: set[str] = set()
    if not z.has("word/styles.xml"):
        return ParagraphStyles()
    for style in z.xml("word/styles.xml"):
        if local(style.tag) != "style":
            continue
        sid = attr(style, "styleId") or ""
        name = next((attr(c, "val") or "" for c in style if local(c.tag) == "name"), "").lower()
        for candidate in (name, sid.lower()):
            if candidate == "title":
                levels[sid] = 0
            elif m := re.fullmatch(r"heading\s*(\d)", candidate):
                levels[sid] = int(m.group(1))
        if _NAV_STYLE_NAME.fullmatch(" ".join(name.split())) or _NAV_STYLE_ID.fullmatch(sid.lower()):
            navigation.add(sid)
    return ParagraphStyles(levels, frozenset(navigation))


def _style_id(p: ET.Element) -> str:
    for ppr in p:
        if local(ppr.tag) == "pPr":
            for prop in ppr:
                if local(prop.tag) == "pStyle":
                    return attr(prop, "val") or ""
    return ""


def heading_level(p: ET.Element, styles: ParagraphStyles) -> int | None:
    for ppr in p:
        if local(ppr.tag) != "pPr":
            continue
        for prop in ppr:
            tag = local(prop.tag)
            if tag == "pStyle" and (attr(prop, "val") or "") in styles.levels:
                return styles.levels[attr(prop, "val") or ""]
            if tag == "outlineLvl" and (attr(prop, "val") or "").isdigit():
                return int(attr(prop, "val") or "9") + 1
    return None


def bold_numbered_level(p: ET.Element, text: str) -> int | None:
    """The level of a paragraph whose every run with text is bold and whose text reads as a numbered
    title with two or more numbers ("2.3 Harvesting honey": 2); None otherwise."""
    found = numbered_title(text)
    if found is None:
        return None
    runs = [r for r in p.iter() if local(r.tag) == "r" and any(local(t.tag) == "t" and t.text for t in r)]
    if not runs or not all(_is_bold(r) for r in runs):
        return None
    return found[2]


def _is_bold(run: ET.Element) -> bool:
    for rpr in run:
        if local(rpr.tag) == "rPr":
            for prop in rpr:
                if local(prop.tag) == "b":
                    return (attr(prop, "val") or "true").lower() not in ("0", "false", "off")
    return False


def is_navigation_style(p: ET.Element, styles: ParagraphStyles) -> bool:
    sid = _style_id(p)
    return bool(sid) and (sid in styles.navigation or bool(_NAV_STYLE_ID.fullmatch(sid.lower())))


def _in_contents_control(sdt: ET.Element) -> bool:
    for el in sdt:
        if local(el.tag) == "sdtPr":
            return any(
                local(g.tag) == "docPartGallery" and (attr(g, "val") or "").lower() in _NAV_GALLERIES
                for g in el.iter()
            )
    return False


def body_blocks(el: ET.Element, navigation: bool = False) -> Iterator[tuple[ET.Element, bool]]:
    """Paragraphs and tables of the body in order (content controls and insertions opened), each with
    whether it sits in a table-of-contents content control."""
    for child in el:
        tag = local(child.tag)
        if tag in ("p", "tbl"):
            yield child, navigation
        elif tag == "sdt":
            yield from body_blocks(child, navigation or _in_contents_control(child))
        elif tag in ("sdtContent", "customXml", "ins", "smartTag"):
            yield from body_blocks(child, navigation)


class FieldState:
    """Complex fields followed across paragraphs in reading order: tells whether a paragraph's text is
    (part of) the result of a TOC, INDEX or TOA field."""

    def __init__(self) -> None:
        self._stack: list[tuple[list[str], bool]] = []  # (instruction pieces, in a navigation result)
        self._open_results = 0  # fields on the stack whose navigation result is being read

    def paragraph_is_navigation(self, p: ET.Element) -> bool:
        found = [False]
        self._walk(p, False, found)
        return found[0]

    def _walk(self, el: ET.Element, simple_nav: bool, found: list[bool]) -> None:
        for child in el:
            tag = local(child.tag)
            if tag in _SKIP:
                continue
            if tag == "fldChar":
                kind = attr(child, "fldCharType")
                if kind == "begin":
                    self._stack.append(([], False))
                elif kind == "separate" and self._stack and not self._stack[-1][1]:
                    navigation = bool(NAVIGATION_FIELD.match("".join(self._stack[-1][0])))
                    self._stack[-1] = (self._stack[-1][0], navigation)
                    self._open_results += navigation
                elif kind == "end" and self._stack:
                    self._open_results -= self._stack.pop()[1]
            elif tag == "instrText":
                if self._stack and len(self._stack[-1][0]) < MAX_INSTRUCTION_PIECES:
                    self._stack[-1][0].append(child.text or "")
            elif tag == "t":
                if (child.text or "").strip() and (simple_nav or self._open_results > 0):
                    found[0] = True
            elif tag == "fldSimple":
                self._walk(
                    child, simple_nav or bool(NAVIGATION_FIELD.match(attr(child, "instr") or "")), found
                )
            else:
                self._walk(child, simple_nav, found)
