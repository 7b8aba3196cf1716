"""Hostile and broken inputs: every one ends in FileSkipped or ExtractionFailed with a readable reason."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop_search.core.extract import ExtractionFailed, FileSkipped, extract_file, reading
from tests.core.extract_samples import docx_document_xml, encrypt_pdf, make_docx, make_pdf, make_zip, write


def test_zero_byte(tmp_path: Path) -> None:
    with pytest.raises(FileSkipped) as info:
        extract_file(write(tmp_path, "empty.txt", b""))
    assert info.value.reason == "Empty file."


def test_sparse_file_over_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as f:
        f.truncate(100 * 2**20 + 1)  # sparse: no disk space used
    with pytest.raises(FileSkipped) as info:
        extract_file(path)
    assert info.value.reason == "Larger than the 100 MB limit."
    with pytest.raises(FileSkipped, match=r"Larger than the 0\.5 MB limit"):
        extract_file(write(tmp_path, "half.txt", b"x" * (2**19 + 1)), max_bytes=2**19)


def test_binary_named_txt(tmp_path: Path) -> None:
    with pytest.raises(FileSkipped) as info:
        extract_file(write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))))
    assert info.value.reason == "Binary file (no text)."


def test_unsupported_zip_and_legacy_office(tmp_path: Path) -> None:
    with pytest.raises(FileSkipped, match="Unsupported file type"):
        extract_file(write(tmp_path, "bundle.dat", make_zip({"a.bin": b"\x00\x01"})))
    # a Compound File of a kind no reader knows (Visio, Works, Publisher)
    with pytest.raises(FileSkipped, match="Unsupported file type"):
        extract_file(write(tmp_path, "plan.vsd", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)))


def test_vanished_file(tmp_path: Path) -> None:
    with pytest.raises(ExtractionFailed) as info:
        extract_file(tmp_path / "gone.txt")
    assert info.value.reason == "The file no longer exists (it was moved or deleted)."


def test_file_vanishing_between_stat_and_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "short-lived.txt", b"text")

    def vanish(*args: object, **kwargs: object) -> None:
        path.unlink()
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(reading, "open", vanish, raising=False)
    with pytest.raises(ExtractionFailed, match="no longer exists"):
        extract_file(path)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "secret.txt", b"top secret")
    path.chmod(0)
    if os.geteuid() == 0:  # root reads anything: simulate the refusal the OS gives everyone else

        def refuse(*args: object, **kwargs: object) -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(reading, "open", refuse, raising=False)
    with pytest.raises(ExtractionFailed) as info:
        extract_file(path)
    assert info.value.reason == "Permission denied: the file cannot be read."


def test_folder_is_not_a_file(tmp_path: Path) -> None:
    (tmp_path / "dir.txt").mkdir()
    with pytest.raises(FileSkipped, match="Not a regular file"):
        extract_file(tmp_path / "dir.txt")


def test_non_utf8_file_name(tmp_path: Path) -> None:
    path = write(tmp_path, b"caf\xe9-\xff.txt", b"content behind an odd name")
    assert extract_file(path).text == "content behind an odd name"
    assert extract_file(os.fsencode(path)).text == "content behind an odd name"  # type: ignore[arg-type]


def test_corrupt_pdf(tmp_path: Path) -> None:
    good = make_pdf([["some text"]])
    for name, data in [("cut.pdf", good[: len(good) // 3]), ("noise.pdf", b"%PDF-1.7\n" + os.urandom(4000))]:
        with pytest.raises((ExtractionFailed, FileSkipped)) as info:
            extract_file(write(tmp_path, name, data))
        assert "Traceback" not in info.value.reason
    with pytest.raises(ExtractionFailed, match="does not start like one"):
        extract_file(write(tmp_path, "fake.pdf", b"just words, no pdf header"))


def test_encrypted_pdf(tmp_path: Path) -> None:
    data = make_pdf([["classified words"]])
    with pytest.raises(ExtractionFailed) as info:
        extract_file(write(tmp_path, "locked.pdf", encrypt_pdf(data, "s3cret")))
    assert info.value.reason == "The PDF is encrypted and needs a password."
    # An empty user password (only an owner password restricting printing) opens fine.
    assert extract_file(write(tmp_path, "owner-only.pdf", encrypt_pdf(data, ""))).text == "classified words"


def test_zip_bomb_docx(tmp_path: Path) -> None:
    filler = "<w:p><w:r><w:t>" + " " * (60 * 2**20) + "</w:t></w:r></w:p>"
    bomb = make_docx(docx_document_xml(filler))
    assert len(bomb) < 2**20
    with pytest.raises(ExtractionFailed) as info:
        extract_file(write(tmp_path, "bomb.docx", bomb))
    assert "zip bomb" in info.value.reason


def test_zip_member_lying_about_its_size(tmp_path: Path) -> None:
    data = bytearray(make_docx())
    # Shrink the declared size of word/document.xml in the central directory: reading must not trust it.
    cd = data.rfind(b"PK\x01\x02", 0, data.find(b"word/document.xml", data.find(b"PK\x01\x02")) + 1)
    data[cd + 24 : cd + 28] = (10).to_bytes(4, "little")
    with pytest.raises(ExtractionFailed) as info:
        extract_file(write(tmp_path, "liar.docx", bytes(data)))
    assert "zip bomb" in info.value.reason or "damaged" in info.value.reason


def test_xml_entity_bomb(tmp_path: Path) -> None:
    lol = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10)
        )
        + "]>"
        + docx_document_xml("<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>").split("?>", 1)[1]
    )
    with pytest.raises(ExtractionFailed) as info:
        extract_file(write(tmp_path, "lol.docx", make_docx(lol)))
    assert "entity" in info.value.reason


def test_damaged_office_files(tmp_path: Path) -> None:
    with pytest.raises(ExtractionFailed, match="damaged"):
        extract_file(write(tmp_path, "torn.docx", make_docx()[:200]))
    with pytest.raises(ExtractionFailed, match="damaged"):
        extract_file(write(tmp_path, "bad.xlsx", make_zip({"xl/workbook.xml": "<not-closed>"})))
    with pytest.raises(ExtractionFailed, match="does not start like one"):
        extract_file(write(tmp_path, "text.epub", b"plain text, not a book"))


def test_rtf_nesting_bomb(tmp_path: Path) -> None:
    with pytest.raises(ExtractionFailed, match="nested too deeply"):
        extract_file(write(tmp_path, "deep.rtf", b"{\\rtf1 " + b"{" * 5000 + b"x" + b"}" * 5000 + b"}"))


def test_pdf_without_text_is_skipped(tmp_path: Path) -> None:
    with pytest.raises(FileSkipped, match="no text layer"):
        extract_file(write(tmp_path, "scan.pdf", make_pdf([[], []])))
