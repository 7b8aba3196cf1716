"""A PDF's outline (bookmarks) as a flat list of entries with their pages and top-level chapter.

Reading the outline never fails an extraction: a damaged outline is simply no outline. A chapter the
outline files under the one before it ("5 Suggestions for writing files" under "4 External programs"
in LilyPond's Usage manual, in every language) is read as the chapter its number says it is.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from desktop_search.core.extract.pdf_navigation import is_navigation_title

log = logging.getLogger(__name__)

MAX_ENTRIES = 20000  # a larger outline is a hostile one
_CHAPTER_NUMBER = re.compile(r"^(\d+|[A-Z])\s")  # "5 Suggestions", "B Index"; not "5.1 General"


@dataclass(frozen=True)
class OutlineEntry:
    """One bookmark: its title, 0-based destination page, depth (0: chapter) and chapter title."""

    title: str
    page: int
    depth: int
    chapter: str


def read_outline(reader: Any, page_count: int) -> list[OutlineEntry]:
    """The outline's entries in document order (entries without a usable page are left out)."""
    entries: list[OutlineEntry] = []
    try:
        _walk(reader, reader.outline, 0, "", entries, page_count)
    except Exception:  # pypdf raises many types on a damaged outline; it is optional
        log.debug("outline unreadable", exc_info=True)
        return []
    return promoted_chapters(entries)


def promoted_chapters(entries: Sequence[OutlineEntry]) -> list[OutlineEntry]:
    """``entries`` with an entry filed under a chapter whose number is not its own ("5 …" under
    "4 …") made a chapter, its own entries under it."""
    out: list[OutlineEntry] = []
    promoted: OutlineEntry | None = None
    for entry in entries:
        if promoted is not None and entry.depth <= promoted.depth:
            promoted = None
        if promoted is None and entry.depth > 0 and _another_chapter(entry):
            promoted = entry
            out.append(replace(entry, depth=0, chapter=entry.title))
        elif promoted is not None:
            out.append(replace(entry, depth=entry.depth - promoted.depth, chapter=promoted.title))
        else:
            out.append(entry)
    return out


def _another_chapter(entry: OutlineEntry) -> bool:
    """A bare chapter number after its chapter's: "5 …" under "4 …", an appendix "B …" under "A …". A
    letter under a numbered chapter is a word, not an appendix: R's manuals file "R and statistics"
    and "A specific example" under chapters 1 and 4."""
    own, parent = _CHAPTER_NUMBER.match(entry.title), _CHAPTER_NUMBER.match(entry.chapter)
    if own is None or parent is None:
        return False
    mine, theirs = own.group(1), parent.group(1)
    if mine.isdigit() != theirs.isdigit():
        return False
    return int(mine) > int(theirs) if mine.isdigit() else mine > theirs


def _walk(
    reader: Any, items: Sequence[Any], depth: int, chapter: str, out: list[OutlineEntry], page_count: int
) -> None:
    last_title = chapter
    for item in items:
        if len(out) >= MAX_ENTRIES or depth > 32:
            return
        if isinstance(item, list):
            _walk(reader, item, depth + 1, last_title if depth == 0 else chapter, out, page_count)
            continue
        title = " ".join(str(getattr(item, "title", "") or "").split())
        try:
            page = reader.get_destination_page_number(item)
        except Exception:
            page = None
        if depth == 0:
            last_title = title
        if title and page is not None and 0 <= page < page_count:
            out.append(OutlineEntry(title, page, depth, title if depth == 0 else chapter))


def outline_navigation_pages(entries: Sequence[OutlineEntry], page_count: int) -> frozenset[int]:
    """The pages the outline files under a navigation title ("Contents", "Index", ...): from the
    entry's page up to the page before the next entry that starts on a later page."""
    pages: set[int] = set()
    for i, entry in enumerate(entries):
        if not is_navigation_title(entry.title):
            continue
        later = [e.page for e in entries[i + 1 :] if e.page > entry.page]
        end = later[0] if later else page_count
        pages.update(range(entry.page, max(entry.page + 1, end)))
    return frozenset(pages)
