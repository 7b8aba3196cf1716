"""OpenDocument (ODT, ODS, ODP) from content.xml: headings, paragraphs, tables, sheets and slides; an
ODT's tables of contents and indexes are navigation."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from desktop_search.core.extract.results import Deadline, Extracted, Part, assemble
from desktop_search.core.extract.safezip import SafeZip, local
from desktop_search.core.extract.sections import SectionPath, fold_heading_only

SECTION_LEVEL = 3
MAX_REPEAT = 50
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
        elif tag not in _SKIP:
            _inline(child, out)
        if child.tail:
            out.append(child.tail)


def _text(el: ET.Element) -> str:
    out: list[str] = []
    _inline(el, out)
    return "".join(out)


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


class _TextWalker:
    """Walks an ODT body: a new part at each heading of level <= 3 (headed by its section path), and
    the generated indexes (contents, alphabetical index, lists of figures and tables) as navigation."""

    def __init__(self) -> None:
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
                if level <= SECTION_LEVEL and text.strip() and not self.navigation:
                    self.flush()
                    self.heading = self.path.enter(level, text)
                self.lines.append(text)
            elif tag == "p":
                self.lines.append(_text(child))
            elif tag == "table":
                self.lines.append("\n".join(_table_rows(child)))
            else:
                self.walk(child)  # lists, sections, frames, text boxes, an index's body

    def flush(self) -> None:
        self.parts.append(Part("\n".join(self.lines), heading=self.heading, navigation=self.navigation))
        self.lines = []


def extract_odf(data: bytes, deadline: Deadline, kind: str) -> Extracted:
    with SafeZip(data, _LABELS.get(kind, "OpenDocument"), deadline) as z:
        root = z.xml("content.xml")
    body = next((el for el in root.iter() if local(el.tag) == "body"), root)
    parts: list[Part] = []
    page_count = None
    for doc in body:
        doc_kind = local(doc.tag)
        if doc_kind == "spreadsheet":
            for table in doc.iter():
                if local(table.tag) == "table":
                    parts.append(Part("\n".join(_table_rows(table)), heading=_attr(table, "name")))
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
                parts.append(Part("\n".join(lines), page=number, heading=title))
        else:
            walker = _TextWalker()
            walker.walk(doc)
            walker.flush()
            parts.extend(fold_heading_only(walker.parts))
    return assemble(parts, kind, page_count=page_count)
