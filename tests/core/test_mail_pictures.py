"""Pictures a message's HTML shows in its text are read, but are no attachments, and logos cost nothing.

Real samples: FuzzyOcr's examples (Debian package ``fuzzyocr``, image spam of 2006 whose text is in a
picture the HTML shows by ``cid:``). The message with a signature logo and a pasted screenshot is
built with Python's email package the way its documentation builds an HTML mail with related
pictures (``add_related``): the common shape of Outlook's and Thunderbird's HTML mail, where the
pictures sit in a multipart/related inside multipart/mixed beside the real attachments.
"""

from __future__ import annotations

import io
from email.message import EmailMessage
from pathlib import Path

import pytest

from desktop_search.core import Engine, Settings
from desktop_search.core.extract.dispatch import extract_data, part_data
from desktop_search.core.extract.images import decoration
from tests.core.test_ocr import text_image

SPAM = Path(__file__).resolve().parents[1] / "data" / "mail-fuzzyocr-broken-gif.eml"


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, "PNG")
    return out.getvalue()


def html_mail_with_pictures(tmp_path: Path) -> bytes:
    """An HTML mail with a signature logo (160 × 50) and a pasted screenshot of an error dialog, both
    shown by cid:, a tracking pixel, and a real attachment (a text file)."""
    screenshot = text_image(tmp_path / "shot.png", ["Error 0x80070005: access denied", "Backup stopped"])
    msg = EmailMessage()
    msg["From"] = "Ann Lee <ann@example.org>"
    msg["To"] = "ops@example.org"
    msg["Subject"] = "Backup failed again"
    msg["Date"] = "Tue, 03 Nov 2026 09:12:00 +0100"
    msg.set_content("The nightly backup failed again, see the screenshot.")
    msg.add_alternative(
        '<p>The nightly backup failed again, see the screenshot.</p><img src="cid:shot@x">'
        '<p>Ann</p><img src="cid:logo@x"><img src="cid:pixel@x">',
        subtype="html",
    )
    html = msg.get_payload()[1]
    html.add_related(screenshot.read_bytes(), "image", "png", cid="<shot@x>", filename="image002.png")
    html.add_related(_png(160, 50), "image", "png", cid="<logo@x>", filename="image001.png")
    html.add_related(_png(1, 1), "image", "png", cid="<pixel@x>", filename="open.png")
    msg.add_attachment(b"rsync: write failed on /mnt/backup: No space left on device\n",
                       maintype="text", subtype="plain", filename="backup.log")  # fmt: skip
    return msg.as_bytes()


def test_decoration_is_told_by_size() -> None:
    assert decoration(_png(1, 1)) and decoration(_png(160, 50)) and decoration(_png(1200, 30))
    assert not decoration(_png(400, 300)) and not decoration(b"not a picture")


def test_shown_pictures_are_parts_but_not_attachments(tmp_path: Path) -> None:
    data = html_mail_with_pictures(tmp_path)
    result = extract_data("backup.eml", data)
    first = result.sections[0]
    assert "Attachments: backup.log\n" in first.text + "\n"  # the pictures are not named as attachments
    parts = {s.part: s.text for s in result.sections if s.part}
    assert set(parts) == {"image002.png", "backup.log"}  # the logo and the pixel were not read
    assert "access denied" in parts["image002.png"] and "No space left" in parts["backup.log"]
    assert result.notes == ()  # nothing to tell about the logo or the pixel
    assert part_data_of(tmp_path, data, "image002.png")[:8] == b"\x89PNG\r\n\x1a\n"  # Open finds it


def part_data_of(tmp_path: Path, data: bytes, label: str) -> bytes:
    path = tmp_path / "backup.eml"
    path.write_bytes(data)
    return part_data(path, label)[1]


def test_the_real_spam_pictures_are_read_without_being_attachments() -> None:
    result = extract_data(SPAM.name, SPAM.read_bytes())
    assert "Attachments:" not in result.sections[0].text
    assert [s.part for s in result.sections] == [None, "sbillet.jpeg"]
    assert "Frankfurt Stock Exchange" in " ".join(result.sections[1].text.split())


def test_a_shown_picture_without_text_is_no_note(tmp_path: Path) -> None:
    msg = EmailMessage()
    msg["From"], msg["Subject"] = "a@example.org", "Holiday photo"
    msg.set_content("See below.")
    msg.add_alternative('<p>See below.</p><img src="cid:photo@x">', subtype="html")
    msg.get_payload()[1].add_related(_png(640, 480), "image", "png", cid="<photo@x>", filename="beach.png")
    result = extract_data("photo.eml", msg.as_bytes())
    assert result.notes == () and "See below." in result.text


@pytest.mark.model
@pytest.mark.timeout(600)
def test_the_screenshot_in_a_mail_is_found_by_meaning(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "backup.eml").write_bytes(html_mail_with_pictures(tmp_path))
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        record = engine.files()[0]
        hits = engine.search("Zugriff verweigert Fehlermeldung", k=3, grouped=False)  # "access denied"
    finally:
        engine.close()
    assert record.reason == ""  # the logo and the pixel are nothing to tell the user about
    assert hits[0].part == "image002.png"
