"""Office Open XML: DOCX (paragraphs, headings from styles as section paths, tables, contents and index
as navigation: :mod:`.docx_structure`), PPTX (a section per slide, its charts' titles and labels with
it: :mod:`.ooxml_charts`, then its speaker notes) and XLSX (a section per sheet, cells tab-separated).
Footnotes, endnotes and comments follow what they annotate (:mod:`.ooxml_notes`); documents embedded
as objects (an Excel table in a slide) follow what shows them (:mod:`.ooxml_objects`). Namespaces are
ignored so Strict OOXML reads too."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from xml.etree import ElementTree as ET

from desktop_search.core.extract.docx_structure import (
    FieldState,
    body_blocks,
    bold_numbered_level,
    heading_level,
    is_navigation_style,
    paragraph_styles,
)
from desktop_search.core.extract.ooxml_charts import chart_lines
from desktop_search.core.extract.ooxml_notes import cell_comments, docx_asides, docx_notes, slide_comments
from desktop_search.core.extract.ooxml_objects import embedded_documents
from desktop_search.core.extract.ooxml_parts import paragraph_text, rel_id, relationships
from desktop_search.core.extract.results import (
    Deadline,
    Extracted,
    ExtractionFailed,
    FileSkipped,
    Part,
    assemble,
)
from desktop_search.core.extract.safezip import SafeZip, local
from desktop_search.core.extract.sections import SECTION_LEVELS, SectionPath, fold_heading_only
from desktop_search.core.extract.table_header import MAX_EMPTY_COLUMNS, table_heading

log = logging.getLogger(__name__)


class _Objects:
    """Reads the documents a file embeds as objects (:mod:`.ooxml_objects`), each once; with
    ``enabled`` false (inside an embedded document) none."""

    def __init__(self, deadline: Deadline, enabled: bool = True) -> None:
        self.deadline = deadline
        self.enabled = enabled
        self.seen: set[str] = set()

    def lines(self, z: SafeZip, rels: dict[str, str], block: ET.Element) -> list[str]:
        if not self.enabled:
            return []
        texts: list[str] = []
        for kind, data in embedded_documents(z, rels, block, self.seen):
            try:
                texts.append(_read_embedded(kind, data, self.deadline).text)
            except (ExtractionFailed, FileSkipped):
                self.deadline.check()  # out of time: the whole file's reason, not the object's
            except MemoryError:
                raise
            except Exception:  # a parser bug on one object costs that object, never the file
                log.debug("an embedded %s could not be read", kind, exc_info=True)
        return [t for t in texts if t.strip()]


def _read_embedded(kind: str, data: bytes, deadline: Deadline) -> Extracted:
    if kind == "docx":
        return extract_docx(data, deadline, objects=False)
    if kind == "pptx":
        return extract_pptx(data, deadline, objects=False)
    if kind == "xlsx":
        return extract_xlsx(data, deadline, objects=False)
    if kind == "xls":
        from desktop_search.core.extract.excel_xls import extract_xls

        return extract_xls(data, deadline)
    if kind == "doc":
        from desktop_search.core.extract.word_doc import extract_doc

        return extract_doc(data, deadline)
    from desktop_search.core.extract.powerpoint_ppt import extract_ppt

    return extract_ppt(data, deadline)


# DOCX


def _table_text(tbl: ET.Element) -> str:
    rows: list[str] = []
    for tr in tbl.iter():
        if local(tr.tag) != "tr":
            continue
        cells = []
        for tc in tr:
            if local(tc.tag) != "tc":
                continue
            paras = [paragraph_text(p) for p in tc.iter() if local(p.tag) == "p"]
            cells.append(" ".join(t.strip() for t in paras if t.strip()))
        if any(cells):
            rows.append("\t".join(cells))
    return "\n".join(rows)


def extract_docx(data: bytes, deadline: Deadline, objects: bool = True) -> Extracted:
    """A DOCX's text; ``objects``: also the documents it embeds as objects."""
    embedded = _Objects(deadline, objects)
    with SafeZip(data, "DOCX", deadline) as z:
        styles = paragraph_styles(z)
        root = z.xml("word/document.xml")
        body = next((c for c in root if local(c.tag) == "body"), None)
        if body is None:
            raise ExtractionFailed("The DOCX file is damaged (no document body).")
        rels = relationships(z, "word/document.xml")
        notes = docx_notes(z, rels)
        parts: list[Part] = []
        path = SectionPath()
        heading: str | None = None
        navigation = False
        fields = FieldState()
        lines: list[str] = []
        for block, in_contents in body_blocks(body):
            level = None
            if local(block.tag) == "tbl":
                text, block_nav = _table_text(block), in_contents
            else:
                text = _with_charts(z, rels, block, paragraph_text(block))
                text = "\n".join([text, *embedded.lines(z, rels, block)])
                in_field = fields.paragraph_is_navigation(block)
                block_nav = in_contents or in_field or is_navigation_style(block, styles)
                level = None if block_nav else heading_level(block, styles)
                if level is None and not block_nav:  # no heading style: a bold numbered title still is
                    level = bold_numbered_level(block, text)
            if not text.strip():
                block_nav = navigation  # an empty paragraph changes nothing
            starts_section = level is not None and level <= SECTION_LEVELS and bool(text.strip())
            if starts_section or block_nav != navigation:
                parts.append(Part("\n".join(lines), heading=heading, navigation=navigation))
                lines, navigation = [], block_nav
                if starts_section and level is not None:
                    heading = path.enter(level, text)
            lines.append(text)
            lines.extend(docx_asides(block, notes))
        parts.append(Part("\n".join(lines), heading=heading, navigation=navigation))
    return assemble(fold_heading_only(parts), "docx")


