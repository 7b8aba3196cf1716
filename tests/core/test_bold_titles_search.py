"""Section titles typed in bold, not styled as headings (hand-formatted Word and Writer files, SiSU's HTML),
through the whole product: real model, real store, real files. The passages name their section."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_search.core import Engine, Settings
from tests.core.extract_samples import docx_document_xml, make_docx, make_zip

ODF = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"'
)


def _odt(body: str) -> bytes:
    """An ODT whose bold is an automatic paragraph style (P1), as LibreOffice writes hand-set bold."""
    bold = (
        '<style:style style:name="P1" style:family="paragraph">'
        '<style:text-properties fo:font-weight="bold"/></style:style>'
    )
    content = (
        f'<?xml version="1.0"?><office:document-content {ODF}><office:automatic-styles>{bold}'
        f"</office:automatic-styles><office:body><office:text>{body}</office:text></office:body>"
        "</office:document-content>"
    )
    return make_zip({"content.xml": content}, mimetype="application/vnd.oasis.opendocument.text")


pytestmark = pytest.mark.model


def _para(text: str, bold: bool = False) -> str:
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:p><w:r>{props}<w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def test_a_bold_numbered_title_heads_the_passages_under_it(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    body = (
        _para("Apiary report 2025")
        + _para("2.3 Harvesting honey", bold=True)
        + _para("Frames are taken once the bees have capped most cells; an uncapped frame ferments.")
        + _para("2.4 Treating varroa mites", bold=True)
        + _para("Oxalic acid is dripped between the frames in winter, when the colony has no brood.")
    )
    (docs / "report.docx").write_bytes(make_docx(docx_document_xml(body)))
    (docs / "page.html").write_text(
        '<html><body><h1>3. Installation</h1><p class="bold">3.2 Installing live-build</p>'
        "<p>Install the live-build package with apt like any other package.</p></body></html>",
        encoding="utf-8",
    )
    (docs / "minutes.odt").write_bytes(
        _odt(
            "<text:p>Club minutes</text:p>"
            '<text:p text:style-name="P1">4.1 Swarm season</text:p>'
            "<text:p>Members agreed to check every hive for queen cells each week from May.</text:p>"
        )
    )
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        [best, *_] = engine.search("Wann behandelt man Milben mit Oxalsäure?", k=5, grouped=False)
        assert Path(best.path).name == "report.docx" and best.heading == "2.4 Treating varroa mites"
        [minutes, *_] = engine.search("inspecting hives for queen cells in spring", k=5, grouped=False)
        assert Path(minutes.path).name == "minutes.odt" and minutes.heading == "4.1 Swarm season"
        [html, *_] = engine.search("how to install live-build", k=5, grouped=False)
        assert Path(html.path).name == "page.html"
        assert html.heading == "3. Installation › 3.2 Installing live-build"
    finally:
        engine.close()
