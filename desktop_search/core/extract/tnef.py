"""Outlook's ``winmail.dat`` (TNEF, [MS-OXTNEF]): the attachments and the body Outlook wrapped in it.

Outlook and Exchange send a message's attachments inside one ``application/ms-tnef`` part when they
think the recipient runs Outlook too; every other mail program shows a ``winmail.dat`` it cannot open.
:func:`tnef_to_email` reads that part into an :class:`~email.message.EmailMessage` holding its body
(plain text, else HTML, else compressed RTF, as :mod:`outlook` reads a ``.msg``) and its attachments
with their file names; an attached Outlook message (a TNEF stream of its own) becomes an attached
message (``message/rfc822``), a file dropped in as an OLE Package object that file, another embedded
OLE object its bytes. :mod:`mail_parts` shows those
attachments as the message's own, as Outlook showed them to its sender.

The stream is a signature, then attributes: a level (message or attachment), an id, a length, the
bytes and a checksum (not checked: Outlook's own readers ignore it too, and a real sample's is wrong).
An attachment opens with ``attAttachRendData``; its title, data and MAPI properties follow. MAPI
property lists ([MS-OXTNEF] 2.1.3.4) carry what the legacy attributes lack: long file names, the body
in HTML or compressed RTF, the code page of 8-bit strings.
"""

from __future__ import annotations

import mimetypes
import struct
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

from desktop_search.core.extract.compound_file import packaged_file
from desktop_search.core.extract.outlook import OLE_MAGIC as _OLE_MAGIC
from desktop_search.core.extract.outlook import code_page_codec, set_body

TNEF_SIGNATURE = b"\x78\x9f\x3e\x22"  # 0x223E9F78, little-endian
TNEF_TYPES = frozenset({"application/ms-tnef", "application/vnd.ms-tnef"})  # a winmail.dat part's
MAX_NESTED = 3  # attached Outlook messages read, levels deep
# attribute ids (the low word of [MS-OXTNEF]'s 32-bit ids, whose high word is the value's type)
_SUBJECT, _BODY, _MESSAGE_PROPS, _CODE_PAGE = 0x8004, 0x800C, 0x9003, 0x9007
_ATTACH_START, _ATTACH_TITLE, _ATTACH_DATA, _ATTACH_PROPS = 0x9002, 0x8010, 0x800F, 0x9005
# MAPI property ids and types ([MS-OXPROPS], [MS-OXCDATA])
_P_SUBJECT, _P_BODY, _P_HTML, _P_RTF = 0x0037, 0x1000, 0x1013, 0x1009
_P_DATA, _P_SHORT_NAME, _P_LONG_NAME, _P_DISPLAY_NAME = 0x3701, 0x3704, 0x3707, 0x3001
_P_CODE_PAGE, _P_INTERNET_CPID, _P_CONTENT_ID = 0x3FFD, 0x3FDE, 0x3712
_STRING8, _UNICODE, _BINARY, _OBJECT = 0x001E, 0x001F, 0x0102, 0x000D
_MULTIPLE = 0x1000
_FIXED_SIZES = {0x0002: 4, 0x0003: 4, 0x0004: 4, 0x0005: 8, 0x0006: 8, 0x0007: 8, 0x000A: 4, 0x000B: 4,
                0x0014: 8, 0x0040: 8, 0x0048: 16, 0x0001: 0}  # fmt: skip
_IID_SIZE = 16  # an object value opens with the interface id it is stored under


class NotTnef(ValueError):
    """The bytes are no TNEF stream, or one too damaged to read."""


@dataclass
class _Attachment:
    title: str = ""
    data: bytes = b""
    props: dict[int, list[bytes]] = field(default_factory=dict)


@dataclass
class _Stream:
    """The attributes of one TNEF stream, gathered."""

    subject: str = ""
    body: bytes = b""
    codec: str = "cp1252"
    props: dict[int, list[bytes]] = field(default_factory=dict)
    attachments: list[_Attachment] = field(default_factory=list)


def is_tnef(data: bytes) -> bool:
    return data.startswith(TNEF_SIGNATURE)


