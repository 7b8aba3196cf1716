"""Inline passages through the real stack: the real model, a real store, a real multi-page manual."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core.search.grouping import MAX_INLINE_WITH_ROOM, ROWS_IN_VIEW
from desktop_search.core.search.result_order import RELEVANCE_FLOOR
from tests.support.real_search import indexed_engine

pytestmark = pytest.mark.model

MANUAL = Path(__file__).resolve().parents[1] / "data" / "grouping" / "amc-en-pages-57-66.pdf"
# "6.6.2 Manual input" starts at the bottom of the excerpt's page 6 and goes on over page 7
ANSWER_PAGES = {6, 7}


def test_the_manuals_second_answer_page_shows_inline(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(MANUAL, docs / MANUAL.name)
    (docs / "notes.txt").write_text("Shopping list: bread, milk, eggs. Call the plumber on Monday.")
    with indexed_engine(docs, tmp_path / "home", real_embedder) as engine:
        query = "Wie gebe ich die angekreuzten Kästchen von Hand ein, wenn kein Scanner verfügbar ist?"
        grouped = {Path(h.path).name: h for h in engine.search(query, k=5)}
        flat = [h for h in engine.search(query, k=100, grouped=False) if h.path.endswith(".pdf")]
    manual = grouped[MANUAL.name]
    assert manual.page in ANSWER_PAGES
    assert 1 <= len(manual.inline) <= MAX_INLINE_WITH_ROOM  # two files leave room for more (use_room)
    inline_pages = [h.page for h in manual.inline]
    assert ANSWER_PAGES - {manual.page} <= set(inline_pages)  # the other answer page, no longer in "more"
    assert manual.page not in inline_pages and len(set(inline_pages)) == len(inline_pages)
    assert all(h.strength is not None and h.strength >= RELEVANCE_FLOOR for h in manual.inline)
    # every passage shown once; the flat list has one row per page, the page's other passages under it
    assert 1 + len(manual.inline) + len(manual.more) == sum(1 + len(h.inline) + len(h.more) for h in flat)
    assert len({h.page for h in flat}) == len(flat) == 10
    assert all(p.page == h.page for h in flat for p in (*h.inline, *h.more))
    assert grouped["notes.txt"].inline == ()


def test_a_manual_searched_alone_shows_the_pages_the_flat_list_shows(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(MANUAL, docs / MANUAL.name)
    with indexed_engine(docs, tmp_path / "home", real_embedder) as engine:
        query = "How do I enter the ticked boxes by hand when there is no scanner?"
        [row] = engine.search(query, k=20)
        flat = engine.search(query, k=ROWS_IN_VIEW, grouped=False)
    # one file: not one row and "N more from this file", but its best pages, as the flat list ranks them
    shown = [row.page, *(h.page for h in row.inline)]
    assert len(shown) == ROWS_IN_VIEW and len(set(shown)) == ROWS_IN_VIEW
    assert shown == [h.page for h in flat if not h.navigation]
    assert set(shown) >= ANSWER_PAGES
