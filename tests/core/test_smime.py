"""S/MIME mail: an opaquely signed message's body and attachments are read, an encrypted one is noted;
and a signed file (``contract.pdf.p7m``) is the document inside its signature.

The messages are OpenSSL's (tests/data/README.md): one MIME message (a Debian README as its body, a
gzipped text attached) signed inside PKCS #7 (DER, and BER streamed in chunks), signed beside it
(multipart/signed) and encrypted.
"""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest

from desktop_search.core.extract import kinds
from desktop_search.core.extract.compressed import SIGNED_REASON
from desktop_search.core.extract.dispatch import extract_data, part_data
from desktop_search.core.extract.mail_parts import ENCRYPTED_REASON
from desktop_search.core.extract.results import ExtractionFailed, FileSkipped
from desktop_search.core.extract.smime import is_encrypted, signed_content, signed_payload
from desktop_search.core.extract.unpack import decompressed_copy

DATA = Path(__file__).resolve().parent.parent / "data"
SIGNED = ["smime-opaque-signed.eml", "smime-opaque-signed-streamed.eml", "smime-clear-signed.eml"]


def message(name: str) -> EmailMessage:
    parsed = BytesParser(policy=policy.default).parsebytes((DATA / name).read_bytes())
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_the_content_inside_signed_data_is_the_message_signed() -> None:
    der = signed_content(message("smime-opaque-signed.eml"))
    ber = signed_content(message("smime-opaque-signed-streamed.eml"))  # indefinite lengths, chunks
    assert der is not None and ber is not None and der.as_bytes() == ber.as_bytes()
    assert [a.get_filename() for a in der.iter_attachments()] == ["algorithm.txt.gz"]
    assert signed_content(message("smime-clear-signed.eml")) is None  # signed beside, not inside
    assert signed_content(message("smime-encrypted.eml")) is None


def test_encrypted_is_told_apart() -> None:
    assert is_encrypted(message("smime-encrypted.eml"))
    assert not any(is_encrypted(message(name)) for name in SIGNED)
    mail = extract_data("encrypted.eml", (DATA / "smime-encrypted.eml").read_bytes())
    assert mail.notes == (f"message: {ENCRYPTED_REASON}",)
    assert "Attachments" not in mail.sections[0].text and "smime.p7m" not in mail.sections[0].text


@pytest.mark.parametrize("name", SIGNED)
def test_a_signed_message_reads_its_body_and_attachments(name: str, tmp_path: Path) -> None:
    mail = extract_data(name, (DATA / name).read_bytes())
    own = mail.sections[0]
    assert not mail.notes and own.part is None and "OpenSSH for Debian" in own.text
    assert "Attachments: algorithm.txt.gz" in own.text and "smime" not in own.text
    attached = [s for s in mail.sections if s.part == "algorithm.txt.gz"]
    assert attached and attached[0].heading == "1. Compression algorithm (deflate)"
    path = tmp_path / name
    path.write_bytes((DATA / name).read_bytes())
    assert part_data(path, "algorithm.txt.gz")[1].startswith(b"\x1f\x8b")  # Open finds the gzip inside


def test_damaged_signed_data_keeps_the_message() -> None:
    raw = (DATA / "smime-opaque-signed.eml").read_bytes()
    head, _, body = raw.partition(b"\n\n")
    cut = head + b"\n\n" + b"\n".join(body.split(b"\n")[:40]) + b"\n"  # the signed bytes cut off
    assert signed_content(message("smime-opaque-signed.eml")) is not None
    mail = extract_data("cut.eml", cut)
    assert mail.sections[0].heading == "OpenSSH notes (signed)" and "From: Ann" in mail.sections[0].text


def test_a_signed_file_is_the_document_inside_its_signature(tmp_path: Path) -> None:
    assert kinds.is_candidate("contract.pdf.p7m") and kinds.document_extension("fattura.xml.p7m") == "xml"
    assert kinds.is_candidate("smime.p7m")  # a mail's signed body saved alone: a message (test below)
    pdf = extract_data("faq.pdf.p7m", (DATA / "debian-faq.en.excerpt.pdf.p7m").read_bytes())
    assert pdf.kind == "pdf" and pdf.sections[0].page == 1
    assert pdf.sections[1].heading.endswith(
        "3.1 Which Debian distribution (stable/testing/unstable) is better for me?"
    )
    signed_elsewhere = extract_data("test.txt.p7m", (DATA / "a38-test.txt.p7m").read_bytes())  # a real one
    assert signed_elsewhere.sections[0].text.endswith("Questo è solo un payload di test.")
    text = extract_data("README.txt.p7m", (DATA / "openssh-README.Debian.txt.p7m").read_bytes())  # base64
    assert text.kind == "text" and "OpenSSH for Debian" in text.sections[0].text
    assert (
        signed_payload((DATA / "debian-faq.en.excerpt.pdf.p7m").read_bytes())
        == (DATA / "debian-faq.en.excerpt.pdf").read_bytes()
    )
    path = tmp_path / "faq.pdf.p7m"
    path.write_bytes((DATA / "debian-faq.en.excerpt.pdf.p7m").read_bytes())
    copy = decompressed_copy(path)  # Open and the page preview read the PDF, not its signature
    assert copy is not None and copy.name == "faq.pdf" and copy.read_bytes().startswith(b"%PDF")


