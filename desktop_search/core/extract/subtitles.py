"""Subtitles and lyrics: what is said, in the order it is said, in parts of about a minute headed by
their start time ("12:30").

Read as plain text, a subtitle file is mostly cue numbers, timings and styling ("1 / 00:00:07,960 -->
00:00:09,480 position:50.00% … / <i>En 1928,</i>"): noise in every passage, phrases cut at every
line, and no way to tell where in the film a line is said. Read here:

* SubRip (``.srt``), WebVTT (``.vtt``: its header, NOTE, STYLE and REGION blocks dropped; a voice tag
  ``<v Roger>`` kept as "Roger:"), YouTube's SBV (``.sbv``);
* Advanced SubStation (``.ass``, ``.ssa``: each ``Dialogue:`` line's text field, override tags ``{\\i1}``
  dropped, ``\\N`` a line break);
* LRC lyrics (``.lrc``: ``[01:02.50]`` times, ``[ti:…]`` the title) and MicroDVD (``.sub``:
  ``{frame}{frame}text|text``).

A cue's own line breaks are layout and read as spaces; a pause of :data:`PAUSE_S` or more starts a new
paragraph. Auto-generated captions that roll (each cue repeats the line before it, word timings
inside) are read once. A file with no cues is read as plain text.
"""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass

from desktop_search.core.extract.encoding import decode_text
from desktop_search.core.extract.results import Deadline, Extracted, Part, assemble
from desktop_search.core.extract.sections import SEPARATOR

PART_S = 60.0  # a part is about this long
PAUSE_S = 3.0  # a silence this long ends a paragraph
ROLL_GAP_S = 1.0  # a cue that follows the last this closely and repeats it is a rolling caption
_TIME = r"(?:(\d{1,2}):)?(\d{1,2}):(\d{2})[.,](\d{1,3})"
_CUE_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")  # SubRip, WebVTT
_SBV_TIMING = re.compile(rf"^\s*{_TIME},{_TIME}\s*$")
_LRC_TIME = re.compile(r"\[(\d{1,3}):(\d{2})(?:[.:](\d{1,3}))?\]")
_LRC_TAG = re.compile(r"^\s*\[([a-z]{2,6}):([^\]]*)\]\s*$", re.IGNORECASE)
_MICRODVD = re.compile(r"^\{(\d+)\}\{(\d*)\}(.*)$")
_MICRODVD_CODE = re.compile(r"\{[a-zA-Z]:[^}]*\}")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
_TAG = re.compile(r"</?[a-z][^>]*>|<\d{1,2}:\d{2}(?::\d{2})?[.,]\d{1,3}>", re.IGNORECASE)
_ASS_OVERRIDE = re.compile(r"\{\\[^}]*\}")
_VTT_BLOCK = re.compile(r"^(?:NOTE|STYLE|REGION)\b")
MICRODVD_FPS = 23.976  # the usual frame rate when a file does not give its own ({1}{1}25.000)


@dataclass
class Cue:
    start: float  # seconds
    end: float
    text: str


