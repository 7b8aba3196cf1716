"""S/MIME mail: an opaquely signed message's body and attachments are read, an encrypted one is noted.

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

from desktop_search.core.extract.dispatch import extract_data, part_data
from desktop_search.core.extract.mail_parts import ENCRYPTED_REASON
from desktop_search.core.extract.smime import is_encrypted, signed_content

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


@pytest.mark.model
def test_a_question_finds_the_attachment_of_an_opaquely_signed_message(tmp_path: Path, real_embedder) -> None:
    from tests.support.real_search import indexed_engine

    docs = tmp_path / "mail"
    docs.mkdir()
    for name in ("smime-opaque-signed.eml", "smime-encrypted.eml"):
        (docs / name).write_bytes((DATA / name).read_bytes())
    with indexed_engine(docs, tmp_path / "home", real_embedder) as engine:
        top = engine.search("Wie funktioniert der Deflate-Kompressionsalgorithmus?", k=3)[0]
        assert Path(top.path).name == "smime-opaque-signed.eml" and top.part == "algorithm.txt.gz"
        encrypted = engine.search("OpenSSH notes encrypted", k=5)
        assert any(Path(h.path).name == "smime-encrypted.eml" for h in encrypted)  # by its subject
