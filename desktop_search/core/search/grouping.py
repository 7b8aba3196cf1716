"""Grouped results (:func:`group_by_file`: one per file) and which of a file's other passages each
shows inline, under its best one.

Grouped search shows one result per file. On a long manual the right page is often the file's second
or third best passage, so hiding every other passage behind "N more from this file" hides the answer.
A passage is shown inline when it is *strong*, close to the file's best on both scales the search has:

* its fused score is at least :data:`SCORE_RATIO` of the best's: fusion scores ranks, so in a dense-only
  search this keeps passages a few ranks below the best, and in a hybrid one a passage the keyword leg
  found too when the best was found by both legs;
* its match strength (the calibrated cosine) is at most :data:`STRENGTH_MARGIN` below the best's:
  ranks alone say nothing about how close the meaning is (in a small index, or a short file whose
  every passage is somewhat on topic, the second passage is always near in rank), the cosine does.
  Passages with no strength (keyword-only search) are judged by their fused score alone;
* it is not navigation (a table of contents or an index) when the best passage is real text;
* it is not the same place: on another page than the best and than the inline passages before it
  (paged files), or not overlapping them in the text (files without pages).

At most :data:`MAX_INLINE` passages are inlined; the rest stay in ``more``.

When the results hold fewer files than a screen of rows (:data:`ROWS_IN_VIEW`: the search kept to one
folder, a small index, one manual), the empty rows' room goes to the files found (:func:`use_room`): their
next passages on other pages, best first, are shown inline until the results show as many passages as a
screen of rows, at most :data:`MAX_INLINE_WITH_ROOM` under one file, none below the relevance floor
(:data:`~desktop_search.core.search.result_order.RELEVANCE_FLOOR`). Searching one manual no longer shows
one row and "77 more from this file", but its best pages, as every-passage results would.

Results that rank every passage (``grouped=False``: the CLI's ``--flat``) show one row per page: a
passage on the same page of the same file as a better one is shown under it (:func:`fold_pages`).
Two passages of one page in the top 5 left room for four pages, not five; on the manuals of
``benchmarks/realdocs.py`` (int8, ``--absent --lone``) the right page in the top 5 across languages went
from 0.745 to 0.765, in an index without the question's language likewise, and MRR@10 from 0.597 to
0.607 (same language: 0.830 both, MRR 0.697 -> 0.707).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from desktop_search.core.records import SearchHit
from desktop_search.core.search.result_order import RELEVANCE_FLOOR

MAX_INLINE = 2
# Dense-only (a query in another language): a best at rank 1 keeps the file's passages down to rank 11,
# room for other files (the manual's other editions) ranked in between. Hybrid: a best found by both
# legs keeps passages found by both, not those the keyword leg missed (they score about half).
SCORE_RATIO = 0.85
ROWS_IN_VIEW = 5  # results with fewer files than this show more of each (use_room)
MAX_INLINE_WITH_ROOM = ROWS_IN_VIEW - 1  # a lone file shows as many passages as a screen of rows
# On the 0..1 match-strength scale, about 0.014 of e5-small's cosine. On a 100-page manual (Auto
# Multiple Choice, en) the top passages of a query lie within 0.05 of each other, and the right page,
# when it was the 2nd or 3rd best passage, within 0.09 (its best read 100 %, clipped).
STRENGTH_MARGIN = 0.1


def split_inline(
    best: SearchHit, others: Sequence[SearchHit]
) -> tuple[tuple[SearchHit, ...], tuple[SearchHit, ...]]:
    """Split a file's other passages (best first) into (shown inline, left in ``more``); order kept."""
    inline: list[SearchHit] = []
    rest: list[SearchHit] = []
    for hit in others:
        if (
            len(inline) < MAX_INLINE
            and is_strong(hit, best)
            and not any(same_place(hit, h) for h in (best, *inline))
        ):
            inline.append(hit)
        else:
            rest.append(hit)
    return tuple(inline), tuple(rest)


def is_strong(hit: SearchHit, best: SearchHit) -> bool:
    """Whether ``hit`` is close enough to its file's best passage to be shown beside it."""
    if hit.navigation and not best.navigation:
        return False  # a table of contents is never offered as an answer beside real text
    if best.score <= 0.0 or hit.score < SCORE_RATIO * best.score:
        return False
    if best.strength is None or hit.strength is None:
        return best.strength is None  # a best with no cosine (keyword search): the fused score decides
    return best.strength > 0.0 and hit.strength >= best.strength - STRENGTH_MARGIN


