"""Archives and mail as sub-documents, at the extraction level: parts, dates, limits, notes, Open."""

from __future__ import annotations

import os
import stat
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_search.core import UserError, unpack_part
from desktop_search.core.extract import ExtractionFailed, ExtractorPool, FileSkipped, extract_file
from desktop_search.core.extract.dispatch import extract_data, part_data
from desktop_search.core.extract.kinds import is_listed, kind_by_name
from desktop_search.core.index.chunking import Chunker
from tests.core.mail_samples import (
    OTTERS,
    QUARTERLY,
    REFERENCE_PDF,
    encrypted_zip,
    mbox,
    message,
    tar_of,
    zip_of,
)


def _parts(extracted) -> dict[str | None, str]:
    found: dict[str | None, str] = {}
    for s in extracted.sections:
        found[s.part] = found.get(s.part, "") + s.text
    return found


def test_names_of_archives_and_mail_are_listed_and_kinded() -> None:
    assert kind_by_name("a/reports.zip") == "archive"
    assert kind_by_name("backup.tar.gz") == "archive" and is_listed("backup.tar.gz")
    assert kind_by_name("backup.tgz") == "archive"
    assert kind_by_name("x.eml") == "mail" and kind_by_name("Inbox.mbox") == "mail"
    assert not is_listed("ls.1.gz") and not is_listed("app.jar")
    assert is_listed("Inbox") and not is_listed("Inbox.msf")  # Thunderbird's mbox, and its summary


def test_zip_members_are_sub_documents_named_by_their_path() -> None:
    data = zip_of({"reports/q3.txt": QUARTERLY.encode(), "notes/otters.md": f"# Otters\n\n{OTTERS}".encode()})
    extracted = extract_data("bundle.zip", data)
    parts = _parts(extracted)
    assert set(parts) == {"reports/q3.txt", "notes/otters.md"}
    assert "harbour ferry" in parts["reports/q3.txt"] and extracted.kind == "archive"
    assert not extracted.notes


def test_a_pdf_member_keeps_its_pages() -> None:
    data = zip_of({"manuals/reference.pdf": REFERENCE_PDF.read_bytes()})
    extracted = extract_data("docs.zip", data)
    pages = {s.page for s in extracted.sections if s.part == "manuals/reference.pdf"}
    assert len(pages) >= 5


@pytest.mark.parametrize(
    "mode,name", [("w", "a.tar"), ("w:gz", "a.tar.gz"), ("w:bz2", "a.tbz2"), ("w:xz", "a.txz")]
)
def test_tar_formats(mode: str, name: str) -> None:
    extracted = extract_data(name, tar_of({"./docs/q3.txt": QUARTERLY.encode()}, mode))
    assert _parts(extracted).keys() == {"docs/q3.txt"}


def test_archives_nest_two_levels_deep_and_no_deeper() -> None:
    inner = zip_of({"deep.txt": OTTERS.encode()})
    middle = zip_of({"inner.zip": inner, "mid.txt": QUARTERLY.encode()})
    extracted = extract_data("outer.zip", zip_of({"middle.zip": middle}))
    parts = _parts(extracted)
    assert "middle.zip / mid.txt" in parts
    assert "middle.zip / inner.zip / deep.txt" not in parts
    assert any(n.startswith("middle.zip / inner.zip: Nested too deeply") for n in extracted.notes)
    # one level less: the inner archive is read
    assert "inner.zip / deep.txt" in _parts(extract_data("m.zip", middle))


def test_member_over_the_limits_is_noted_and_the_rest_is_read() -> None:
    bomb = b"0" * (60 * 2**20)  # deflates ~1000:1
    extracted = extract_data("mixed.zip", zip_of({"bomb.txt": bomb, "q3.txt": QUARTERLY.encode()}))
    assert _parts(extracted).keys() == {"q3.txt"}
    assert extracted.notes == ("bomb.txt: Expands to far more data than its size (a zip bomb?); not read.",)


def test_encrypted_members_are_listed_with_the_reason() -> None:
    data = encrypted_zip("secret.txt", b"the password is swordfish")
    with pytest.raises(ExtractionFailed, match="password-protected"):
        extract_data("locked.zip", data)


def test_seven_zip_is_skipped_with_a_reason(tmp_path: Path) -> None:
    with pytest.raises(FileSkipped, match="7z archives are not read"):
        extract_data("a.7z", b"7z\xbc\xaf\x27\x1c" + b"\0" * 64)


def test_unknown_member_format_is_noted() -> None:
    extracted = extract_data(
        "a.zip", zip_of({"tool.bin": bytes(range(256)) * 8, "q3.txt": QUARTERLY.encode()})
    )
    assert [n.split(":")[0] for n in extracted.notes] == ["tool.bin"]


# -- mail ------------------------------------------------------------------------------------------

MARCH = datetime(2024, 3, 14, 9, 30, tzinfo=UTC)


