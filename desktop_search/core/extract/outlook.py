"""Outlook ``.msg`` files: read into an e-mail message, which :mod:`mail` then indexes like an ``.eml``.

A ``.msg`` is a Compound File (OLE2, read with ``olefile``) holding MAPI properties ([MS-OXMSG]):
each variable-size property is a stream ``__substg1.0_IIIITTTT`` (id, type), fixed-size ones are
16-byte entries of the ``__properties_version1.0`` stream, and recipients and attachments are storages
of their own (an attached Outlook message is a storage too). :func:`to_email` turns one into an
:class:`~email.message.EmailMessage`:

- From, To, Cc and Date come from the internet headers a received message keeps; a message that was
  never sent over the internet (a draft, an Exchange-internal mail) has them from its MAPI properties;
- the body is the plain-text body, else the HTML body, else the compressed RTF body ([MS-OXRTFCP]);
- attachments keep their file names; an attached Outlook message becomes an attached message
  (``message/rfc822``), so it is read as one, and a signed message's MIME content is opened.

8-bit strings are decoded with the message's code page. Everything after that (the first passage's
header lines, attachments as sub-documents, Open on an attachment) is :mod:`mail`'s.
"""

from __future__ import annotations

import codecs
import contextlib
import struct
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser, HeaderParser
from email.utils import format_datetime, formataddr

import olefile

from desktop_search.core.extract.compound_file import open_compound, read_stream
from desktop_search.core.extract.results import ExtractionFailed

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_NESTED = 3  # attached Outlook messages read, levels deep
_UNICODE, _STRING8, _BINARY, _OBJECT = 0x001F, 0x001E, 0x0102, 0x000D
# property ids ([MS-OXPROPS])
_SUBJECT, _HEADERS, _BODY, _HTML, _RTF = 0x0037, 0x007D, 0x1000, 0x1013, 0x1009
_SENDER_NAME, _SENDER_ADDRESS, _SENDER_SMTP = 0x0C1A, 0x0C1F, 0x5D01
_DISPLAY_TO, _DISPLAY_CC = 0x0E04, 0x0E03
_SUBMIT_TIME, _DELIVERY_TIME, _CREATION_TIME = 0x0039, 0x0E06, 0x3007
_CODEPAGE, _INTERNET_CPID = 0x3FFD, 0x3FDE
_FLAGS, _UNSENT = 0x0E07, 0x8
_RECIPIENT_TYPE, _DISPLAY_NAME, _EMAIL_ADDRESS, _SMTP_ADDRESS = 0x0C15, 0x3001, 0x3003, 0x39FE
_ATTACH_DATA, _ATTACH_LONG_NAME, _ATTACH_NAME, _ATTACH_MIME = 0x3701, 0x3707, 0x3704, 0x370E
_SIGNED = "multipart/signed"
# Windows code pages whose Python codec is not "cp<number>"
_CODE_PAGES = {20127: "ascii", 1200: "utf-16-le", 10000: "mac_roman", 20866: "koi8_r", 21866: "koi8_u",
               50220: "iso2022_jp", 50221: "iso2022_jp", 50222: "iso2022_jp", 51932: "euc_jp",
               51949: "euc_kr", 52936: "hz", 54936: "gb18030", 28591: "latin_1",
               **{28590 + n: f"iso8859_{n}" for n in range(2, 16)}}  # fmt: skip
# [MS-OXRTFCP]: the dictionary a compressed RTF body starts from
_RTF_PREFIX = (
    b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript "
    b"\\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par "
    b"\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx"
)
_LZFU, _MELA = 0x75465A4C, 0x414C454D


def is_outlook_message(data: bytes) -> bool:
    return data.startswith(OLE_MAGIC)


def to_email(data: bytes) -> EmailMessage:
    """The ``.msg`` as an e-mail message; ExtractionFailed when it is not an Outlook message."""
    with open_compound(data, "Outlook message") as ole:
        if not ole.exists("__properties_version1.0"):
            raise ExtractionFailed("The Outlook message is damaged (or another Office file named .msg).")
        return _message(_Storage(ole, "", header=32), 0)


