"""Which PDF pages are navigation (tables of contents, lists of tables, indexes) rather than text.

A navigation page names every topic, so it sits near every query; it is kept (listed and keyword-
searchable) but marked, and the searcher never ranks it above real text. A page is navigation when
* many of its lines are dot-leader entries ("5.4.3 Simple questions . . . . 22"), or
* it is titled like a table of contents or an index ("Contents", "Inhaltsverzeichnis", "目次", ...)
  or the outline files it under such a title, and most of its lines end in a page number, or
* it follows a navigation page and most of its lines still end in a page number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

NAVIGATION_TITLES = frozenset(
    t.casefold()
    for t in (
        "Contents", "Table of Contents", "List of Tables", "List of Figures", "List of Examples", "Index",
        "Inhaltsverzeichnis", "Inhalt", "Tabellenverzeichnis", "Abbildungsverzeichnis",
        "Stichwortverzeichnis", "Register", "Table des matières", "Sommaire",
        "Liste des tableaux", "Liste des figures",
        "Índice", "Índice general", "Índice de tablas", "Lista de tablas", "Indice", "Sommario",
        "Indice generale", "Elenco delle tabelle", "目次", "表目次", "図目次", "索引", "目录", "表格清单",
    )
)  # fmt: skip
DOT_LEADER = re.compile(r"(?:\.\s?){4,}\s*(?:\d+|[ivxlcdm]+)\s*$|…{2,}\s*\d+\s*$", re.IGNORECASE)
_ENDS_IN_PAGE = re.compile(r"(?:^|\s|\.|,)(?:\d{1,4}|[ivxlcdm]{1,6})\s*$", re.IGNORECASE)
MIN_DOTTED_LINES = 3
DOTTED_SHARE = 0.3  # of a page's lines
NUMBERED_SHARE = 0.5  # lines ending in a page number on a titled page
CONTINUED_SHARE = 0.5  # ... on a page after a navigation page (read by column, an index splits
# entries from their numbers)
MIN_LINES = 5


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def is_navigation_title(title: str) -> bool:
    return " ".join(title.split()).casefold() in NAVIGATION_TITLES


def _titled(lines: list[str]) -> bool:
    return any(is_navigation_title(line) for line in lines[:3])


def _shares(lines: list[str]) -> tuple[int, float, float]:
    dotted = sum(1 for line in lines if DOT_LEADER.search(line))
    numbered = sum(1 for line in lines if _ENDS_IN_PAGE.search(line))
    return dotted, dotted / len(lines), numbered / len(lines)


def navigation_pages(pages: Sequence[str], outline_navigation: frozenset[int] = frozenset()) -> list[bool]:
    """For each page's text (headers already stripped), whether it is navigation; ``outline_navigation``
    holds the 0-based pages that the outline files under a navigation title."""
    marks: list[bool] = []
    for number, text in enumerate(pages):
        lines = _lines(text)
        if not lines:
            marks.append(False)
            continue
        dotted, dotted_share, numbered_share = _shares(lines)
        previous = bool(marks) and marks[-1]
        marks.append(
            (dotted >= MIN_DOTTED_LINES and dotted_share >= DOTTED_SHARE)
            or ((_titled(lines) or number in outline_navigation) and numbered_share >= NUMBERED_SHARE)
            or (previous and len(lines) >= MIN_LINES and numbered_share >= CONTINUED_SHARE)
        )
    return marks
