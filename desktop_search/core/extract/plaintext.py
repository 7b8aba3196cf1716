"""Plain text and source code: decode, keep as one section (a text's title line as its heading), or
cut a text at its numbered section titles.

A text file with numbered section titles, each a line of its own between blank lines ("1.3.3. MC 文件管理"
in the Chinese Debian Reference's text edition, "3.2.  Message Format" in an RFC), is cut at them, and
each part is headed by its chapter and section as PDF passages are ("1.3. Midnight Commander (MC) ›
1.3.3. MC 文件管理"); a passage in the middle of a long chapter then still says what it is about. At
least two such titles are needed; the title line heads the text before the first.

Minified or generated code (a web page's ``searchindex.js``, a ``.min.css`` bundle, one-line JSON) is
skipped with a reason: nobody wrote or reads it, its passages are cut from lines of tens of thousands
of characters, and their language-neutral tokens sit near any query that finds nothing better (in a
Sphinx site's folder, ``searchindex.js`` was the top answer to German and Japanese questions).
"""

from __future__ import annotations

from desktop_search.core.extract.cjk_text import TYPED_MIN_LINES, join_cjk_wraps
from desktop_search.core.extract.encoding import decode_text
from desktop_search.core.extract.results import Deadline, Extracted, FileSkipped, Part, assemble
from desktop_search.core.extract.sections import SectionPath, numbered_titles, title_level
from desktop_search.core.extract.terminal import terminal_text

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


MIN_SECTION_TITLES = 2  # numbered titles a text needs before it is cut at them


def _standing_alone(text: str, start: int) -> bool:
    """The line at ``start`` has a blank line (or the text's edge) before and after it."""
    end = text.find("\n", start)
    before = text[: max(0, start - 1)].rsplit("\n", 1)[-1] if start else ""
    after = "" if end < 0 else text[end + 1 :].split("\n", 1)[0]
    return not before.strip() and not after.strip()


def section_parts(text: str, title: str | None) -> list[Part]:
    """``text`` cut at its numbered section titles that stand alone (see the module docstring), each
    part headed by its path; one part headed by ``title`` when it has fewer than two. A title with no
    text before the next one (a contents list's entry, a chapter title right above its first section)
    opens the next part instead of standing alone."""
    spaced = text.replace("\xa0", " ")  # "1.3.3.\xa0MC": the same offsets, the title rule's spaces
    cuts = [
        (start, f"{number} {name.rstrip('¶ ')}", title_level(number))
        for start, number, name in numbered_titles(spaced)
        if _standing_alone(text, start)
    ]
    if len(cuts) < MIN_SECTION_TITLES:
        return [Part(text, heading=title)]
    path = SectionPath()
    if title:
        path.enter(0, title)
    parts = [Part(text[: cuts[0][0]], heading=path.heading)]
    opened = 0  # where the text of the next part begins: a bare title before it comes along
    for n, (start, label, level) in enumerate(cuts):
        end = cuts[n + 1][0] if n + 1 < len(cuts) else len(text)
        heading = path.enter(level, label)
        if n + 1 < len(cuts) and len(text[start:end].split()) <= len(label.split()) + 1:
            opened = opened or start  # only its title: it opens the next part
            continue
        parts.append(Part(text[opened or start : end], heading=heading))
        opened = 0
    return parts


def extract_plain(data: bytes, deadline: Deadline, kind: str = "text") -> Extracted:
    text = decode_text(data)
    if kind == "code" and is_minified(text):
        raise FileSkipped(MINIFIED_REASON)
    if kind == "code":
        return assemble([Part(text)], kind)
    text = terminal_text(text)  # a log's colours, a formatted manual page's bold and underline
    text = join_cjk_wraps(text, min_lines=TYPED_MIN_LINES)  # an editor's wraps inside CJK words
    return assemble(section_parts(text, title_line(text)), kind)
