"""Passages that are a drawing's scattered labels rank as answers on the query's own words, not on
meaning alone.

A PDF's drawn figure leaves its labels in the text layer one fragment per line: a printed score its
lyric syllables and parts ("Lyr / ics / Al / to / mp / Ah"), a chart its ticks and legend. Such a
passage says nothing a reader could use, yet its vector, made of broken words in no language, sits
near queries whose own words find nothing: LilyPond's Learning Manual answered the German question
"Wie schreibe ich Akkorde?" over its English edition with an orchestral template's score ("ics / ics /
ah / Lyr / Alto II / Soprano"). Found by the keyword leg (the query names a lyric or a label), such a
passage keeps its place; found by meaning alone it keeps half its score, as a code file's does
(:mod:`code_passages`, :mod:`unmatched`).

Of the 2,959 passages of LilyPond's German and English Learning and Usage manuals, 48 read so (scores,
some after the end of the input that printed them); of realdocs' 21,713 passages none, of 9,872 from a
folder of Debian's documentation 2 (the live manual's example of short lines, in two languages).
"""

from __future__ import annotations

import re
import statistics

from desktop_search.core.search.fusion import Candidate
from desktop_search.core.store.ledger import ChunkRow
from desktop_search.core.store.unspaced import has_unspaced

UNMATCHED_FIGURE_FACTOR = 0.5  # a figure's labels found by meaning alone keep this share of their score
MIN_LINES = 8  # lines with a letter a passage needs before its lines say what it is
MAX_MEDIAN_LINE = 6  # ... and the median length of those lines: labels ("ics", "Alto II", "mp")
MIN_FRAGMENTS = 0.25  # ... of which at least this share are fragments of a word (3 letters or fewer)
MAX_FRAGMENT = 3
_LETTER = re.compile(r"[^\W\d_]")


def is_figure_text(text: str) -> bool:
    """Whether a passage's lines with letters are mostly labels of a few letters, many of them broken
    words (a figure's), not prose, code or a table of names (Chinese and Japanese lines are left
    alone: a short one is a word)."""
    lines = [line.strip() for line in text.splitlines() if _LETTER.search(line)]
    if len(lines) < MIN_LINES or any(has_unspaced(line) for line in lines):
        return False
    fragments = sum(1 for line in lines if len(line) <= MAX_FRAGMENT)
    return statistics.median(
        len(line) for line in lines
    ) <= MAX_MEDIAN_LINE and fragments >= MIN_FRAGMENTS * len(lines)


def unmatched_figure(c: Candidate, row: ChunkRow) -> bool:
    """A figure's labels that no query word was found in (a :data:`unmatched.Rule`)."""
    return c.content_terms == 0 and is_figure_text(row.text)
