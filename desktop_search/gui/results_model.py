"""Search results as a Qt list model with named roles.

Hits arrive grouped by file (``SearchHit.inline`` holds the file's strong further passages,
``SearchHit.more`` the rest). The model shows one row per file, followed by one short indented row for
each inline passage; :meth:`ResultsModel.toggle_more` expands a file in place to show its further
passages as indented child rows (after its inline rows, whose last row carries the "more" link).
Long result lists are handed to the view in pages (``fetchMore``). Results below the relevance floor
wait behind a last "Show N weaker results" row (:meth:`ResultsModel.show_weak`). A file's copies and the
near-identical passages folded under it read as an "also in: …" line (``ALSO_IN``).
The main window's results list and the tray's quick-search popup both use this model with
:class:`desktop_search.gui.result_delegate.ResultDelegate`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractListModel, QByteArray, QModelIndex, QPersistentModelIndex, Qt

from desktop_search.core import SearchHit, Span, display, kept_for_its_words, language_name
from desktop_search.gui.wording import counted

ModelIndex = QModelIndex | QPersistentModelIndex
# the tooltip of a hit found by its words alone (its meaning not compared with the query)
WORDS_ONLY_TIP = "Found by its words; its match strength shows once its meaning is indexed."
WORDS_KEPT_TIP = "Shown for the words it shares with your search; its meaning is far from it."


class ResultRole(IntEnum):
    """Named data roles of :class:`ResultsModel` (also exposed through ``roleNames``)."""

    HIT = Qt.ItemDataRole.UserRole + 1  # the SearchHit itself
    PATH = Qt.ItemDataRole.UserRole + 2  # path key (open it with pathkeys.from_key)
    DISPLAY_NAME = Qt.ItemDataRole.UserRole + 3  # file name, readable
    FOLDER = Qt.ItemDataRole.UserRole + 4  # containing folder, readable
    PAGE = Qt.ItemDataRole.UserRole + 5  # 1-based page number or None
    TEXT = Qt.ItemDataRole.UserRole + 6  # the passage, whitespace collapsed, trimmed around the match
    SCORE_PERCENT = Qt.ItemDataRole.UserRole + 7  # 0..100; None: found by its words, no strength
    HIGHLIGHTS = Qt.ItemDataRole.UserRole + 8  # tuple[Span, ...] into TEXT
    MORE_COUNT = Qt.ItemDataRole.UserRole + 9  # the file's further passages, on the row with the link
    IS_CHILD = Qt.ItemDataRole.UserRole + 10  # a passage row under its file (inline or "more")
    EXPANDED = Qt.ItemDataRole.UserRole + 11  # the file's further passages are shown (file and link rows)
    IS_INLINE = Qt.ItemDataRole.UserRole + 12  # a strong further passage, always shown under its file
    ALSO_IN = Qt.ItemDataRole.UserRole + 13  # "also in: …" (identical copies, +N similar), or ""
    WEAK_COUNT = Qt.ItemDataRole.UserRole + 14  # on the "Show N weaker results" row: N; else 0
    SECTION = Qt.ItemDataRole.UserRole + 15  # the passage's section when its text does not open with it
    INLINE_LABEL = Qt.ItemDataRole.UserRole + 16  # an inline row's label: "p. 12", "also", "FR p. 232"


ROLE_NAMES = {
    ResultRole.HIT: b"hit",
    ResultRole.PATH: b"path",
    ResultRole.DISPLAY_NAME: b"displayName",
    ResultRole.FOLDER: b"folder",
    ResultRole.PAGE: b"page",
    ResultRole.TEXT: b"text",
    ResultRole.SCORE_PERCENT: b"scorePercent",
    ResultRole.HIGHLIGHTS: b"highlights",
    ResultRole.MORE_COUNT: b"moreCount",
    ResultRole.IS_CHILD: b"isChild",
    ResultRole.EXPANDED: b"expanded",
    ResultRole.IS_INLINE: b"isInline",
    ResultRole.ALSO_IN: b"alsoIn",
    ResultRole.WEAK_COUNT: b"weakCount",
    ResultRole.SECTION: b"section",
    ResultRole.INLINE_LABEL: b"inlineLabel",
}

PAGE_SIZE = 50  # rows handed to the view per fetchMore
_BREAK = re.compile("[ 。、！？，；：]")  # where a trimmed snippet may start or end: between words
SNIPPET_CHARS = 420  # the passage shown in a row is trimmed to about this many characters
INLINE_SNIPPET_CHARS = 240  # ... and in an inline passage's row


def part_title(name: str, part: str | None) -> str:
    """A result's name: the file's, and the sub-document's inside it ("archive.zip › reports/q3.pdf")."""
    return f"{name} › {part}" if part else name


