"""The parts of one e-mail message: the text of its body (and of the plain-text parts shown below it),
its attachments, the pictures its HTML shows, and the parts that only sign or encrypt it.

:mod:`mail` reads messages with these; a part's label here ("invoice.pdf", "attachment 2.txt") is what
search results and Open name it by, so the rules that pick and name parts live in one place.
"""

from __future__ import annotations

import mimetypes
import re
from email.message import EmailMessage, Message
from typing import NamedTuple
from urllib.parse import unquote

from desktop_search.core.extract.cjk_text import TYPED_MIN_LINES, join_cjk_wraps
from desktop_search.core.extract.encoding import decode_text
from desktop_search.core.extract.results import Deadline, ExtractionFailed, FileSkipped
from desktop_search.core.extract.subdocs import clean_name, unique_label
from desktop_search.core.extract.tnef import TNEF_TYPES, unwrap_tnef

_CID = re.compile(r"""\bcid:([^"'\s>)]+)""", re.IGNORECASE)
MAX_NESTING = 8  # multiparts inside multiparts opened, levels deep
# parts that sign or encrypt a message: checksums and base64, no one's words (mail_trailers)
SIGNATURE_TYPES = frozenset(
    {"application/pgp-signature", "application/pkcs7-signature", "application/x-pkcs7-signature",
     "application/pgp-encrypted"}
)  # fmt: skip
TNEF_REASON = (
    "Outlook's winmail.dat wrapper (TNEF) cannot be read (it may be damaged); attachments the sender's"
    " Outlook put in it are not indexed."
)
ENCRYPTED_REASON = "The message is encrypted; only its sender, recipients, date and subject are indexed."
# labels that say nothing of the bytes: read as a browser does (Windows-1252 for Latin-1 and ASCII; a
# guess when there is no label), so Outlook's "don’t" is no "don\ufffdt"
_VAGUE_CHARSETS = frozenset(
    {"", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "iso8859-1", "iso_8859-1"}
)


def header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # a malformed header the policy cannot decode
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def text_of(part: EmailMessage) -> str:
    """A text part's text: in its declared charset, unless its bytes are UTF-8 and say otherwise."""
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes) and not payload.isascii():
        try:  # UTF-8 with non-ASCII bytes is almost never another charset by chance; a wrong label is
            # common (a Chinese mail labelled GB2312 read as mojibake: "浣犲ソ" for "你好")
            text = payload.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return text.replace("\r\n", "\n")
        vague = _vaguely_labelled(payload, part.get_content_charset())
        if vague is not None:
            return vague.replace("\r\n", "\n")
    try:
        content = part.get_content()
        if isinstance(content, str):
            return content
    except (LookupError, UnicodeError, ValueError, AssertionError, KeyError):
        pass
    return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""


def _vaguely_labelled(payload: bytes, charset: str | None) -> str | None:
    """Non-ASCII bytes labelled Latin-1 read as Windows-1252 (as browsers and mail programs do), and
    those labelled ASCII or not at all by a guess; None for any other label (or no text)."""
    label = (charset or "").lower()
    if label not in _VAGUE_CHARSETS:
        return None
    if label.startswith(("iso", "latin")):
        try:
            return payload.decode("cp1252")
        except UnicodeDecodeError:  # one of the five bytes Windows-1252 leaves undefined
            return payload.decode("latin-1")
    try:
        return decode_text(payload)
    except FileSkipped:
        return None


def body_text(msg: EmailMessage, deadline: Deadline) -> str:
    """The message's text: its plain-text body, else its HTML body as text. A plain-text body's lines
    wrapped inside Chinese or Japanese words (mail programs wrap at about 70 columns) are joined."""
    for kind in ("plain", "html"):
        try:
            body = msg.get_body(preferencelist=(kind,))
        except Exception:
            body = None
        if not isinstance(body, EmailMessage):
            continue
        text = text_of(body)
        if text.strip() and kind == "html":
            from desktop_search.core.extract.html import extract_html

            try:
                text = extract_html(text.encode("utf-8"), deadline).text
            except (ExtractionFailed, FileSkipped):
                text = ""
        if text.strip():
            return join_cjk_wraps(text, min_lines=TYPED_MIN_LINES) if kind == "plain" else text
    for inner in _wrapped_messages(msg):  # Outlook sent its body only inside winmail.dat
        text = body_text(inner, deadline)
        if text.strip():
            return text
    return ""


def _wrapped_messages(msg: EmailMessage) -> list[EmailMessage]:
    """What Outlook wrapped in the message's readable winmail.dat parts (:mod:`tnef`)."""
    if not msg.is_multipart():
        return []
    try:
        parts = [a for a in msg.iter_attachments() if isinstance(a, EmailMessage)]
    except Exception:
        return []
    return [inner for inner in map(unwrap_tnef, parts) if inner is not None]


def _cid_references(msg: EmailMessage) -> set[str]:
    """The Content-IDs the message's HTML body shows (``src="cid:…"``), lower-cased."""
    try:
        html = msg.get_body(preferencelist=("html",))
    except Exception:
        return set()
    if not isinstance(html, EmailMessage):
        return set()
    return {unquote(m).strip("<>").lower() for m in _CID.findall(text_of(html))}


def _content_id(part: EmailMessage) -> str:
    return header(part, "content-id").strip().strip("<>").lower()


def _own_parts(msg: EmailMessage) -> list[EmailMessage]:
    """Every part of the message, not descending into attached messages."""
    found: list[EmailMessage] = []
    stack = [msg]
    while stack:
        part = stack.pop()
        found.append(part)
        if part.get_content_maintype() == "multipart" and isinstance(part.get_payload(), list):
            stack.extend(reversed([p for p in part.get_payload() if isinstance(p, EmailMessage)]))
    return found