def _box() -> bytes:
    first = message("Lunch on Friday?", "From now on lunch is at noon.\nShall we try the new noodle bar?")
    second = message(
        "Q3 report and reference",
        "Hi team, the report is attached.\n\nRegards, Ana",
        date=datetime(2024, 10, 2, 16, 0, tzinfo=UTC),
        attachments=(
            ("reference.pdf", REFERENCE_PDF.read_bytes(), "application/pdf"),
            ("q3.txt", QUARTERLY.encode(), "text/plain"),
        ),
    )
    return mbox(first, second)


def test_mbox_messages_and_attachments_are_parts_with_subject_and_date() -> None:
    extracted = extract_data("Archive.mbox", _box())
    parts = _parts(extracted)
    assert {"message 1", "message 2", "message 2 / reference.pdf", "message 2 / q3.txt"} <= set(parts)
    first = next(s for s in extracted.sections if s.part == "message 1")
    assert first.heading == "Lunch on Friday?"
    assert "From: Ana Pérez <ana@example.org>" in first.text and "To: Team" in first.text
    assert "From now on lunch is at noon." in first.text  # the quoted '>From ' line is unquoted
    assert first.date == MARCH.timestamp()
    pdf = [s for s in extracted.sections if s.part == "message 2 / reference.pdf"]
    assert pdf and all(s.page for s in pdf)
    assert {s.date for s in pdf} == {datetime(2024, 10, 2, 16, 0, tzinfo=UTC).timestamp()}


def test_an_mbox_without_extension_is_sniffed(tmp_path: Path) -> None:
    (tmp_path / "Inbox").write_bytes(_box())
    extracted = extract_file(tmp_path / "Inbox")
    assert extracted.kind == "mail" and "message 2 / q3.txt" in _parts(extracted)
    with ExtractorPool(workers=1) as pool:
        assert pool.needs_isolation(tmp_path / "Inbox")  # its attachments may be PDFs


MAILDIR_NAME = "1700000000.M123P456.mailhost,S=2048:2,S"  # how a Maildir names a message: no extension


def test_a_message_without_an_extension_is_sniffed_as_mail(tmp_path: Path) -> None:
    raw = message("Boat trip", "The ferry leaves at nine from pier four.").as_bytes()
    raw = raw.replace(b"Subject:", b"List-Unsubscribe:\n <mailto:leave@example.org>\nSubject:", 1)
    (tmp_path / MAILDIR_NAME).write_bytes(raw)  # a header with its value on the next line, as lists write
    extracted = extract_file(tmp_path / MAILDIR_NAME)
    assert extracted.kind == "mail"
    [section] = extracted.sections
    assert section.heading == "Boat trip" and section.text.startswith("From: Ana Pérez <ana@example.org>")
    assert "MIME-Version" not in extracted.text and "ferry leaves at nine" in extracted.text


@pytest.mark.parametrize(
    "text",
    [
        "Note: buy milk\nTodo: call the plumber\n\nThe rest of the list.",  # headers, none a message's
        "From: the desk of the editor\nThis is not a header line at all, just prose.\n",
    ],
)
def test_text_that_merely_opens_like_headers_stays_text(tmp_path: Path, text: str) -> None:
    (tmp_path / "NOTES").write_text(text, encoding="utf-8")
    assert extract_file(tmp_path / "NOTES").kind == "text"


def test_a_text_part_in_utf8_labelled_with_another_charset_reads_as_utf8() -> None:
    body = "你好！我公司可代开各类发票，此信息永久有效。"
    mislabelled = (
        b"From: zhang@example.com\nTo: li@example.com\nSubject: test\nMIME-Version: 1.0\n"
        b'Content-Type: text/plain; charset="GB2312"\nContent-Transfer-Encoding: 8bit\n\n'
        + body.encode("utf-8")
    )
    assert body in extract_data("spam.eml", mislabelled).text  # read as labelled, it was mojibake
    honest = mislabelled.replace(body.encode("utf-8"), body.encode("gb2312"))
    assert body in extract_data("letter.eml", honest).text  # GB2312 bytes are not UTF-8: the label holds


def test_eml_is_the_message_itself_with_attachments_and_attached_messages() -> None:
    forwarded = message("Otter survey", OTTERS).as_bytes()
    msg = message(
        "Fwd: survey",
        "See below.",
        attachments=(
            ("survey.eml", forwarded, "message/rfc822"),
            ("q3.txt", QUARTERLY.encode(), "text/plain"),
        ),
    )
    extracted = extract_data("fwd.eml", msg.as_bytes())
    parts = _parts(extracted)
    assert set(parts) == {None, "survey.eml", "q3.txt"}
    assert "river otters" in parts["survey.eml"]


def test_html_only_message_is_read_as_text() -> None:
    msg = message("Newsletter", "x", html="<html><body><h1>News</h1><p>Otters are back.</p></body></html>")
    msg.get_body(("plain",)).set_content("")  # type: ignore[union-attr]
    text = extract_data("n.eml", msg.as_bytes()).text
    assert "Otters are back." in text


