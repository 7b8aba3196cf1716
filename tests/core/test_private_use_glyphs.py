"""Symbol fonts' glyphs in the private use area (OpenSymbol's formula signs, Wingdings bullets) are set
aside in extracted text: no model or keyword index reads them, and FTS5 glued them to their letters."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from desktop_search.core import Engine, Settings
from desktop_search.core.extract import extract_file
from desktop_search.core.extract.results import clean_text

PDF = Path(__file__).resolve().parent.parent / "data" / "pdf-dmaths-userguide-opensymbol.pdf"
PRIVATE = re.compile(r"[\ue000-\uf8ff]")


def test_private_glyphs_become_spaces() -> None:
    text = clean_text("\uf0b7 First item\nf \ue09ex\ue09f = 1 \ue083 1\n2x\ue0831")
    assert not PRIVATE.search(text)
    assert [line.strip() for line in text.split("\n")] == ["First item", "f x = 1 1", "2x 1"]


def test_a_real_pdf_set_in_opensymbol_reads_without_them() -> None:
    extracted = extract_file(PDF, ocr="off")
    assert "MakeFormula" in extracted.text and "Keyboard Shortcut" in extracted.text
    assert not PRIVATE.search(extracted.text)


@pytest.mark.model
def test_search_shows_the_page_without_them(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / PDF.name).write_bytes(PDF.read_bytes())
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        hits = engine.search("keyboard shortcut to make a formula", k=5, grouped=False)
        assert hits and hits[0].path.endswith(PDF.name)
        assert all(not PRIVATE.search(h.text) for h in hits)
        assert engine.search("2x", k=5, mode="keyword")  # "2x\ue0831" was one FTS token
    finally:
        engine.close()
