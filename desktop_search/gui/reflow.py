"""Hard-wrapped text reflowed for the preview: a paragraph wrapped at 72 or 80 columns (a plain-text
mail, an RFC, a manual's text edition, a PDF page's lines) flows to the pane's width instead of
breaking twice, once at the author's margin and again at the pane's ("In such a" / "case").

Only a line that reaches the text's right margin and goes on with a word on the next line is joined;
blank lines, lists, indented blocks, tables and short lines (a heading, a paragraph's last line) keep
their breaks. The caller gets, with the text, where each character of the original went, so the
passage and its highlights are marked in the reflowed text.
"""

from __future__ import annotations

import re

MIN_MARGIN = 40  # a text whose lines are shorter has no margin to flow from (verse, code, lists)
REACHES_MARGIN = 0.75  # a line this share of the margin long was wrapped there
MAX_HANGING_INDENT = 8  # a wrapped list item's next line is indented at most this much more
_BULLET = re.compile(r"(?:[-*+•·o◦▪]|\d{1,3}[.)]|[a-zA-Z][.)]|\(\w{1,3}\))\s")
_TABULAR = re.compile(r"\S {3,}\S|[|│┃┆]|\+-{3}|\t")
_CONTINUES = re.compile(r"[\w\"'“‘(\[]")
# extensions whose line breaks are the content: code, logs, tables, patches; and documents whose
# extracted lines are whole paragraphs already (a web page's blocks, a word processor's paragraphs, a
# slide's lines), never wrapped at a margin: reflowing them joined one paragraph to the next wherever
# the first was long (an RTF of 24 paragraphs showed as 16) and a code example's lines in a web page
_KEEP_LINES_WORDS = """py pyi js ts tsx jsx java c h cc cpp hpp cs go rs rb php pl sh bash zsh swift kt
    scala sql json yaml yml toml ini cfg conf css scss xml svg log out csv tsv tab diff patch
    html htm xhtml xht epub docx docm odt doc rtf pptx odp ppt"""
KEEP_LINES = frozenset(_KEEP_LINES_WORDS.split())


def _margin(lines: list[str]) -> int:
    """The text's right margin: the length most full lines reach (the 90th percentile)."""
    lengths = sorted(len(line.rstrip()) for line in lines if line.strip())
    return lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _wrapped(line: str, following: str, margin: int) -> bool:
    """Whether ``line`` was wrapped at the margin and ``following`` goes on with its paragraph."""
    body, next_body = line.rstrip(), following.strip()
    if not body.strip() or not next_body or len(body) < REACHES_MARGIN * margin:
        return False
    if _TABULAR.search(body.strip()) or _TABULAR.search(next_body) or _BULLET.match(next_body):
        return False
    deeper = _indent(following) - _indent(line)
    if deeper > MAX_HANGING_INDENT or (deeper > 0 and body.endswith(":")):
        return False
    return bool(_CONTINUES.match(next_body))


def reflowed(text: str) -> tuple[str, list[int]]:
    """``text`` with its wrapped lines joined by a space (a hyphen at the break joins without one),
    and for each offset of ``text`` (its length included) the offset in the result."""
    lines = text.split("\n")
    margin = _margin(lines)
    if margin < MIN_MARGIN:
        return text, list(range(len(text) + 1))
    out: list[str] = []
    where: list[int] = []
    size = 0
    previous_joined = False
    for n, line in enumerate(lines):
        joins = n + 1 < len(lines) and _wrapped(line, lines[n + 1], margin)
        kept = line.rstrip() if joins else line
        if previous_joined:
            skipped = len(line) - len(line.lstrip())
            kept = kept[skipped:]
            where.extend([size] * skipped)
        else:
            skipped = 0
        flowing = joins or previous_joined  # a line of a reflowed paragraph: justified spaces close up
        lead = len(kept) - len(kept.lstrip())
        shown = []
        for i, ch in enumerate(kept):
            where.append(size)
            if flowing and ch == " " and i > lead and kept[i - 1] == " ":
                continue
            shown.append(ch)
            size += 1
        out.append("".join(shown))
        where.extend([size] * (len(line) - skipped - len(kept)))  # trailing spaces dropped at a join
        if n + 1 < len(lines):
            separator = "" if not joins or kept.endswith("-") else " "  # "name-" / "space": no space
            where.append(size)  # the line break
            out.append(separator if joins else "\n")
            size += len(separator) if joins else 1
        previous_joined = joins
    where.append(size)
    return "".join(out), where