def same_place(a: SearchHit, b: SearchHit) -> bool:
    """Same page (when both have one), else overlapping text."""
    if a.page is not None and b.page is not None:
        return a.page == b.page
    return a.start < b.end and b.start < a.end


PageKey = tuple[str, str | None, int | None, str]


def page_key(path: str, part: str | None, page: int | None, chunk_id: str) -> PageKey:
    """Where a passage is, as one row of page-folded results: its page of its file (or sub-document);
    a passage of a file without pages is a place of its own."""
    return (path, part, page, "" if page is not None else chunk_id)


def fold_pages(hits: Sequence[SearchHit], k: int) -> list[SearchHit]:
    """The first ``k`` pages of every-passage results (best first), each row the page's best passage
    with the page's other passages in ``inline`` (at most :data:`MAX_INLINE`, the rest in ``more``);
    rows re-ranked 1..n, folded passages keep their passage rank."""
    order: list[PageKey] = []
    by_page: dict[PageKey, list[SearchHit]] = {}
    for hit in hits:
        key = page_key(hit.path, hit.part, hit.page, hit.chunk_id)
        if key not in by_page:
            order.append(key)
            by_page[key] = []
        by_page[key].append(hit)
    rows = []
    for rank, key in enumerate(order[:k], start=1):
        head, *rest = by_page[key]
        rows.append(replace(head, rank=rank, inline=tuple(rest[:MAX_INLINE]), more=tuple(rest[MAX_INLINE:])))
    return rows


def group_by_file(hits: list[SearchHit], k: int) -> list[SearchHit]:
    """The best passage of each file, best file first; its strong other passages in ``inline`` (see
    :mod:`~desktop_search.core.search.grouping`), the rest (best first) in ``more``. A sub-document
    (an archive member, a message, an attachment) is a file of its own here.

    Heads are re-ranked 1..n by file; passages in ``inline`` and ``more`` keep their passage rank.
    """
    order: list[tuple[str, str | None]] = []
    by_path: dict[tuple[str, str | None], list[SearchHit]] = {}
    for hit in hits:
        key = (hit.path, hit.part)
        if key not in by_path:
            order.append(key)
            by_path[key] = []
        by_path[key].append(hit)
    grouped: list[SearchHit] = []
    for rank, path in enumerate(order[:k], start=1):
        head, *rest = by_path[path]
        inline, more = split_inline(head, rest)
        grouped.append(replace(head, rank=rank, inline=inline, more=more))
    return grouped


def use_room(rows: Sequence[SearchHit], k: int) -> list[SearchHit]:
    """``rows`` (grouped results, at most ``k``) with the room of a screen they leave empty filled by their
    files' next passages (see the module docstring): moved from ``more`` to ``inline`` best first (by
    passage rank), never a page already shown, a table of contents beside real text, or a weak one."""
    target = min(k, ROWS_IN_VIEW)
    spare = target - sum(1 + len(row.inline) for row in rows)
    if len(rows) >= target or spare <= 0:
        return list(rows)
    inline = [list(row.inline) for row in rows]
    waiting = sorted(
        ((hit.rank, i, hit) for i, row in enumerate(rows) for hit in row.more), key=lambda item: item[:2]
    )
    moved: set[str] = set()
    for _rank, i, hit in waiting:
        if spare == 0:
            break
        head = rows[i]
        if len(inline[i]) >= MAX_INLINE_WITH_ROOM or (hit.navigation and not head.navigation):
            continue
        if hit.strength is not None and hit.strength < RELEVANCE_FLOOR:
            continue  # the window would hide it as weaker were it a row of its own
        if any(same_place(hit, shown) for shown in (head, *inline[i])):
            continue
        inline[i].append(hit)
        moved.add(hit.chunk_id)
        spare -= 1
    return [
        replace(
            row,
            inline=tuple(sorted(inline[i], key=lambda h: h.rank)),
            more=tuple(h for h in row.more if h.chunk_id not in moved),
        )
        if len(inline[i]) > len(row.inline)
        else row
        for i, row in enumerate(rows)
    ]
