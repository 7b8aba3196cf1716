"""Markdown: a section per heading (levels 1-3), markup stripped where it hurts reading."""

from __future__ import annotations

import re

from desktop_search.core.extract.cjk_text import TYPED_MIN_LINES, join_cjk_wraps
from desktop_search.core.extract.encoding import decode_text
from desktop_search.core.extract.results import Deadline, Extracted, Part, assemble

SECTION_LEVEL = 3
_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_LINK_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s+\S+.*$")
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _inline(line: str) -> str:
    line = _IMAGE.sub(r"\1", line)
    line = _LINK.sub(r"\1", line)
    line = _REF_LINK.sub(r"\1", line)
    return _EMPHASIS.sub(r"\2", line)


def split_markdown(text: str) -> list[Part]:
    """Cut Markdown text at headings; heading lines keep their words (without the # marks)."""
    text = _HTML_COMMENT.sub("", text)
    lines = text.splitlines()
    parts: list[Part] = []
    heading: str | None = None
    current: list[str] = []
    fence: str | None = None

    def flush() -> None:
        parts.append(Part("\n".join(current), heading=heading))
        current.clear()

    for i, line in enumerate(lines):
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
            level, title = len(atx.group(1)), _inline(atx.group(2)).replace("`", "")
        elif line.strip() and _SETEXT.match(next_line) and not _SETEXT.match(line):
            level, title = (1 if next_line.strip()[0] == "=" else 2), _inline(line.strip()).replace("`", "")
        else:
            if _SETEXT.match(line) or _LINK_DEF.match(line):
                continue  # a setext underline already taken, a rule, or a link definition
            current.append(_inline(line))
            continue
        if level <= SECTION_LEVEL:
            flush()
            heading = title
        current.append(title)
    flush()
    return parts


def extract_markdown(data: bytes, deadline: Deadline) -> Extracted:
    text = join_cjk_wraps(decode_text(data), _ATX.match, TYPED_MIN_LINES)  # wraps inside CJK words
    return assemble(split_markdown(text), "markdown")
