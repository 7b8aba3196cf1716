"""Plain text and source code: decode, keep as one section (a text's title line as its heading)."""

from __future__ import annotations

from desktop_search.core.extract.encoding import decode_text
from desktop_search.core.extract.results import Deadline, Extracted, Part, assemble

TITLE_MAX_CHARS = 150


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
    return assemble([Part(text, heading=title_line(text) if kind == "text" else None)], kind)
