"""Charts, spreadsheets and texts embedded in an OpenDocument file are read where their frame is.

The real file: odfpy's ``emb_spreadsheet.odp`` (an OpenOffice slide showing a spreadsheet pasted into
it, tests/data/README.md). A chart made as LibreOffice stores one is built here (``Object 1`` with an
``office:chart`` body and its ``local-table``).
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from desktop_search.core.extract import extract_file
from tests.support.real_search import indexed_engine

DATA = Path(__file__).resolve().parents[1] / "data"
EMBEDDED_SHEET = DATA / "odp-odfpy-embedded-spreadsheet.odp"

_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
    'xmlns:chart="urn:oasis:names:tc:opendocument:xmlns:chart:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink"'
)


def _row(label: str, *values: int) -> str:
    cells = "".join(
        f'<table:table-cell office:value-type="float"><text:p>{v}</text:p></table:table-cell>' for v in values
    )
    label_cell = f'<table:table-cell office:value-type="string"><text:p>{label}</text:p></table:table-cell>'
    return f"<table:table-row>{label_cell}{cells}</table:table-row>"


_CHART = f"""<office:document-content {_NS}><office:body><office:chart><chart:chart>
<chart:title><text:p>Honey harvest by apiary</text:p></chart:title>
<chart:plot-area>
 <chart:axis chart:dimension="x"><chart:title><text:p>Apiary</text:p></chart:title></chart:axis>
 <chart:axis chart:dimension="y"><chart:title><text:p>Kilograms</text:p></chart:title></chart:axis>
</chart:plot-area>
<table:table table:name="local-table">
 <table:table-header-rows><table:table-row><table:table-cell/>
  <table:table-cell office:value-type="string"><text:p>2024</text:p></table:table-cell>
  <table:table-cell office:value-type="string"><text:p>2025</text:p></table:table-cell>
 </table:table-row></table:table-header-rows>
 <table:table-rows>{_row("Linden Hill", 31, 28)}{_row("Orchard Gate", 17, 22)}</table:table-rows>
</table:table></chart:chart></office:chart></office:body></office:document-content>"""
_FORMULA = f"""<office:document-content {_NS}><office:body><office:formula>
<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi></math></office:formula></office:body>
</office:document-content>"""


def _package(path: Path, mimetype: str, body: str, objects: dict[str, str]) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("mimetype", mimetype)
        z.writestr(
            "content.xml",
            f"<office:document-content {_NS}><office:body>{body}</office:body></office:document-content>",
        )
        for name, content in objects.items():
            z.writestr(f"{name}/content.xml", content)
    path.write_bytes(buffer.getvalue())
    return path


def _chart_slides(path: Path) -> Path:
    slide = """<office:presentation><draw:page draw:name="page1">
<draw:frame presentation:class="title">
 <draw:text-box><text:p>Season review</text:p></draw:text-box></draw:frame>
<draw:frame><draw:object xlink:href="./Object 1"/>
 <draw:image xlink:href="./ObjectReplacements/Object 1"/></draw:frame>
<draw:frame><draw:object xlink:href="./Object 2"/></draw:frame>
<draw:frame><draw:object xlink:href="../outside/Object 3"/></draw:frame>
</draw:page></office:presentation>"""  # fmt: skip
    return _package(path, "application/vnd.oasis.opendocument.presentation", slide,
                    {"Object 1": _CHART, "Object 2": _FORMULA})  # fmt: skip


def test_a_spreadsheet_pasted_into_a_slide_is_read_with_the_slide() -> None:
    result = extract_file(EMBEDDED_SHEET)
    [slide] = result.sections
    assert slide.page == 1 and slide.heading == "Embedded Spreadsheet"
    assert slide.text.split("\n") == [
        "col1\tcol2\tcol3", "val11\tval21\tval31", "val12\tval22\tval32", "val13\tval23\tval33",
        "Embedded Spreadsheet",
    ]  # fmt: skip


def test_a_charts_titles_series_and_categories_are_read_not_its_numbers(tmp_path: Path) -> None:
    result = extract_file(_chart_slides(tmp_path / "review.odp"))
    assert result.sections[0].text.split("\n") == [
        "Season review",
        "Honey harvest by apiary", "Apiary", "Kilograms", "2024, 2025", "Linden Hill, Orchard Gate",
    ]  # fmt: skip


def test_a_chart_in_a_text_follows_its_paragraph(tmp_path: Path) -> None:
    text = """<office:text><text:h text:outline-level="1">Harvest</text:h>
<text:p>The figures of both seasons:<draw:frame><draw:object xlink:href="Object 1/"/></draw:frame></text:p>
<text:p>Next year we add a third apiary.</text:p></office:text>"""
    odt = _package(
        tmp_path / "report.odt", "application/vnd.oasis.opendocument.text", text, {"Object 1": _CHART}
    )
    lines = extract_file(odt).text.split("\n")
    assert lines[lines.index("The figures of both seasons:") + 1] == "Honey harvest by apiary"
    assert lines[-1] == "Next year we add a third apiary."


@pytest.mark.model
def test_words_only_an_embedded_object_holds_find_its_slide(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(EMBEDDED_SHEET, docs / EMBEDDED_SHEET.name)
    _chart_slides(docs / "review.odp")
    with indexed_engine(docs, tmp_path / "home", real_embedder) as engine:
        [hit] = engine.search("val22", k=1)
        assert Path(hit.path).name == EMBEDDED_SHEET.name and hit.page == 1
        top = engine.search("how much honey did Orchard Gate give", k=1)[0]
        assert Path(top.path).name == "review.odp" and "Orchard Gate" in top.text
