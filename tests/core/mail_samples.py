"""Realistic mail and archives for tests: messages built with Python's email package (MIME, base64
attachments, encoded headers), mboxes with From_ lines and quoted '>From ' body lines, zips and tars."""

from __future__ import annotations

import io
import tarfile
import zipfile
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
REFERENCE_PDF = DATA / "debian-reference.en.excerpt.pdf"


def message(
    subject: str,
    body: str,
    *,
    sender: str = "Ana Pérez <ana@example.org>",
    to: str = "Team <team@example.org>",
    date: datetime = datetime(2024, 3, 14, 9, 30, tzinfo=UTC),
    attachments: tuple[tuple[str, bytes, str], ...] = (),
    html: str | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = f"<{abs(hash((subject, body))) % 10**12}@example.org>"
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    for name, data, mime in attachments:
        if mime == "message/rfc822":
            from email import policy
            from email.parser import BytesParser

            msg.add_attachment(BytesParser(policy=policy.default).parsebytes(data), filename=name)
            continue
        maintype, subtype = mime.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


def mbox(*messages: EmailMessage) -> bytes:
    """An mbox (mboxrd): a From_ line before each message, body lines starting 'From ' quoted."""
    out = []
    for msg in messages:
        raw = msg.as_bytes(unixfrom=False).replace(b"\r\n", b"\n")
        raw = b"\n".join(
            b">" + line if line.lstrip(b">").startswith(b"From ") else line for line in raw.split(b"\n")
        )
        out.append(b"From ana@example.org Thu Mar 14 09:30:00 2024\n" + raw.rstrip(b"\n") + b"\n\n")
    return b"".join(out)


def zip_of(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def tar_of(members: dict[str, bytes], mode: str = "w:gz") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as tf:  # type: ignore[call-overload]
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1_700_000_000
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def encrypted_zip(name: str, data: bytes) -> bytes:
    """A zip whose one member is marked encrypted (ZipCrypto flag), as a password-protected zip is."""
    plain = zip_of({name: data}, compression=zipfile.ZIP_STORED)
    # set bit 0 (encrypted) of the general purpose flags, in the local header and the central directory
    out = bytearray(plain)
    out[6] |= 0x01
    central = plain.rfind(b"PK\x01\x02")
    out[central + 8] |= 0x01
    return bytes(out)


QUARTERLY = (
    "Quarterly report for the third quarter. Revenue from the harbour ferry service rose by eleven "
    "percent, mostly from the new evening crossings to the lighthouse island. Fuel costs fell."
)
OTTERS = "Field notes: the river otters returned to the old mill pond in April and raised three cubs."
