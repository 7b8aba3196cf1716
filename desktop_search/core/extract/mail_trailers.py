"""What closes a message without being its text, and what signs or encrypts it.

- The writer's signature: the lines after the "-- " separator (RFC 3676; many programs drop its
  space), when few lines follow it.
- A mailing list's footer: a rule (a line of ``_``, ``-``, ``=`` or ``~``) near the end right above
  a line that names the list ("RPM-List mailing list", "listinfo", "To unsubscribe from this group"),
  or a few last lines that name it and give its address (FoRK's bare
  "http://xent.com/mailman/listinfo/fork"), or a whole part appended below the message that does
  (:func:`is_footer`); and
  the tagline a free-mail service adds under a rule ("Chat with friends online, try MSN Messenger:
  http://…").
- A company's disclaimer: a paragraph near the end that opens with "This e-mail … is confidential …
  intended solely for …", "If you have received this e-mail in error", or the same in German,
  French, Spanish, Italian or Dutch.
- PGP armour: a signature block, an encrypted block, a key block and the "BEGIN PGP SIGNED MESSAGE"
  header are base64 and checksums, no one's words; they are dropped, and a signed message's
  dash-escaped lines ("- --") read as written.

A list's footer is the same in each of its messages, and a signature in each of its writer's: glued to
a short message they outweigh it in its vector and match every query that names the list or the
writer's company. :mod:`mail` keeps the trailer with the quoted text, a part ranked after every
passage of own text: still found by its words, never ahead of a message that says them itself.
"""

from __future__ import annotations

import re

MAX_TRAILER_LINES = 20  # a signature or a footer is at most this many non-blank lines
MAX_TAGLINE_LINES = 4  # a rule and a link in these few lines closing a message: a service's tagline
MARKER_WITHIN = 3  # a footer names its list in the rule or one of the first lines under it
MAX_DISCLAIMER_LINES = 30  # a company's disclaimer, with whatever signature or footer follows it
MIN_DISCLAIMER_CHARS = 120  # "Please keep this confidential." closing a message is its own words

_SIGNATURE_SEPARATOR = re.compile(r"^-- ?$")
_RULE = re.compile(
    r"^[ \t]*(?:[_=~*#]{10,}|-{10,}).*$"
)  # also a rule with words: "---- Yahoo! Groups Sponsor ----"
_LIST_MARKER = re.compile(
    r"mailing list|listinfo|unsubscribe|\(un\)subscri|subscription information|mailman|yahoo! ?groups"
    r"|googlegroups|google groups|listserv|sponsored by"
    r"|abbestellen|abmelden|désabonner|désinscri|darse de baja",
    re.IGNORECASE,
)
_DISCLAIMER = re.compile(
    r"intended recipient|intended (?:solely|only|exclusively) for|(?:received|receive) this \S+ in error"
    r"|confidential and(?:/or)? (?:may be )?(?:legally )?privileged|privileged,? (?:and/or )?confidential"
    r"|irrtümlich erhalten|nicht der richtige Adressat|vertrauliche und/oder"
    r"|reçu ce (?:message|courriel|e-mail|mail) par erreur|destinataires? exclusif"
    r"|recibido este (?:mensaje|correo) por error|destinatario exclusivo"
    r"|ricevuto questo messaggio per errore|destinatario indicato"
    r"|ten onrechte ontvangen|uitsluitend bestemd voor",
    re.IGNORECASE,
)
_DISCLAIMER_TITLE = re.compile(
    r"^\W*(?:e-?mail\W+)?(?:disclaimer|haftungsausschluss|avertissement)\W*$", re.IGNORECASE
)
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
_ADDRESS = re.compile(r"https?://|www\.|\S@\S", re.IGNORECASE)
_ARMOUR = re.compile(
    r"^-----BEGIN PGP (SIGNATURE|MESSAGE|PUBLIC KEY BLOCK)-----[ \t]*$.*?^-----END PGP \1-----[ \t]*\n?",
    re.MULTILINE | re.DOTALL,
)
_SIGNED_HEADER = re.compile(
    r"^-----BEGIN PGP SIGNED MESSAGE-----[ \t]*\n(?:[A-Za-z]+: [^\n]*\n)*", re.MULTILINE
)
_DASH_ESCAPE = re.compile(r"^- (?=-|From )", re.MULTILINE)


