"""Objects embedded in an OpenDocument file: charts, spreadsheets and text documents that a slide, a
page or a sheet shows in a frame (``<draw:object xlink:href="./Object 1"/>``).

Each is a document of its own inside the package (``Object 1/content.xml``); the file's own text holds
only a picture of it, so a chart titled "Revenue by region" or a table pasted into a slide was not
findable. Their words are read where their frame is (:mod:`.odf` places them): a chart's title,
subtitle and axis titles, its series' names and its category labels, as an Office chart's are
(:mod:`.ooxml_charts`; the numbers plotted are left out); a spreadsheet's rows; a text's paragraphs.
A formula is not read, nor an object inside an object.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.etree import ElementTree as ET

from desktop_search.core.extract.safezip import SafeZip, local

MAX_OBJECTS = 200  # objects read per document
MAX_CATEGORIES = 200  # labels kept per chart, as for an Office chart

ObjectLines = dict[str, list[str]]  # an object's folder in the package ("Object 1") -> its lines
Reader = Callable[[ET.Element], list[str]]  # lines of an embedded spreadsheet's or text's body


def object_folder(el: ET.Element) -> str | None:
    """The package folder a ``draw:object`` shows ("./Object 1" → "Object 1"); None for others."""
    if local(el.tag) != "object":
        return None
    href = next((v for k, v in el.attrib.items() if local(k) == "href"), "")
    name = href.removeprefix("./").strip("/")
    if not name or ":" in name or name.startswith("..") or "/" in name:
        return None
    return name


def read_objects(z: SafeZip, *roots: ET.Element, sheet: Reader, text: Reader) -> ObjectLines:
    """The lines of every object the ``roots`` show, by folder; ``sheet`` and ``text`` read the body
    of an embedded spreadsheet and of any other document (a text, a drawing)."""
    found: ObjectLines = {}
    for root in roots:
        for el in root.iter():
            name = object_folder(el)
            if name is None or name in found or not z.has(f"{name}/content.xml"):
                continue
            if len(found) >= MAX_OBJECTS:
                return found
            body = next((b for b in z.xml(f"{name}/content.xml").iter() if local(b.tag) == "body"), None)
            kind = next(iter(body), None) if body is not None else None
            if kind is None or local(kind.tag) == "formula":
                found[name] = []
            elif local(kind.tag) == "chart":
                found[name] = chart_lines(kind)
            elif local(kind.tag) == "spreadsheet":
                found[name] = sheet(kind)
            else:
                found[name] = text(kind)
    return found


def lines_shown(el: ET.Element, objects: ObjectLines, direct: bool = False) -> list[str]:
    """The lines of the objects ``el`` shows (its children's only, with ``direct``)."""
    lines: list[str] = []
    for node in el if direct else el.iter():
        name = object_folder(node)
        if name is not None:
            lines.extend(objects.get(name, ()))
    return lines


def chart_lines(chart: ET.Element) -> list[str]:
    """Title, subtitle and axis titles, series names (joined), category labels (joined); no blanks.

    Series names and categories are the text cells of the chart's own table (``local-table``): its
    header row names the series, the first cells of its other rows are the categories.
    """
    titles = [
        " ".join(" ".join(_texts(el)).split())
        for el in chart.iter()
        if local(el.tag) in ("title", "subtitle")
    ]
    series: list[str] = []
    categories: list[str] = []
    for table in (el for el in chart.iter() if local(el.tag) == "table"):
        for group in table:
            header = local(group.tag) == "table-header-rows"
            for row in (r for r in group.iter() if local(r.tag) == "table-row"):
                cells = [" ".join(" ".join(_texts(c)).split()) for c in row if _is_text_cell(c)]
                if header:
                    series.extend(c for c in cells if c)
                elif cells and cells[0] and len(categories) < MAX_CATEGORIES:
                    categories.append(cells[0])
    lines = list(dict.fromkeys(t for t in titles if t))
    if series:
        lines.append(", ".join(dict.fromkeys(series)))
    if categories:
        lines.append(", ".join(dict.fromkeys(categories)))
    return lines


def _is_text_cell(cell: ET.Element) -> bool:
    if local(cell.tag) != "table-cell":
        return False
    kind = next((v for k, v in cell.attrib.items() if local(k) == "value-type"), "string")
    return kind == "string"


def _texts(el: ET.Element) -> list[str]:
    return [t for p in el.iter() if local(p.tag) == "p" for t in p.itertext()]
