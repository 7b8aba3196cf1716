"""reStructuredText: a section per title (underlined or over-and-underlined), light markup removed.

A title's level is its adornment style's place in the order the document first uses them (reST has no
fixed levels: "===" over and under, then "---" under, …); sections are headed by their path as other
formats' are ("Building and Distributing Packages with Setuptools › Configuration API"), and a title
with no text before the next one opens the next part.
"""

from __future__ import annotations

import re

from desktop_search.core.extract.cjk_text import TYPED_MIN_LINES, join_cjk_wraps
from desktop_search.core.extract.encoding import decode_text
from desktop_search.core.extract.results import Deadline, Extracted, Part, assemble
from desktop_search.core.extract.sections import SectionPath, fold_heading_only

_ADORNMENT = re.compile(r"^([=\-~^\"'`#*+:.<>_!$%&,;/?@\\|])\1{2,}\s*$")
_TARGET = re.compile(r"^\.\.\s+(_[^:]*:|\|[^|]+\|)\s*\S*\s*$")
_COMMENT = re.compile(r"^\.\.(\s*$|\s+[^\s:][^:]*$)")
_ROLE = re.compile(r":[\w:+-]+:`([^`<]*?)(?:\s*<[^>]*>)?`")
_LINK = re.compile(r"`([^`<]+?)\s*<[^>]*>`__?")
_DIRECTIVE = re.compile(r"^(\s*)\.\.\s+[\w:-]+::\s*(.*)$")
_LITERAL = re.compile(r"``(.+?)``")
_REF = re.compile(r"`([^`]+)`_{1,2}")
# Sphinx's file-wide metadata fields (":orphan:", ":tocdepth: 2"): instructions to the builder; pip's
# pages opened with ":orphan:" as a passage of its own
_SPHINX_META = re.compile(r"^:(orphan|nosearch|nocomments|tocdepth|hide-[a-z-]+|og:[\w:-]+):(\s.*)?$")


def _inline(line: str) -> str:
    line = _DIRECTIVE.sub(r"\1\2", line)
    line = _ROLE.sub(r"\1", line)
    line = _LINK.sub(r"\1", line)
    line = _LITERAL.sub(r"\1", line)
    return _REF.sub(r"\1", line)


def split_rst(text: str) -> list[Part]:
    lines = text.splitlines()
    parts: list[Part] = []
    path = SectionPath()
    styles: list[tuple[str, bool]] = []  # (adornment character, overlined) in order of first use
    heading: str | None = None
    current: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        title: str | None = None
        if _ADORNMENT.match(line) and nxt.strip() and i + 2 < len(lines) and _ADORNMENT.match(lines[i + 2]):
            title, style, i = (
                nxt.strip(),
                (lines[i + 2].strip()[0], True),
                i + 3,
            )  # overline, title, underline
        elif (
            line.strip()
            and not _ADORNMENT.match(line)
            and _ADORNMENT.match(nxt)
            and len(nxt.rstrip()) >= len(line.strip()) - 1
            and not line.startswith((" ", "\t"))
        ):
            title, style, i = line.strip(), (nxt.strip()[0], False), i + 2
        if title is not None:
            parts.append(Part("\n".join(current), heading=heading))
            current = [_inline(title)]
            if style not in styles:
                styles.append(style)
            heading = path.enter(styles.index(style) + 1, _inline(title))
            continue
        if not (
            _TARGET.match(line) or _COMMENT.match(line) or _ADORNMENT.match(line) or _SPHINX_META.match(line)
        ):
            current.append(_inline(line))
        i += 1
    parts.append(Part("\n".join(current), heading=heading))
    return parts


def extract_rst(data: bytes, deadline: Deadline) -> Extracted:
    text = join_cjk_wraps(decode_text(data), min_lines=TYPED_MIN_LINES)  # wraps inside CJK words
    return assemble(fold_heading_only(split_rst(text)), "rst")