class _Storage:
    """One message, recipient or attachment storage of the compound file."""

    def __init__(self, ole: olefile.OleFileIO, prefix: str, header: int, codec: str = "cp1252") -> None:
        self.ole, self.prefix = ole, prefix
        self.fixed = _fixed_properties(self._read("__properties_version1.0") or b"", header)
        page = self.integer(_CODEPAGE) or self.integer(_INTERNET_CPID)
        self.codec = code_page_codec(page) if page else codec

    def _read(self, name: str) -> bytes | None:
        path = self.prefix + name
        if self.ole.exists(path) and self.ole.get_type(path) == olefile.STGTY_STREAM:
            return read_stream(self.ole, path)
        return None

    def binary(self, prop: int) -> bytes | None:
        return self._read(f"__substg1.0_{prop:04X}{_BINARY:04X}")

    def string(self, prop: int) -> str:
        raw = self._read(f"__substg1.0_{prop:04X}{_UNICODE:04X}")
        if raw is not None:
            return raw.decode("utf-16-le", "replace").split("\0", 1)[0].strip()
        raw = self._read(f"__substg1.0_{prop:04X}{_STRING8:04X}")
        return raw.decode(self.codec, "replace").split("\0", 1)[0].strip() if raw is not None else ""

    def integer(self, prop: int) -> int | None:
        value = self.fixed.get(prop)
        return struct.unpack_from("<i", value)[0] if value is not None else None

    def time(self, prop: int) -> datetime | None:
        value = self.fixed.get(prop)
        if value is None:
            return None
        ticks = struct.unpack_from("<Q", value)[0]  # FILETIME: 100 ns since 1601
        try:
            return datetime(1601, 1, 1, tzinfo=UTC) + timedelta(microseconds=ticks // 10)
        except OverflowError:
            return None

    def children(self, kind: str) -> list[str]:
        """Storage paths of this message's recipients (``recip``) or attachments (``attach``)."""
        depth = self.prefix.count("/")
        found = {
            "/".join(entry[: depth + 1])
            for entry in self.ole.listdir(streams=True, storages=True)
            if len(entry) > depth
            and "/".join(entry[:depth]) + ("/" if depth else "") == self.prefix
            and entry[depth].startswith(f"__{kind}_version1.0_#")
        }
        return sorted(found)

    def child(self, path: str, header: int = 8) -> _Storage:
        return _Storage(self.ole, path + "/", header, self.codec)


def _fixed_properties(stream: bytes, header: int) -> dict[int, bytes]:
    """Property id -> its 8-byte value, from a properties stream (after its ``header`` bytes)."""
    values: dict[int, bytes] = {}
    for offset in range(header, len(stream) - 15, 16):
        tag = struct.unpack_from("<I", stream, offset)[0]
        values.setdefault(tag >> 16, stream[offset + 8 : offset + 16])
    return values


def code_page_codec(code_page: int) -> str:
    """The Python codec of a Windows code page (Windows-1252 for one Python does not know)."""
    name = _CODE_PAGES.get(code_page, f"cp{code_page}")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "cp1252"


def _message(store: _Storage, level: int) -> EmailMessage:
    msg = EmailMessage(policy=policy.default)
    _set_header(msg, "Subject", store.string(_SUBJECT))
    headers = HeaderParser(policy=policy.default).parsestr(store.string(_HEADERS))
    for name in ("From", "To", "Cc", "Date"):
        _set_header(msg, name, " ".join(str(headers.get(name) or "").split()))
    if "From" not in msg:
        address = store.string(_SENDER_SMTP) or store.string(_SENDER_ADDRESS)
        _set_header(msg, "From", _address(store.string(_SENDER_NAME), address))
    if "To" not in msg and "Cc" not in msg:
        to, cc = _recipients(store)
        _set_header(msg, "To", to or store.string(_DISPLAY_TO))
        _set_header(msg, "Cc", cc or store.string(_DISPLAY_CC))
    if "Date" not in msg:  # a draft's "delivery" time is when it was first saved; its last change is later
        unsent = (store.integer(_FLAGS) or 0) & _UNSENT
        when = store.time(_SUBMIT_TIME) or (None if unsent else store.time(_DELIVERY_TIME))
        when = when or store.time(_CREATION_TIME)
        if when is not None:
            _set_header(msg, "Date", format_datetime(when))
    _set_body(msg, store)
    for path in store.children("attach"):
        _attach(msg, store.child(path), level)
    return msg


def _set_header(msg: EmailMessage, name: str, value: str) -> None:
    value = " ".join(value.split())
    if not value:
        return
    try:
        msg[name] = value
    except (ValueError, TypeError, IndexError):  # an address the header policy cannot parse
        del msg[name]
        msg[name] = value.replace("<", "").replace(">", "").replace(",", " ")


def _recipients(store: _Storage) -> tuple[str, str]:
    """The To and Cc lines from the recipient storages (Bcc is left out, as a sent mail shows it)."""
    lines: dict[int, list[str]] = {1: [], 2: []}
    for path in store.children("recip"):
        recipient = store.child(path)
        address = recipient.string(_SMTP_ADDRESS) or recipient.string(_EMAIL_ADDRESS)
        entry = _address(recipient.string(_DISPLAY_NAME), address)
        if entry:
            lines.setdefault(recipient.integer(_RECIPIENT_TYPE) or 1, []).append(entry)
    return ", ".join(lines[1]), ", ".join(lines[2])


def _address(name: str, address: str) -> str:
    """ "Name <address>"; the name alone where the address is not an internet one (an Exchange path)."""
    if "@" not in address:
        return name
    return formataddr(("" if name == address else name, address))


def _set_body(msg: EmailMessage, store: _Storage) -> None:
    html = store.binary(_HTML)
    markup = html.decode(store.codec, "replace") if html is not None else store.string(_HTML)
    set_body(msg, store.string(_BODY), markup, store.binary(_RTF))


def set_body(msg: EmailMessage, text: str, html: str, rtf: bytes | None) -> None:
    """Give ``msg`` the first body Outlook stored: plain text, else HTML, else compressed RTF."""
    if text.strip():
        msg.set_content(text.replace("\r\n", "\n"))
        return
    if html.strip():
        msg.set_content(html, subtype="html")
        return
    if rtf:
        from desktop_search.core.extract.rtf import rtf_to_text

        # a damaged RTF body is left out: the headers and attachments are still worth indexing
        with contextlib.suppress(ExtractionFailed, ValueError, struct.error):
            msg.set_content(rtf_to_text(decompress_rtf(rtf)))
            return
    msg.set_content("")  # no body at all (an empty draft): an empty one, which every reader can read


def _attach(msg: EmailMessage, attachment: _Storage, level: int) -> None:
    name = attachment.string(_ATTACH_LONG_NAME) or attachment.string(_ATTACH_NAME)
    name = name or attachment.string(_DISPLAY_NAME)
    embedded = attachment.prefix + f"__substg1.0_{_ATTACH_DATA:04X}{_OBJECT:04X}"
    if attachment.ole.exists(embedded) and attachment.ole.get_type(embedded) == olefile.STGTY_STORAGE:
        if level < MAX_NESTED:  # an attached Outlook message: a message/rfc822 part, read as a message
            inner = _message(_Storage(attachment.ole, embedded + "/", 24, attachment.codec), level + 1)
            msg.add_attachment(inner, filename=f"{name or inner['Subject'] or 'attached message'}.eml")
        return
    data = attachment.binary(_ATTACH_DATA)
    if not data:
        return
    mime = attachment.string(_ATTACH_MIME).lower() or "application/octet-stream"
    if mime == _SIGNED:  # a signed message's MIME body: its text and attachments, not the signature
        _open_signed(msg, data)
        return
    maintype, _, subtype = mime.partition("/")
    if maintype == "text":  # a text part is set from str
        text = data.decode(attachment.codec, "replace")
        msg.add_attachment(text, subtype=subtype or "plain", filename=name or None)
        return
    msg.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream", filename=name or None)


def _open_signed(msg: EmailMessage, data: bytes) -> None:
    signed = BytesParser(policy=policy.default).parsebytes(data)
    content = signed.get_payload(0) if signed.is_multipart() else signed
    if not isinstance(content, EmailMessage):
        return
    if msg.get_body(preferencelist=("plain", "html")) is None:
        body = content.get_body(preferencelist=("plain", "html"))
        if isinstance(body, EmailMessage):
            msg.set_content(str(body.get_content()), subtype=body.get_content_subtype())
    for part in content.iter_attachments():
        if isinstance(part, EmailMessage):
            msg.add_attachment(
                part.get_payload(decode=True) or b"",
                maintype="application",
                subtype="octet-stream",
                filename=part.get_filename() or None,
            )


def decompress_rtf(data: bytes) -> bytes:
    """A compressed RTF body ([MS-OXRTFCP]: LZ77 over a 4 KiB window that starts with a fixed RTF
    prefix) as RTF bytes. ValueError when it is neither compressed nor stored."""
    size, raw_size, kind = struct.unpack_from("<III", data)
    body = data[16 : 4 + size]
    if kind == _MELA:
        return body[:raw_size]
    if kind != _LZFU:
        raise ValueError("not a compressed RTF body")
    window = bytearray(4096)
    window[: len(_RTF_PREFIX)] = _RTF_PREFIX
    at, out, i = len(_RTF_PREFIX), bytearray(), 0
    while i < len(body):
        control, i = body[i], i + 1
        for bit in range(8):
            if i >= len(body):
                break
            if not control & (1 << bit):  # a literal byte
                window[at], at = body[i], (at + 1) % 4096
                out.append(body[i])
                i += 1
                continue
            if i + 1 >= len(body):
                return bytes(out)
            reference, i = (body[i] << 8) | body[i + 1], i + 2
            offset, length = reference >> 4, (reference & 0xF) + 2
            if offset == at:  # the end marker
                return bytes(out)
            for k in range(length):
                byte = window[(offset + k) % 4096]
                window[at], at = byte, (at + 1) % 4096
                out.append(byte)
    return bytes(out)
