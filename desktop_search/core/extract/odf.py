"""OpenDocument (ODT, ODS, ODP) from content.xml: headings, paragraphs, tables, sheets and slides; an
ODT's tables of contents and indexes are navigation. A paragraph's footnotes, endnotes and comments
follow it as lines of their own (:func:`asides`; inside the sentence they would cut it). A paragraph
typed all in bold that reads as a numbered title with two or more numbers ("2.3 Harvesting honey") is
a heading too, as in a DOCX (:func:`desktop_search.core.extract.docx_structure.bold_numbered_level`):
hand-formatted documents title their sections that way. Charts, spreadsheets and texts embedded in a
frame are read where the frame is (:mod:`.odf_objects`). The heading levels that begin a section are the
three shallowest the document uses (:func:`~desktop_search.core.extract.sections.cut_levels`), and
SiSU's object numbers ("「160」" after every paragraph and heading, a subscript span of their own) are
not text."""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from desktop_search.core.extract.odf_objects import ObjectLines, lines_shown, read_objects
from desktop_search.core.extract.results import Deadline, Extracted, Part, assemble, comment_line
from desktop_search.core.extract.safezip import SafeZip, local
from desktop_search.core.extract.sections import (
    SECTION_LEVELS,
    SectionPath,
    cut_levels,
    fold_heading_only,
    numbered_title,
)
from desktop_search.core.extract.table_header import table_heading

MAX_REPEAT = 50
# a span holding only SiSU's object number for the paragraph ("「160」", in subscript)
_OBJECT_NUMBER = re.compile(r"\s*「\d+」\s*")
# not text a reader sees in the body (a cross-reference's text, <text:bookmark-ref>, is: "see style.Style")
_SKIP = frozenset({"tracked-changes", "note-citation", "annotation", "forms", "sequence-decls"})
_LABELS = {"odt": "ODT", "ods": "ODS", "odp": "ODP"}
INDEX_TAGS = frozenset(
    {
        "table-of-content",
        "alphabetical-index",
        "illustration-index",
        "table-index",
        "object-index",
        "user-index",
    }
)


def _attr(el: ET.Element, name: str) -> str | None:
    for key, value in el.attrib.items():
        if local(key) == name:
            return value
    return None


def _inline(el: ET.Element, out: list[str]) -> None:
    """Text of a paragraph element with ODF's space, tab and line-break elements."""
    if el.text:
        out.append(el.text)
    for child in el:
        tag = local(child.tag)
        if tag == "s":
            out.append(" " * min(int(_attr(child, "c") or "1"), 100))
        elif tag == "tab":
            out.append("\t")
        elif tag == "line-break":
            out.append("\n")
        elif tag == "note":
            pass  # a footnote's body would cut the sentence; its citation mark is noise
        elif tag == "span" and _OBJECT_NUMBER.fullmatch("".join(child.itertext())):
            pass
        elif tag not in _SKIP:
            _inline(child, out)
        if child.tail:
            out.append(child.tail)


def _text(el: ET.Element) -> str:
    out: list[str] = []
    _inline(el, out)
    return "".join(out)


def asides(el: ET.Element) -> list[str]:
    """The footnotes and endnotes ("3 Lucida Sans belongs to the JRE package…", with their mark) and
    the comments ("Comment (Daniela Mihm): Tabellenkopf fehlt") anchored in ``el``, one line each."""
    lines: list[str] = []
    for node in el.iter():
        tag = local(node.tag)
        if tag == "note":
            mark = next(((c.text or "").strip() for c in node if local(c.tag) == "note-citation"), "")
            body = next((c for c in node if local(c.tag) == "note-body"), None)
            text = _paragraphs(body) if body is not None else ""
            if text:
                lines.append(f"{mark} {text}".strip())
        elif tag == "annotation":
            author = next(((c.text or "").strip() for c in node if local(c.tag) == "creator"), "")
            text = _paragraphs(node)
            if text:
                lines.append(comment_line(text, author))
    return lines


