"""S/MIME messages ([RFC 8551]) and signed files: what a signature wraps, and encrypted mail told apart.

A message signed "opaquely" (``application/pkcs7-mime; smime-type=signed-data``, Outlook's choice when
the recipient may not read S/MIME) carries its whole MIME content, body and attachments, inside one
PKCS #7 structure: every other reader sees a ``smime.p7m`` and nothing else. :func:`signed_content`
takes that content out (CMS SignedData's encapsulated content, [RFC 5652] 5.2: BER, definite or
indefinite lengths, the octet string whole or in chunks); the signature is not checked, as a mail
program that shows the message would. An encrypted one (``enveloped-data``) can be read only with its
recipient's private key: :func:`is_encrypted` says so, and :mod:`mail` notes it as it does for PGP.

A file signed the same way (``contract.pdf.p7m``: CAdES, what qualified electronic signatures in the EU
make, and every Italian electronic invoice, ``.xml.p7m``) is the document inside its signature;
:func:`signed_payload` gives it to :mod:`compressed`, which reads it as the document its name says.
"""

from __future__ import annotations

import base64
import binascii
import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

SMIME_TYPES = frozenset({"application/pkcs7-mime", "application/x-pkcs7-mime"})
# object identifiers, DER-encoded: id-signedData, id-envelopedData, id-ct-authEnvelopedData
_SIGNED_DATA = bytes.fromhex("2a864886f70d010702")
_ENVELOPED = (bytes.fromhex("2a864886f70d010703"), bytes.fromhex("2a864886f70d0109100117"))
_SEQUENCE, _OID, _OCTETS, _CONSTRUCTED_OCTETS, _EXPLICIT_0 = 0x30, 0x06, 0x04, 0x24, 0xA0
MAX_DEPTH = 16  # nested BER chunks read at most
_PEM = re.compile(rb"-----(?:BEGIN|END) [A-Z0-9 ]+-----")


class _BadBer(ValueError):
    pass


def _element(data: bytes, at: int, depth: int = 0) -> tuple[int, int, int, int]:
    """The BER element at ``at``: its tag, where its content starts and ends, and where the next
    element starts. An indefinite length ends at its end-of-contents octets."""
    if at + 2 > len(data) or depth > MAX_DEPTH:
        raise _BadBer("cut off")
    tag, first = data[at], data[at + 1]
    if tag & 0x1F == 0x1F:
        raise _BadBer("high tag numbers are not used here")
    start = at + 2
    if first == 0x80:  # indefinite: nested elements up to 00 00
        end = start
        while data[end : end + 2] != b"\0\0":
            end = _element(data, end, depth + 1)[3]
        return tag, start, end, end + 2
    if first & 0x80:
        size = first & 0x7F
        if size > 4 or start + size > len(data):
            raise _BadBer("length too long")
        length = int.from_bytes(data[start : start + size], "big")
        start += size
    else:
        length = first
    if start + length > len(data):
        raise _BadBer("cut off")
    return tag, start, start + length, start + length


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    found = []
    while start < end and data[start : start + 2] != b"\0\0":
        tag, body, stop, start = _element(data, start)
        found.append((tag, body, stop))
    return found


def _octets(data: bytes, tag: int, start: int, end: int, depth: int = 0) -> bytes:
    """An OCTET STRING's bytes: primitive, or constructed of chunks (each again either)."""
    if tag == _OCTETS:
        return data[start:end]
    if tag != _CONSTRUCTED_OCTETS or depth > MAX_DEPTH:
        raise _BadBer("not an octet string")
    return b"".join(_octets(data, t, s, e, depth + 1) for t, s, e in _children(data, start, end))


def _content_info(der: bytes) -> tuple[bytes, list[tuple[int, int, int]]]:
    """A ContentInfo's content type (the OID's bytes) and the elements inside its [0] content."""
    tag, start, end, _ = _element(der, 0)
    if tag != _SEQUENCE:
        raise _BadBer("not a ContentInfo")
    fields = _children(der, start, end)
    if len(fields) < 2 or fields[0][0] != _OID or fields[1][0] != _EXPLICIT_0:
        raise _BadBer("not a ContentInfo")
    return der[fields[0][1] : fields[0][2]], _children(der, fields[1][1], fields[1][2])


def _encapsulated(der: bytes) -> bytes:
    """The content a SignedData structure signs."""
    kind, inside = _content_info(der)
    if kind != _SIGNED_DATA or not inside or inside[0][0] != _SEQUENCE:
        raise _BadBer("not signed data")
    signed = _children(der, inside[0][1], inside[0][2])  # version, digest algorithms, encapsulated, …
    if len(signed) < 3 or signed[2][0] != _SEQUENCE:
        raise _BadBer("no encapsulated content")
    encapsulated = _children(der, signed[2][1], signed[2][2])
    if len(encapsulated) < 2 or encapsulated[1][0] != _EXPLICIT_0:
        raise _BadBer("detached: the content is not inside")
    (tag, start, end), *_ = _children(der, encapsulated[1][1], encapsulated[1][2])
    return _octets(der, tag, start, end)


def looks_signed(data: bytes) -> bool:
    """Whether bytes begin like a signature structure: DER or BER (a SEQUENCE), base64 of one ("MI"),
    or PEM armour."""
    head = data[:64].lstrip()
    return head.startswith((b"\x30\x80", b"\x30\x81", b"\x30\x82", b"\x30\x83", b"MI", b"-----BEGIN"))


def _binary(data: bytes) -> bytes | None:
    """DER or BER as it is, or decoded from base64 (with or without PEM armour); None if not base64."""
    if data[:1] == b"\x30":
        return data
    try:
        return base64.b64decode(_PEM.sub(b"", data))
    except (binascii.Error, ValueError):
        return None


def signed_payload(data: bytes) -> bytes | None:
    """The document a signed file (``.p7m``: CMS SignedData, as DER or BER, base64 or PEM) wraps; None
    when it is none, is damaged, or signs a document kept beside it (a detached signature)."""
    der = _binary(data)
    if der is None:
        return None
    try:
        return _encapsulated(der)
    except (_BadBer, IndexError):
        return None


def encrypted_file(data: bytes) -> bool:
    """Whether a ``.p7m`` holds encrypted content (CMS EnvelopedData) rather than signed content."""
    der = _binary(data)
    try:
        return der is not None and _content_info(der)[0] in _ENVELOPED
    except (_BadBer, IndexError):
        return False


def _der(msg: EmailMessage) -> bytes:
    if msg.get_content_type() not in SMIME_TYPES:
        return b""
    payload = msg.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def signed_content(msg: EmailMessage) -> EmailMessage | None:
    """The MIME content an opaquely signed message carries, or None when it is not one (or damaged)."""
    der = _der(msg)
    if not der or str(msg.get_param("smime-type", "signed-data")).lower() != "signed-data":
        return None
    content = signed_payload(der)
    if content is None:
        return None
    inner = BytesParser(policy=policy.default).parsebytes(content)
    return inner if isinstance(inner, EmailMessage) else None


def is_encrypted(msg: EmailMessage) -> bool:
    """Whether the message is S/MIME-encrypted (enveloped data: only its recipient's key opens it)."""
    der = _der(msg)
    if not der:
        return False
    if "enveloped" in str(msg.get_param("smime-type", "")).lower():
        return True
    try:
        return _content_info(der)[0] in _ENVELOPED
    except (_BadBer, IndexError):
        return False
