"""Accents that a PDF draws as a glyph of their own over a letter, put back on the letter.

TeX's older font encodings (OT1: plain LaTeX without ``fontenc``, Texinfo, so many GNU manuals) have
no "ü" or "é": they print a spacing accent and overlay it on the letter. The text layer then reads
"f¨ur", "d´efaut", "o`u", "chaˆıne", "fa¸con", and neither the keyword index nor the model knows
those words ("für", "défaut", "où", "chaîne", "façon"). In LilyPond's German and French manuals 713
and over 1,000 words were broken so.

An accent is joined to the letter after it (the cedilla also to a "c" before it) when the two make one
precomposed character; a dotless ı or ȷ takes the accent as i or j. The grave accent is also the
ASCII backtick of code and of TeX's opening quote (```make'``, ```alle'``), so it is joined only inside
a word ("syst`eme") or to a letter that stands alone ("`a", "c'est-`a-dire").

Some fonts map a backtick drawn as such (TeX's opening quote, a shell's backquote) to the *combining*
grave (U+0300), a mark on the space before it: the Debian FAQ reads a space, U+0300, then "stable’" (20
times in English, 55 in Portuguese), Debian Reference "a ̀chroot ̀ed environment". A combining grave
after a space and before a character is that backtick and becomes "`" again.
"""

from __future__ import annotations

import re
import unicodedata

_COMBINING = {
    "¨": "\u0308",
    "´": "\u0301",
    "`": "\u0300",
    "ˆ": "\u0302",
    "˜": "\u0303",
    "ˇ": "\u030c",
    "˚": "\u030a",
    "˝": "\u030b",
    "¸": "\u0327",
    "˘": "\u0306",
    "¯": "\u0304",
    "˙": "\u0307",
    "˛": "\u0328",
}
_DOTLESS = {"ı": "i", "ȷ": "j"}
_ACCENT_BEFORE = re.compile(
    r"(?P<prev>[^\W\d_]?)(?P<accent>[¨´`ˆ˜ˇ˚˝¸˘¯˙˛])(?P<letter>[^\W\d_])(?P<next>[^\W\d_]?)"
)
_CEDILLA_AFTER = re.compile(r"([cCsStT])¸")
_DRAWN_BACKTICK = re.compile(r"(?<=\s)\u0300(?=\S)")  # a backtick the font maps to a combining grave


def _composed(letter: str, accent: str) -> str | None:
    """The precomposed character of ``letter`` with ``accent``, or None when Unicode has none."""
    joined = unicodedata.normalize("NFC", _DOTLESS.get(letter, letter) + _COMBINING[accent])
    return joined if len(joined) == 1 else None


def _join(match: re.Match[str]) -> str:
    prev, accent, letter, following = match.group("prev", "accent", "letter", "next")
    if accent == "`" and not prev and following:  # a backtick opening a word: code or a TeX quote
        return match.group(0)
    composed = _composed(letter, accent)
    if composed is None:
        return match.group(0)
    return prev + composed + following


def compose_accents(text: str) -> str:
    """``text`` with spacing accents drawn over letters joined to them (see the module docstring)."""
    if "\u0300" in text:
        text = _DRAWN_BACKTICK.sub("`", text)
    if not any(accent in text for accent in _COMBINING):
        return text
    previous = None
    while previous != text:  # a match consumes the letters around it: "d´et´e" needs a second pass
        previous, text = text, _ACCENT_BEFORE.sub(_join, text)
    return _CEDILLA_AFTER.sub(lambda m: _composed(m.group(1), "¸") or m.group(0), text)