def unwrap_tnef(part: EmailMessage) -> EmailMessage | None:
    """The message a ``winmail.dat`` part wraps (by its type, or its name under another type), or None
    when the part is none or cannot be read."""
    try:
        name = (part.get_filename() or "").strip().lower()
    except Exception:  # a malformed file name parameter
        name = ""
    if part.get_content_type() not in TNEF_TYPES and name != "winmail.dat":
        return None
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes) or not is_tnef(payload):
        return None
    try:
        return tnef_to_email(payload)
    except Exception:  # damaged beyond what the reader tolerates: named and noted by mail, not read
        return None


def tnef_to_email(data: bytes, level: int = 0) -> EmailMessage:
    """The TNEF stream as an e-mail message (subject, body, attachments); NotTnef when it is none."""
    stream = _read_stream(data)
    msg = EmailMessage(policy=policy.default)
    subject = _string(stream.props, _P_SUBJECT, stream.codec) or stream.subject
    if subject:
        msg["Subject"] = " ".join(subject.split())
    html = _first(stream.props, _P_HTML)
    markup = html.decode(stream.codec, "replace") if html else _string(stream.props, _P_HTML, stream.codec)
    text = _string(stream.props, _P_BODY, stream.codec) or stream.body.decode(stream.codec, "replace")
    set_body(msg, text.split("\0", 1)[0], markup, _first(stream.props, _P_RTF))
    for attachment in stream.attachments:
        _attach(msg, attachment, stream.codec, level)
    return msg


def _attach(msg: EmailMessage, attachment: _Attachment, codec: str, level: int) -> None:
    props = attachment.props
    name = _string(props, _P_LONG_NAME, codec) or _string(props, _P_SHORT_NAME, codec)
    name = (name or attachment.title or _string(props, _P_DISPLAY_NAME, codec)).replace("\\", "/")
    name = name.rsplit("/", 1)[-1].strip()
    # the attachment's bytes are its legacy data, unless its object is a message: the legacy data of an
    # attached message is only a note ("This attachment is a MAPI 1.0 embedded message …")
    data = _object(_first(props, _P_DATA))
    if not is_tnef(data):
        data = attachment.data or data
    if not data:
        return
    packaged = packaged_file(data) if data.startswith(_OLE_MAGIC) else None
    if packaged is not None:  # a file dropped into the message as an object: the file
        name, data = packaged
    if is_tnef(data):  # an attached Outlook message
        if level < MAX_NESTED:
            try:
                inner = tnef_to_email(data, level + 1)
            except NotTnef:
                return
            base = name or str(inner["Subject"] or "") or "attached message"
            msg.add_attachment(inner, filename=f"{base}.eml")
        return
    mime = (mimetypes.guess_type(name)[0] if name else None) or "application/octet-stream"
    maintype, _, subtype = mime.partition("/")
    if maintype == "text":  # read by the extractor its name chooses, from its own bytes
        maintype, subtype = "application", "octet-stream"
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name or None)
    content_id = _string(props, _P_CONTENT_ID, codec)
    parts = msg.get_payload()
    if content_id and isinstance(parts, list) and isinstance(parts[-1], EmailMessage):
        parts[-1]["Content-ID"] = f"<{content_id.strip('<>')}>"  # the wrapped HTML shows it (cid:)


def _read_stream(data: bytes) -> _Stream:
    if not is_tnef(data) or len(data) < 6:
        raise NotTnef("not a TNEF stream")
    stream = _Stream()
    offset = 6  # the signature and a legacy key
    while offset + 9 <= len(data):
        level, attribute, length = struct.unpack_from("<BII", data, offset)
        start = offset + 9
        if level not in (1, 2) or start + length > len(data):
            break  # garbage after the last attribute, or a stream cut off: keep what was read
        value = data[start : start + length]
        offset = start + length + 2  # the checksum
        _take(stream, level, attribute & 0xFFFF, value)
    if not stream.props and not stream.attachments and not stream.body:
        raise NotTnef("no attribute could be read")
    return stream


