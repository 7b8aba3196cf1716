"""E-mail: ``.eml`` files (one message), Apple Mail's ``.emlx`` (one message between its byte count and
its flags), Outlook ``.msg`` files (one message, read into the same form by :mod:`outlook`) and mbox
files (many), each message a sub-document; without an extension, by their content (a Maildir's
message files, Thunderbird's mbox folders).

A message's first passage begins with its From, To, Cc and Date lines and the names of its attachments
(not of the pictures its HTML shows in its text: a signature's logo is no attachment); its subject is
the heading and its date the part's date (search filters use it). The text a reply quotes
(:mod:`mail_quotes`), its signature and its list's footer (:mod:`mail_trailers`) are a passage of their
own, ranked like a contents list: after every passage of own text, so the message that wrote the words
comes before the replies that repeat them and before every footer that names them. PGP armour and
signature parts are not read, an opaquely signed S/MIME message's content is (:mod:`smime`), and an
encrypted message (PGP/MIME or S/MIME) keeps its header lines and a note. In an mbox the
messages are "message 1", "message 2", … in file order; an ``.eml`` is the file itself. Attachments
go through the extractor dispatch as sub-documents of their message ("message 12 / invoice.pdf");
attached messages are read as messages ("message 12 / fwd.eml"), up to :data:`MAX_NESTED_MESSAGES`
deep. A picture the HTML shows (``<img src="cid:…">``: a pasted screenshot, the text of image spam,
a logo) is read as a part of its message too, quietly (no note when it holds no text), unless it is
too small to be more than decoration (:func:`images.decoration`: logos, icons, tracking pixels; each
would cost a run of OCR in every message). Which parts are body, attachment or picture, and their
labels, are :mod:`mail_parts`'. Outlook's ``winmail.dat`` (TNEF, :mod:`tnef`) is opened: the
attachments in it are the message's, and its body is the message's text when there is no other; one
saved on its own reads as a message. Parsing is Python's email package.
"""

from __future__ import annotations

import re
from dataclasses import replace
from email import errors, policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import parsedate_to_datetime

from desktop_search.core.extract.cjk_text import TYPED_MIN_LINES, join_cjk_wraps
from desktop_search.core.extract.images import decoration
from desktop_search.core.extract.mail_parts import (
    ENCRYPTED_REASON,
    TNEF_REASON,
    TNEF_TYPES,
    appended_texts,
    attached_message,
    attachments,
    body_text,
    header,
)
from desktop_search.core.extract.mail_quotes import split_quoted
from desktop_search.core.extract.mail_trailers import drop_armour, is_footer, split_trailer
from desktop_search.core.extract.outlook import is_outlook_message, to_email
from desktop_search.core.extract.results import Extracted, ExtractionFailed, NeedsOcr
from desktop_search.core.extract.smime import is_encrypted, signed_content
from desktop_search.core.extract.subdocs import Budget, Gathered, Nesting, join, nothing_read
from desktop_search.core.extract.tnef import NotTnef, is_tnef, tnef_to_email

MAX_NESTED_MESSAGES = 3
TRUNCATED_REASON = "The message seems cut off (the file may be truncated); what was there is indexed."
_MBOX_FROM = re.compile(rb"(?m)^From [^\n]*\n(?=[!-9;-~]+:)")  # a From_ line followed by a header
_QUOTED_FROM = re.compile(rb"(?m)^>(>*From )")
_CUT_OFF = (errors.CloseBoundaryNotFoundDefect, errors.StartBoundaryNotFoundDefect)
_MESSAGE = re.compile(r"message (\d+)")
_EMLX_COUNT = re.compile(rb"\A[ \t]*(\d{1,12})[ \t]*\r?\n")
_HEADER_LINE = re.compile(rb"([!-9;-~]+):(?:[ \t]|$)")  # "Name: value" (a name has no space or colon)
_FOLDED_LINE = re.compile(rb"[ \t]")  # a header's continuation
# fields every delivered or saved message carries; two of them in a run of headers make it a message
MESSAGE_FIELDS = frozenset(
    {b"from", b"to", b"subject", b"date", b"received", b"return-path", b"message-id", b"delivered-to",
     b"mime-version"}
)  # fmt: skip


