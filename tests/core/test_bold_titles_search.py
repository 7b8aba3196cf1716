"""Section titles typed in bold, not styled as headings (a hand-formatted Word report, SiSU's HTML),
through the whole product: real model, real store, real files. The passages name their section."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_search.core import Engine, Settings
from tests.core.extract_samples import docx_document_xml, make_docx

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
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        [best, *_] = engine.search("Wann behandelt man Milben mit Oxalsäure?", k=5, grouped=False)
        assert Path(best.path).name == "report.docx" and best.heading == "2.4 Treating varroa mites"
        [html, *_] = engine.search("how to install live-build", k=5, grouped=False)
        assert Path(html.path).name == "page.html"
        assert html.heading == "3. Installation › 3.2 Installing live-build"
    finally:
        engine.close()
