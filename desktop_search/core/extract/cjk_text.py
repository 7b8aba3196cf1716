"""Chinese and Japanese text, whose words have no spaces between them, as its reader sees it.

A PDF page's lines (:func:`join_cjk_wraps`): a justified page breaks its lines anywhere, inside a
word too ("パッ" / "ケージ"). Kept as a line break, the break reads as a space: the keyword index
cuts the word in two ("パッケージ" no longer matches), the model reads two words, and a result shows
"パッ ケージ". A line that ends in a letter of those scripts (or a comma, or an opening bracket) and
is nearly as wide as the page's full lines goes on in the next line when that starts with such a
letter (or a closing mark). A short line is a heading, a list item or a paragraph's end, and one
that ends a sentence ("。") keeps its break. A line that starts with a letter no word starts with (a
small kana or the long-vowel mark: "ッケージ", "ージ名") goes on from the line before it however short
that is: a narrow table cell wrapped there (18 cells of the Japanese Debian Reference's tables).

Plain text, Markdown and reStructuredText hard-wrapped by an editor break the same way (the Chinese
Debian Reference's text edition: "设置右边窗" / "口为"), and so does a plain-text mail;
:func:`join_cjk_wraps` reads the whole file or body as the page (from three lines on:
:data:`TYPED_MIN_LINES`). In HTML a line break in the markup between two such letters is dropped, as
CSS lays it out (:func:`drop_segment_breaks`; CSS Text 3, segment break transformation): "による\n新しい"
shows as "による新しい", not "による 新しい".

A justified PDF line that holds a long unbreakable word spreads its other letters, and the PDF's text
then reads one space between each ("パ ッ ケ ー ジ サ イ ズ": 28 lines of the Japanese Debian Reference,
8 of the Japanese AMC manual); :func:`close_letter_spacing` closes a run of three or more letters so
spread. Single spaces between words ("システムは パッケージ の") stay: a run needs every letter apart.

Text recognised by OCR (:func:`drop_ocr_spaces`): Tesseract's Japanese model puts a space between
most letters ("パッ ケー ジ 管 理"), with the same effect on the index and the model; spaces between two
such letters, and beside their punctuation ("、 apt"), go. Others stay ("Debian の").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from desktop_search.core.scripts import CHINESE_JAPANESE

FULL_LINE = 0.85  # a wrapped line is at least this share of the page's full width
MIN_LINES = 5  # a page with fewer lines (a title page) shows no full width: left alone
# typed text (a file, a mail) has no title pages set in large type: a short mail of three or four
# wrapped lines is joined (a wrong join costs little in scripts without spaces; a missed one cuts a word)
TYPED_MIN_LINES = 3
_LETTERS = CHINESE_JAPANESE
_GOES_ON = re.compile(f"[{_LETTERS}、，（「『【〔]$")  # a line that ends mid-sentence
_CONTINUES = re.compile(f"^[{_LETTERS}、。，．）」』】〕]")  # a line that can go on from one
_ANY = re.compile(f"[{_LETTERS}]")
_NEVER_STARTS = re.compile("^[ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶー]")  # no word starts so
_MARKS = "、。，．・：；！？「」『』（）【】〔〕"
_SPREAD = re.compile(f"(?:[{_LETTERS}{_MARKS}] ){{2,}}[{_LETTERS}{_MARKS}]")
_SEGMENT_BREAK = re.compile(f"(?<=[{_LETTERS}{_MARKS}])[ \t\r\f]*\n[ \t\r\n\f]*(?=[{_LETTERS}{_MARKS}])")
_OCR_SPACE = re.compile(f"(?<=[{_LETTERS}]) +(?=[{_LETTERS}])|(?<=[{_MARKS}]) +| +(?=[{_MARKS}])")


def _width(line: str) -> int:
    """A line's width in half-width cells: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def join_cjk_wraps(
    page: str, keep_break: Callable[[str], object] | None = None, min_lines: int = MIN_LINES
) -> str:
    """The page with its lines wrapped inside Chinese or Japanese text joined (see the module
    docstring); unchanged without such text or with fewer than ``min_lines`` lines. ``keep_break(line)``:
    a line that never goes on in the next one (a Markdown heading)."""
    if not _ANY.search(page):
        return page
    lines = page.split("\n")
    widths = [_width(line.rstrip()) for line in lines]
    filled = sorted(w for w in widths if w)
    if len(filled) < min_lines:
        return page
    full = filled[int(0.9 * (len(filled) - 1))]  # the page's full line, whatever its margins
    out = [lines[0]]
    for n in range(1, len(lines)):
        before, line = lines[n - 1].rstrip(), lines[n].lstrip()
        wrapped = widths[n - 1] >= FULL_LINE * full or _NEVER_STARTS.match(line)
        if (
            _GOES_ON.search(before)
            and _CONTINUES.match(line)
            and wrapped
            and not (keep_break and keep_break(before))
        ):
            out[-1] = out[-1].rstrip() + line
        else:
            out.append(lines[n])
    return "\n".join(out)


def drop_ocr_spaces(text: str) -> str:
    """OCR's text without the spaces it put between Chinese or Japanese letters (see the module
    docstring)."""
    return _OCR_SPACE.sub("", text) if _ANY.search(text) else text


def drop_segment_breaks(text: str) -> str:
    """Markup text with its line breaks between two Chinese or Japanese letters or marks dropped,
    with the spaces around them (see the module docstring)."""
    return _SEGMENT_BREAK.sub("", text) if "\n" in text and _ANY.search(text) else text


def close_letter_spacing(text: str) -> str:
    """Runs of three or more Chinese or Japanese letters (or marks) each one space apart closed up
    (see the module docstring)."""
    return _SPREAD.sub(lambda m: m.group(0).replace(" ", ""), text) if _ANY.search(text) else text