def _paragraphs(el: ET.Element) -> str:
    """The text of the paragraphs and headings in ``el``, one space between them."""
    return " ".join(" ".join(_text(p).split()) for p in el.iter() if local(p.tag) in ("p", "h")).strip()


def _table_rows(table: ET.Element) -> list[str]:
    rows: list[str] = []
    for row in table.iter():
        if local(row.tag) != "table-row":
            continue
        cells: list[str] = []
        for cell in row:
            if local(cell.tag) not in ("table-cell", "covered-table-cell"):
                continue
            text = " ".join(" ".join(_text(p) for p in cell if local(p.tag) in ("p", "h")).split())
            repeat = min(int(_attr(cell, "number-columns-repeated") or "1"), MAX_REPEAT) if text else 1
            cells.extend([text] * repeat)
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            rows.append("\t".join(cells))
    return rows


def _sheet_rows(spreadsheet: ET.Element) -> list[str]:
    """An embedded spreadsheet's rows, every sheet's."""
    return [row for table in spreadsheet.iter() if local(table.tag) == "table" for row in _table_rows(table)]


def _text_lines(body: ET.Element) -> list[str]:
    """An embedded text's (or drawing's) paragraphs and headings, one line each."""
    lines = (" ".join(_text(p).split()) for p in body.iter() if local(p.tag) in ("p", "h"))
    return [line for line in lines if line]


def bold_styles(*roots: ET.Element) -> frozenset[str]:
    """Names of the paragraph and text styles that set bold type, themselves or through their parent."""
    weights: dict[str, str | None] = {}
    parents: dict[str, str | None] = {}
    for root in roots:
        for style in root.iter():
            if local(style.tag) != "style" or not _attr(style, "name"):
                continue
            name = _attr(style, "name") or ""
            parents[name] = _attr(style, "parent-style-name")
            props = next((c for c in style if local(c.tag) == "text-properties"), None)
            weights[name] = _attr(props, "font-weight") if props is not None else None

    def bold(name: str | None, depth: int = 0) -> bool:
        if name is None or name not in weights or depth > 8:
            return False
        weight = weights[name]
        return weight == "bold" or (weight is None and bold(parents.get(name), depth + 1))

    return frozenset(name for name in weights if bold(name))


def _all_bold(p: ET.Element, bold: frozenset[str]) -> bool:
    """Whether every letter of paragraph ``p`` is set in a bold style (its own, or its spans')."""
    paragraph_bold = _attr(p, "style-name") in bold

    def walk(el: ET.Element, inherited: bool) -> bool:
        if el.text and el.text.strip() and not inherited:
            return False
        for child in el:
            if local(child.tag) in _SKIP or local(child.tag) == "note":
                continue
            name = _attr(child, "style-name") if local(child.tag) == "span" else None
            inner = inherited if name is None else name in bold
            if not walk(child, inner):
                return False
            if child.tail and child.tail.strip() and not inherited:
                return False
        return True

    return walk(p, paragraph_bold)


