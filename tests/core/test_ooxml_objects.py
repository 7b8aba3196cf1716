"""Documents embedded in a Word document or a slide as objects are read with the page or slide that
shows them.

Real files: python-pptx's ``shp-access-ole-object.pptx`` (a slide with an Excel worksheet embedded as
an object, shown as its icon), and a Word document of the tests' data given a page that embeds the
Excel 97 workbook of the tests' data as Word stores one (``word/embeddings/oleObject1.bin``, program
id ``Excel.Sheet.8``; tests/data/README.md).
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
SLIDE = DATA / "pptx-python-pptx-ole-worksheet.pptx"
DOCX = DATA / "docx-libreoffice-mathguide-footnotes.docx"
WORKBOOK = DATA / "excel97-gdata-example.xls"

_REL = (
    '<Relationship Id="rIdOle{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'oleObject" Target="embeddings/oleObject{n}.bin"/>'
)
_R_NAMESPACE = b'"http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_PARAGRAPH = (
    "<w:p><w:r><w:t>The measurements are in the workbook below.</w:t></w:r></w:p>"
    '<w:p><w:r><w:object><o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" Type="Embed" '
    'ProgID="{program}" r:id="rIdOle{n}"/></w:object></w:r></w:p>'
)


def with_objects(source: Path, target: Path, objects: list[tuple[bytes, str]]) -> Path:
    """``source`` with a page at its end that embeds each (bytes, program id) as Word does."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "word/document.xml":
                body = "".join(_PARAGRAPH.format(program=p, n=n) for n, (_, p) in enumerate(objects, 1))
                data = data.replace(b"<w:sectPr", body.encode() + b"<w:sectPr", 1)
            elif item.filename == "word/_rels/document.xml.rels":
                rels = "".join(_REL.format(n=n) for n in range(1, len(objects) + 1))
                data = data.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            new.writestr(item, data)
        for n, (data, _) in enumerate(objects, 1):
            new.writestr(f"word/embeddings/oleObject{n}.bin", data)
    target.write_bytes(out.getvalue())
    return target


def sheet_with_document(target: Path, document: bytes, program: str) -> Path:
    """The worksheet embedded in the slide of the tests' data, given a Word document embedded in its
    sheet as Excel stores one (``xl/embeddings/oleObject1.bin`` named by the sheet's ``oleObject``)."""
    with zipfile.ZipFile(SLIDE) as slide:
        workbook = slide.read("ppt/embeddings/Microsoft_Excel_Worksheet.xlsx")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                objects = (
                    f'<oleObjects><oleObject progId="{program}" shapeId="1025" r:id="rIdOle1"/></oleObjects>'
                )
                data = data.replace(b"</worksheet>", objects.encode() + b"</worksheet>")
                if b"xmlns:r=" not in data.split(b">", 2)[1]:
                    data = data.replace(b"<worksheet ", b"<worksheet xmlns:r=" + _R_NAMESPACE + b" ", 1)
            new.writestr(item, data)
        new.writestr("xl/worksheets/_rels/sheet1.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + _REL.format(n=1).replace("embeddings/", "../embeddings/") + "</Relationships>"))  # fmt: skip
        new.writestr("xl/embeddings/oleObject1.bin", document)
    target.write_bytes(out.getvalue())
    return target


def test_a_document_embedded_in_a_sheet_follows_its_rows(tmp_path: Path) -> None:
    report = (DATA / "word97-report.doc").read_bytes()
    [sheet] = extract_file(sheet_with_document(tmp_path / "book.xlsx", report, "Word.Document.8")).sections
    assert sheet.text.startswith("1\n2\n3\nPredicting Gene Ontology")


def test_a_worksheet_embedded_in_a_slide_is_read_with_the_slide() -> None:
    result = extract_file(SLIDE)
    assert [s.text for s in result.sections] == ["1\n2\n3"]  # the slide's only words are the sheet's


def test_a_workbook_embedded_in_a_page_follows_the_paragraph_that_shows_it(tmp_path: Path) -> None:
    equation = b"\xd0\xcf\x11\xe0" + bytes(508)  # a formula editor's object: no document, left out
    docx = with_objects(DOCX, tmp_path / "report.docx", [(WORKBOOK.read_bytes(), "Excel.Sheet.8"),
                                                          (equation, "Equation.3")])  # fmt: skip
    text = extract_file(docx).text
    before, _, after = text.partition("The measurements are in the workbook below.")
    assert "FirstRow" not in before
    assert after.lstrip("\n").startswith("A\tB\tC\n1\t1\t1")
    assert "FourthRow\t4\t3\t2\t1\tBlack" in after


def test_a_damaged_object_costs_only_itself(tmp_path: Path) -> None:
    docx = with_objects(DOCX, tmp_path / "report.docx", [(b"\xd0\xcf\x11\xe0 damaged", "Excel.Sheet.8")])
    assert "The measurements are in the workbook below." in extract_file(docx).text


@pytest.mark.model
def test_words_only_an_embedded_workbook_holds_find_the_document(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    with_objects(DOCX, docs / "report.docx", [(WORKBOOK.read_bytes(), "Excel.Sheet.8")])
    shutil.copy(SLIDE, docs / SLIDE.name)
    with indexed_engine(docs, tmp_path / "home", real_embedder) as engine:
        [hit] = engine.search("FourthRow", k=1)
        assert Path(hit.path).name == "report.docx" and "FourthRow" in hit.text
