"""Markdown: a section per heading (levels 1-3), headed by its path ("Building Node.js › Platform
list", as other formats' sections are), markup stripped where it hurts reading; a heading with no text
before the next one opens the next part.

READMEs mix HTML into their Markdown: a centred logo (``<p align="center"><img alt="Zstandard"
…></p>``), anchors (``<a id="ERR_ACCESS_DENIED"></a>`` above each of Node.js's error codes), tables of
links. Their tags are dropped outside code (an image reads as its alt text, an ``<h1>`` line is a
heading, an autolink ``<https://…>`` its address), as are backslash escapes ("CHANGELOG\\_ARCHIVE"); a
reference link with no link after it ("[lzbench]", defined by "[lzbench]: https://…" below) reads as
its text.

A contents list, a run of list items that each link to a heading of the page ("* [Prerequisites]
(#prerequisites)", Node.js's BUILDING.md, a README's "Table of contents"), is a part of its own marked
as navigation: it names every topic of the page, so it sat near every query; its title line ("## Table
of contents") goes with it. Badges and logos are read as their alt text in every link form
("[![openssl logo]][www.openssl.org]": "openssl logo").
"""

from __future__ import annotations

import re

from desktop_search.core.extract.cjk_text import TYPED_MIN_LINES, join_cjk_wraps
from desktop_search.core.extract.encoding import decode_text
from desktop_search.core.extract.results import Deadline, Extracted, Part, assemble
from desktop_search.core.extract.sections import SECTION_LEVELS, SectionPath, fold_heading_only, short_title

