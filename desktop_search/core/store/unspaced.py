"""Words in scripts written without spaces, for the keyword index: Chinese, Japanese, Korean, Thai.

FTS5's ``unicode61`` tokenizer keeps a run of such letters as one token ("软件包管理工具" is one
"word"), so nothing inside a run could match. The index therefore reads such a run as overlapping
character bigrams followed by the run's last character (``软件包`` → ``软件 件包 包``), which
:func:`index_form` writes into the text the tokenizer sees; Latin and other spaced text passes
through unchanged (and keeps its Porter stemming). A query run turns into the same bigrams
(:func:`run_tokens`), so a word inside a run is the phrase of its bigrams; a one-character query is
a prefix of a bigram (or the final character itself).

Combining marks (Thai vowel and tone marks, decomposed kana voicing) are separators to ``unicode61``;
they are dropped from the index tokens, on both sides alike, so a run's tokens are its base letters.

German "ß" reads as "ss" (:func:`sharp_s_as_ss`), in the index and in queries: ``unicode61`` folds case
and accents but keeps "ß", so "Strasse", as Swiss German writes it and anyone types it on a keyboard
without the letter, found no "Straße".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from desktop_search.core.scripts import HAN, HIRAGANA, KATAKANA

# blocks of the scripts written without spaces between words (Hangul: Korean attaches particles)
_BLOCKS = (
    (0x0E00, 0x0E7F),  # Thai
    (0x0E80, 0x0EFF),  # Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x1780, 0x17FF),  # Khmer
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3130, 0x318F),  # Hangul compatibility Jamo
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xAC00, 0xD7A3),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # half-width Katakana
)
_WIDE_BLOCKS = ((0x20000, 0x3134F),)  # CJK extensions B-G: letters only


def _classes() -> tuple[str, str]:
    """Regex classes of the letters (L*) and of the marks (M*) of :data:`_BLOCKS`, as ranges."""
    letters: list[int] = []
    marks: list[int] = []
    for first, last in _BLOCKS:
        for code in range(first, last + 1):
            category = unicodedata.category(chr(code))
            if category.startswith("L"):
                letters.append(code)
            elif category.startswith("M"):
                marks.append(code)
    return _ranges(letters) + _ranges([c for a, b in _WIDE_BLOCKS for c in (a, b)], pairs=True), _ranges(
        marks
    )


def _ranges(codes: list[int], pairs: bool = False) -> str:
    """A regex class body for sorted code points (``pairs``: the list is already first, last pairs)."""
    spans: list[list[int]] = []
    if pairs:
        spans = [[codes[i], codes[i + 1]] for i in range(0, len(codes), 2)]
    else:
        for code in codes:
            if spans and code == spans[-1][1] + 1:
                spans[-1][1] = code
            else:
                spans.append([code, code])
    return "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in spans)


_LETTERS, _MARKS = _classes()
_RUN = re.compile(f"(?:[{_LETTERS}][{_MARKS}]*)+")
_MARK = re.compile(f"[{_MARKS}]")
HAS_UNSPACED = re.compile(f"[{_LETTERS}]")


def has_unspaced(text: str) -> bool:
    return HAS_UNSPACED.search(text) is not None


def bigrams(run: str) -> list[str]:
    """The overlapping two-letter pieces of a run (marks kept, as typed); a one-letter run is itself."""
    units = clusters(run)
    return ["".join(units[i : i + 2]) for i in range(max(1, len(units) - 1))]


def clusters(run: str) -> list[str]:
    """A run's letters, each with the marks that follow it."""
    return re.findall(f"[{_LETTERS}][{_MARKS}]*", run)


def run_tokens(run: str, closed: bool) -> list[str]:
    """The index tokens of a run: overlapping bigrams of its letters, and its last letter when the
    run ends there (``closed``: always in the index; in a query, when more words follow it)."""
    letters = _MARK.sub("", run)
    tokens = [letters[i : i + 2] for i in range(len(letters) - 1)]
    if closed or len(letters) == 1:
        tokens.append(letters[-1])
    return tokens


def index_form(text: str | None) -> str:
    """What the keyword tokenizer reads for ``text``: each unspaced run as its tokens and "ß" as "ss"
    (see the module docstring), everything else unchanged. Registered in SQLite as ``ds_index_form``."""
    if not text:
        return ""
    if text.isascii():
        return text
    text = sharp_s_as_ss(text)
    if HAS_UNSPACED.search(text) is None:
        return text
    return _RUN.sub(lambda m: " " + " ".join(run_tokens(m.group(), closed=True)) + " ", text)


def sharp_s_as_ss(text: str) -> str:
    """``text`` with German "ß" (and its capital "ẞ") written "ss" ("SS"), as the keyword index reads it."""
    return text.replace("ß", "ss").replace("ẞ", "SS")


@dataclass(frozen=True)
class Part:
    """A word of spaced text or a run of unspaced letters, as typed."""

    text: str
    unspaced: bool


_PART = re.compile(f"(?P<run>{_RUN.pattern})|(?P<word>(?:(?![{_LETTERS}])[\\w\u0300-\u036f])+)")
_KATAKANA = KATAKANA
# a run of Katakana (a loanword: "パッケージ") or of other letters, each with its marks
_SCRIPT_RUN = re.compile(f"(?:[{_KATAKANA}][{_MARKS}]*)+|(?:(?![{_KATAKANA}])[{_LETTERS}][{_MARKS}]*)+")
_ALL_KATAKANA = re.compile(f"[{_KATAKANA}{_MARKS}]+")


_ALL_HIRAGANA = re.compile(f"[{HIRAGANA}{_MARKS}]+")
_HAN = re.compile(f"[{HAN}]")


def is_katakana(run: str) -> bool:
    return _ALL_KATAKANA.fullmatch(run) is not None


def is_hiragana(run: str) -> bool:
    return _ALL_HIRAGANA.fullmatch(run) is not None


def is_han(letter: str) -> bool:
    """A Chinese character (a kanji, a hanzi) of the unified or compatibility blocks."""
    return _HAN.fullmatch(letter) is not None


def parts(token: str, by_script: bool = True) -> Iterator[Part]:
    """The words and unspaced runs of a query token, in order (punctuation left out); ``by_script``:
    a Katakana word is a run of its own ("東京タワー" is 東京 and タワー)."""
    for m in _PART.finditer(token):
        if m.lastgroup == "run" and by_script:
            yield from (Part(run, True) for run in _SCRIPT_RUN.findall(m.group()))
        else:
            yield Part(m.group(), m.lastgroup == "run")