def looks_like_message(head: bytes) -> bool:
    """Whether bytes begin like one e-mail message (RFC 5322): a run of header lines, at least two of
    them fields every message has, before the first blank line. A Maildir message file has no
    extension ("1700000000.M12P34.host:2,S"), nor does a message saved from some mail programs."""
    seen: set[bytes] = set()
    for line in head[:4096].splitlines()[:60]:
        if not line.strip():
            break
        match = _HEADER_LINE.match(line)
        if match:
            seen.add(match.group(1).lower())
        elif not _FOLDED_LINE.match(line):
            return False
    return len(seen & MESSAGE_FIELDS) >= 2


def looks_like_mbox(head: bytes) -> bool:
    """Whether bytes begin like an mbox: a 'From ' line, then a header line."""
    return _MBOX_FROM.match(head) is not None


def apple_mail_message(data: bytes) -> bytes | None:
    """The message inside an Apple Mail ``.emlx`` (its byte count on the first line, the message, then a
    property list of flags), or None when ``data`` is not one."""
    match = _EMLX_COUNT.match(data)
    if match is None:
        return None
    message = data[match.end() : match.end() + int(match[1])]
    return message if looks_like_message(message[:4096]) else None


def split_mbox(data: bytes) -> list[bytes]:
    """Each message's bytes, without its From_ line, '>From ' lines unquoted."""
    starts = list(_MBOX_FROM.finditer(data))
    raws = []
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(data)
        raws.append(_QUOTED_FROM.sub(rb"\1", data[match.end() : end]))
    return raws


def _parse(raw: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


def _one_message(data: bytes) -> EmailMessage:
    """The message of an ``.eml``, an Outlook ``.msg`` or a ``winmail.dat`` saved on its own."""
    if is_outlook_message(data):
        return to_email(data)
    if not is_tnef(data):
        return _parse(data)
    try:
        return tnef_to_email(data)
    except NotTnef as err:
        raise ExtractionFailed("The winmail.dat file is damaged (nothing in it could be read).") from err


def _date(msg: Message) -> float | None:
    try:
        return parsedate_to_datetime(header(msg, "date")).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError, OSError):
        return None