_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_IMAGE = re.compile(r"!\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])?")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_LINK_DEF = re.compile(r"^ {0,3}\[([^\]]+)\]:\s+\S+.*$")
_SHORTCUT = re.compile(r"(?<![\]!])\[([^\]\[]+)\](?![(\[:])")
_CODE_SPAN = re.compile(r"(`+[^`]*`+)")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # "CHANGELOG\_ARCHIVE": a backslash-escaped punctuation mark
# HTML in Markdown (a README's centred logo, an anchor, a table): tags dropped, an image read as its alt
_TAGS = (
    "a|abbr|b|big|blockquote|br|center|code|dd|del|details|div|dl|dt|em|figcaption|figure|font|h[1-6]|hr|i|"
    "img|ins|kbd|li|mark|ol|p|picture|pre|q|s|samp|section|small|source|span|strike|strong|sub|summary|"
    "sup|table|tbody|td|tfoot|th|thead|tr|tt|u|ul|var|video"
)
_HTML_TAG = re.compile(rf"</?(?:{_TAGS})(?:\s[^<>]*)?/?>", re.IGNORECASE)
_HTML_IMAGE = re.compile(r"<img\b[^<>]*?(?:\balt\s*=\s*([\"'])(.*?)\1[^<>]*)?/?>", re.IGNORECASE)
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^<>\s]+|mailto:[^<>\s]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>")
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_HTML_HEADING = re.compile(r"^\s*<h([1-6])\b[^<>]*>(.*?)</h\1>\s*$", re.IGNORECASE)
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
# a list item that is one link to a heading of the page: a contents list's entry
_CONTENTS_ENTRY = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+\[[^\]]+\]\(#[^)\s]*\)\s*$")
MIN_CONTENTS_ENTRIES = 3


def _inline(line: str, labels: frozenset[str] = frozenset()) -> str:
    """A line's markup stripped: images and links read as their text (code spans in a link's text
    too), then HTML tags dropped (an image as its alt text), emphasis marks and escapes dropped
    outside code spans."""
    line = _IMAGE.sub(r"\1", line)
    line = _LINK.sub(r"\1", line)
    line = _REF_LINK.sub(r"\1", line)
    return "".join(
        piece if n % 2 else _text_markup(piece, labels) for n, piece in enumerate(_CODE_SPAN.split(line))
    )


def _text_markup(text: str, labels: frozenset[str]) -> str:
    text = _AUTOLINK.sub(r"\1", text)
    text = _HTML_IMAGE.sub(lambda m: f" {m.group(2) or ''} ", text)
    text = _HTML_BREAK.sub(" ", text)
    text = _HTML_TAG.sub("", text)
    if labels:  # "[lzbench]" when "[lzbench]: https://…" is defined: a shortcut reference link
        text = _SHORTCUT.sub(lambda m: m.group(1) if m.group(1).casefold() in labels else m.group(0), text)
    return _ESCAPED.sub(r"\1", _EMPHASIS.sub(r"\2", text))


def _link_labels(lines: list[str]) -> frozenset[str]:
    return frozenset(m.group(1).casefold() for line in lines if (m := _LINK_DEF.match(line)))


def split_markdown(text: str) -> list[Part]:
    """Cut Markdown text at headings; heading lines keep their words (without the # marks). A contents
    list is a navigation part of its own (see the module docstring)."""
    text = _HTML_COMMENT.sub("", text)
    lines = [
        _HTML_HEADING.sub(lambda m: f"{'#' * int(m.group(1))} {m.group(2)}", line)
        for line in text.splitlines()
    ]
    labels = _link_labels(lines)
    contents = _contents_lines(lines)
    parts: list[Part] = []
    path = SectionPath()
    heading: str | None = None
    current: list[str] = []
    listing: list[str] = []  # the contents list being read
    fence: str | None = None

    def flush() -> None:
        if listing:
            if len([line for line in current if line.strip()]) == 1 and _titled(current, heading):
                listing[:0] = current
                current.clear()
            flush_text()
            parts.append(Part("\n".join(listing), heading=heading, navigation=True))
            listing.clear()
        flush_text()

    def flush_text() -> None:
        if current:
            parts.append(Part("\n".join(current), heading=heading))
            current.clear()

    for i, line in enumerate(lines):
        if i in contents:
            listing.append(_inline(line, labels))
            continue
        if listing and line.strip():
            flush()
        fence_match = _FENCE.match(line)
        if fence is not None:
            if (
                fence_match
                and fence_match.group(1)[0] == fence[0]
                and len(fence_match.group(1)) >= len(fence)
            ):
                fence = None
            else:
                current.append(line)
            continue
        if fence_match:
            fence = fence_match.group(1)
            continue
        atx = _ATX.match(line)
        next_line = lines[i + 1] if i + 1 < len(lines) else ""
        if atx:
            level, title = len(atx.group(1)), _inline(atx.group(2), labels).replace("`", "").strip()
        elif line.strip() and _SETEXT.match(next_line) and not _SETEXT.match(line):
            level = 1 if next_line.strip()[0] == "=" else 2
            title = _inline(line.strip(), labels).replace("`", "").strip()
        else:
            if _SETEXT.match(line) or _LINK_DEF.match(line):
                continue  # a setext underline already taken, a rule, or a link definition
            current.append(_inline(line, labels))
            continue
        if level <= SECTION_LEVELS:
            flush()
            heading = path.enter(level, title)
        current.append(title)
    flush()
    return parts


def _titled(lines: list[str], heading: str | None) -> bool:
    """Whether the one line of ``lines`` is the title that ``heading`` ends with (its title goes with a
    contents list under it)."""
    title = " ".join("".join(lines).split())
    return bool(heading and title and heading.endswith(short_title(title)))


def _contents_lines(lines: list[str]) -> set[int]:
    """The lines of the page's contents lists: runs of at least :data:`MIN_CONTENTS_ENTRIES` list items
    that each link to a heading of the page (blank lines between them belong to the run)."""
    found: set[int] = set()
    run: list[int] = []
    for n, line in enumerate([*lines, "end"]):
        if _CONTENTS_ENTRY.match(line):
            run.append(n)
        elif line.strip() or n == len(lines):
            if len(run) >= MIN_CONTENTS_ENTRIES:
                found.update(range(run[0], run[-1] + 1))
            run = []
    return found


def extract_markdown(data: bytes, deadline: Deadline) -> Extracted:
    text = join_cjk_wraps(decode_text(data), _ATX.match, TYPED_MIN_LINES)  # wraps inside CJK words
    return assemble(fold_heading_only(split_markdown(text)), "markdown")
