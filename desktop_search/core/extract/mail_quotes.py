"""The text a reply quotes, told from the reply's own: "> " lines with the line that introduces them
("On Tue, Ann wrote:"), and the earlier message that Outlook-style replies carry below their own text
("-----Original Message-----", or a "From: … Sent: … Subject:" block in the sender's language).

A thread's every reply repeats what it answers, so without this the replies outnumber, and can outrank,
the message where the words were written. :mod:`mail` keeps the quoted text as a part of its own,
ranked after the messages' own text (see its docstring).
"""

from __future__ import annotations

import re

_QUOTED = re.compile(r"^[ \t]*>")
# the line before a quote: "On Tue, 3 Nov 2026, Ann Lee wrote:", "Am 03.11.2026 schrieb Ann:", "Ann wrote:"
_INTRODUCTION = re.compile(
    r"(?:wrote|writes|schrieb|a écrit|escribió|ha scritto|scrisse|escreveu|schreef|napisał|skrev"
    r"|kirjoitti|написал|написала|寫道|写道|のメッセージ|님이 작성)\s*:?\s*$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(
    r"^[ \t]*-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original"
    r"|Messaggio originale|Mensagem original|Oorspronkelijk bericht|Forwarded message"
    r"|Weitergeleitete Nachricht|Message transféré)\s*-{2,}[ \t]*$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^[ \t]*_{20,}[ \t]*$")  # Outlook's line above the earlier message's From (or a list's)
_FROM = re.compile(
    r"^[ \t]*(?:\*\s*)?(?:From|Von|De|Da|Van|Från|Fra|Od|差出人|发件人|寄件者)\s*:", re.IGNORECASE
)
_SENT = re.compile(
    r"^[ \t]*(?:\*\s*)?(?:Sent|Date|Gesendet|Datum|Envoyé|Enviado|Inviato|Verzonden|Skickat|Sendt"
    r"|送信日時|发送时间)\s*:",
    re.IGNORECASE,
)
_SUBJECT = re.compile(
    r"^[ \t]*(?:\*\s*)?(?:Subject|Betreff|Objet|Asunto|Oggetto|Assunto|Onderwerp|Ämne|Emne|件名|主题)\s*:",
    re.IGNORECASE,
)
HEADER_BLOCK_LINES = 6  # an Outlook header block's From, Sent, To, Cc and Subject lie within this many lines


def split_quoted(body: str) -> tuple[str, str]:
    """(the message's own text, the text it quotes); the quoted text is "" when it quotes nothing."""
    lines = body.split("\n")
    cut = _earlier_message(lines)
    kept: list[str] = []
    quoted: list[str] = []
    for i, line in enumerate(lines[:cut]):
        if _QUOTED.match(line):
            quoted.append(_QUOTED.sub("", line, count=1).lstrip())
        elif _INTRODUCTION.search(line) and _quote_follows(lines, i):
            quoted.append(line)
        else:
            kept.append(line)
    own = "\n".join(kept).strip("\n")
    if not own.strip():
        return body, ""  # all quote (a forward without a word of its own): it is the message
    return own, "\n".join(quoted + lines[cut:]).strip("\n")


def _quote_follows(lines: list[str], index: int) -> bool:
    """Whether the first non-blank line after ``lines[index]`` is quoted."""
    for line in lines[index + 1 : index + 4]:
        if line.strip():
            return bool(_QUOTED.match(line))
    return False


def _earlier_message(lines: list[str]) -> int:
    """Where an earlier message carried below the reply begins (a separator line, or an Outlook header
    block of From, Sent or Date, and Subject); len(lines) when there is none."""
    for i, line in enumerate(lines):
        if _SEPARATOR.match(line):
            return i
        if _RULE.match(line) and _header_block(lines, i + 1 + _blank_run(lines, i + 1)):
            return i
        if _header_block(lines, i):
            return i
    return len(lines)


def _blank_run(lines: list[str], start: int) -> int:
    n = 0
    while start + n < len(lines) and not lines[start + n].strip():
        n += 1
    return n


def _header_block(lines: list[str], i: int) -> bool:
    """Whether ``lines[i]`` opens a quoted message's header block: From, then Sent or Date and Subject."""
    if i >= len(lines) or not _FROM.match(lines[i]):
        return False
    block = lines[i + 1 : i + HEADER_BLOCK_LINES]
    return any(_SENT.match(b) for b in block) and any(_SUBJECT.match(b) for b in block)