def test_a_signed_invoice_attached_to_a_message_is_read_as_its_document() -> None:
    """Italian certified mail (PEC) carries signed invoices and contracts as attachments."""
    msg = EmailMessage()
    msg["From"], msg["Subject"] = "fatture@example.it", "Fattura 2026/118"
    msg.set_content("In allegato la fattura firmata digitalmente.")
    signed = (DATA / "debian-faq.en.excerpt.pdf.p7m").read_bytes()
    msg.add_attachment(signed, maintype="application", subtype="pkcs7-mime", filename="faq.pdf.p7m")
    mail = extract_data("pec.eml", msg.as_bytes())
    assert not mail.notes and "Attachments: faq.pdf.p7m" in mail.sections[0].text
    assert [s.page for s in mail.sections if s.part == "faq.pdf.p7m"][:2] == [1, 1]


def test_a_damaged_or_detached_signature_says_so() -> None:
    cut = (DATA / "debian-faq.en.excerpt.pdf.p7m").read_bytes()[:5000]
    with pytest.raises(ExtractionFailed, match="signed file"):
        extract_data("faq.pdf.p7m", cut)
    assert SIGNED_REASON.startswith("The signed file (.p7m)")
    plain = extract_data("notes.txt.p7m", b"Not signed at all, only named so.\n")
    assert "Not signed at all" in plain.sections[0].text


@pytest.mark.model
def test_a_question_finds_the_attachment_of_an_opaquely_signed_message(tmp_path: Path, real_embedder) -> None:
    from desktop_search.core import parse_query
    from tests.support.real_search import indexed_engine

    docs = tmp_path / "mail"
    docs.mkdir()
    for name in ("smime-opaque-signed.eml", "smime-encrypted.eml", "debian-faq.en.excerpt.pdf.p7m"):
        (docs / name).write_bytes((DATA / name).read_bytes())
    with indexed_engine(docs, tmp_path / "home", real_embedder) as engine:
        top = engine.search("Wie funktioniert der Deflate-Kompressionsalgorithmus?", k=3)[0]
        assert Path(top.path).name == "smime-opaque-signed.eml" and top.part == "algorithm.txt.gz"
        encrypted = engine.search("OpenSSH notes encrypted", k=5)
        assert any(Path(h.path).name == "smime-encrypted.eml" for h in encrypted)  # by its subject
        question = "type:pdf Welche Debian-Version soll ich auf meinem Desktop verwenden?"
        parsed = parse_query(question, engine.folders)
        faq = engine.search(parsed.text, k=3, filters=parsed.filters(None))
        assert [Path(h.path).name for h in faq] == ["debian-faq.en.excerpt.pdf.p7m"]  # a signed PDF is a PDF
        assert faq[0].page is not None  # at its page, as a PDF


def _body(name: str) -> bytes:
    """The smime.p7m part of a message: what a mail program saves when asked for that attachment."""
    part = next(p for p in message(name).walk() if p.get_filename() == "smime.p7m")
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload


def test_a_signed_body_saved_on_its_own_is_a_message_an_encrypted_one_says_so() -> None:
    assert kinds.document_name("smime.p7m") == kinds.document_name("Smime (2).p7m") == "smime.eml"
    assert kinds.is_listed("smime.p7m") and kinds.document_extension("smime.p7m") == "eml"
    saved = extract_data("smime (1).p7m", _body("smime-opaque-signed.eml"))
    assert saved.sections[0].text.startswith("Attachments: algorithm.txt.gz\n\nOpenSSH for Debian")
    assert {s.part for s in saved.sections} == {None, "algorithm.txt.gz"}
    with pytest.raises(FileSkipped, match="encrypted: only its recipient's key opens it"):
        extract_data("smime.p7m", _body("smime-encrypted.eml"))


@pytest.mark.model
def test_a_question_finds_the_attachment_of_a_saved_signed_body(tmp_path: Path, real_embedder) -> None:
    from tests.support.real_search import search_folder

    docs = tmp_path / "saved"
    docs.mkdir()
    (docs / "smime.p7m").write_bytes(_body("smime-opaque-signed.eml"))
    (docs / "notes.txt").write_text("Shopping list: bread, apples, coffee.", encoding="utf-8")
    top = search_folder(docs, tmp_path / "home", real_embedder, "How does deflate compression work?", k=1)[0]
    assert Path(top.path).name == "smime.p7m" and top.part == "algorithm.txt.gz"
