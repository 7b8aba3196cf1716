"""Office Open XML: DOCX (paragraphs, headings from styles as section paths, tables, contents and index
as navigation: :mod:`.docx_structure`; a paragraph's footnotes, endnotes and comments on lines after
it), PPTX (a section per slide, its charts' titles and labels with it: :mod:`.ooxml_charts`) and XLSX
(a section per sheet, cells tab-separated, its cell comments after them). Namespaces are ignored so
Strict OOXML reads too."""

from __future__ import annotations

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
from desktop_search.core.extract.results import Deadline, Extracted, ExtractionFailed, Part, assemble
from desktop_search.core.extract.safezip import SafeZip, local, resolve
from desktop_search.core.extract.sections import SectionPath, fold_heading_only

SECTION_LEVEL = 3
_SKIP = frozenset({"delText", "instrText", "Fallback", "del", "rPh", "moveFrom"})


def _attr(el: ET.Element, name: str) -> str | None:
    for key, value in el.attrib.items():
        if local(key) == name:
            return value
    return None


def _rel_id(el: ET.Element) -> str:
    """The namespaced r:id attribute (not the plain ``id`` that some elements also carry)."""
    for key, value in el.attrib.items():
        if key.startswith("{") and local(key) == "id":
            return value
    return ""


def _run_text(el: ET.Element, out: list[str]) -> None:
    """Text of a paragraph-like element: w:t/a:t, tabs, breaks; deleted text and fallbacks skipped."""
    for child in el:
        tag = local(child.tag)
        if tag in _SKIP:
            continue
        if tag == "t":
            out.append(child.text or "")
        elif tag == "tab":
            out.append("\t")
        elif tag in ("br", "cr"):
            out.append("\n")
        elif tag == "p":
            if out and not out[-1].endswith("\n"):
                out.append("\n")
            _run_text(child, out)
        else:
            _run_text(child, out)


def _paragraph_text(p: ET.Element) -> str:
    out: list[str] = []
    _run_text(p, out)
    return "".join(out)


def _relationships(z: SafeZip, part: str) -> dict[str, str]:
    """Relationship id -> target member path for ``part``."""
    rels_path = resolve(part, f"_rels/{part.rsplit('/', 1)[-1]}.rels")
    if not z.has(rels_path):
        return {}
    targets: dict[str, str] = {}
    for rel in z.xml(rels_path):
        rid, target, mode = rel.get("Id"), rel.get("Target"), rel.get("TargetMode")
        if rid and target and mode != "External":
            targets[rid] = resolve(part, target)
    return targets


# DOCX

_NOTE_PARTS = {"footnotes.xml": "footnote", "endnotes.xml": "endnote", "comments.xml": "comment"}
_NOTE_REFERENCES = {
    "footnoteReference": "footnote",
    "endnoteReference": "endnote",
    "commentReference": "comment",
}
_NOT_NOTES = frozenset({"separator", "continuationSeparator", "continuationNotice"})  # the rules above notes


def _notes(z: SafeZip, rels: dict[str, str]) -> dict[tuple[str, str], str]:
    """The document's footnotes, endnotes and comments by (kind, id); a comment as "Comment (author): …"."""
    found: dict[tuple[str, str], str] = {}
    for target in sorted(set(rels.values())):
        kind = _NOTE_PARTS.get(target.rsplit("/", 1)[-1])
        if kind is None or not z.has(target):
            continue
        for note in z.xml(target):
            if local(note.tag) != kind or _attr(note, "type") in _NOT_NOTES:
                continue
            paragraphs = (" ".join(_paragraph_text(p).split()) for p in note.iter() if local(p.tag) == "p")
            text = " ".join(t for t in paragraphs if t)
            if text and kind == "comment":
                author = (_attr(note, "author") or "").strip()
                text = f"Comment ({author}): {text}" if author else f"Comment: {text}"
            if text:
                found[(kind, _attr(note, "id") or "")] = text
    return found


def _asides(block: ET.Element, notes: dict[tuple[str, str], str]) -> list[str]:
    """The notes and comments ``block`` refers to, in the order it does, once each."""
    lines: list[str] = []
    for el in block.iter():
        kind = _NOTE_REFERENCES.get(local(el.tag))
        text = notes.get((kind, _attr(el, "id") or "")) if kind else None
        if text and text not in lines:
            lines.append(text)
    return lines


def _table_text(tbl: ET.Element) -> str:
    rows: list[str] = []
    for tr in tbl.iter():
        if local(tr.tag) != "tr":
            continue
        cells = []
        for tc in tr:
            if local(tc.tag) != "tc":
                continue
            paras = [_paragraph_text(p) for p in tc.iter() if local(p.tag) == "p"]
            cells.append(" ".join(t.strip() for t in paras if t.strip()))
        if any(cells):
            rows.append("\t".join(cells))
    return "\n".join(rows)