def drop_armour(text: str) -> str:
    """``text`` without PGP signature, message and key blocks or a signed message's header; a signed
    message's dash-escaped lines unescaped."""
    if "-----BEGIN PGP " not in text:
        return text
    signed = bool(_SIGNED_HEADER.search(text))
    text = _ARMOUR.sub("", _SIGNED_HEADER.sub("", text))
    return _DASH_ESCAPE.sub("", text) if signed else text


def split_trailer(text: str) -> tuple[str, str]:
    """(the message's own text, its signature, list footer and disclaimer); the trailer is "" when there
    is none, and when the text would keep nothing of its own."""
    lines = text.split("\n")
    following = _non_blank_after(lines)
    cut = next(
        (
            i
            for i, line in enumerate(lines)
            if (0 < following[i] <= MAX_TRAILER_LINES and _opens(lines, i, following[i]))
            or (following[i] <= MAX_DISCLAIMER_LINES and _disclaimer(lines, i))
        ),
        _footer_lines(lines),
    )
    own = "\n".join(lines[:cut]).rstrip()
    if cut >= len(lines) or not own.strip():
        return text, ""
    return own, "\n".join(lines[cut:]).strip("\n")


def is_footer(text: str) -> bool:
    """Whether ``text`` (a part a list server appended below a message) is all footer: a few lines that
    name a list and give an address ("To unsubscribe send a blank email to leave-customers@…")."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    return (
        0 < len(lines) <= MAX_TRAILER_LINES
        and any(_LIST_MARKER.search(ln) for ln in lines)
        and bool(_ADDRESS.search(text))
    )


def _opens(lines: list[str], i: int, after: int) -> bool:
    """Whether ``lines[i]`` opens a trailer: the signature separator, a rule above a line naming the
    list or opening a disclaimer, or a rule above a short tagline with a link."""
    line = lines[i]
    if _SIGNATURE_SEPARATOR.match(line.rstrip("\r")):
        return True
    if not _RULE.match(line):
        return False
    under = [ln for ln in lines[i + 1 :] if ln.strip()]
    opening = " ".join(ln.strip() for ln in [line, *under[:MARKER_WITHIN]])
    if _LIST_MARKER.search(opening) or _DISCLAIMER.search(opening):
        return True
    return after <= MAX_TAGLINE_LINES and any(_LINK.search(ln) for ln in under)


def _disclaimer(lines: list[str], i: int) -> bool:
    """Whether ``lines[i]`` opens a disclaimer: a paragraph with a marker in its first lines, or a rule
    or a "Disclaimer" title above such lines."""
    line = lines[i]
    if not line.strip():
        return False
    if _RULE.match(line) or _DISCLAIMER_TITLE.match(line):
        under = [ln.strip() for ln in lines[i + 1 :] if ln.strip()]
        return bool(_DISCLAIMER.search(" ".join(under[: MARKER_WITHIN + 1])))
    if i and lines[i - 1].strip():
        return False
    end = next((j for j in range(i, len(lines)) if not lines[j].strip()), len(lines))
    paragraph = " ".join(ln.strip() for ln in lines[i:end])
    opening = " ".join(ln.strip() for ln in lines[i : min(end, i + MARKER_WITHIN)])
    return len(paragraph) >= MIN_DISCLAIMER_CHARS and bool(_DISCLAIMER.search(opening))


def _footer_lines(lines: list[str]) -> int:
    """Where the last lines begin when they (at most :data:`MARKER_WITHIN`) each name a list and give
    its address (FoRK's bare "http://xent.com/mailman/listinfo/fork"); len(lines) otherwise."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    start = end
    while start > end - MARKER_WITHIN and start and _LIST_MARKER.search(lines[start - 1]):
        start -= 1
    if start < end and _ADDRESS.search("\n".join(lines[start:end])):
        return start
    return len(lines)


def _non_blank_after(lines: list[str]) -> list[int]:
    """For each line, how many non-blank lines follow it."""
    counts = [0] * len(lines)
    n = 0
    for i in range(len(lines) - 1, -1, -1):
        counts[i] = n
        n += bool(lines[i].strip())
    return counts
