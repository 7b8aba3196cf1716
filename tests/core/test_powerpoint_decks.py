"""PowerPoint 97–2003 .ppt decks, read from a real deck no one here wrote (tests/data/README.md): slides
in presentation order as pages with their titles; files named .ppt that are not PowerPoint; damaged
ones; then through the whole product. The deck's PDF export (in the same Debian package) was the
oracle while building the reader: all 11 decks of that package give their PDF's page count and each
slide shares most of its words with its PDF page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core import Engine, Settings
from desktop_search.core.extract.dispatch import extract_data
from desktop_search.core.extract.results import ExtractionFailed
from desktop_search.core.index.outdated import is_outdated
from desktop_search.core.records import FileRecord, FileStatus

DATA = Path(__file__).resolve().parents[1] / "data"
DECK = DATA / "ppt97-systemc-lt-mixed-endian.ppt"
NOTES_DECK = DATA / "ppt97-libreoffice-mapsforge-notes.ppt"  # a real talk with speaker notes, saved as .ppt


def test_slides_are_pages_with_their_titles() -> None:
    result = extract_data(DECK.name, DECK.read_bytes())
    assert result.kind == "ppt" and result.page_count == 11
    slides = {s.page: s for s in result.sections}
    assert sorted(slides) == list(range(1, 12))
    assert slides[1].heading == "The TLM 2.0 Mixed Endianness Example"
    assert slides[1].text.splitlines()[1:] == ["James Aldis", "Texas Instruments France", "January 2008"]
    assert slides[2].heading == "Modification of “lt” Example"  # UTF-16 text atoms
    assert "cd examples/tlm/lt_mixed_endian/build-unix" in slides[4].text  # 8-bit text atoms
    assert "Router (SimpleBusLT)" in slides[3].text  # a diagram's text boxes, no title
    assert slides[6].heading == "Component details"
    assert "*" not in {line.strip() for s in result.sections for line in s.text.splitlines()}


def test_speaker_notes_follow_their_slide() -> None:
    result = extract_data(NOTES_DECK.name, NOTES_DECK.read_bytes())
    assert result.page_count == 16
    with_notes = {s.page: s for s in result.sections if "Bild zu Android activity lifecycle" in s.text}
    assert list(with_notes) == [8]  # the notes page slide 8's SlideAtom names, through the notes list
    slide = with_notes[8]
    assert slide.heading == "Android specific challenges"
    assert slide.text.endswith("\n\nBild zu Android activity lifecycle in Browsertab offen\n→ killable")


def test_files_named_ppt_that_are_not_powerpoint_are_read_as_what_they_are() -> None:
    assert "agenda" in extract_data("notes.ppt", b"Plain text agenda for the meeting.\n").text


def test_damaged_decks_get_a_reason() -> None:
    with pytest.raises(ExtractionFailed, match="PowerPoint presentation is damaged"):
        extract_data("cut.ppt", DECK.read_bytes()[:20000])
    with pytest.raises(ExtractionFailed, match="PowerPoint presentation is damaged"):
        extract_data("blank.ppt", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))


def test_a_ppt_skipped_by_an_older_version_is_outdated() -> None:
    reason = "Old Microsoft Office format (.doc/.xls/.ppt) is not supported; save it as .docx."
    assert is_outdated(FileRecord(path="/d/a.ppt", folder="/d", status=FileStatus.SKIPPED, reason=reason))


@pytest.mark.model
def test_a_deck_is_indexed_and_a_slide_found(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DECK, docs / DECK.name)
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        assert engine.status()["files"]["indexed"] == 1
        hits = engine.search("comment lancer l'exemple sous Linux", k=5, grouped=False)
        assert hits[0].page == 4 and hits[0].heading == "How to run this example (Linux)"
    finally:
        engine.close()
