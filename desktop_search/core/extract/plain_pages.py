"""Plain text laid out in pages: a formatter's running headers, footers and page numbers set aside,
its hyphenated words joined, and the pages read as one text again.

nroff and groff lay a document out in pages of fixed length (man-db's manual in ``/usr/share/doc``:
"man-db  v2.11.2  2023-01-08" on top of every page, its number centred at the foot, "loca-" / "tion"
where a justified line broke a word); RFCs end each page with "Fielding, et al.  Standards Track
[Page 12]", start the next with "RFC 2616  HTTP/1.1  June 1999", and put a form feed between. Read as
they are, the furniture is glued into every passage and matches every query that names the document.

The pages are the text between form feeds (four or more), or, without them, the text between the
lines of a running line that stands alone and comes back at a fixed interval (most gaps the same
length, a page's). The PDF reader's rules then find the furniture (``pdf_layout``); a text with no
furniture on its pages is left as it was.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter

from desktop_search.core.extract.pdf_layout import (
    MIN_PAGES,
    hyphenated_words,
    join_across_pages,
    join_hyphenated,
    line_key,
    strip_running_lines,
)

MIN_PAGE_LINES = 20  # a page is at least this many lines...
MAX_PAGE_LINES = 120  # ... and at most this many
REGULAR_SHARE = 0.75  # of the gaps between a running line's appearances that are one page long
MAX_FURNITURE_LINES = 4  # a page's header, footer and number; more is text that repeats page after page
MAX_FURNITURE_SHARE = 0.25  # ... or than this share of the lines
MIN_LETTERS = 3  # a running line names something: a page number alone is no page break
# a word broken at a line end whose next line is indented (an RFC's text): the indent goes, so the PDF
# rule can join "hyphen-" / "   ated"
_INDENTED_AFTER_HYPHEN = re.compile(r"([^\W\d_])-\n[ \t]+(?=[^\W\d_])")
_SENTENCE_END = (".", "!", "?", ":", "。", "！", "？")


def _filled_lines(pages: list[str]) -> int:
    return sum(1 for page in pages for line in page.split("\n") if line.strip())


def _standing_alone(lines: list[str], n: int) -> bool:
    before = lines[n - 1] if n > 0 else ""
    after = lines[n + 1] if n + 1 < len(lines) else ""
    return not before.strip() and not after.strip()


def _page_starts(lines: list[str]) -> list[int] | None:
    """Where pages start in a text without form feeds: at each appearance of the running line whose
    appearances are one page apart, and a page's length apart after its last (pages that leave it
    out: a contents list at the end); None when no line recurs so."""
    seen: dict[str, list[int]] = {}
    for n, line in enumerate(lines):
        if line.strip() and _standing_alone(lines, n):
            seen.setdefault(line_key(line), []).append(n)
    best: tuple[list[int], int] | None = None
    for key, places in seen.items():
        if len(places) < MIN_PAGES or sum(ch.isalpha() for ch in key) < MIN_LETTERS:
            continue
        gaps = [b - a for a, b in itertools.pairwise(places)]
        length, count = Counter(gaps).most_common(1)[0]
        regular = MIN_PAGE_LINES <= length <= MAX_PAGE_LINES and count >= REGULAR_SHARE * len(gaps)
        if regular and (best is None or len(places) > len(best[0])):
            best = places, length
    if best is None:
        return None
    places, length = best
    return places + list(range(places[-1] + length, len(lines), length))


def _pages(text: str) -> list[str] | None:
    if text.count("\f") >= MIN_PAGES - 1:
        return text.split("\f")
    lines = text.split("\n")
    starts = _page_starts(lines)
    if starts is None:
        return None
    bounds = sorted({0, *starts, len(lines)})  # the text before the first running line is a page too
    return ["\n".join(lines[a:b]) for a, b in itertools.pairwise(bounds)]


def _joined(pages: list[str]) -> str:
    """The pages as one text: a paragraph a page break cut goes on at the next page's first line; a
    page that ends a sentence ends its paragraph."""
    out: list[str] = []
    for page in pages:
        body = page.strip("\n").rstrip()
        if not body.strip():
            continue
        if out:
            out.append("\n\n" if out[-1].endswith(_SENTENCE_END) else "\n")
        out.append(body)
    return "".join(out) + "\n"


def unpaginated(text: str) -> str:
    """``text`` without its pages' furniture, its broken words joined (see the module docstring)."""
    pages = _pages(text)
    if pages is None:
        return text
    stripped = strip_running_lines(pages)
    filled = _filled_lines(pages)
    removed = filled - _filled_lines(stripped)
    if not removed or removed > min(MAX_FURNITURE_LINES * len(pages), MAX_FURNITURE_SHARE * filled):
        return text  # no furniture; or pages alike line for line: text, not furniture
    keep = hyphenated_words(stripped)
    pages = [_INDENTED_AFTER_HYPHEN.sub(r"\1-\n", page) for page in join_across_pages(stripped, keep)]
    return _joined([join_hyphenated(page, keep) for page in pages])