def _take(stream: _Stream, level: int, attribute: int, value: bytes) -> None:
    if level == 2 and attribute == _ATTACH_START:
        stream.attachments.append(_Attachment())
        return
    current = stream.attachments[-1] if level == 2 and stream.attachments else None
    if current is not None:
        if attribute == _ATTACH_TITLE:
            current.title = _cstring(value, stream.codec)
        elif attribute == _ATTACH_DATA:
            current.data = value
        elif attribute == _ATTACH_PROPS:
            current.props.update(_properties(value))
        return
    if attribute == _CODE_PAGE and len(value) >= 4:
        stream.codec = code_page_codec(struct.unpack_from("<I", value)[0])
    elif attribute == _SUBJECT:
        stream.subject = _cstring(value, stream.codec)
    elif attribute == _BODY:
        stream.body = value
    elif attribute == _MESSAGE_PROPS:
        stream.props.update(_properties(value))
        page = _integer(stream.props, _P_CODE_PAGE) or _integer(stream.props, _P_INTERNET_CPID)
        if page:
            stream.codec = code_page_codec(page)


def _properties(data: bytes) -> dict[int, list[bytes]]:
    """A MAPI property list: ``type << 16 | id`` -> the property's values, as bytes. Named properties
    (ids from 0x8000) are read past; a list cut short keeps what came before it."""
    found: dict[int, list[bytes]] = {}
    try:
        count = struct.unpack_from("<I", data)[0]
        offset = 4
        for _ in range(count):
            kind, prop = struct.unpack_from("<HH", data, offset)
            offset += 4
            if prop >= 0x8000:  # a named property: its GUID, then a number or a UTF-16 name
                name_kind = struct.unpack_from("<I", data, offset + 16)[0]
                offset += 20
                if name_kind == 1:
                    size = struct.unpack_from("<I", data, offset)[0]
                    offset += 4 + _padded(size)
                else:
                    offset += 4
            values, offset = _values(data, offset, kind)
            found[(kind << 16) | prop] = values
    except struct.error:
        pass
    return found


def _values(data: bytes, offset: int, kind: int) -> tuple[list[bytes], int]:
    base = kind & ~_MULTIPLE
    variable = base in (_STRING8, _UNICODE, _BINARY, _OBJECT)
    count = 1
    if kind & _MULTIPLE or variable:
        count = struct.unpack_from("<I", data, offset)[0]
        offset += 4
    if not variable:
        size = _FIXED_SIZES.get(base)
        if size is None:
            raise struct.error(f"unknown property type {base:#x}")
        values = [data[offset + i * size : offset + (i + 1) * size] for i in range(count)]
        return values, offset + count * size
    values = []
    for _ in range(count):
        size = struct.unpack_from("<I", data, offset)[0]
        if offset + 4 + size > len(data):
            raise struct.error("property value cut off")
        values.append(data[offset + 4 : offset + 4 + size])
        offset += 4 + _padded(size)
    return values, offset


def _object(value: bytes) -> bytes:
    """An object value's object: the bytes after its interface id, when a message or a compound file
    follows it; other values as they are."""
    inner = value[_IID_SIZE:]
    return inner if is_tnef(inner) or inner.startswith(_OLE_MAGIC) else value


def _padded(size: int) -> int:
    return (size + 3) // 4 * 4


def _first(props: dict[int, list[bytes]], prop: int) -> bytes:
    """The first value of a binary or object property (or an 8-bit string's bytes)."""
    for kind in (_BINARY, _OBJECT, _STRING8):
        values = props.get((kind << 16) | prop)
        if values:
            return values[0]
    return b""


def _string(props: dict[int, list[bytes]], prop: int, codec: str) -> str:
    values = props.get((_UNICODE << 16) | prop)
    if values:
        return values[0].decode("utf-16-le", "replace").split("\0", 1)[0].strip()
    values = props.get((_STRING8 << 16) | prop)
    return _cstring(values[0], codec).strip() if values else ""


def _cstring(value: bytes, codec: str) -> str:
    """An 8-bit string up to its NUL, in the stream's code page."""
    return value.split(b"\0", 1)[0].decode(codec, "replace")


def _integer(props: dict[int, list[bytes]], prop: int) -> int | None:
    values = props.get((0x0003 << 16) | prop)
    return struct.unpack_from("<i", values[0])[0] if values and len(values[0]) >= 4 else None