class _TextWalker:
    """Walks an ODT body: a new part at each heading of a level in ``levels`` (headed by its section
    path), and the generated indexes (contents, alphabetical index, lists of figures and tables) as
    navigation."""

    def __init__(
        self,
        bold: frozenset[str] = frozenset(),
        objects: ObjectLines | None = None,
        levels: frozenset[int] = frozenset(range(1, SECTION_LEVELS + 1)),
    ) -> None:
        self.bold = bold  # styles that set bold type (see bold_styles)
        self.levels = levels  # the heading levels that begin a section (cut_levels)
        self.objects = objects or {}  # the lines of the embedded objects (odf_objects)
        self.parts: list[Part] = []
        self.path = SectionPath()
        self.heading: str | None = None
        self.lines: list[str] = []
        self.navigation = False

    def walk(self, el: ET.Element) -> None:
        for child in el:
            tag = local(child.tag)
            if tag in _SKIP or tag.endswith("-source"):  # an index's templates are not its text
                continue
            if tag in INDEX_TAGS and not self.navigation:
                self.flush()
                self.navigation = True
                self.walk(child)
                self.flush()
                self.navigation = False
            elif tag == "h":
                text = _text(child)
                level = int(_attr(child, "outline-level") or "1")
                if level in self.levels and text.strip() and not self.navigation:
                    self.flush()
                    self.heading = self.path.enter(level, text)
                self.lines.append(text)
                self.lines.extend(asides(child))
            elif tag == "p":
                text = _text(child)
                found = None if self.navigation else numbered_title(text)
                if found is not None and _all_bold(child, self.bold):
                    self.flush()  # a bold numbered title: a heading typed by hand
                    self.heading = self.path.enter(found[2], text)
                self.lines.append(text)
                self.lines.extend(asides(child))
                self.lines.extend(lines_shown(child, self.objects))
            elif tag == "table":
                self.lines.append("\n".join(_table_rows(child)))
                self.lines.extend(asides(child))
                self.lines.extend(lines_shown(child, self.objects))
            else:
                self.walk(child)  # lists, sections, frames, text boxes, an index's body

    def flush(self) -> None:
        self.parts.append(Part("\n".join(self.lines), heading=self.heading, navigation=self.navigation))
        self.lines = []


def _heading_levels(body: ET.Element) -> list[int]:
    """The outline levels of the headings in ``body`` that are text (not in a contents list or index)."""
    levels: list[int] = []

    def walk(el: ET.Element) -> None:
        for child in el:
            tag = local(child.tag)
            if tag in INDEX_TAGS or tag in _SKIP:
                continue
            if tag == "h":
                level = _attr(child, "outline-level") or "1"
                if level.isdigit() and _text(child).strip():
                    levels.append(int(level))
            else:
                walk(child)

    walk(body)
    return levels


def extract_odf(data: bytes, deadline: Deadline, kind: str) -> Extracted:
    with SafeZip(data, _LABELS.get(kind, "OpenDocument"), deadline) as z:
        root = z.xml("content.xml")
        styles = z.xml("styles.xml") if kind == "odt" and z.has("styles.xml") else None
        objects = read_objects(z, root, sheet=_sheet_rows, text=_text_lines)
    body = next((el for el in root.iter() if local(el.tag) == "body"), root)
    parts: list[Part] = []
    page_count = None
    for doc in body:
        doc_kind = local(doc.tag)
        if doc_kind == "spreadsheet":
            for table in doc.iter():
                if local(table.tag) == "table":  # its cells' comments after its rows
                    rows = _table_rows(table)
                    heading = table_heading(_attr(table, "name"), rows)
                    sheet = rows + asides(table) + lines_shown(table, objects)
                    parts.append(Part("\n".join(sheet), heading=heading))
        elif doc_kind == "presentation":
            pages = [p for p in doc if local(p.tag) == "page"]
            page_count = len(pages)
            for number, page in enumerate(pages, start=1):
                deadline.check()
                lines: list[str] = []
                title = None
                for frame in page.iter():
                    if local(frame.tag) != "frame":
                        continue
                    texts = [_text(p) for p in frame.iter() if local(p.tag) in ("p", "h")]
                    texts = [t for t in texts if t.strip()]
                    if _attr(frame, "class") == "title" and texts and title is None:
                        title = " ".join(texts)
                    lines.extend(texts)
                    lines.extend(lines_shown(frame, objects, direct=True))  # a chart, a table pasted in
                lines.extend(asides(page))  # the slide's comments
                parts.append(Part("\n".join(lines), page=number, heading=title))
        else:
            bold = bold_styles(root, *([styles] if styles is not None else []))
            walker = _TextWalker(bold, objects, cut_levels(_heading_levels(doc)))
            walker.walk(doc)
            walker.flush()
            parts.extend(fold_heading_only(walker.parts))
    return assemble(parts, kind, page_count=page_count)
