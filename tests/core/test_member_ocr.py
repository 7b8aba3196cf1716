"""The OCR setting holds for a container's members: a mail's pictures and an archive's scans.

Until now a mail's attachments and a zip's members were read with OCR on whatever the setting said:
turned off, it still ran on them; deferred (the first, keyword-first pass), it ran inside that pass.
Now 'off' leaves them unread (counted as scans left for OCR, read once it is turned on), and 'defer'
defers the whole file to the OCR pass, as a PDF with scanned pages is. Real sample: FuzzyOcr's spam
message whose text is only in its picture (tests/data/README.md).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from desktop_search.core import Engine, FileStatus, Settings
from desktop_search.core.extract.dispatch import extract_data
from desktop_search.core.extract.results import NeedsOcr
from tests.core.test_ocr import text_image

SPAM = Path(__file__).resolve().parents[1] / "data" / "mail-fuzzyocr-broken-gif.eml"
UNREAD = "1 picture or scan was not read: OCR is turned off in Settings."


def _zip_with_picture(tmp_path: Path) -> bytes:
    note = text_image(tmp_path / "note.png", ["Parking permit 2291 expires in March"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "Scanned notes from the office move.\n")
        z.write(note, "scans/note.png")
    return out.getvalue()


@pytest.mark.parametrize("name", ["spam.eml", "notes.zip"])
def test_members_follow_the_ocr_mode(tmp_path: Path, name: str) -> None:
    data = SPAM.read_bytes() if name == "spam.eml" else _zip_with_picture(tmp_path)
    off = extract_data(name, data, ocr="off")
    assert off.unread_scans == 1 and off.ocr_pages == 0
    assert not any("not read" in n or "OCR" in n for n in off.notes)  # waiting for OCR is no defect
    assert len(off.sections) == 1  # the message or the readme; the picture is left for OCR
    with pytest.raises(NeedsOcr):
        extract_data(name, data, ocr="defer")
    on = extract_data(name, data, ocr="on")
    assert on.ocr_pages == 1 and on.unread_scans == 0 and len(on.sections) == 2


@pytest.mark.model
@pytest.mark.timeout(600)
def test_a_mail_left_for_ocr_is_read_once_it_is_turned_on(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "spam.eml").write_bytes(SPAM.read_bytes())
    (docs / "notes.zip").write_bytes(_zip_with_picture(tmp_path))
    settings = Settings(folders=[str(docs)], ocr=False)
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=settings)
    try:
        engine.index()
        off = {Path(r.path).name: r for r in engine.files()}
        nothing = engine.search("Frankfurt stock exchange listing", k=3, mode="keyword")
        engine.update_settings(ocr=True)
        waiting = sorted(Path(r.path).name for r, _ in engine.scan().outdated)
        engine.index()
        on = {Path(r.path).name: r for r in engine.files()}
        stock = engine.search("Frankfurt stock exchange listing", k=3, mode="keyword")
        permit = engine.search("parking permit", k=3, mode="keyword")
    finally:
        engine.close()
    for name in ("spam.eml", "notes.zip"):
        assert off[name].status == FileStatus.INDEXED and off[name].ocr_pages == 0
        assert off[name].reason == UNREAD
        assert on[name].status == FileStatus.INDEXED and on[name].ocr_pages == 1
    assert not nothing and waiting == ["notes.zip", "spam.eml"]
    assert on["spam.eml"].reason.startswith("1 part was not read in full: sbillet.jpeg")  # cut off
    assert stock[0].part == "sbillet.jpeg" and permit[0].part == "scans/note.png"