def snippet(
    text: str, highlights: tuple[Span, ...], max_chars: int = SNIPPET_CHARS
) -> tuple[str, tuple[Span, ...]]:
    """Collapse whitespace in ``text`` and trim it around the first highlight.

    Returns the shortened text and the highlight spans moved to match it.
    """
    out: list[str] = []
    mapping: list[int] = []  # original offset -> offset in the collapsed text
    pending_space = False
    for ch in text:
        if ch.isspace():
            pending_space = bool(out)
            mapping.append(len(out))  # where the single space (if any) will go
            continue
        if pending_space:
            out.append(" ")
            pending_space = False
        mapping.append(len(out))
        out.append(ch)
    mapping.append(len(out))
    collapsed = "".join(out)

    def moved(offset: int) -> int:
        return min(mapping[max(0, min(offset, len(text)))], len(collapsed))

    spans = [Span(moved(s.start), moved(s.end)) for s in highlights if s.end > s.start]
    spans = [s for s in spans if s.end > s.start]
    start = 0
    if len(collapsed) > max_chars and spans:
        first = min(s.start for s in spans)
        if first > max_chars // 3:
            start = first - max_chars // 4
            gap = _BREAK.search(collapsed, start, first)
            if gap:
                start = gap.end()
    end = min(len(collapsed), start + max_chars)
    if end < len(collapsed):
        gaps = [m.end() if m.group() != " " else m.start() for m in _BREAK.finditer(collapsed, start, end)]
        if gaps and gaps[-1] > start + max_chars // 2:
            end = gaps[-1]
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(collapsed) else ""
    shift = len(prefix) - start
    kept = tuple(
        Span(max(s.start, start) + shift, min(s.end, end) + shift)
        for s in spans
        if s.end > start and s.start < end
    )
    return prefix + collapsed[start:end] + suffix, kept


def split_path(path_key: str) -> tuple[str, str]:
    """The readable file name and folder of a path key."""
    readable = display(path_key)
    return os.path.basename(readable) or readable, os.path.dirname(readable)


@dataclass(frozen=True)
class _Row:
    hit: SearchHit
    child: bool = False
    expanded: bool = False
    inline: bool = False
    translation: bool = False  # the same passage in another language's edition (SearchHit.translations)
    weak_link: bool = False  # the "Show N weaker results" row (its hit is the first weaker one)


def also_in(hit: SearchHit) -> str:
    """The line under a file that has identical copies or near-identical passages folded into it."""
    parts = []
    if hit.duplicates:
        name = split_path(hit.path)[0]
        # a copy with the same name is told by its folder; one renamed, by its whole path
        places = [folder if copy == name else display(path) for path in hit.duplicates for copy, folder in
                  (split_path(path),)]  # fmt: skip
        parts.append("also in: " + ", ".join(places))
    if hit.similar:
        names = ", ".join(_similar_name(hit, s) for s in hit.similar)
        parts.append(f"+{len(hit.similar)} similar ({names})")
    return " · ".join(parts)


def _similar_name(hit: SearchHit, similar: SearchHit) -> str:
    """A folded result's name: its file's, or only its part's when it lies in the same file."""
    if similar.part and similar.path == hit.path:
        return similar.part
    return part_title(split_path(similar.path)[0], similar.part)


def _file_rows(hit: SearchHit) -> list[_Row]:
    """A file's row and the rows of its inline passages."""
    return [
        _Row(hit),
        *(_Row(passage, child=True, inline=True) for passage in hit.inline),
        *(_Row(passage, child=True, inline=True, translation=True) for passage in hit.translations),
    ]


def _inline_rows(hit: SearchHit) -> int:
    """The rows always shown under a file's: its inline passages, then its translations."""
    return len(hit.inline) + len(hit.translations)