def _seconds(hours: str | None, minutes: str, seconds: str, fraction: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(fraction.ljust(3, "0")[:3]) / 1000


def _clean(text: str) -> str:
    """A cue's text without markup: tags, override codes, entities; its lines joined."""
    text = _VOICE.sub(r"\1: ", text)
    text = _ASS_OVERRIDE.sub("", _TAG.sub("", text))
    text = text.replace("\\N", " ").replace("\\n", " ").replace("\\h", " ")
    return " ".join(html.unescape(text).split())


def _timed_cues(lines: list[str]) -> list[Cue]:
    """SubRip, WebVTT and SBV cues: a timing line, then text lines up to a blank line or the next
    timing (YouTube's captions leave out the blank line)."""
    cues: list[Cue] = []
    current: Cue | None = None
    body: list[str] = []
    skipping = False  # inside a WebVTT NOTE, STYLE or REGION block

    def close() -> None:
        if current is not None:
            # a cue number on the line before the next timing is no text
            words = body[:-1] if body and body[-1].strip().isdigit() else body
            current.text = _clean("\n".join(words))
            cues.append(current)

    for line in lines:
        timing = _CUE_TIMING.match(line) or _SBV_TIMING.match(line)
        if timing:
            close()
            g = timing.groups()
            current, body, skipping = Cue(_seconds(*g[:4]), _seconds(*g[4:]), ""), [], False
        elif not line.strip():
            close()
            current, body = None, []
        elif current is None and (skipping or _VTT_BLOCK.match(line)):
            skipping = True
        elif current is not None:
            body.append(line)
    close()
    return cues


def _ass_cues(lines: list[str]) -> list[Cue]:
    """Advanced SubStation's Dialogue lines, read through their section's Format line."""
    fields = ["layer", "start", "end", "style", "name", "marginl", "marginr", "marginv", "effect", "text"]
    cues = []
    for line in lines:
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key == "format":
            fields = [f.strip().lower() for f in value.split(",")]
        elif key == "dialogue" and "text" in fields:
            values = value.strip().split(",", len(fields) - 1)
            if len(values) < len(fields):
                continue
            row = dict(zip(fields, values, strict=True))
            times = [re.fullmatch(_TIME, row.get(k, "").strip()) for k in ("start", "end")]
            if times[0] and times[1]:
                cues.append(
                    Cue(_seconds(*times[0].groups()), _seconds(*times[1].groups()), _clean(row["text"]))
                )
    return sorted(cues, key=lambda c: c.start)


def _lrc_cues(lines: list[str]) -> tuple[list[Cue], str | None]:
    cues, title = [], None
    for line in lines:
        tag = _LRC_TAG.match(line)
        if tag and tag.group(1).lower() == "ti":
            title = tag.group(2).strip() or None
        times = _LRC_TIME.findall(line)
        text = _clean(_LRC_TIME.sub("", line))
        for minutes, seconds, fraction in times:
            start = _seconds(None, minutes, seconds, fraction or "0")
            cues.append(Cue(start, start, text))
    cues.sort(key=lambda c: c.start)
    for cue, following in itertools.pairwise(cues):  # a line lasts until the next is sung
        cue.end = following.start
    return cues, title


def _microdvd_cues(lines: list[str]) -> list[Cue]:
    cues = []
    fps = MICRODVD_FPS
    for line in lines:
        match = _MICRODVD.match(line.strip())
        if not match:
            continue
        start, end, text = match.groups()
        if start == "1" and end == "1" and re.fullmatch(r"\d+(?:\.\d+)?", text.strip()):
            fps = float(text)  # the frame rate, given as the first cue
            continue
        text = _MICRODVD_CODE.sub("", text).replace("|", " ")  # {y:i} italics, {c:$0000ff} colour
        cues.append(Cue(int(start) / fps, int(end or start) / fps, _clean(text)))
    return cues


def cues_of(text: str) -> tuple[list[Cue], str | None, bool]:
    """The cues of a subtitle or lyrics file, whichever format its lines are in, its title, and whether
    its cues may roll (captions in SubRip, WebVTT or SBV)."""
    lines = text.splitlines()
    head = "\n".join(lines[:50])
    if re.search(r"^\s*\[(?:Script Info|Events)\]", head, re.MULTILINE | re.IGNORECASE) or any(
        line.startswith("Dialogue:") for line in lines
    ):
        return _ass_cues(lines), None, False
    timed = _timed_cues(lines)
    if timed:
        return timed, None, True
    if sum(1 for line in lines if _MICRODVD.match(line.strip())) >= 2:
        return _microdvd_cues(lines), None, False
    return (*_lrc_cues(lines), False)


def clock(seconds: float) -> str:
    """A time as people read it on a player: "12:30", "1:02:03"."""
    whole = int(seconds)
    hours, minutes, secs = whole // 3600, whole // 60 % 60, whole % 60
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def subtitle_parts(cues: list[Cue], title: str | None = None, rolls: bool = True) -> list[Part]:
    """Cues in parts of about :data:`PART_S` seconds, each headed by its start time; with ``rolls``,
    the same line said again at once (rolling captions) is read once."""
    parts: list[Part] = []
    lines: list[str] = []
    part_start = 0.0
    previous_end: float | None = None
    said: list[str] = []  # the last cue's text, in pieces

    def close() -> None:
        if lines:
            start = clock(part_start)
            heading = f"{title}{SEPARATOR}{start}" if title else start
            parts.append(Part("\n".join(lines).strip("\n"), heading=heading))
            lines.clear()

    for cue in cues:
        text = cue.text
        rolling = rolls and previous_end is not None and cue.start - previous_end < ROLL_GAP_S
        for piece in said if rolling else ():  # rolling captions repeat what was just said
            if text.startswith(piece):
                text = text[len(piece) :].strip()
        if not text:
            continue
        if lines and cue.start - part_start >= PART_S:
            close()
        if not lines:
            part_start = cue.start
        elif previous_end is not None and cue.start - previous_end >= PAUSE_S:
            lines.append("")  # a pause: a new paragraph
        lines.append(text)
        said = [cue.text, text]
        previous_end = max(cue.end, cue.start)
    close()
    return parts


def extract_subtitles(data: bytes, deadline: Deadline) -> Extracted:
    text = decode_text(data)
    cues, title, rolls = cues_of(text)
    parts = subtitle_parts(cues, title, rolls) if cues else []
    return assemble(parts or [Part(text)], "subtitles")