def test_truncated_mbox_keeps_what_is_there_and_says_so() -> None:
    data = _box()
    cut = data[: data.index(b'Content-Disposition: attachment; filename="reference.pdf"') + 2000]
    extracted = extract_data("cut.mbox", cut)
    parts = _parts(extracted)
    assert "message 1" in parts and "message 2" in parts
    assert any("cut off" in n for n in extracted.notes)
    assert any(n.startswith("message 2 / reference.pdf:") for n in extracted.notes)


def test_unknown_attachment_format_is_noted_and_the_rest_indexed() -> None:
    msg = message(
        "Tool",
        "The installer is attached.",
        attachments=(("setup.bin", os.urandom(4096), "application/octet-stream"),),
    )
    extracted = extract_data("m.eml", msg.as_bytes())
    assert _parts(extracted).keys() == {None}
    assert [n.split(":")[0] for n in extracted.notes] == ["setup.bin"]


def test_passages_never_span_two_parts(hash_embedder) -> None:
    chunker = Chunker(hash_embedder.count_tokens, target_tokens=200)
    extracted = extract_data("a.mbox", _box())
    chunks = chunker.chunk(extracted.text, extracted.sections)
    for chunk in chunks:
        section_parts = {s.part for s in extracted.sections if s.start < chunk.end and chunk.start < s.end}
        assert section_parts == {chunk.part}


# -- Open: a member copied out into a private folder -----------------------------------------------


def test_unpack_part_writes_the_member_into_a_private_folder(tmp_path: Path) -> None:
    pdf = REFERENCE_PDF.read_bytes()
    (tmp_path / "docs.zip").write_bytes(zip_of({"manuals/reference.pdf": pdf}))
    (tmp_path / "box.mbox").write_bytes(_box())
    out = unpack_part(tmp_path / "docs.zip", "manuals/reference.pdf")
    assert out.name == "reference.pdf" and out.read_bytes() == pdf
    for folder in (out.parent, out.parent.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert unpack_part(tmp_path / "box.mbox", "message 2 / reference.pdf").read_bytes() == pdf
    message_file = unpack_part(tmp_path / "box.mbox", "message 1")
    assert message_file.name == "message 1.eml" and b"Subject: Lunch on Friday?" in message_file.read_bytes()
    with pytest.raises(UserError, match="no longer in the archive"):
        unpack_part(tmp_path / "docs.zip", "gone.pdf")


def test_part_data_reaches_into_nested_archives(tmp_path: Path) -> None:
    inner = zip_of({"deep.txt": OTTERS.encode()})
    (tmp_path / "m.zip").write_bytes(zip_of({"sub/inner.zip": inner}))
    assert part_data(tmp_path / "m.zip", "sub/inner.zip / deep.txt") == ("deep.txt", OTTERS.encode())


def test_a_damaged_zip_fails_with_a_reason() -> None:
    data = zip_of({"q3.txt": QUARTERLY.encode()})
    with pytest.raises(ExtractionFailed):
        extract_data("broken.zip", data[: len(data) // 2])
    assert zipfile.is_zipfile  # the module is what the stdlib provides


def _slow_plain(monkeypatch, cpu_s: float) -> None:
    """Plain-text members take ``cpu_s`` of processor time each, checking the deadline as they go."""
    import time

    from desktop_search.core.extract import plaintext

    real = plaintext.extract_plain

    def slow(data, deadline, kind="text"):
        end = time.thread_time() + cpu_s
        while time.thread_time() < end:
            deadline.check()
        return real(data, deadline, kind)

    monkeypatch.setattr(plaintext, "extract_plain", slow)


def test_each_member_has_time_of_its_own(monkeypatch) -> None:
    from desktop_search.core.extract import subdocs

    _slow_plain(monkeypatch, 0.3)
    monkeypatch.setattr(subdocs, "MEMBER_TIME_S", 0.5)
    data = zip_of({f"part{n}.txt": f"{QUARTERLY} {n}".encode() for n in range(4)})
    extracted = extract_data("bundle.zip", data, timeout_s=0.5)  # 1.2 s of members in all
    assert len(_parts(extracted)) == 4 and not extracted.notes


def test_members_past_the_trees_time_are_noted_and_the_rest_kept(monkeypatch) -> None:
    from desktop_search.core.extract import subdocs

    _slow_plain(monkeypatch, 0.3)
    monkeypatch.setattr(subdocs, "MEMBER_TIME_S", 0.5)
    monkeypatch.setattr(subdocs, "MAX_TREE_EXTRA_S", 0.2)  # the tree may gain only 0.2 s
    data = zip_of({f"part{n}.txt": f"{QUARTERLY} {n}".encode() for n in range(4)})
    extracted = extract_data("bundle.zip", data, timeout_s=0.5)
    assert 1 <= len(_parts(extracted)) < 4
    assert extracted.notes and all("longer than" in n or "time allowed" in n for n in extracted.notes)
