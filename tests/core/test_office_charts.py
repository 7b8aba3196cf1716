"""Charts in PPTX and DOCX files: their titles, axis titles, series names and category labels are text
(extraction), and a slide known only by its chart's title is found (real model, real store)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_search.core import Engine, Settings
from desktop_search.core.extract import extract_file
from tests.core.extract_samples import CT, RELS, A, P, R, check_offsets, docx_document_xml, make_zip, write

C = 'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"'


def _chart_xml(title: str, series: list[str], categories: list[str]) -> str:
    """A clustered bar chart as PowerPoint and Word write it: a rich-text title, an axis title, and each
    series with its name and category labels in string caches, its values in a number cache."""

    def cache(values: list[str], kind: str = "str") -> str:
        points = "".join(f'<c:pt idx="{i}"><c:v>{v}</c:v></c:pt>' for i, v in enumerate(values))
        return f'<c:{kind}Cache><c:ptCount val="{len(values)}"/>{points}</c:{kind}Cache>'

    sers = "".join(
        f'<c:ser><c:idx val="{i}"/><c:tx><c:strRef><c:f>Sheet1!$B$1</c:f>{cache([name])}</c:strRef></c:tx>'
        f"<c:cat><c:strRef><c:f>Sheet1!$A$2:$A$5</c:f>{cache(categories)}</c:strRef></c:cat>"
        f"<c:val><c:numRef><c:f>Sheet1!$B$2:$B$5</c:f>{cache(['4.3', '2.5', '3.5', '4.5'], 'num')}</c:numRef>"
        "</c:val></c:ser>"
        for i, name in enumerate(series)
    )

    def rich(text: str) -> str:
        return f"<c:title><c:tx><c:rich><a:p><a:r><a:t>{text}</a:t></a:r></a:p></c:rich></c:tx></c:title>"

    axis = f"<c:valAx>{rich('Million euros')}</c:valAx>"
    return (
        f'<?xml version="1.0"?><c:chartSpace {C} {A}><c:chart>{rich(title)}<c:plotArea><c:barChart>{sers}'
        f"</c:barChart>{axis}</c:plotArea></c:chart></c:chartSpace>"
    )


def _graphic_frame() -> str:
    return (
        f'<p:graphicFrame><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
        f'<c:chart {C} {R} r:id="rId7"/></a:graphicData></a:graphic></p:graphicFrame>'
    )


def make_chart_pptx() -> bytes:
    slide = (
        f'<?xml version="1.0"?><p:sld {P} {A}><p:cSld><p:spTree><p:sp><p:nvSpPr><p:nvPr><p:ph type="title"/>'
        "</p:nvPr></p:nvSpPr><p:txBody><a:p><a:r><a:t>Quarterly review</a:t></a:r></a:p></p:txBody></p:sp>"
        f"{_graphic_frame()}</p:spTree></p:cSld></p:sld>"
    )
    return make_zip(
        {
            "[Content_Types].xml": CT,
            "ppt/presentation.xml": f'<?xml version="1.0"?><p:presentation {P} {R}><p:sldIdLst>'
            '<p:sldId id="256" r:id="rId1"/></p:sldIdLst></p:presentation>',
            "ppt/_rels/presentation.xml.rels": f'<?xml version="1.0"?><Relationships {RELS}>'
            '<Relationship Id="rId1" Type="http://x/slide" Target="slides/slide1.xml"/></Relationships>',
            "ppt/slides/slide1.xml": slide,
            "ppt/slides/_rels/slide1.xml.rels": f'<?xml version="1.0"?><Relationships {RELS}>'
            '<Relationship Id="rId7" Type="http://x/chart" Target="../charts/chart3.xml"/></Relationships>',
            "ppt/charts/chart3.xml": _chart_xml(
                "Revenue by region", ["2024", "2025"], ["Nordics", "Benelux", "Iberia", "Alps"]
            ),
        }
    )


def make_chart_docx() -> bytes:
    drawing = (
        '<w:p><w:r><w:drawing><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
        f'<c:chart {C} {R} r:id="rId7"/></a:graphicData></a:graphic></w:drawing></w:r></w:p>'
    )
    body = "<w:p><w:r><w:t>Sales grew everywhere but in the south.</w:t></w:r></w:p>" + drawing
    return make_zip(
        {
            "[Content_Types].xml": CT,
            "word/document.xml": docx_document_xml(body).replace("<w:document ", f"<w:document {A} ", 1),
            "word/_rels/document.xml.rels": f'<?xml version="1.0"?><Relationships {RELS}>'
            '<Relationship Id="rId7" Type="http://x/chart" Target="charts/chart1.xml"/></Relationships>',
            "word/charts/chart1.xml": _chart_xml("Units sold per shop", ["Units"], ["Lyon", "Porto"]),
        }
    )


def test_a_slides_chart_gives_its_title_axis_series_and_categories_not_its_numbers(tmp_path: Path) -> None:
    r = extract_file(write(tmp_path, "review.pptx", make_chart_pptx()))
    check_offsets(r)
    [slide] = r.sections
    assert slide.heading == "Quarterly review" and slide.page == 1
    assert slide.text.split("\n") == [
        "Quarterly review",
        "Revenue by region",
        "Million euros",
        "2024, 2025",
        "Nordics, Benelux, Iberia, Alps",
    ]
    assert "4.3" not in r.text


def test_a_word_documents_chart_follows_its_paragraph(tmp_path: Path) -> None:
    r = extract_file(write(tmp_path, "sales.docx", make_chart_docx()))
    check_offsets(r)
    assert r.text.strip().split("\n") == [
        "Sales grew everywhere but in the south.",
        "Units sold per shop",
        "Million euros",
        "Units",
        "Lyon, Porto",
    ]


@pytest.mark.model
def test_a_slide_known_only_by_its_charts_title_is_found(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "decks"
    docs.mkdir()
    (docs / "review.pptx").write_bytes(make_chart_pptx())
    (docs / "notes.txt").write_text("The garden needs watering twice a week in summer.", encoding="utf-8")
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        [best, *_] = engine.search("Umsatz nach Region", k=5)  # German, meaning only
        assert Path(best.path).name == "review.pptx" and best.page == 1
        [found] = engine.search("Benelux", k=5, mode="keyword")
        assert Path(found.path).name == "review.pptx"
    finally:
        engine.close()
