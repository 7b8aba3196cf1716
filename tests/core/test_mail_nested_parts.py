"""Multiparts inside a message's parts: a mailing list's digest, an alternative, a mixed group.

The digest is real (tests/data/README.md: CPython's email test data, a Mailman digest of 2001): its
five messages sat in one multipart/digest part, named "attachment 1" and never read.
"""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from desktop_search.core.extract.dispatch import extract_data, part_data

DATA = Path(__file__).resolve().parent.parent / "data"
DIGEST = DATA / "mail-python-mailman-digest.eml"


def test_a_digest_s_messages_are_read_as_messages(tmp_path: Path) -> None:
    mail = extract_data(DIGEST.name, DIGEST.read_bytes())
    names = [f"attached message {n}.eml" for n in range(1, 6)]
    assert "Attachments: " + ", ".join(names) in mail.sections[0].text
    messages = [s for s in mail.sections if s.part in names]
    assert [s.part for s in messages] == names and not mail.notes
    assert messages[3].heading == "[Ppp] testing #4" and messages[3].text.startswith(
        "From: barry@digicool.com"
    )
    assert mail.sections[1].navigation and "Ppp mailing list" in mail.sections[1].text  # the list's footer
    path = tmp_path / DIGEST.name
    path.write_bytes(DIGEST.read_bytes())
    name, data = part_data(path, "attached message 4.eml")  # Open hands the mail program the message
    assert name == "attached message 4.eml" and b"Subject: [Ppp] testing #4" in data


def test_text_after_a_file_is_the_body_and_a_nested_group_is_read_part_by_part() -> None:
    """Apple Mail puts a file in the middle of a message as: text (plain and HTML), the file, the rest
    of the text (plain and HTML again); a forwarded group of parts is a multipart of its own."""
    before, after = EmailMessage(), EmailMessage()
    before.set_content("The harbour board met on Monday. The minutes are attached:")
    before.add_alternative(
        "<p>The harbour board met on <b>Monday</b>. The minutes are attached:</p>", subtype="html"
    )
    after.set_content("Berth 4 closes for repairs from the first of March.")
    after.add_alternative("<p>Berth 4 closes for repairs from the first of March.</p>", subtype="html")
    group = EmailMessage()
    group.set_content("Ferry timetable for the winter.")
    group.add_attachment(b"Monday to Friday: 7:10, 9:40, 17:25.", maintype="text", subtype="plain",
                         filename="timetable.txt")  # fmt: skip
    msg = EmailMessage()
    msg["From"], msg["Subject"] = "port@example.org", "Port news"
    msg.make_mixed()
    msg.attach(before)
    msg.add_attachment(b"%PDF-1.4 minutes", maintype="application", subtype="pdf", filename="minutes.pdf")
    msg.attach(after)
    msg.attach(group)
    mail = extract_data("news.eml", msg.as_bytes())
    own = mail.sections[0]
    assert "harbour board met on Monday" in own.text and "Berth 4 closes for repairs" in own.text
    assert own.text.count("Berth 4 closes") == 1  # its plain version, not the HTML as well
    texts = {s.part: s.text for s in mail.sections if s.part}
    assert any("Ferry timetable for the winter" in t for t in texts.values())
    assert "7:10, 9:40" in texts["timetable.txt"]


@pytest.mark.model
def test_a_question_finds_a_message_inside_a_digest(tmp_path: Path, real_embedder) -> None:
    from tests.support.real_search import indexed_engine

    docs = tmp_path / "mail"
    docs.mkdir()
    (docs / "digest.eml").write_bytes(DIGEST.read_bytes())
    with indexed_engine(docs, tmp_path / "home", real_embedder) as engine:
        top = engine.search("Ppp testing #4", k=3, grouped=False)[0]
        assert top.part == "attached message 4.eml" and top.heading == "[Ppp] testing #4"
