"""Pictures whose data breaks off part way are read for what decodes, as a mail program shows them.

The real sample is a spam message from the FuzzyOcr plugin's examples: its picture (a GIF sent as
``sbillet.jpeg``) has a data stream that breaks before its end, and the message's only real text is in
it. A cut-off PNG (the first lines of a scanned note, the rest of its bytes gone) stands for a photo or
scan whose copy or download stopped early. An image of which nothing decodes still fails as damaged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_search.core import Engine, FileStatus, Settings, split_weak
from desktop_search.core.extract import ExtractionFailed, extract_file
from desktop_search.core.extract.results import CUT_OFF_IMAGE_NOTE
from desktop_search.core.extract.subdocs import notes_reason
from tests.core.test_ocr import text_image

DATA = Path(__file__).resolve().parents[1] / "data"
SPAM = DATA / "mail-fuzzyocr-broken-gif.eml"


def cut_off_png(target: Path) -> Path:
    """A six-line note as a PNG with the last half of its bytes gone (its last lines and end chunk)."""
    lines = ["Meeting moved to Thursday", "Room 4.12, second floor", "Bring the budget draft"]
    full = text_image(target.with_suffix(".full.png"), lines + ["Lunch is provided"] * 3)
    data = full.read_bytes()
    full.unlink()
    target.write_bytes(data[: len(data) // 2])
    return target


def test_the_broken_gif_of_a_real_message_is_read_with_a_note() -> None:
    result = extract_file(SPAM)
    text = " ".join(result.text.split())
    assert "Quantum Energy" in text and "Frankfurt Stock Exchange" in text  # only in the picture
    assert result.notes == (f"sbillet.jpeg: {CUT_OFF_IMAGE_NOTE}",)
    assert notes_reason(result.notes) == f"1 part was not read in full: sbillet.jpeg: {CUT_OFF_IMAGE_NOTE}"


def test_a_cut_off_png_gives_what_decodes(tmp_path: Path) -> None:
    result = extract_file(cut_off_png(tmp_path / "note.png"))
    assert "Meeting moved to Thursday" in result.text
    assert result.notes == (CUT_OFF_IMAGE_NOTE,)
    assert notes_reason(result.notes) == CUT_OFF_IMAGE_NOTE  # a whole-file note, not "1 part"


def test_an_image_of_which_nothing_decodes_is_still_damaged(tmp_path: Path) -> None:
    torn = tmp_path / "torn.png"
    torn.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    with pytest.raises(ExtractionFailed, match="damaged"):
        extract_file(torn)
    header_only = tmp_path / "header-only.png"
    header_only.write_bytes(cut_off_png(tmp_path / "whole.png").read_bytes()[:60])  # no pixel data
    with pytest.raises(ExtractionFailed, match="damaged"):
        extract_file(header_only)


@pytest.mark.model
@pytest.mark.timeout(600)
def test_the_spam_picture_and_the_cut_off_note_are_found(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "spam.eml").write_bytes(SPAM.read_bytes())
    cut_off_png(docs / "note.png")
    (docs / "lorem.doc").write_bytes((DATA / "word97-libreoffice-officer-example.doc").read_bytes())
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        records = {Path(r.path).name: r for r in engine.files()}
        stock = engine.search("shares listed on the Frankfurt stock exchange", k=3, grouped=False)
        meeting = engine.search("meeting postponed", k=3)
        # one name, and a German question around it: only "Frankfurt" is in the picture's text, and by
        # meaning it is far (strength 0.11 and 0.34, under the floor); Lorem ipsum is nearer (0.65)
        name = split_weak(engine.search("Frankfurt", k=10))
        question = split_weak(engine.search("Börsengang in Frankfurt geplant", k=10))
    finally:
        engine.close()
    assert records["spam.eml"].status == FileStatus.INDEXED and "sbillet.jpeg" in records["spam.eml"].reason
    assert records["note.png"].status == FileStatus.INDEXED
    assert records["note.png"].reason == CUT_OFF_IMAGE_NOTE
    assert stock[0].part == "sbillet.jpeg" and Path(stock[0].path).name == "spam.eml"
    assert Path(meeting[0].path).name == "note.png"
    assert name[0][0].part == "sbillet.jpeg"
    # (the question ranks Lorem ipsum first in a folder this small: fusion.index_rrf_k)
    for shown, weaker in (name, question):  # a word of the query is in it: never hidden as weaker
        assert any(h.part == "sbillet.jpeg" for h in shown)
        assert all(h.keyword_score is None for h in weaker)
