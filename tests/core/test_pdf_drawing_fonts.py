"""Text in LaTeX's picture fonts (the pieces of lines and circles ``\\put`` draws) reads as nothing, on
lshort's page on circles (``tests/data/lshort-en.excerpt.pdf``, page 5 of the excerpt): pypdf read
its example's circles as "bej &% ’$ &% ’$ behjm" between the code and the prose."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf.generic import DictionaryObject, NameObject

from desktop_search.core.extract import pdf
from desktop_search.core.extract.dispatch import extract_data
from tests.support.real_search import search_folder

EXCERPT = Path(__file__).resolve().parent.parent / "data" / "lshort-en.excerpt.pdf"
JUNK = ("&%", "’$", "behjm")


def _font(name: str) -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/BaseFont"): NameObject(name), NameObject("/Subtype"): NameObject("/Type1")}
    )


def test_picture_fonts_are_known_by_their_base_name() -> None:
    for name in ("/QIEFQL+LCIRCLE10", "/ULDKWN+LINE10", "/LINEW10", "/HKCMVD+LCIRCLEW10"):
        assert pdf.is_drawing_font(_font(name)), name
    for name in ("/NVMSMV+CMMI10", "/CMR10", "/ABCDEF+Helvetica", "/LINE"):
        assert not pdf.is_drawing_font(_font(name)), name
    assert not pdf.is_drawing_font(None)


def _circles_page() -> str:
    sections = extract_data("lshort-en.pdf", EXCERPT.read_bytes()).sections
    return "\n".join(s.text for s in sections if s.page == 5)


def test_the_circles_example_reads_as_its_code_and_prose(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _circles_page()
    assert "\\put(20,30){\\circle{1}}" in text and "draws a circle with center" in text
    assert not any(junk in text for junk in JUNK), text
    monkeypatch.setattr(pdf, "DRAWING_FONTS", frozenset())  # as pypdf reads it
    assert all(junk in _circles_page() for junk in JUNK)


@pytest.mark.model
def test_a_passage_on_circles_shows_no_drawing_pieces(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / EXCERPT.name).write_bytes(EXCERPT.read_bytes())
    hits = search_folder(docs, tmp_path / "home", real_embedder, "draw a circle in the picture environment")
    assert hits[0].page == 5
    assert not any(junk in p.text for h in hits for p in (h, *h.inline) for junk in JUNK)
