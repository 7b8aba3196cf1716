"""Apple Mail's .emlx: the message between its byte count and its flags, read as an .eml (the message
is a real one, tests/data/README.md; the wrapper is the one Apple Mail writes around every message)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_search.core import Engine, SearchFilters, Settings
from desktop_search.core.extract.dispatch import extract_data, part_data

MESSAGE = Path(__file__).resolve().parents[1] / "data" / "mail-jpeg-attached.eml"
FLAGS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
    b'"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<dict>\n'
    b"\t<key>date-received</key>\n\t<integer>1190640483</integer>\n"
    b"\t<key>flags</key>\n\t<integer>8590195713</integer>\n</dict>\n</plist>\n"
)


def emlx(message: bytes) -> bytes:
    return f"{len(message)}       \n".encode() + message + FLAGS


def test_an_emlx_reads_like_the_eml_inside_it(tmp_path: Path) -> None:
    raw = MESSAGE.read_bytes()
    inside = extract_data("12345.emlx", emlx(raw))
    assert inside.kind == "mail"
    assert inside.text == extract_data("message.eml", raw).text  # the count and the flags are not text
    assert inside.text.startswith("From: Matijs van Zuijlen <Matijs.van.Zuijlen@xs4all.nl>\n")
    assert "plist" not in inside.text and "date-received" not in inside.text
    path = tmp_path / "12345.emlx"
    path.write_bytes(emlx(raw))
    name, data = part_data(path, "test.jpg")  # Open on its attachment
    assert name == "test.jpg" and data.startswith(b"\xff\xd8")


def test_a_file_that_only_starts_with_a_number_is_not_taken_for_one() -> None:
    text = b"2024\nBudget notes: the roof, the boiler.\n"
    assert extract_data("notes.emlx", text).text.startswith("2024\nBudget notes")


@pytest.mark.model
def test_apple_mail_messages_are_indexed_with_their_dates(tmp_path: Path, real_embedder) -> None:
    mailbox = tmp_path / "Mail" / "V10" / "INBOX.mbox" / "Messages"
    mailbox.mkdir(parents=True)
    (mailbox / "12345.emlx").write_bytes(emlx(MESSAGE.read_bytes()))
    engine = Engine.open(
        tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(tmp_path / "Mail")])
    )
    try:
        engine.index()
        before_2010 = SearchFilters(modified_before=datetime(2010, 1, 1, tzinfo=UTC).timestamp())
        hits = engine.search("photo test.jpg from Matijs", k=3, filters=before_2010)
        assert hits and hits[0].path.endswith("12345.emlx")
    finally:
        engine.close()