def shown_pictures(msg: EmailMessage) -> list[EmailMessage]:
    """The pictures the message's HTML shows in its text (parts it refers to by Content-ID)."""
    if not msg.is_multipart():
        return []
    try:
        refs = _cid_references(msg)
        if not refs:
            return []
        return [
            p for p in _own_parts(msg)
            if p.get_content_maintype() == "image" and _content_id(p) and _content_id(p) in refs
        ]  # fmt: skip
    except Exception:
        return []


def _continues_body(part: EmailMessage) -> bool:
    """A plain-text part with no file name that is not marked as an attachment: mail programs show it
    below the body, as part of it (the footer a list server appends to a multipart message); or a text
    in two versions after the body (Apple Mail's text below a file put in the middle of a message)."""
    if part.get_content_disposition() == "attachment":
        return False
    if part.get_content_type() == "multipart/alternative":
        return True
    if part.get_content_type() != "text/plain":
        return False
    try:
        return not (part.get_filename() or "").strip()
    except Exception:
        return False


def appended_texts(msg: EmailMessage) -> list[str]:
    """The text of the parts shown below the message's body as part of it (:func:`_continues_body`)."""
    if not msg.is_multipart() or msg.get_content_type() == "multipart/encrypted":
        return []
    try:
        parts = [a for a in msg.iter_attachments() if isinstance(a, EmailMessage)]
        plain = [_plain_version(a) for a in parts if _continues_body(a)]
        return [text_of(p) for p in plain if p is not None]
    except Exception:
        return []


def _plain_version(part: EmailMessage) -> EmailMessage | None:
    """A text part itself; of a text in two versions, its plain one (None when it has none)."""
    if part.get_content_type() != "multipart/alternative":
        return part
    plain = part.get_body(preferencelist=("plain",))
    return plain if isinstance(plain, EmailMessage) else None


class Attached(NamedTuple):
    """An attachment of a message, or a picture its HTML shows, and its part label."""

    label: str
    part: EmailMessage
    shown: bool  # a picture shown in the message's text (no attachment to its reader)


def attachments(msg: EmailMessage) -> list[Attached]:
    """A message's attachments and the pictures its HTML shows, with their part labels (file names,
    made unique; attached messages end in .eml)."""
    if not msg.is_multipart():
        return []
    if msg.get_content_type() == "multipart/encrypted":
        return []  # its parts are the cipher's version and the ciphertext
    signed = msg.get_payload(0) if msg.get_content_type() == "multipart/signed" else None
    if isinstance(signed, EmailMessage) and signed.is_multipart():  # the signed content holds them
        return attachments(signed)
    try:
        found = [
            a for a in msg.iter_attachments()
            if isinstance(a, EmailMessage) and a.get_content_type() not in SIGNATURE_TYPES
            and not _continues_body(a)
        ]  # fmt: skip
    except Exception:
        found = []
    found, shown = _open_tnef(_opened_multiparts(found))
    shown += shown_pictures(msg)
    found += [p for p in shown if not any(p is a for a in found)]
    shown_ids = {id(p) for p in shown}
    labelled: list[Attached] = []
    used: set[str] = set()
    for n, att in enumerate(found, start=1):
        try:
            filename = att.get_filename() or ""
        except Exception:
            filename = ""
        name = clean_name(filename.replace("\\", "/").rsplit("/", 1)[-1]) if filename.strip() else ""
        if att.get_content_type() == "message/rfc822" and not name.lower().endswith(".eml"):
            name = f"{name or f'attached message {n}'}.eml"
        if not name and att.get_content_type() in TNEF_TYPES:
            name = "winmail.dat"  # as Outlook names it
        if not name:
            name = f"attachment {n}{mimetypes.guess_extension(att.get_content_type()) or ''}"
        labelled.append(Attached(unique_label(name, used), att, id(att) in shown_ids))
    return labelled


def _opened_multiparts(parts: list[EmailMessage], depth: int = 0) -> list[EmailMessage]:
    """The parts with each nested multipart replaced by what it holds: a digest's messages (a mailing
    list's digest: every message the list sent that day), an alternative's preferred version, the
    parts of a mixed or related one. Mail programs show these; as one part they were unread."""
    opened: list[EmailMessage] = []
    for part in parts:
        if part.get_content_maintype() != "multipart" or not part.is_multipart() or depth >= MAX_NESTING:
            opened.append(part)
            continue
        if part.get_content_subtype() == "alternative":  # one text in two versions: the plain one
            best = _plain_version(part) or part.get_body(preferencelist=("html",))
            opened += [best] if isinstance(best, EmailMessage) else []
            continue
        inner = [p for p in part.iter_parts() if isinstance(p, EmailMessage)]
        opened += _opened_multiparts(
            [p for p in inner if p.get_content_type() not in SIGNATURE_TYPES], depth + 1
        )
    return opened


def _open_tnef(parts: list[EmailMessage]) -> tuple[list[EmailMessage], list[EmailMessage]]:
    """The parts with each readable winmail.dat replaced by the attachments Outlook put in it (its
    sender saw them as the message's own), and the pictures the wrapped HTML body shows."""
    opened: list[EmailMessage] = []
    shown: list[EmailMessage] = []
    for part in parts:
        inner = unwrap_tnef(part)
        if inner is None:
            opened.append(part)
            continue
        opened += [a for a in inner.iter_attachments() if isinstance(a, EmailMessage)]
        shown += shown_pictures(inner)
    return opened, shown


def attached_message(att: EmailMessage) -> EmailMessage | None:
    payload = att.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    return inner if isinstance(inner, EmailMessage) else None