def _with_charts(z: SafeZip, rels: dict[str, str], block: ET.Element, text: str) -> str:
    """``text`` and, on lines after it, the words of the charts ``block`` shows (:mod:`.ooxml_charts`)."""
    charts = [rels.get(rel_id(el)) for el in block.iter() if local(el.tag) == "chart"]
    for chart in charts:
        if chart and z.has(chart):
            text = "\n".join(line for line in (text, *chart_lines(z.xml(chart))) if line)
    return text


# PPTX


def _placeholder_type(sp: ET.Element) -> str | None:
    for el in sp.iter():
        if local(el.tag) == "ph":
            return el.get("type") or "body"
    return None


def _slide_text(root: ET.Element, skip_types: frozenset[str]) -> tuple[str, str | None]:
    """(text, title) of a slide or notes page."""
    lines: list[str] = []
    title: str | None = None
    for sp in root.iter():
        if local(sp.tag) not in ("sp", "graphicFrame"):
            continue
        ph = _placeholder_type(sp)
        if ph in skip_types:
            continue
        paras = [paragraph_text(p) for p in sp.iter() if local(p.tag) == "p"]
        paras = [p for p in paras if p.strip()]
        if ph in ("title", "ctrTitle") and paras and title is None:
            title = " ".join(paras)
        lines.extend(paras)
    return "\n".join(lines), title


def extract_pptx(data: bytes, deadline: Deadline, objects: bool = True) -> Extracted:
    """A PPTX's text by slide; ``objects``: also the documents its slides embed as objects."""
    embedded = _Objects(deadline, objects)
    with SafeZip(data, "PPTX", deadline) as z:
        pres = "ppt/presentation.xml"
        rels = relationships(z, pres)
        slides = []
        for el in z.xml(pres).iter():
            if local(el.tag) == "sldId":
                target = rels.get(rel_id(el))
                if target and z.has(target):
                    slides.append(target)
        if not slides:  # no list: fall back on the slide files in number order
            found = [n for n in z.names() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)]
            slides = sorted(found, key=lambda n: int(re.sub(r"\D", "", n.rsplit("/", 1)[-1])))
        parts: list[Part] = []
        skip = frozenset({"sldNum", "dt", "ftr", "hdr", "sldImg"})
        for number, slide in enumerate(slides, start=1):
            root = z.xml(slide)
            text, title = _slide_text(root, skip)
            slide_rels = relationships(z, slide)
            text = _with_charts(z, slide_rels, root, text)  # a chart's words follow the slide's text
            text = "\n".join([text, *embedded.lines(z, slide_rels, root)])  # then an embedded table's
            for rel_target in slide_rels.values():
                if "/notesSlides/" in f"/{rel_target}" and z.has(rel_target):
                    notes, _ = _slide_text(z.xml(rel_target), skip)
                    if notes.strip():
                        text = f"{text}\n\n{notes}"
            comments = slide_comments(z, slide_rels)  # after the slide's words and its speaker notes
            if comments:
                text = "\n".join([text, *comments])
            parts.append(Part(text, page=number, heading=title))
    return assemble(parts, "pptx", page_count=len(slides))


# XLSX


def _column_index(ref: str | None) -> int | None:
    if not ref:
        return None
    n = 0
    for ch in ref:
        if not ch.isalpha():
            break
        n = n * 26 + (ord(ch.upper()) - 64)
    return n - 1 if n else None


def _shared_strings(z: SafeZip) -> list[str]:
    path = "xl/sharedStrings.xml"
    if not z.has(path):
        return []
    return [paragraph_text(si) for si in z.xml(path) if local(si.tag) == "si"]


def _sheet_rows(root: ET.Element, shared: list[str], deadline: Deadline) -> Iterator[str]:
    for row in root.iter():
        if local(row.tag) != "row":
            continue
        cells: list[str] = []
        for c in row:
            if local(c.tag) != "c":
                continue
            kind = c.get("t")
            value = ""
            if kind == "inlineStr":
                value = "".join(paragraph_text(i) for i in c if local(i.tag) == "is")
            else:
                v = next((x.text or "" for x in c if local(x.tag) == "v"), "")
                if kind == "s":
                    value = shared[int(v)] if v.isdigit() and int(v) < len(shared) else ""
                elif kind == "b":
                    value = "TRUE" if v == "1" else "FALSE"
                else:
                    value = v
            if not value.strip():
                continue
            col = _column_index(c.get("r"))
            if col is not None:
                gap = min(col - len(cells), MAX_EMPTY_COLUMNS)
                cells.extend([""] * max(0, gap))
            cells.append(" ".join(value.split()))
        if cells:
            yield "\t".join(cells)


def extract_xlsx(data: bytes, deadline: Deadline, objects: bool = True) -> Extracted:
    """An XLSX's rows by sheet; ``objects``: also the documents its sheets embed as objects."""
    embedded = _Objects(deadline, objects)
    with SafeZip(data, "XLSX", deadline) as z:
        book = "xl/workbook.xml"
        rels = relationships(z, book)
        shared = _shared_strings(z)
        parts: list[Part] = []
        sheets = [el for el in z.xml(book).iter() if local(el.tag) == "sheet"]
        for sheet in sheets:
            target = rels.get(rel_id(sheet))
            if not target or not z.has(target):
                continue
            root = z.xml(target)
            rows = list(_sheet_rows(root, shared, deadline))
            heading = table_heading(sheet.get("name"), rows)
            inside = embedded.lines(z, relationships(z, target), root)  # after the sheet's rows and notes
            parts.append(Part("\n".join(rows + cell_comments(z, target) + inside), heading=heading))
    return assemble(parts, "xlsx", page_count=None)
