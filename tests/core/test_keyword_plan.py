"""Common-terms planning of the keyword leg: rare words pick the rows, common words only add to them."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_search.core.records import FileRecord, FileStatus, SearchFilters
from desktop_search.core.search.keyword import KeywordSearch
from desktop_search.core.search.keyword_plan import plan_terms
from desktop_search.core.store.ledger import ChunkRow
from desktop_search.core.store.pathkeys import chunk_id
from desktop_search.core.store.store import Store
from tests.support.fake_embedder import HashEmbedder


def test_under_the_budget_the_plan_is_the_plain_query() -> None:
    plan = plan_terms(['"a"', '"b"'], {'"a"': 10, '"b"': 20}, budget=30)
    assert plan.exact and plan.rare == ('"a"', '"b"')


def test_rarest_terms_select_rows_common_ones_only_score() -> None:
    counts = {'"rare"': 5, '"mid"': 40, '"common"': 900}
    plan = plan_terms(['"common"', '"rare"', '"mid"'], counts, budget=50)
    assert plan.rare == ('"rare"', '"mid"') and plan.common == ('"common"',)
    every = plan_terms(['"x"', '"y"'], {'"x"': 80, '"y"': 60}, budget=50)
    assert every.rare == () and every.common[0] == '"y"'  # all common: the rarest first


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """100 chunks: "report" in all, "budget" in 60, "zebra" in 3 (one of them without "budget")."""
    s = Store(tmp_path / "index", "test/hash-embedder")
    emb = HashEmbedder()
    items = []
    for n in range(100):
        words = ["report", "text"] + ["budget"] * (n < 60) + ["zebra"] * (n in (5, 7, 80))
        words += [f"filler{n}"] * (n % 4)
        text = " ".join(words)
        key = f"/docs/f{n:03d}.{'md' if n % 2 else 'txt'}"
        row = ChunkRow(chunk_id(key, 0), key, 0, text, 0, len(text), ext=key.rsplit(".", 1)[1])
        items.append(
            (
                FileRecord(key, "/docs", FileStatus.PENDING, size=1, mtime=1.0),
                [row],
                emb.embed_documents([text]),
            )
        )
    s.write_files(items)
    yield s
    s.close()


def _ids(hits) -> list[str]:
    return [h.chunk_id for h in hits]


@pytest.mark.parametrize("filters", [None, SearchFilters(extensions=("txt", "md"))])
def test_planned_scores_equal_the_plain_bm25_of_the_rows_kept(store: Store, filters) -> None:
    keywords = KeywordSearch(store.ledger)
    exact = {h.chunk_id: h.score for h in keywords.search("zebra budget report", 100, filters)}
    keywords.row_budget = 10  # only "zebra" (3 rows) is rare now
    planned = keywords.search("zebra budget report", 100, filters)
    assert sorted(_ids(planned)) == sorted(
        chunk_id(f"/docs/f{n:03d}.{'md' if n % 2 else 'txt'}", 0) for n in (5, 7, 80)
    )
    for hit in planned:
        assert hit.score == pytest.approx(exact[hit.chunk_id])
    assert _ids(planned) == sorted(_ids(planned), key=lambda cid: -exact[cid])


def test_all_common_words_want_rows_with_all_of_them_first(store: Store) -> None:
    keywords = KeywordSearch(store.ledger, row_budget=10)
    hits = keywords.search("report budget", 80)
    with_both = {chunk_id(f"/docs/f{n:03d}.{'md' if n % 2 else 'txt'}", 0) for n in range(60)}
    assert set(_ids(hits)) == with_both  # then rows with the rarest word alone: none here
    assert keywords.search("zebra", 5) and keywords.search("nothing here", 5) == []