def inline_label(hit: SearchHit, translation: bool) -> str:
    """An inline row's label: its page ("p. 12"), "also" for a page-less passage; a translation's
    language first ("FR p. 232")."""
    where = f"p. {hit.page}" if hit.page else ("" if translation else "also")
    language = (hit.language or "").upper() if translation else ""
    return " ".join(part for part in (language, where) if part)


class ResultsModel(QAbstractListModel):
    """One row per file hit; child rows for expanded "more from this file" passages."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit] = []  # every top-level hit of the current result set
        self._loaded = 0  # how many of them the view has fetched
        self._rows: list[_Row] = []
        self._snippets: dict[int, tuple[str, tuple[Span, ...]]] = {}
        self._weak: list[SearchHit] = []  # below the relevance floor, not shown yet

    # -- filling ---------------------------------------------------------------------------------

    def set_hits(
        self,
        hits: list[SearchHit] | tuple[SearchHit, ...],
        weak: list[SearchHit] | tuple[SearchHit, ...] = (),
    ) -> None:
        """Replace the results (their highlights are painted as they come: see ``gui.highlighting``);
        ``weak`` ones wait behind a "Show N weaker results" row."""
        self.beginResetModel()
        self._hits = list(hits)
        self._weak = list(weak)
        self._loaded = min(PAGE_SIZE, len(self._hits))
        self._rows = [row for h in self._hits[: self._loaded] for row in _file_rows(h)] + self._tail()
        self._snippets.clear()
        self.endResetModel()

    def _tail(self) -> list[_Row]:
        """The "Show N weaker results" row, once every stronger result is loaded."""
        if self._weak and self._loaded >= len(self._hits):
            return [_Row(self._weak[0], weak_link=True)]
        return []

    @property
    def weak_count(self) -> int:
        """Weaker results not shown yet."""
        return len(self._weak)

    def show_weak(self) -> None:
        """Replace the "Show N weaker results" row with those results."""
        if not self._weak:
            return
        link = next((i for i, row in enumerate(self._rows) if row.weak_link), None)
        if link is not None:
            self.beginRemoveRows(QModelIndex(), link, link)
            del self._rows[link]
            self.endRemoveRows()
        self._hits.extend(self._weak)
        self._weak = []
        self._snippets.clear()
        while self.canFetchMore():
            self.fetchMore()

    def clear(self) -> None:
        self.set_hits([])

    @property
    def hits(self) -> list[SearchHit]:
        """Every top-level hit of the current result set (fetched or not)."""
        return list(self._hits)

    def hit_at(self, row: int) -> SearchHit | None:
        if not 0 <= row < len(self._rows) or self._rows[row].weak_link:
            return None
        return self._rows[row].hit

    def top_level_row(self, row: int) -> int:
        """The row of the file that ``row`` belongs to (itself for a top-level row)."""
        while 0 < row < len(self._rows) and self._rows[row].child:
            row -= 1
        return row

    # -- expansion -------------------------------------------------------------------------------

    def toggle_more(self, row: int) -> None:
        """Show or hide the further passages of the file at ``row`` (a child row toggles its parent)."""
        row = self.top_level_row(row)
        if not 0 <= row < len(self._rows):
            return
        item = self._rows[row]
        more = item.hit.more
        if not more:
            return
        at = row + 1 + _inline_rows(item.hit)  # after the file's inline rows
        if item.expanded:
            self.beginRemoveRows(QModelIndex(), at, at + len(more) - 1)
            del self._rows[at : at + len(more)]
            self.endRemoveRows()
        else:
            self.beginInsertRows(QModelIndex(), at, at + len(more) - 1)
            self._rows[at:at] = [_Row(h, child=True) for h in more]
            self.endInsertRows()
        self._rows[row] = _Row(item.hit, expanded=not item.expanded)
        self._snippets.clear()
        link = at - 1  # the row that shows the "more" link
        self.dataChanged.emit(self.index(row), self.index(link), [ResultRole.EXPANDED])

    def _link_row(self, row: int) -> int | None:
        """The file row ``row`` belongs to, when ``row`` is the one that shows its "more" link (the file's
        row, or its last inline row)."""
        top = self.top_level_row(row)
        return top if row == top + _inline_rows(self._rows[top].hit) else None

    # -- paging ----------------------------------------------------------------------------------

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008 - Qt signature
        return not parent.isValid() and self._loaded < len(self._hits)

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008 - Qt signature
        if parent.isValid():
            return
        extra = self._hits[self._loaded : self._loaded + PAGE_SIZE]
        if not extra:
            return
        rows = [row for h in extra for row in _file_rows(h)]
        first = len(self._rows)
        self._loaded += len(extra)
        rows += self._tail()
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    # -- Qt model interface ----------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        names.update({int(role): QByteArray(name) for role, name in ROLE_NAMES.items()})
        return names

    def _snippet(self, row: int) -> tuple[str, tuple[Span, ...]]:
        cached = self._snippets.get(row)
        if cached is None:
            item = self._rows[row]
            chars = INLINE_SNIPPET_CHARS if item.inline else SNIPPET_CHARS
            cached = self._snippets[row] = snippet(item.hit.text, item.hit.highlights, chars)
        return cached

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        hit = item.hit
        if item.weak_link:
            return self._weak_link_data(role)
        if role == ResultRole.HIT:
            return hit
        if role == ResultRole.ALSO_IN:
            return "" if item.child else also_in(hit)
        if role == ResultRole.WEAK_COUNT:
            return 0
        if role == ResultRole.PATH:
            return hit.path
        if role in (ResultRole.DISPLAY_NAME, Qt.ItemDataRole.DisplayRole):
            return part_title(split_path(hit.path)[0], hit.part)
        if role == ResultRole.FOLDER:
            return split_path(hit.path)[1]
        if role == ResultRole.PAGE:
            return hit.page
        if role == ResultRole.SECTION:
            return "" if item.child else hit.shown_section
        if role == ResultRole.TEXT:
            return self._snippet(index.row())[0]
        if role == ResultRole.HIGHLIGHTS:
            return self._snippet(index.row())[1]
        if role == ResultRole.SCORE_PERCENT:  # None: found by its words, no strength to show
            return round(hit.display_score * 100) if _shows_strength(hit) else None
        if role == ResultRole.MORE_COUNT:
            top = self._link_row(index.row())
            return 0 if top is None else len(self._rows[top].hit.more)
        if role == ResultRole.EXPANDED:  # on the file's row and on the row with its link
            top = index.row() if not item.child else self._link_row(index.row())
            return False if top is None else self._rows[top].expanded
        if role == ResultRole.IS_CHILD:
            return item.child
        if role == ResultRole.IS_INLINE:
            return item.inline
        if role == ResultRole.INLINE_LABEL:
            return inline_label(hit, item.translation)
        if role == Qt.ItemDataRole.ToolTipRole:
            where = display(hit.path) + (f" — page {hit.page}" if hit.page else "")
            if item.translation:
                where = f"{language_name(hit.language)} edition: {where}"
            where = f"{where}\n{hit.heading}" if hit.heading else where
            if not hit.has_strength:
                return f"{where}\n{WORDS_ONLY_TIP}"
            return where if _shows_strength(hit) else f"{where}\n{WORDS_KEPT_TIP}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            name, _folder = split_path(hit.path)
            page = f", page {hit.page}" if hit.page else ""
            section = "" if item.child else hit.shown_section
            page += f", section {section}" if section else ""
            also = (
                f"in {language_name(hit.language)}, "
                if item.translation
                else "also in "
                if item.inline
                else ""
            )
            strength = (
                f"{round(hit.display_score * 100)} percent" if _shows_strength(hit) else "found by its words"
            )
            return f"{also}{name}{page}, {strength}: {self._snippet(index.row())[0]}"
        return None

    def _weak_link_data(self, role: int) -> Any:
        count = len(self._weak)
        label = f"Show {counted(count, 'weaker result')}"
        if role == ResultRole.WEAK_COUNT:
            return count
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return label
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Results whose match strength is below the relevance floor"
        if role in (ResultRole.IS_CHILD, ResultRole.IS_INLINE, ResultRole.EXPANDED):
            return False
        if role in (ResultRole.MORE_COUNT, ResultRole.SCORE_PERCENT):
            return 0
        return None


def _shows_strength(hit: SearchHit) -> bool:
    """Whether a row shows its strength: not one found by its words alone (no meaning compared yet), nor
    one shown for its words though its meaning is below the floor ("words", not "3%")."""
    return hit.has_strength and not kept_for_its_words(hit)
