"""Word 97–2003 .doc files, read from real documents no one here wrote (tests/data/README.md says where
each comes from): text, fields, non-ASCII, tables; files named .doc that are not Word; damaged and
protected ones; then through the whole product."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core import Engine, Settings
from desktop_search.core.extract.dispatch import extract_data
from desktop_search.core.extract.results import ExtractionFailed, FileSkipped
from desktop_search.core.index.outdated import is_outdated, update_message
from desktop_search.core.records import FileRecord, FileStatus
from desktop_search.core.search.query_syntax import parse_query

DATA = Path(__file__).resolve().parents[1] / "data"
REPORT = DATA / "word97-report.doc"  # a student report: 6,385 characters, tables, names with umlauts
ANTIWORD = DATA / "word97-antiword-test.doc"  # figures with SEQ fields, curly quotes
WITH_HEADER = DATA / "word97-libreoffice-officer-example.doc"  # a header and a footer, a table
OLD_SKIP = "Old Microsoft Office format (.doc/.xls/.ppt) is not supported; save it as .docx."


def test_a_word_97_report_reads_as_text() -> None:
    result = extract_data(REPORT.name, REPORT.read_bytes())
    assert result.kind == "doc"
    assert result.text.startswith("Predicting Gene Ontology\n\n(GO) terms on protein sequences")
    assert "Peter Hönigschmid" in result.text  # 8-bit or UTF-16 pieces, decoded
    assert "Precision: 97%\nRecall: 70%" in result.text
    assert "“/mnt/opt/data/pp2_exercise/groups/groupC/CafaWrapper1.pl”" in result.text
    assert not any(ch in result.text for ch in "\r\x07\x13\x14\x15\x01")  # Word's marks were read


def test_fields_keep_their_result_and_drop_their_code() -> None:
    text = extract_data(ANTIWORD.name, ANTIWORD.read_bytes()).text
    assert "Figure 1\nThis JPEG image is the Antiword icon." in text
    assert "Figure 2\n" in text and "SEQ" not in text and "ARABIC" not in text
    assert "the O’Reilly book about PNG" in text


def test_headers_and_footers_are_left_out_and_table_cells_kept() -> None:
    text = extract_data(WITH_HEADER.name, WITH_HEADER.read_bytes()).text
    assert text.startswith("Title 1\nLorem ipsum dolor sit amet, consectetur adipiscing elit.\n\nTitle 2")
    assert "bookmark is here" not in text  # the header's and the footer's text (their own stories)
    # one row per line (the row-end marks told from cell marks by their paragraph properties); a cell
    # of two paragraphs keeps its line break, an empty last cell leaves no trailing tab
    rows = text[text.index("Petals") :].splitlines()
    assert rows[:4] == ["Petals\tInternode\tSepal\tBract", "5,621498349\t2,462106579", "18,2034091",
                        "4,994616997\tAA\t2,429320759\t17,65204912"]  # fmt: skip
    assert "5,645575295\tMerged cell\t2,278691288" in rows


def test_files_named_doc_that_are_not_word_are_read_as_what_they_are() -> None:
    # most .doc files on a Linux disk are plain text (README.doc, vile's perl/*.doc)
    assert "scripts" in extract_data("README.doc", b"A+ scripts: how to run them.\n").text
    html = b"<html><head><title>Minutes</title></head><body><p>Budget approved.</p></body></html>"
    assert "Budget approved." in extract_data("minutes.doc", html).text  # Word's "save as web page"
    assert extract_data("letter.doc", b"{\\rtf1\\ansi Dear Ana,\\par}").kind == "rtf"


def test_damaged_and_protected_documents_get_a_reason() -> None:
    data = REPORT.read_bytes()
    with pytest.raises(ExtractionFailed, match="Word document is damaged"):
        extract_data("cut.doc", data[:6000])
    with pytest.raises(ExtractionFailed, match="Word document is damaged"):
        extract_data("blank.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    protected = bytearray(data)
    start = _word_document_offset(data)
    protected[start + 0x0B] |= 0x01  # fEncrypted (bit 8 of the flags at 0x0A)
    with pytest.raises(FileSkipped, match="password-protected"):
        extract_data("locked.doc", bytes(protected))


def _word_document_offset(data: bytes) -> int:
    """Where the WordDocument stream starts in the file: the sector that opens with the FIB's magic."""
    return next(at for at in range(512, len(data), 512) if data[at : at + 2] == b"\xec\xa5")


def test_a_doc_skipped_by_an_older_version_is_outdated() -> None:
    old = FileRecord(path="/docs/a.doc", folder="/docs", status=FileStatus.SKIPPED, reason=OLD_SKIP)
    assert is_outdated(old)
    assert update_message([old]) == "Updating 1 Word document to the improved reader"
    vsd = FileRecord(path="/docs/a.vsd", folder="/docs", status=FileStatus.SKIPPED, reason=OLD_SKIP)
    assert not is_outdated(vsd)  # only the extensions that are read now


@pytest.mark.model
def test_word_documents_are_indexed_and_found(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for path in (REPORT, ANTIWORD):
        shutil.copy(path, docs / path.name)
    (docs / "README.doc").write_text("Plain text that happens to be called README.doc about otters.\n")
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        files = engine.status()["files"]
        assert files["indexed"] == 3 and files["failed"] == 0
        hits = engine.search("Wie gut war die Vorhersage? Präzision und Trefferquote", k=3)
        assert hits[0].path.endswith("word97-report.doc")
        parsed = parse_query("type:doc otters")  # as the window reads it: .doc is a Word type
        hits = engine.search(parsed.text, k=3, filters=parsed.filters())
        assert hits[0].path.endswith("README.doc")
    finally:
        engine.close()
