"""Comparing words whatever their accents, shared by extraction (outline titles stored without the
accents their pages show) and search (highlights, keyword coverage, near-identical passages)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case and strip accents: the form two words are compared in."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _accented_letters() -> dict[str, str]:
    classes: dict[str, list[str]] = {}
    for code in range(0xC0, 0x250):
        ch = chr(code)
        base = fold(ch)
        if len(base) == 1 and base.isascii() and base.isalpha() and ch.isalpha():
            classes.setdefault(base, []).append(ch)
    return {base: base + "".join(chars) for base, chars in classes.items()}


# each ASCII letter, it and every Latin letter that folds to it ("e": "eÈÉÊËèéêëĒē…"), for regex classes
ACCENTED_LETTERS = _accented_letters()
