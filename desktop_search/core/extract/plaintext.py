"""Plain text and source code: decode, keep as one section (a text's title line as its heading).

Minified or generated code (a web page's ``searchindex.js``, a ``.min.css`` bundle, one-line JSON) is
skipped with a reason: nobody wrote or reads it, its passages are cut from lines of tens of thousands
of characters, and their language-neutral tokens sit near any query that finds nothing better (in a
Sphinx site's folder, ``searchindex.js`` was the top answer to German and Japanese questions).
"""

from __future__ import annotations

from desktop_search.core.extract.cjk_text import TYPED_MIN_LINES, join_cjk_wraps
from desktop_search.core.extract.encoding import decode_text
from desktop_search.core.extract.results import Deadline, Extracted, FileSkipped, Part, assemble

TITLE_MAX_CHARS = 150
MINIFIED_LINE_CHARS = 2000  # a code line this long was written by a tool
MINIFIED_SHARE = 0.8  # ... and code whose text is nearly all such lines is minified or generated
MINIFIED_REASON = "Minified or generated code (lines of thousands of characters); not read."


def is_minified(text: str) -> bool:
    """Nearly all of ``text`` (:data:`MINIFIED_SHARE`) is in lines over :data:`MINIFIED_LINE_CHARS` chars."""
    if len(text) < MINIFIED_LINE_CHARS:
        return False
    long_chars = sum(len(line) for line in text.split("\n") if len(line) > MINIFIED_LINE_CHARS)
    return long_chars >= MINIFIED_SHARE * len(text)


def title_line(text: str) -> str | None:
    """A short first line set off by a blank line, with more text after it: the text's title.

    Notes, README files, exported articles and abstracts often start that way; the title then gives
    every chunk of the file its context (see :func:`desktop_search.core.index.indexer.embedding_text`).
    """
    lines = text.lstrip().split("\n", 2)
    if len(lines) < 3 or lines[1].strip():
        return None
    first = lines[0].strip()
    if not 2 <= len(first) <= TITLE_MAX_CHARS or len(lines[2].strip()) < len(first):
        return None
    return first


def extract_plain(data: bytes, deadline: Deadline, kind: str = "text") -> Extracted:
    text = decode_text(data)
    if kind == "code" and is_minified(text):
        raise FileSkipped(MINIFIED_REASON)
    if kind == "text":
        text = join_cjk_wraps(text, min_lines=TYPED_MIN_LINES)  # an editor's wraps inside CJK words
    return assemble([Part(text, heading=title_line(text) if kind == "text" else None)], kind)
