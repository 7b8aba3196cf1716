"""Which of a file's other passages a grouped result shows inline: the rule on its own, and through the
searcher with the fake embedder and a real on-disk store."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from desktop_search.core.records import FileRecord, FileStatus, SearchHit
from desktop_search.core.search.grouping import (
    MAX_INLINE,
    MAX_INLINE_WITH_ROOM,
    ROWS_IN_VIEW,
    SCORE_RATIO,
    STRENGTH_MARGIN,
    fold_pages,
    group_by_file,
    split_inline,
    use_room,
)
from desktop_search.core.search.searcher import Searcher
from desktop_search.core.store.ledger import ChunkRow
from desktop_search.core.store.pathkeys import chunk_id, to_key
from desktop_search.core.store.store import Store
from tests.support.fake_embedder import HashEmbedder

BEST_SCORE = 1 / 61  # dense rank 1, nothing from the keyword leg


def passage(
    n: int, page: int | None = None, score: float = BEST_SCORE, strength: float | None = 0.8, start: int = -1
) -> SearchHit:
    start = n * 1000 if start < 0 else start
    return SearchHit(
        chunk_id=f"c{n}", path="/docs/manual.pdf", text=f"passage {n}", page=page, start=start,
        end=start + 900, score=score, strength=strength, rank=n + 1,
    )  # fmt: skip


def test_strong_passages_on_other_pages_go_inline_the_rest_stay_in_more() -> None:
    best = passage(0, page=10)
    others = [
        passage(1, page=42, score=1 / 62, strength=0.78),
        passage(2, page=57, score=1 / 64, strength=0.75),
        passage(3, page=80, score=1 / 65, strength=0.79),  # strong, but two are shown already
        passage(4, page=90, score=1 / 100, strength=0.8),  # far down the ranking
    ]
    inline, more = split_inline(best, others)
    assert [h.page for h in inline] == [42, 57]
    assert [h.page for h in more] == [80, 90]  # nothing lost, order kept
    assert len(inline) == MAX_INLINE


def test_every_passage_results_show_one_row_per_page() -> None:
    from dataclasses import replace

    hits = [
        passage(0, page=12), passage(1, page=40), passage(2, page=12), passage(3, page=12),
        passage(4, page=12), passage(5, page=7), replace(passage(6, page=12), part="message 2"),
        passage(7), passage(8),  # a file without pages: each passage a place of its own
    ]  # fmt: skip
    rows = fold_pages(hits, k=5)
    assert [(h.chunk_id, h.page, h.part) for h in rows] == [
        ("c0", 12, None), ("c1", 40, None), ("c5", 7, None), ("c6", 12, "message 2"), ("c7", None, None),
    ]  # fmt: skip
    assert [h.chunk_id for h in rows[0].inline] == ["c2", "c3"] and [h.chunk_id for h in rows[0].more] == [
        "c4"
    ]
    assert [h.rank for h in rows] == [1, 2, 3, 4, 5] and rows[0].inline[0].rank == 3  # its passage rank
    assert all(not h.inline for h in rows[1:])


def test_a_contents_page_is_never_inline_beside_real_text() -> None:
    import dataclasses

    best = passage(0, page=40)
    contents = dataclasses.replace(passage(1, page=5, score=1 / 62, strength=0.8), navigation=True)
    inline, more = split_inline(best, [contents, passage(2, page=41, score=1 / 63, strength=0.78)])
    assert [h.page for h in inline] == [41]
    assert [h.page for h in more] == [5]


def test_a_short_file_with_one_good_passage_inlines_nothing() -> None:
    """Close in rank (a small index, every passage of the file somewhat on topic) is not close in meaning."""
    best = passage(0, strength=0.85)
    others = [
        passage(1, score=1 / 62, strength=0.85 - STRENGTH_MARGIN - 0.05),
        passage(2, score=1 / 63, strength=0.3),
    ]
    inline, more = split_inline(best, others)
    assert inline == () and len(more) == 2


def test_the_fused_score_must_be_close_too() -> None:
    best = passage(0, page=1, score=2 / 61)  # found by both legs
    dense_only = passage(1, page=2, score=1 / 62, strength=0.8)  # as close in meaning, no keyword match
    both = passage(2, page=3, score=1 / 63 + 1 / 64, strength=0.79)
    assert dense_only.score < SCORE_RATIO * best.score <= both.score
    inline, more = split_inline(best, [dense_only, both])
    assert inline == (both,) and more == (dense_only,)


def test_never_the_same_place_twice() -> None:
    best = passage(0, page=5)
    same_page = passage(1, page=5, score=1 / 62)
    first = passage(2, page=6, score=1 / 63)
    again = passage(3, page=6, score=1 / 64)
    inline, _more = split_inline(best, [same_page, first, again])
    assert inline == (first,)

    text_best = passage(0, start=0)  # no pages: overlapping text is the same place
    overlapping = passage(1, start=700, score=1 / 62)  # the chunker's overlap with the best
    apart = passage(2, start=5000, score=1 / 63)
    assert split_inline(text_best, [overlapping, apart])[0] == (apart,)


def test_no_strength_means_the_fused_score_decides_and_noise_inlines_nothing() -> None:
    keyword_best = passage(0, page=1, strength=None)
    near, far = (
        passage(1, page=2, score=1 / 62, strength=None),
        passage(2, page=3, score=1 / 90, strength=None),
    )
    assert split_inline(keyword_best, [near, far]) == ((near,), (far,))
    noise = passage(0, page=1, strength=0.0)
    assert split_inline(noise, [passage(1, page=2, strength=0.0)])[0] == ()


# -- room left by few files -------------------------------------------------------------------------


def other_file(n: int, page: int, strength: float = 0.7) -> SearchHit:
    return replace(passage(n, page=page, score=1 / (61 + n), strength=strength), path="/docs/other.pdf")


def test_a_lone_file_shows_its_next_pages_in_the_room_of_the_empty_rows() -> None:
    best = passage(0, page=55, strength=0.9)
    others = [
        passage(1, page=55, score=1 / 62, strength=0.6),  # the best's page: never twice
        passage(2, page=56, score=1 / 63, strength=0.78),
        passage(3, page=3, score=1 / 64, strength=0.75),
        passage(4, page=16, score=1 / 65, strength=0.72),
        passage(5, page=50, score=1 / 66, strength=0.70),
        passage(6, page=71, score=1 / 67, strength=0.69),
        passage(7, page=61, score=1 / 68, strength=0.68),
    ]
    others[2] = replace(others[2], navigation=True)  # the table of contents
    [row] = group_by_file([best, *others], k=20)
    assert [h.page for h in row.inline] == []  # none is strong beside a 0.9 best
    [roomy] = use_room([row], k=20)
    assert [h.page for h in roomy.inline] == [56, 16, 50, 71] and len(roomy.inline) == MAX_INLINE_WITH_ROOM
    assert [h.page for h in roomy.more] == [55, 3, 61]  # nothing lost: the rest stays in more
    assert roomy.page == 55 and roomy.rank == row.rank


def test_room_goes_to_the_best_passages_of_all_files_and_never_below_the_floor() -> None:
    first = replace(passage(0, page=1), more=(passage(3, page=2, strength=0.3), passage(5, page=4)))
    second = replace(other_file(1, page=9), more=(other_file(2, page=8), other_file(4, page=7)))
    rows = use_room([first, second], k=20)
    # three passages of room (five minus two rows), best ranked first; the weak one (0.3) is skipped
    assert [h.page for h in rows[0].inline] == [4]
    assert [h.page for h in rows[1].inline] == [8, 7]
    assert sum(1 + len(r.inline) for r in rows) == ROWS_IN_VIEW


def test_no_room_when_the_files_fill_the_rows_or_few_were_asked_for() -> None:
    full = [
        replace(passage(n, page=1), path=f"/docs/{n}.pdf", more=(passage(10 + n, page=2),)) for n in range(5)
    ]
    assert use_room(full, k=20) == full
    lone = [replace(passage(0, page=1), more=(passage(1, page=2),))]
    assert use_room(lone, k=1) == lone  # quick search asking for one result gets one
    assert use_room([], k=20) == []


# -- through the searcher ----------------------------------------------------------------------------


def _write_pages(store: Store, emb: HashEmbedder, path: str, pages: list[str]) -> None:
    key = to_key(path)
    rows, pos = [], 0
    for n, text in enumerate(pages):
        rows.append(ChunkRow(chunk_id(key, n), key, n, text, pos, pos + len(text), page=n + 1, ext="pdf"))
        pos += len(text) + 2
    record = FileRecord(key, "/docs", FileStatus.PENDING, size=10, content_hash=f"h-{key}")
    store.write_file(record, rows, emb.embed_documents(pages))


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "index", "test/hash-embedder")
    yield s
    s.close()


def test_grouped_search_shows_a_long_files_strong_pages_inline(
    store: Store, hash_embedder: HashEmbedder
) -> None:
    filler = [f"chapter {i} covers printers scanners and network shares in detail" for i in range(30)]
    manual = list(filler)
    manual[4] = "configure the backup schedule for nightly backup of the home folder"
    manual[11] = "restore a backup of the home folder from the nightly schedule"
    manual[23] = "the backup schedule runs nightly; the home folder backup is kept a week"
    _write_pages(store, hash_embedder, "/docs/manual.pdf", manual)
    short = ["backup schedule for the home folder nightly", "lunch menu soup salad bread", "parking rules"]
    _write_pages(store, hash_embedder, "/docs/short.pdf", short)
    searcher = Searcher(store, hash_embedder)

    # k=2: two files fill the rows asked for, so no room is left for more of either (see use_room)
    grouped = {h.path: h for h in searcher.search("nightly backup schedule home folder", k=2)}
    flat = searcher.search("nightly backup schedule home folder", k=100, grouped=False)
    long_hit = grouped["/docs/manual.pdf"]
    assert {long_hit.page, *(h.page for h in long_hit.inline)} == {5, 12, 24}
    assert all(h.path == "/docs/manual.pdf" and not h.inline and not h.more for h in long_hit.inline)
    assert grouped["/docs/short.pdf"].inline == ()  # one good passage: nothing beside it
    for hit in grouped.values():  # every passage of the file is the best, inline, or in more
        assert 1 + len(hit.inline) + len(hit.more) == sum(1 for f in flat if f.path == hit.path)
    assert all(not h.inline for h in flat)
