"""Text left unread for OCR is read once OCR can run: files skipped or indexed while OCR was off (or
before OCR existed) are planned again when it is turned on, and never again after that."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from desktop_search.core import Engine, FileStatus, Settings
from desktop_search.core.extract.ocr_reasons import (
    IMAGE_OCR_OFF,
    PDF_BEFORE_OCR,
    PDF_OCR_OFF,
    lifted_by_ocr,
    unread_scans_reason,
)
from desktop_search.core.index.outdated import is_outdated, update_message
from desktop_search.core.records import FileRecord
from tests.core.test_ocr import ENGLISH, GERMAN, scanned_copy, text_image


def record(status: FileStatus, reason: str, name: str = "/docs/scan.pdf") -> FileRecord:
    return FileRecord(path=name, folder="/docs", size=1, mtime=1.0, status=status, reason=reason, kind="pdf")


def test_which_reasons_ocr_lifts() -> None:
    assert lifted_by_ocr(IMAGE_OCR_OFF, indexed=False) and lifted_by_ocr(PDF_BEFORE_OCR, indexed=False)
    assert lifted_by_ocr(unread_scans_reason(12, ocr_off=True), indexed=True)
    assert (
        unread_scans_reason(1, ocr_off=True) == "1 scanned page was not read: OCR is turned off in Settings."
    )
    assert not lifted_by_ocr("The image is damaged: its pages cannot be counted.", indexed=False)
    assert not lifted_by_ocr(IMAGE_OCR_OFF, indexed=True)  # an indexed file says it with the page count
    assert unread_scans_reason(0, ocr_off=True) == ""
    in_a_mail = unread_scans_reason(2, ocr_off=True, container=True)
    assert in_a_mail == "2 pictures or scans were not read: OCR is turned off in Settings."
    assert lifted_by_ocr(in_a_mail, indexed=True)


def test_a_scan_skipped_before_ocr_existed_is_outdated_only_while_ocr_is_on() -> None:
    old = record(FileStatus.SKIPPED, PDF_BEFORE_OCR)
    assert is_outdated(old, ocr=True) and not is_outdated(old, ocr=False)
    failed = record(FileStatus.FAILED, PDF_BEFORE_OCR)
    assert not is_outdated(failed, ocr=True)  # failures are retried when the file changes
    assert update_message([old]) == "Recognising the text of 1 scanned file"


def test_up_to_date_files_are_not_outdated_for_ocr() -> None:
    done = replace(record(FileStatus.INDEXED, ""), extractor_version=99, chunking_version=99)
    assert not is_outdated(done, ocr=True)


def mixed_pdf(target: Path, tmp: Path) -> Path:
    """Page 1 with a text layer (the English excerpt's first page), page 2 a scan of a German page."""
    from pypdf import PdfReader, PdfWriter

    scan = scanned_copy(GERMAN, tmp / "one-scan.pdf", range(6, 7))
    writer = PdfWriter()
    writer.add_page(PdfReader(ENGLISH).pages[0])
    writer.add_page(PdfReader(scan).pages[0])
    with target.open("wb") as fh:
        writer.write(fh)
    scan.unlink()
    return target


@pytest.mark.model
@pytest.mark.timeout(900)
def test_files_left_for_ocr_are_read_once_it_is_turned_on(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    text_image(docs / "receipt.png", ["Invoice 4471 from Hansen Plumbing", "Repair of the kitchen boiler"])
    scanned_copy(GERMAN, docs / "scan.pdf", range(1, 2))
    mixed_pdf(docs / "mixed.pdf", tmp_path)
    settings = Settings(folders=[str(docs)], ocr=False)
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=settings)
    try:
        engine.index()
        off = {Path(r.path).name: r for r in engine.files()}
        assert engine.scan().outdated == []  # while OCR is off nothing is retried
        engine.update_settings(ocr=True)
        waiting = engine.scan().outdated
        engine.index()
        on = {Path(r.path).name: r for r in engine.files()}
        after = engine.scan()
        hits = engine.search("boiler", k=3, mode="keyword")
    finally:
        engine.close()
    assert off["receipt.png"].status == FileStatus.SKIPPED and off["receipt.png"].reason == IMAGE_OCR_OFF
    assert off["scan.pdf"].status == FileStatus.SKIPPED and off["scan.pdf"].reason == PDF_OCR_OFF
    assert off["mixed.pdf"].status == FileStatus.INDEXED and off["mixed.pdf"].ocr_pages == 0
    assert off["mixed.pdf"].reason == "1 scanned page was not read: OCR is turned off in Settings."
    assert sorted(Path(r.path).name for r, _ in waiting) == ["mixed.pdf", "receipt.png", "scan.pdf"]
    assert all(on[name].status == FileStatus.INDEXED for name in ("receipt.png", "scan.pdf", "mixed.pdf"))
    assert on["mixed.pdf"].ocr_pages == 1 and on["mixed.pdf"].reason == ""
    assert on["receipt.png"].ocr_pages == 1 and on["scan.pdf"].ocr_pages == 1
    assert after.outdated == [] and after.changed == []  # read once, not at every scan
    assert hits and Path(hits[0].path).name == "receipt.png"
