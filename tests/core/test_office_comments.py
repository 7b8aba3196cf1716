"""Comments of spreadsheets (XLSX, ODS: after the sheet's rows, with their author and cell) and of
presentations (PPTX, classic and modern: after the slide's text), and found through the real stack."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_search.core import Engine, Settings
from desktop_search.core.extract.dispatch import extract_data
from tests.core.extract_samples import CT, ODF_NS, RELS, A, P, R, _slide, make_zip

MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def budget_xlsx() -> bytes:
    """A sheet with two commented cells, as Excel writes them (comments1.xml beside the sheet)."""
    return make_zip(
        {
            "[Content_Types].xml": CT,
            "xl/workbook.xml": f'<?xml version="1.0"?><workbook {MAIN} {R}><sheets>'
            '<sheet name="Budget" sheetId="1" r:id="rId1"/></sheets></workbook>',
            "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships {RELS}>'
            '<Relationship Id="rId1" Type="http://x/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
            "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet {MAIN}><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>Rent</t></is></c><c r="B1"><v>900</v></c></row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t>Heating</t></is></c><c r="B2"><v>120</v></c></row>'
            "</sheetData></worksheet>",
            "xl/worksheets/_rels/sheet1.xml.rels": f'<?xml version="1.0"?><Relationships {RELS}>'
            '<Relationship Id="rId1" Type="http://x/comments" Target="../comments1.xml"/></Relationships>',
            "xl/comments1.xml": f'<?xml version="1.0"?><comments {MAIN}><authors><author>Ann</author>'
            '<author>Bob</author></authors><commentList><comment ref="B1" authorId="0"><text><r>'
            "<t>The landlord raises the rent in July by three percent.</t></r></text></comment>"
            '<comment ref="B2" authorId="7"><text><t>Boiler service is due in October.</t></text>'
            "</comment></commentList></comments>",
        }
    )


def budget_ods() -> bytes:
    content = (
        f'<?xml version="1.0"?><office:document-content {ODF_NS} xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<office:body><office:spreadsheet><table:table table:name="Budget"><table:table-row>'
        "<table:table-cell><text:p>Rent</text:p></table:table-cell><table:table-cell><office:annotation>"
        "<dc:creator>Ann</dc:creator><text:p>The landlord raises the rent in July</text:p><text:p>by three"
        " percent.</text:p></office:annotation><text:p>900</text:p></table:table-cell></table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    return make_zip({"content.xml": content}, mimetype="application/vnd.oasis.opendocument.spreadsheet")


def test_xlsx_cell_comments_follow_the_rows() -> None:
    sheet = extract_data("budget.xlsx", budget_xlsx()).sections[0]
    assert sheet.heading == "Budget"
    assert sheet.text.split("\n") == [
        "Rent\t900",
        "Heating\t120",
        "Comment (Ann, B1): The landlord raises the rent in July by three percent.",
        "Comment (B2): Boiler service is due in October.",  # an author id with no author: the cell
    ]


def test_ods_cell_comments_follow_the_rows_not_the_cell() -> None:
    sheet = extract_data("budget.ods", budget_ods()).sections[0]
    assert sheet.text.split("\n") == [
        "Rent\t900",
        "Comment (Ann): The landlord raises the rent in July by three percent.",
    ]


def review_pptx() -> bytes:
    """One slide with a classic comment (PowerPoint 2007-2019) and a modern one with a reply (365)."""
    modern = 'xmlns:p188="http://schemas.microsoft.com/office/powerpoint/2018/8/main"'
    return make_zip(
        {
            "[Content_Types].xml": CT,
            "ppt/presentation.xml": f'<?xml version="1.0"?><p:presentation {P} {R}><p:sldIdLst>'
            '<p:sldId id="256" r:id="rId1"/></p:sldIdLst></p:presentation>',
            "ppt/_rels/presentation.xml.rels": f'<?xml version="1.0"?><Relationships {RELS}>'
            '<Relationship Id="rId1" Type="http://x/slide" Target="slides/slide1.xml"/></Relationships>',
            "ppt/slides/slide1.xml": _slide("Quarterly review", "Sales rose in the north."),
            "ppt/slides/_rels/slide1.xml.rels": f'<?xml version="1.0"?><Relationships {RELS}>'
            '<Relationship Id="rId1" Type="http://x/comments" Target="../comments/comment1.xml"/>'
            '<Relationship Id="rId2" Type="http://x/comments" Target="../comments/modernComment_1.xml"/>'
            "</Relationships>",
            "ppt/commentAuthors.xml": f'<?xml version="1.0"?><p:cmAuthorLst {P}>'
            '<p:cmAuthor id="0" name="Ann" initials="A"/></p:cmAuthorLst>',
            "ppt/authors.xml": f'<?xml version="1.0"?><p188:authorLst {modern}>'
            '<p188:author id="{B0B}" name="Bob" initials="B"/></p188:authorLst>',
            "ppt/comments/comment1.xml": f'<?xml version="1.0"?><p:cmLst {P}><p:cm authorId="0" idx="1">'
            "<p:text>Add the figures for the south.</p:text></p:cm></p:cmLst>",
            "ppt/comments/modernComment_1.xml": f'<?xml version="1.0"?><p188:cmLst {modern} {A}>'
            '<p188:cm authorId="{B0B}"><p188:replyLst><p188:reply authorId="{A11}"><p188:txBody><a:p><a:r>'
            "<a:t>Done.</a:t></a:r></a:p></p188:txBody></p188:reply></p188:replyLst><p188:txBody><a:p>"
            "<a:r><a:t>Is the north figure audited?</a:t></a:r></a:p></p188:txBody></p188:cm></p188:cmLst>",
        }
    )


def test_slide_comments_and_replies_follow_the_slide() -> None:
    slide = extract_data("review.pptx", review_pptx()).sections[0]
    assert slide.page == 1 and slide.heading == "Quarterly review"
    assert slide.text.split("\n")[-3:] == [
        "Comment (Ann): Add the figures for the south.",
        "Comment (Bob): Is the north figure audited?",
        "Comment: Done.",  # a reply by an author neither list names
    ]


def test_an_odp_slides_comment_follows_its_text() -> None:
    content = (
        f'<?xml version="1.0"?><office:document-content {ODF_NS} xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:officeooo="http://openoffice.org/2009/office"><office:body><office:presentation>'
        '<draw:page draw:name="p1"><draw:frame presentation:class="title"><draw:text-box><text:p>Roadmap'
        "</text:p></draw:text-box></draw:frame><officeooo:annotation><dc:creator>Ann</dc:creator><text:p>"
        "Move the launch to May?</text:p></officeooo:annotation></draw:page></office:presentation>"
        "</office:body></office:document-content>"
    )
    odp = make_zip({"content.xml": content}, mimetype="application/vnd.oasis.opendocument.presentation")
    slide = extract_data("plan.odp", odp).sections[0]
    assert (slide.page, slide.text) == (1, "Roadmap\nComment (Ann): Move the launch to May?")


@pytest.mark.model
@pytest.mark.timeout(600)
def test_a_question_finds_the_comment_of_a_cell(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "budget.xlsx").write_bytes(budget_xlsx())
    (docs / "notes.txt").write_text("The garden party is planned for the first Saturday of June.")
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        hits = engine.search("when will the landlord increase the rent?", k=2)
    finally:
        engine.close()
    assert Path(hits[0].path).name == "budget.xlsx" and "raises the rent in July" in hits[0].text