def _read_message(
    msg: EmailMessage,
    label: str | None,
    nesting: Nesting,
    gathered: Gathered,
    level: int = 0,
    fallback_date: float | None = None,
) -> None:
    from desktop_search.core.extract.results import Part

    date = _date(msg) or fallback_date
    lines = [f"{h}: {v}" for h in ("From", "To", "Cc", "Date") if (v := header(msg, h))]
    content = signed_content(msg) or msg  # an opaquely signed message carries its parts inside
    attached = attachments(content)
    named = [a.label for a in attached if not a.shown]
    if named:  # found by name ("the mail with the contract PDF") even when the file has no text
        lines.append("Attachments: " + ", ".join(named))
    # parts shown below the body: text that goes on with it, or a list server's footer (set aside)
    continued: list[str] = []
    footers: list[str] = []
    for appended in appended_texts(content):
        if appended.strip():
            (footers if is_footer(appended) else continued).append(appended)
    text = "\n\n".join([body_text(content, nesting.budget.deadline), *continued])
    body, quoted = split_quoted(drop_armour(text))
    quoted = join_cjk_wraps(quoted, min_lines=TYPED_MIN_LINES)  # its "> " marks kept its wraps apart
    body, trailer = split_trailer(body)
    trailer = "\n\n".join(t for t in (trailer, *(f.strip("\n") for f in footers)) if t)
    subject = header(msg, "subject")
    gathered.parts.append(
        Part("\n".join(lines) + "\n\n" + body, heading=subject or None, part=label, date=date)
    )
    # what it answers, its signature and its list's footer: found, but after the message that wrote
    # them (mail_quotes, mail_trailers)
    aside = "\n\n".join(t for t in (quoted, trailer) if t.strip())
    if aside:
        gathered.parts.append(Part(aside, heading=subject or None, navigation=True, part=label, date=date))
    if msg.get_content_type() == "multipart/encrypted" or is_encrypted(msg):  # PGP/MIME or S/MIME
        gathered.note(label or "message", ENCRYPTED_REASON)
    if any(isinstance(d, _CUT_OFF) for p in msg.walk() for d in getattr(p, "defects", ())):
        gathered.note(label or "message", TRUNCATED_REASON)
    for att_label, att, shown in attached:
        path = join(label, att_label)
        assert path is not None
        nesting.budget.deadline.check()
        if att.get_content_type() == "message/rfc822":
            inner = attached_message(att)
            if inner is None:
                gathered.note(path, "The attached message is empty.")
            elif level >= MAX_NESTED_MESSAGES:
                gathered.note(path, "Attached messages nested too deeply; not read.")
            else:
                _read_message(inner, path, nesting, gathered, level + 1, date)
            continue
        if att.get_content_type() in TNEF_TYPES:
            gathered.note(path, TNEF_REASON)
            continue
        data = None if att.is_multipart() else att.get_payload(decode=True)
        if not isinstance(data, bytes) or not data.strip():
            continue  # an empty attachment: nothing to read, nothing to tell
        if shown and decoration(data):
            continue  # a logo or a tracking pixel: not worth a run of OCR in every message
        reason = nesting.budget.refuse(len(data))
        if reason:
            gathered.note(path, reason)
            continue
        nesting.budget.add(len(data))
        gathered.add_member(path, att_label, data, nesting, date, quiet=shown)


def extract_mail(data: bytes, nesting: Nesting) -> Extracted:
    """An mbox's messages or an .eml's one message, with their attachments, as sub-documents."""
    gathered = Gathered()
    data = apple_mail_message(data) or data
    if looks_like_mbox(data[:4096]):
        raws = split_mbox(data)
        for n, raw in enumerate(raws, start=1):
            label = (
                f"message {n}" if len(raws) > 1 else None
            )  # one message (an .eml saved with its From_ line)
            try:
                _read_message(_parse(raw), label, nesting, gathered)
            except (ExtractionFailed, NeedsOcr):  # out of time, a bomb; or its pictures wait for OCR
                raise
            except Exception as err:  # one bad message never stops the others
                gathered.note(label, f"Cannot be read ({type(err).__name__}); it may be damaged.")
    elif is_outlook_message(data) or is_tnef(data):
        _read_message(_one_message(data), None, nesting, gathered)
    else:
        msg = _parse(data)
        if not msg.keys():  # no header at all: not a message
            from desktop_search.core.extract.plaintext import extract_plain

            return replace(extract_plain(data, nesting.budget.deadline), kind="mail")
        _read_message(msg, None, nesting, gathered)
    if not gathered.parts:
        raise nothing_read(gathered.notes, "mailbox")
    return gathered.extracted("mail")


def find_part(data: bytes, label: str, budget: Budget) -> tuple[str, bytes]:
    """The bytes and file name of the message or attachment ``label`` names (one level down)."""
    data = apple_mail_message(data) or data
    if looks_like_mbox(data[:4096]):
        match = _MESSAGE.fullmatch(label)
        raws = split_mbox(data)
        if match and 1 <= int(match[1]) <= len(raws):
            return f"{label}.eml", raws[int(match[1]) - 1]
        raise ExtractionFailed(f"'{label}' is no longer in the mailbox.")
    msg = _one_message(data)
    for att_label, att, _ in attachments(signed_content(msg) or msg):
        if att_label != label:
            continue
        if att.get_content_type() == "message/rfc822":
            inner = attached_message(att)
            return label, inner.as_bytes() if inner is not None else b""
        payload = att.get_payload(decode=True)
        return label, payload if isinstance(payload, bytes) else b""
    raise ExtractionFailed(f"'{label}' is no longer in the message.")
