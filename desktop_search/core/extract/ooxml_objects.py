"""Documents embedded in a Word document, a PowerPoint slide or an Excel sheet as objects: an Excel
table pasted into a slide, a workbook or a document dropped into a page or a sheet (shown as its icon
or as a picture of it).

The object's file sits in the package (``ppt/embeddings/Microsoft_Excel_Worksheet.xlsx``), its place
is an ``oleObj`` (a slide), ``o:OLEObject`` (a page) or ``oleObject`` (a sheet) that names it through
the part's relationships;
the page or slide itself holds only a picture, so the table's words were not findable. Embedded Office
Open XML files are read as they are; the binary objects of older programs (``oleObject1.bin``) by what
they hold: an Excel 97-2003 workbook, a Word or PowerPoint 97-2003 file (told by the object's program
id), or a file Windows' Packager wrapped (:func:`.compound_file.packaged_file`) in one of the formats
above. An object inside an embedded document is not read.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree import ElementTree as ET

from desktop_search.core.extract.compound_file import packaged_file
from desktop_search.core.extract.ooxml_parts import attr, rel_id
from desktop_search.core.extract.safezip import SafeZip, local

MAX_OBJECTS = 100  # objects read per document
_KINDS = {
    "xlsx": "xlsx", "xlsm": "xlsx", "docx": "docx", "docm": "docx", "pptx": "pptx", "pptm": "pptx",
    "xls": "xls", "doc": "doc", "ppt": "ppt",
}  # fmt: skip
_PROGRAMS = (("Excel.Sheet.8", "xls"), ("Excel.Sheet.5", "xls"), ("Word.Document.8", "doc"),
             ("PowerPoint.Show.8", "ppt"), ("PowerPoint.Slide.8", "ppt"))  # fmt: skip
_OBJECT_TAGS = frozenset({"oleObj", "OLEObject", "oleObject"})  # a slide's, a page's, a sheet's


def embedded_documents(
    z: SafeZip, rels: dict[str, str], block: ET.Element, seen: set[str]
) -> Iterator[tuple[str, bytes]]:
    """(kind, bytes) of each document ``block`` shows as an object, in order, each file once over the
    whole document (``seen``: the package members read so far); objects of other kinds are left out."""
    for el in block.iter():
        if local(el.tag) not in _OBJECT_TAGS:
            continue
        target = rels.get(rel_id(el))
        if not target or target in seen or not z.has(target) or len(seen) >= MAX_OBJECTS:
            continue
        seen.add(target)
        found = _document(target, z.read(target), attr(el, "progId") or attr(el, "ProgID") or "")
        if found is not None:
            yield found


def _document(name: str, data: bytes, program: str) -> tuple[str, bytes] | None:
    kind = _KINDS.get(name.rsplit(".", 1)[-1].lower())
    if kind is not None:
        return kind, data
    if not name.lower().endswith(".bin"):
        return None
    wrapped = packaged_file(data)  # a file dropped in as an object: its own name says what it is
    if wrapped is not None:
        inner = _KINDS.get(wrapped[0].rsplit(".", 1)[-1].lower())
        return (inner, wrapped[1]) if inner is not None else None
    kind = next((k for prefix, k in _PROGRAMS if program.startswith(prefix)), None)
    return (kind, data) if kind is not None else None
