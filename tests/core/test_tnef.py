"""Outlook's winmail.dat (TNEF): the attachments and body inside it are read as the message's own.

The streams are real (tests/data/README.md: collected by tnefparse from its users' bug reports); the
messages around them are built here, as Outlook's Exchange server sends them: a text body, or none,
beside an ``application/ms-tnef`` part.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest

from desktop_search.core.extract import kinds
from desktop_search.core.extract.compound_file import packaged_file
from desktop_search.core.extract.dispatch import extract_data, part_data
from desktop_search.core.extract.mail_parts import TNEF_REASON
from desktop_search.core.extract.results import FileSkipped
from desktop_search.core.extract.tnef import NotTnef, tnef_to_email

DATA = Path(__file__).resolve().parent.parent / "data"
NEWSLETTER = DATA / "tnef-MAPI_ATTACH_DATA_OBJ.tnef"  # a Norwegian newsletter as .doc, .pdf and .htm
NEWSLETTER_FILES = ["VIA_Nytt_1402.doc", "VIA_Nytt_1402.pdf", "VIA_Nytt_14021.htm"]


def outlook_mail(tnef: bytes, body: str | None = "See the attached newsletter.") -> bytes:
    msg = EmailMessage()
    msg["From"] = "Reisebyrå <post@example.no>"
    msg["To"] = "kunde@example.no"
    msg["Subject"] = "VIA Nytt 14"
    msg["Date"] = "Tue, 20 Aug 2002 10:00:00 +0200"
    if body is not None:
        msg.set_content(body)
    msg.add_attachment(tnef, maintype="application", subtype="ms-tnef", filename="winmail.dat")
    return msg.as_bytes(policy=SMTP)


def attachment_names(msg: EmailMessage) -> list[str | None]:
    return [a.get_filename() for a in msg.iter_attachments()]


def test_attachments_keep_their_names_and_bytes() -> None:
    two = tnef_to_email((DATA / "tnef-two-files.tnef").read_bytes())
    assert two["Subject"] == "two files" and attachment_names(two) == ["AUTHORS", "README"]
    readme = list(two.iter_attachments())[1].get_payload(decode=True)
    assert isinstance(readme, bytes) and len(readme) == 893
    umlaut = tnef_to_email((DATA / "tnef-umlaut.tnef").read_bytes())
    assert attachment_names(umlaut)[-1] == "UmlautAnhang-äüö.txt"  # its long name, in the code page
    assert list(umlaut.iter_attachments())[-1].get_payload(decode=True) == b"TEST \xe4\xf6\xfc +-*/~"


def test_objects_are_unwrapped_and_an_attached_outlook_message_is_a_message() -> None:
    newsletter = tnef_to_email(NEWSLETTER.read_bytes())
    assert attachment_names(newsletter) == NEWSLETTER_FILES
    assert [a.get_payload(decode=True)[:4] for a in newsletter.iter_attachments()][:2] == [
        b"\xd0\xcf\x11\xe0",  # the Word file itself, not the interface id stored before it
        b"%PDF",
    ]
    body = newsletter.get_body(preferencelist=("plain",))
    assert body is not None and "bodødamene" in body.get_content()  # its only body: compressed RTF
    distribution = tnef_to_email((DATA / "tnef-IPM-DistList.tnef").read_bytes())
    (inner,) = distribution.iter_attachments()
    assert inner.get_content_type() == "message/rfc822" and inner.get_filename() == "Untitled Attachment.eml"
    saved = extract_data("winmail.dat", (DATA / "tnef-IPM-DistList.tnef").read_bytes())  # the inner one has
    assert "This is the first half of the list" in saved.sections[0].text  # no body: read, not failed


def test_a_file_dropped_in_as_a_package_object_is_that_file() -> None:
    prices = extract_data("winmail.dat", (DATA / "tnef-MAPI_OBJECT.tnef").read_bytes())
    # named by the file inside, not "Untitled_Attachment", and read as a PDF
    assert "Attachments: AsNew Staff pricelist Oct 02.pdf" in prices.sections[0].text
    pdf = [s for s in prices.sections if s.part == "AsNew Staff pricelist Oct 02.pdf"]
    assert pdf and pdf[0].page == 1 and "hp deskjet 948c" in pdf[0].text and not prices.notes
    assert packaged_file((DATA / "word97-report.doc").read_bytes()) is None  # a compound file, no package
    assert packaged_file(b"not a compound file") is None


def test_damaged_and_foreign_bytes() -> None:
    tail = tnef_to_email((DATA / "tnef-garbage-at-end.tnef").read_bytes())  # bytes after the last attribute
    assert attachment_names(tail) == []
    cut = tnef_to_email(NEWSLETTER.read_bytes()[:150_000])  # cut off inside the PDF: what came before
    assert attachment_names(cut) == NEWSLETTER_FILES[:1]
    with pytest.raises(NotTnef):
        tnef_to_email(b"PK\x03\x04 not a winmail.dat")


def test_a_message_lists_and_reads_what_outlook_wrapped() -> None:
    mail = extract_data("newsletter.eml", outlook_mail(NEWSLETTER.read_bytes()))
    assert not mail.notes
    own = mail.sections[0]
    assert own.part is None and "Attachments: " + ", ".join(NEWSLETTER_FILES) in own.text
    assert "winmail.dat" not in own.text
    parts = {s.part for s in mail.sections}
    assert set(NEWSLETTER_FILES) <= parts
    pdf = [s for s in mail.sections if s.part == "VIA_Nytt_1402.pdf"]
    assert [s.page for s in pdf][:2] == [1, 2] and "hotellrom" in pdf[1].text


def test_a_body_sent_only_inside_winmail_dat_is_the_message_text() -> None:
    mail = extract_data("newsletter.eml", outlook_mail(NEWSLETTER.read_bytes(), body=None))
    assert "Det er jo en velkjent sak at bodødamene" in mail.sections[0].text


def test_open_finds_a_wrapped_attachment(tmp_path: Path) -> None:
    path = tmp_path / "newsletter.eml"
    path.write_bytes(outlook_mail(NEWSLETTER.read_bytes()))
    name, data = part_data(path, "VIA_Nytt_1402.pdf")
    assert name == "VIA_Nytt_1402.pdf" and data.startswith(b"%PDF")


def test_an_unreadable_winmail_dat_is_named_and_noted() -> None:
    damaged = (DATA / "tnef-two-files.tnef").read_bytes()[:6] + b"\xff" * 40
    mail = extract_data("damaged.eml", outlook_mail(damaged))
    assert "Attachments: winmail.dat" in mail.sections[0].text
    assert mail.notes == (f"winmail.dat: {TNEF_REASON}",)


def test_an_outlook_data_file_is_named_with_what_to_do() -> None:
    for name in ("Outlook.pst", "mailbox.OST"):
        with pytest.raises(FileSkipped, match=r"\.pst, \.ost\) are not read; drag the messages"):
            extract_data(name, b"!BDN" + bytes(600))  # a PST's magic, as inside an archive
    assert kinds.unread_format_reason("notes.txt") is None


def test_a_winmail_dat_saved_on_its_own_reads_as_a_message(tmp_path: Path) -> None:
    for name in ("winmail.dat", "WINMAIL (1).dat", "message.tnef"):
        assert kinds.is_listed(name) and kinds.is_candidate(name) and kinds.kind_by_name(name) == "mail"
    assert not kinds.is_listed("game.dat") and kinds.kind_by_name("game.dat") is None
    saved = extract_data("winmail.dat", (DATA / "tnef-two-files.tnef").read_bytes())
    assert saved.kind == "mail" and [s.part for s in saved.sections] == [None, "AUTHORS", "README"]
    head = saved.sections[0]
    assert head.heading == "two files" and "Attachments: AUTHORS, README" in head.text
    assert "unpacking MIME attachments" in saved.sections[2].text
    path = tmp_path / "winmail.dat"
    path.write_bytes((DATA / "tnef-two-files.tnef").read_bytes())
    assert part_data(path, "README")[1].split()[:3] == [b"TNEF", b"====", b"TNEF"]


@pytest.mark.model
def test_a_question_finds_the_page_of_a_wrapped_attachment(tmp_path: Path, real_embedder) -> None:
    from desktop_search.core import Engine, split_weak
    from tests.support.real_search import indexed_engine

    docs = tmp_path / "mail"
    docs.mkdir()
    (docs / "newsletter.eml").write_bytes(outlook_mail(NEWSLETTER.read_bytes()))
    (docs / "winmail.dat").write_bytes((DATA / "tnef-two-files.tnef").read_bytes())  # saved from a reader
    (docs / "signed.eml").write_bytes((DATA / "smime-opaque-signed.eml").read_bytes())  # zlib's algorithm
    with indexed_engine(docs, tmp_path / "home", real_embedder) as engine:
        assert isinstance(engine, Engine)
        hits = engine.search("When will hotel rooms be hard to get in Stockholm?", k=5, grouped=False)
        assert hits and all(h.part in NEWSLETTER_FILES for h in hits)  # the newsletter, not "winmail.dat"
        assert any(h.part == "VIA_Nytt_1402.pdf" and h.page == 2 and "hotellrom" in h.text for h in hits)
        grouped = engine.search("When will hotel rooms be hard to get in Stockholm?", k=5)
        copies = [h for h in grouped if h.part in NEWSLETTER_FILES[::2]]  # .doc and .htm: one text
        assert len(copies) == 1 and [s.part for s in copies[0].similar] == [
            p for p in NEWSLETTER_FILES[::2] if p != copies[0].part
        ]
        # zlib's algorithm has "will", "to" and "in" of the question, no word that means anything
        strong, weak = split_weak(engine.search("When will hotel rooms be hard to get in Stockholm?", k=10))
        assert all(h.part != "algorithm.txt.gz" for h in strong)
        assert any(h.part == "algorithm.txt.gz" and h.keyword_score is not None for h in weak)
        top = engine.search("Wie entpacke ich Anhänge vom Typ application/ms-tnef?", k=3)[0]
        assert Path(top.path).name == "winmail.dat" and top.part == "README"
