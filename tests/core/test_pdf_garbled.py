"""A PDF page whose text layer is garbled (its fonts' maps to Unicode are broken) is recognised by OCR
instead, and keeps its text layer when OCR is off.

The real file: ``cmyk.pdf`` of OCRmyPDF's test resources (made in Photoshop), whose text layer pypdf
reads as "F n e m b \\ h e h k" for the "Multicolor Black" the page shows (tests/data/README.md).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core.extract import extract_file
from desktop_search.core.extract.pdf_ocr import garbled
from desktop_search.core.extract.results import NeedsOcr
from tests.support.real_search import search_folder

DATA = Path(__file__).resolve().parents[1] / "data"
GARBLED = DATA / "pdf-garbled-text-layer-cmyk.pdf"
CONTENTS = DATA / "debian-reference.ja.excerpt.pdf"  # its page 1: a contents page of dot leaders


def test_a_garbled_page_is_recognised_and_kept_when_ocr_is_off() -> None:
    result = extract_file(GARBLED)
    assert result.ocr_pages == 1
    assert "Multicolor Black" in result.text and "Pure Magenta" in result.text
    assert "h e h k" not in result.text
    kept = extract_file(GARBLED, ocr="off")
    assert kept.ocr_pages == 0 and "F n e m b" in kept.text  # no worse than before
    with pytest.raises(NeedsOcr):  # indexing reads it in its OCR round
        extract_file(GARBLED, ocr="defer")


def test_real_text_is_not_garbled() -> None:
    """Prose, contents pages of dot leaders, Japanese, tables of codes: all read as they are."""
    for path in sorted(DATA.glob("*.pdf")):
        # (a scan, and a page with a picture attached, are read by OCR)
        if path != GARBLED and "scanned" not in path.name and "attachment" not in path.name:
            assert extract_file(path, ocr="on").ocr_pages == 0, path.name
    assert not garbled("1.1 コンソールの基礎 . . . . . . . . 1\n" * 20)
    assert not garbled("00 20 40 60 80 A0 C0 E0 0A 0B 0C Hex codes of the characters\n" * 8)
    assert garbled('F n e m b \\ h e h k ; e Z \\ d I n k ^ ; e Z \\ d ! D 6 * ) ) " I n k ^ F Z ` ^ g m Z')
    assert not garbled("a b c")  # too little to judge


@pytest.mark.model
def test_the_words_the_page_shows_find_it(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(GARBLED, docs / "swatches.pdf")
    hits = search_folder(docs, tmp_path / "home", real_embedder, "pure magenta", k=1)
    assert hits and Path(hits[0].path).name == "swatches.pdf" and "Pure Magenta" in hits[0].text
