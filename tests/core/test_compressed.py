"""Single compressed files read as the file inside: real Debian documentation as Debian ships it
(``bzip2-manual.pdf.gz``, ``zlib-algorithm.txt.gz``), real texts and mail compressed with xz and
bzip2 here, damaged and bomb-like data."""

from __future__ import annotations

import bz2
import gzip
import lzma
from pathlib import Path

import pytest

from desktop_search.core import UserError, decompressed_copy
from desktop_search.core.extract import compressed, kinds
from desktop_search.core.extract.dispatch import extract_file, part_data
from desktop_search.core.extract.results import ExtractionFailed, FileSkipped
from desktop_search.core.extract.safezip import BOMB_REASON

DATA = Path(__file__).resolve().parent.parent / "data"
BZIP2_MANUAL = DATA / "bzip2-manual.pdf.gz"
ZLIB_ALGORITHM = DATA / "zlib-algorithm.txt.gz"


@pytest.mark.parametrize(
    ("name", "listed", "kind", "ext"),
    [
        ("manual.pdf.gz", True, "pdf", "pdf"),
        ("notes.TXT.GZ", True, "text", "txt"),
        ("README.gz", True, None, ""),  # an extensionless text name: read by its content, as on disk
        ("README.md.bz2", True, "markdown", "md"),
        ("inbox.mbox.xz", True, "mail", "mbox"),
        ("dump.json.gz", True, "code", "json"),
        ("backup.tar.gz", True, "archive", "gz"),  # a compressed tar is an archive, as before
        ("ls.1.gz", False, None, "gz"),  # manual page sources
        ("syslog.2.gz", False, None, "gz"),  # rotated logs
        ("changelog.Debian.gz", True, None, "debian"),  # a text's name: read by its content
        ("README.tun.gz", True, None, "tun"),
        ("disk.img.xz", False, None, "xz"),
        ("notes.txt.gz.gz", False, None, "gz"),  # compressed twice: not read
        ("photo.zst", False, None, "zst"),  # no reader in the standard library
    ],
)
def test_a_compressed_file_is_named_by_the_file_inside(name: str, listed: bool, kind, ext: str) -> None:
    assert kinds.is_listed(name) is listed
    assert kinds.is_candidate(name) is listed
    assert kinds.kind_by_name(name) == kind
    assert kinds.document_extension(name) == ext


def test_a_real_gzipped_pdf_manual_reads_as_a_pdf_with_pages_and_headings() -> None:
    result = extract_file(BZIP2_MANUAL)
    assert result.kind == "pdf" and result.page_count == 38
    intro = next(s for s in result.sections if s.page == 4)
    assert result.text[intro.start : intro.end].startswith("1. Introduction\nbzip2 compresses files using")
    assert any(s.heading == "2 How to use bzip2 › 2.6 RECOVERING DATA FROM DAMAGED" for s in result.sections)


def test_a_real_gzipped_text_reads_as_its_text() -> None:
    result = extract_file(ZLIB_ALGORITHM)
    assert result.kind == "text"
    assert result.text.startswith("1. Compression algorithm (deflate)")
    assert "Lempel-Ziv" in result.text


@pytest.mark.parametrize(("suffix", "compress"), [(".xz", lzma.compress), (".bz2", bz2.compress)])
def test_xz_and_bzip2_read_the_same_as_the_plain_file(tmp_path: Path, suffix: str, compress) -> None:
    plain = DATA / "python-policy.txt"
    packed = tmp_path / f"python-policy.txt{suffix}"
    packed.write_bytes(compress(plain.read_bytes()))
    assert extract_file(packed) == extract_file(plain)


def test_a_file_named_as_compressed_that_is_not_is_read_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt.gz"
    path.write_text("Plain notes about the otters at the mill pond, saved under the wrong name.")
    assert "otters" in extract_file(path).text


def test_a_cut_off_gzip_is_a_clear_failure(tmp_path: Path) -> None:
    path = tmp_path / "manual.pdf.gz"
    path.write_bytes(BZIP2_MANUAL.read_bytes()[:50_000])
    with pytest.raises(ExtractionFailed, match="gzip-compressed file is cut off"):
        extract_file(path)
    with pytest.raises(UserError, match=r"Cannot open 'manual\.pdf\.gz'"):
        decompressed_copy(path)


def test_a_gzip_bomb_is_refused_and_a_large_file_skipped(tmp_path: Path, monkeypatch) -> None:
    bomb = tmp_path / "zeros.txt.gz"
    bomb.write_bytes(gzip.compress(b"\0" * (40 * 2**20)))  # 40 MB from about 40 KB
    with pytest.raises(ExtractionFailed) as failed:
        extract_file(bomb)
    assert failed.value.reason == BOMB_REASON
    monkeypatch.setattr(compressed, "DEFAULT_MAX_BYTES", 5_000)
    with pytest.raises(FileSkipped, match="when decompressed"):
        extract_file(ZLIB_ALGORITHM)


def test_a_gzipped_mbox_reads_its_messages_and_opens_one(tmp_path: Path) -> None:
    messages = [DATA / "mail-spamassassin-ilug-question.eml", DATA / "mail-spamassassin-carbonara.eml"]
    box = b"\n".join(m.read_bytes() for m in messages)  # each starts with its From_ line already
    path = tmp_path / "Inbox.mbox.gz"
    path.write_bytes(gzip.compress(box))
    result = extract_file(path)
    assert result.kind == "mail"
    assert {s.part for s in result.sections} == {"message 1", "message 2"}
    _name, data = part_data(path, "message 2")
    assert b"carbonara" in data.lower()


def test_open_makes_a_private_decompressed_copy(tmp_path: Path) -> None:
    copy = decompressed_copy(BZIP2_MANUAL)
    assert copy is not None and copy.name == "bzip2-manual.pdf"
    assert copy.read_bytes() == gzip.decompress(BZIP2_MANUAL.read_bytes())
    assert decompressed_copy(DATA / "python-policy.txt") is None  # opens as it is
