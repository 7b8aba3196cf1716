"""Outlook .msg files, read from real messages made by Outlook (tests/data/README.md says where each
comes from): headers, bodies in each form, attachments and attached messages as sub-documents, Open on
a part, damaged files; then through the whole product (real model, real store)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_search.core import Engine, SearchFilters, Settings
from desktop_search.core.extract.dispatch import extract_data, part_data
from desktop_search.core.extract.kinds import is_candidate
from desktop_search.core.extract.outlook import code_page_codec, decompress_rtf, to_email
from desktop_search.core.extract.results import ExtractionFailed
from desktop_search.core.extract.rtf import rtf_to_text
from desktop_search.core.index.outdated import is_outdated, update_message
from desktop_search.core.records import FileRecord, FileStatus
from tests.support.real_search import indexed_engine

DATA = Path(__file__).resolve().parents[1] / "data"
JPEG_ATTACHED = DATA / "outlook-jpeg-attached.msg"  # received over SMTP; 8-bit strings; a JPEG attached
DRAFT = DATA / "outlook-unicode-draft.msg"  # never sent; Unicode strings; plain and RTF bodies
SIGNED = DATA / "outlook-signed.msg"  # a PGP-signed message (its MIME body is an attachment)
EMBEDDED = DATA / "outlook-embedded-message.msg"  # an Outlook message attached, with two pictures
# why versions before the .msg reader skipped such files
OLD_SKIP = (
    "Outlook .msg files are not read (the maintained reader, extract-msg, is GPL-licensed); "
    "save the message as .eml."
)


def _extract(path: Path):
    return extract_data(path.name, path.read_bytes())


def test_a_received_message_reads_like_an_eml() -> None:
    result = _extract(JPEG_ATTACHED)
    assert result.kind == "mail"
    first = result.text.split("\n\n")[0]
    assert first.splitlines() == [
        "From: Matijs van Zuijlen <Matijs.van.Zuijlen@xs4all.nl>",
        "To: matijs@xxxxxx.nl",
        "Date: Mon, 24 Sep 2007 15:28:03 +0200",  # the internet headers' Date, as msgconvert gives it
        "Attachments: test.jpg",
    ]
    assert result.sections[0].heading == "test"  # the subject
    assert result.sections[0].date == datetime(2007, 9, 24, 13, 28, 3, tzinfo=UTC).timestamp()
    # the attached photo went to the image reader as a sub-document of the message: it holds no text,
    # which is no defect (no note); with OCR off it is counted as a picture left for OCR
    assert result.notes == ()
    assert extract_data(JPEG_ATTACHED.name, JPEG_ATTACHED.read_bytes(), ocr="off").unread_scans == 1


def test_a_draft_has_its_recipients_and_the_time_it_was_saved() -> None:
    msg = to_email(DRAFT.read_bytes())
    assert msg["Subject"] == "Test for MSGConvert -- plain text"
    assert msg["From"] is None
    assert msg["To"] == "Someone Else <someone@somewhere.com>"
    assert msg["Date"] == "Mon, 26 Feb 2007 22:57:01 +0000"  # the same as the Perl reader's own test
    assert msg.get_body().get_content().strip() == "This is a test\nThe body is in plain text"


def test_the_compressed_rtf_body_decompresses_to_the_same_text() -> None:
    import olefile

    with olefile.OleFileIO(str(DRAFT)) as ole:
        compressed = ole.openstream("__substg1.0_10090102").read()
    rtf = decompress_rtf(compressed)
    assert rtf.startswith(b"{\\rtf1\\ansi\\ansicpg1252\\fromtext")
    assert " ".join(rtf_to_text(rtf).split()) == "This is a test The body is in plain text"
    with pytest.raises(ValueError):
        decompress_rtf(b"\x10\0\0\0\x10\0\0\0XXXX\0\0\0\0" + b"\0" * 16)


def test_a_signed_message_keeps_its_text_once_and_no_signature() -> None:
    result = _extract(SIGNED)
    assert result.text.count("This is yet another test.") == 1
    assert "BEGIN PGP SIGNATURE" not in result.text
    assert {s.part for s in result.sections} == {None}


def test_an_attached_outlook_message_is_a_message_with_its_own_attachments() -> None:
    result = _extract(EMBEDDED)
    texts: dict[str | None, str] = {}
    for section in result.sections:
        texts[section.part] = texts.get(section.part, "") + section.text
    assert "Top level email text" in texts[None]
    inner = texts["Embedded email.eml"]
    assert inner.startswith("To: receiver@gmail.com\nCc: cc1@gmail.com\nDate: Tue, 14 Jan 2020 07:01:44")
    assert "Attachments: dog.jpg, cat.jpg" in inner  # pictures with no text are found by their names
    assert "Embedded email text" in inner
    assert {s.heading for s in result.sections if s.part == "Embedded email.eml"} == {"Embedded email"}
    assert result.notes == ()  # its pictures were read (no text in them: no defect to tell)
    # as sub-documents, at their depth: with OCR off the three are counted as pictures left for OCR
    assert extract_data(EMBEDDED.name, EMBEDDED.read_bytes(), ocr="off").unread_scans == 3


def test_open_finds_an_attachment_inside_an_attached_message(tmp_path: Path) -> None:
    name, data = part_data(EMBEDDED, "Embedded email.eml / cat.jpg")
    assert name == "cat.jpg" and data.startswith(b"\xff\xd8\xff")  # a JPEG
    name, data = part_data(EMBEDDED, "Embedded email.eml")
    assert name == "Embedded email.eml" and b"Subject: Embedded email" in data  # opens as an .eml
    name, data = part_data(JPEG_ATTACHED, "test.jpg")
    assert data.startswith(b"\xff\xd8")


def test_damaged_or_foreign_files_named_msg_get_a_reason_not_a_crash() -> None:
    data = EMBEDDED.read_bytes()
    with pytest.raises(ExtractionFailed, match="Outlook message is damaged"):
        extract_data("cut.msg", data[:3000])
    with pytest.raises(ExtractionFailed, match="Outlook message is damaged"):
        extract_data("tiny.msg", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    # a text file that happens to end in .msg (Tcl message catalogues do) is read as text
    assert "catalogue" in extract_data("de.msg", b"::msgcat::mcset de Hello Hallo ;# a catalogue\n").text
    assert is_candidate("Invoice from ACME.msg")


def test_code_pages_of_8_bit_strings() -> None:
    assert code_page_codec(1252) == "cp1252"
    assert code_page_codec(65001) == "utf-8"
    assert code_page_codec(20127) == "ascii"
    assert code_page_codec(28592) == "iso8859-2"
    assert code_page_codec(50220) == "iso2022_jp"
    assert code_page_codec(932) == "cp932"
    assert code_page_codec(12345) == "cp1252"  # unknown: the Western default


# -- through the product ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, real_embedder):
    docs = tmp_path_factory.mktemp("mail")
    for path in (JPEG_ATTACHED, DRAFT, SIGNED, EMBEDDED):
        shutil.copy(path, docs / path.name)
    with indexed_engine(docs, tmp_path_factory.mktemp("home"), real_embedder) as engine:
        yield engine


@pytest.mark.model
def test_outlook_messages_are_indexed_and_found(engine: Engine) -> None:
    files = engine.status()["files"]
    assert files["indexed"] == 4 and files["failed"] == 0
    hits = engine.search("embedded email text", k=5)
    assert hits and hits[0].path.endswith("outlook-embedded-message.msg")
    assert hits[0].part == "Embedded email.eml" and hits[0].heading == "Embedded email"
    # a picture with no text is found by its name, as the message it is attached to
    assert engine.search("cat.jpg", k=5)[0].part == "Embedded email.eml"
    assert engine.search("pigeon.jpg", k=5)[0].part is None  # the top-level message's own attachment
    hits = engine.search("a test for MSGConvert in plain text", k=5)
    assert Path(hits[0].path).name in ("outlook-unicode-draft.msg", "outlook-signed.msg")


@pytest.mark.model
def test_message_dates_filter_outlook_messages(engine: Engine) -> None:
    before_2010 = SearchFilters(modified_before=datetime(2010, 1, 1, tzinfo=UTC).timestamp())
    names = {Path(h.path).name for h in engine.search("test", k=10, filters=before_2010)}
    assert names == {"outlook-jpeg-attached.msg", "outlook-unicode-draft.msg", "outlook-signed.msg"}


def test_a_msg_skipped_by_an_older_version_is_outdated() -> None:
    old = FileRecord(path="/mail/a.msg", folder="/mail", status=FileStatus.SKIPPED, reason=OLD_SKIP)
    assert is_outdated(old)
    assert update_message([old]) == "Updating 1 mailbox to the improved reader"
    assert not is_outdated(replace(old, reason="Unsupported file type."))
    assert not is_outdated(replace(old, status=FileStatus.FAILED))  # failures wait for a change


@pytest.mark.model
def test_a_msg_skipped_by_an_older_version_is_read_at_the_next_scan(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "mail"
    docs.mkdir()
    shutil.copy(EMBEDDED, docs / EMBEDDED.name)
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        (record,) = engine.files()
        # what the version before .msg support left: the file skipped, unchanged on disk, no passages
        engine.store.ledger.replace_file(
            replace(record, status=FileStatus.SKIPPED, reason=OLD_SKIP, chunk_count=0, kind=""), []
        )
        assert engine.search("embedded email text", k=3) == []
        engine.index()
        (record,) = engine.files()
        assert record.status == FileStatus.INDEXED and record.kind == "mail"
        assert engine.search("embedded email text", k=3)[0].part == "Embedded email.eml"
    finally:
        engine.close()