def extract_docx(data: bytes, deadline: Deadline) -> Extracted:
    with SafeZip(data, "DOCX", deadline) as z:
        styles = paragraph_styles(z)
        root = z.xml("word/document.xml")
        body = next((c for c in root if local(c.tag) == "body"), None)
        if body is None:
            raise ExtractionFailed("The DOCX file is damaged (no document body).")
        rels = _relationships(z, "word/document.xml")
        notes = _notes(z, rels)
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
                text = _with_charts(z, rels, block, _paragraph_text(block))
                in_field = fields.paragraph_is_navigation(block)
                block_nav = in_contents or in_field or is_navigation_style(block, styles)
                level = None if block_nav else heading_level(block, styles)
                if level is None and not block_nav:  # no heading style: a bold numbered title still is
                    level = bold_numbered_level(block, text)
            if not text.strip():
                block_nav = navigation  # an empty paragraph changes nothing
            starts_section = level is not None and level <= SECTION_LEVEL and bool(text.strip())
            if starts_section or block_nav != navigation:
                parts.append(Part("\n".join(lines), heading=heading, navigation=navigation))
                lines, navigation = [], block_nav
                if starts_section and level is not None:
                    heading = path.enter(level, text)
            lines.append(text)
            lines.extend(_asides(block, notes))
        parts.append(Part("\n".join(lines), heading=heading, navigation=navigation))
    return assemble(fold_heading_only(parts), "docx")


def _with_charts(z: SafeZip, rels: dict[str, str], block: ET.Element, text: str) -> str:
    """``text`` and, on lines after it, the words of the charts ``block`` shows (:mod:`.ooxml_charts`)."""
    charts = [rels.get(_rel_id(el)) for el in block.iter() if local(el.tag) == "chart"]
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
        paras = [_paragraph_text(p) for p in sp.iter() if local(p.tag) == "p"]
        paras = [p for p in paras if p.strip()]
        if ph in ("title", "ctrTitle") and paras and title is None:
            title = " ".join(paras)
        lines.extend(paras)
    return "\n".join(lines), title


def extract_pptx(data: bytes, deadline: Deadline) -> Extracted:
    with SafeZip(data, "PPTX", deadline) as z:
        pres = "ppt/presentation.xml"
        rels = _relationships(z, pres)
        slides = []
        for el in z.xml(pres).iter():
            if local(el.tag) == "sldId":
                target = rels.get(_rel_id(el))
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
            slide_rels = _relationships(z, slide)
            text = _with_charts(z, slide_rels, root, text)  # a chart's words follow the slide's text
            for rel_target in slide_rels.values():
                if "/notesSlides/" in f"/{rel_target}" and z.has(rel_target):
                    notes, _ = _slide_text(z.xml(rel_target), skip)
                    if notes.strip():
                        text = f"{text}\n\n{notes}"
            parts.append(Part(text, page=number, heading=title))
    return assemble(parts, "pptx", page_count=len(slides))


# XLSX

MAX_EMPTY_COLUMNS = 20


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
    return [_paragraph_text(si) for si in z.xml(path) if local(si.tag) == "si"]


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
                value = "".join(_paragraph_text(i) for i in c if local(i.tag) == "is")
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


def _cell_comments(z: SafeZip, sheet: str) -> list[str]:
    """A sheet's cell comments (its ``comments*.xml``), one line each after its rows:
    "Comment (Ann, B7): check the rent"."""
    lines: list[str] = []
    for target in sorted(set(_relationships(z, sheet).values())):
        name = target.rsplit("/", 1)[-1]
        if not (name.startswith("comments") and name.endswith(".xml")) or not z.has(target):
            continue
        root = z.xml(target)
        authors = [" ".join("".join(a.itertext()).split()) for a in root.iter() if local(a.tag) == "author"]
        for comment in (c for c in root.iter() if local(c.tag) == "comment"):
            body = next((t for t in comment if local(t.tag) == "text"), None)
            text = " ".join(_paragraph_text(body).split()) if body is not None else ""
            if not text:
                continue
            index = int(_attr(comment, "authorId") or -1)
            who = [
                w for w in (authors[index] if 0 <= index < len(authors) else "", _attr(comment, "ref")) if w
            ]
            lines.append(f"Comment ({', '.join(who)}): {text}" if who else f"Comment: {text}")
    return lines


def extract_xlsx(data: bytes, deadline: Deadline) -> Extracted:
    with SafeZip(data, "XLSX", deadline) as z:
        book = "xl/workbook.xml"
        rels = _relationships(z, book)
        shared = _shared_strings(z)
        parts: list[Part] = []
        sheets = [el for el in z.xml(book).iter() if local(el.tag) == "sheet"]
        for sheet in sheets:
            target = rels.get(_rel_id(sheet))
            if not target or not z.has(target):
                continue
            rows = list(_sheet_rows(z.xml(target), shared, deadline))
            rows += _cell_comments(z, target)
            parts.append(Part("\n".join(rows), heading=sheet.get("name")))
    return assemble(parts, "xlsx", page_count=None)
