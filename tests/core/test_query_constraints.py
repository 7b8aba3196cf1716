"""Phrases and exclusions inside both legs, duplicates and near-identical passages folded, the floor and
the date sort (fast: hash embedder, real SQLite and Chroma on disk)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desktop_search.core import (
    RELEVANCE_FLOOR,
    SearchFilters,
    SearchHit,
    Span,
    kept_for_its_words,
    sort_hits,
    split_weak,
)
from desktop_search.core.records import FileRecord, FileStatus
from desktop_search.core.search.filters import fts_constraint, normalise
from desktop_search.core.search.folding import fold_similar
from desktop_search.core.search.keyword import KeywordSearch
from desktop_search.core.search.searcher import Searcher
from desktop_search.core.search.text_constraints import TextConstraint
from desktop_search.core.store.ledger import ChunkRow
from desktop_search.core.store.pathkeys import chunk_id, to_key
from desktop_search.core.store.store import Store
from tests.support.fake_embedder import HashEmbedder

TEXTS = {
    "/n/heat.md": ("The budget for the heat pump was approved.", "h1"),
    "/n/heat-copy.md": ("The budget for the heat pump was approved.", "h1"),  # same content hash
    "/n/pumps.md": ("Budget: one pump for heat, one for water.", "h2"),  # words, not the phrase
    "/n/quarterly.md": ("Quarterly budget of the Heat Pump project.", "h3"),
    "/n/accents.md": ("Le budget de la pompe à chaleur: Pompe À Chaleur moderne.", "h4"),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    s = Store(tmp_path_factory.mktemp("constraints") / "index", "test/hash-embedder")
    emb = HashEmbedder()
    for n, (path, (text, digest)) in enumerate(TEXTS.items()):
        key = to_key(path)
        row = ChunkRow(chunk_id(key, 0), key, 0, text, 0, len(text), ext="md", mtime=100.0 + n)
        record = FileRecord(key, "/n", FileStatus.PENDING, size=1, mtime=100.0 + n, content_hash=digest)
        s.write_file(record, [row], emb.embed_documents([text]))
    yield s
    s.close()


def _keyword_paths(store: Store, query: str, filters: SearchFilters) -> set[str]:
    hits = KeywordSearch(store.ledger).search(query, 50, filters)
    return {store.ledger.get_chunks([h.chunk_id])[h.chunk_id].path for h in hits}


def test_fts_constraint_wraps_the_match() -> None:
    spec = normalise(SearchFilters(phrases=("heat pump",), excluded=("quarterly", "a-b")))
    assert fts_constraint(spec, '"budget"') == '(("heat pump" AND ("budget")) NOT "quarterly") NOT "a b"'
    assert fts_constraint(None, '"x"') == '"x"'


def test_keyword_leg_applies_phrases_and_exclusions(store: Store) -> None:
    both = _keyword_paths(store, 'budget "heat pump"', SearchFilters(phrases=("heat pump",)))
    assert both == {"/n/heat.md", "/n/heat-copy.md", "/n/quarterly.md"}
    without = _keyword_paths(store, "budget", SearchFilters(excluded=("quarterly",)))
    assert without == {"/n/heat.md", "/n/heat-copy.md", "/n/pumps.md", "/n/accents.md"}
    folded = _keyword_paths(store, "budget", SearchFilters(phrases=("POMPE a chaleur",)))
    assert folded == {"/n/accents.md"}


@pytest.mark.parametrize("mode", ["hybrid", "dense", "keyword"])
def test_every_mode_obeys_phrases_and_exclusions(store: Store, mode: str) -> None:
    searcher = Searcher(store, HashEmbedder())
    filters = SearchFilters(phrases=("heat pump",), excluded=("quarterly",))
    hits = searcher.search('budget "heat pump"', k=10, filters=filters, grouped=False, mode=mode)
    assert {h.path for h in hits} <= {"/n/heat.md", "/n/heat-copy.md"}
    assert hits


def test_text_constraint_folds_case_and_accents() -> None:
    c = TextConstraint(("pompe a chaleur",), ("moderne",))
    assert c.passes("une POMPE À CHALEUR ancienne")
    assert not c.passes("une pompe à chaleur moderne")
    assert not c.passes("une pompe, et la chaleur")
    assert c.passes("ancienne", heading="Pompe à chaleur")
    assert TextConstraint((), ("日本",)).passes("中国") and not TextConstraint((), ("日本",)).passes("日本語")


def test_identical_files_fold_into_the_best_copy(store: Store) -> None:
    hits = Searcher(store, HashEmbedder()).search("budget heat pump approved", k=10)
    paths = [h.path for h in hits]
    assert ("/n/heat.md" in paths) != ("/n/heat-copy.md" in paths)
    head = next(h for h in hits if h.path in ("/n/heat.md", "/n/heat-copy.md"))
    assert head.duplicates == tuple({"/n/heat.md", "/n/heat-copy.md"} - {head.path})
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))


def _hit(path: str, text: str, strength: float | None = 0.5, modified: float = 0.0) -> SearchHit:
    return SearchHit(path + "#0", path, text, None, 0, len(text), strength=strength, modified=modified)


def test_near_identical_passages_fold_with_their_count() -> None:
    report = "The heat pump in the north wing costs 4,000 EUR a year to run, twice the estimate of 2022."
    hits = [
        _hit("/v3.docx", report),
        _hit("/other.txt", "Something else entirely, about the garden and its tomatoes and the bees."),
        _hit("/v2.docx", report.upper().replace(",", ".")),  # the same words once folded
        _hit("/v1.docx", report.replace("twice", "three times")),  # a word changed
        _hit("/short.txt", "The heat pump costs"),  # too short to call a copy
    ]
    folded = fold_similar(hits)
    assert [h.path for h in folded] == ["/v3.docx", "/other.txt", "/short.txt"]
    assert [s.path for s in folded[0].similar] == ["/v2.docx", "/v1.docx"]
    assert [h.rank for h in folded] == [1, 2, 3]
    same_file = fold_similar([*hits[:2], replace(hits[0], chunk_id="x")])  # one file's passages never fold
    assert [h.path for h in same_file] == ["/v3.docx", "/other.txt", "/v3.docx"]
    # the same newsletter attached as .doc and .htm to one message: two documents, folded
    parts = [replace(hits[0], part="news.doc"), hits[1], replace(hits[2], path="/v3.docx", part="news.htm")]
    attached = fold_similar(parts)
    assert [(h.path, h.part) for h in attached] == [("/v3.docx", "news.doc"), ("/other.txt", None)]
    assert [s.part for s in attached[0].similar] == ["news.htm"]


def test_floor_and_date_sort() -> None:
    hits = [
        _hit("/a", "a", 0.9, 1.0),
        _hit("/b", "b", RELEVANCE_FLOOR - 0.01, 3.0),
        _hit("/c", "c", None, 2.0),
        replace(
            _hit("/d", "Frankfurt", RELEVANCE_FLOOR - 0.01, 0.5), keyword_score=2.5, highlights=(Span(0, 9),)
        ),
        # found by "will", "to" and "in" alone: stop words, not painted, no sign it answers
        replace(_hit("/e", "it will go to bed in time", RELEVANCE_FLOOR - 0.3, 0.4), keyword_score=3.0),
    ]
    strong, weak = split_weak(hits)
    assert [h.path for h in strong] == ["/a", "/c", "/d"] and [h.path for h in weak] == ["/b", "/e"]
    assert [h.path for h in hits if kept_for_its_words(h)] == ["/d"]  # shows "words", not "44%"
    strict = split_weak(hits, keep_word_matches=False)  # the CLI's --min-strength
    assert [h.path for h in strict[1]] == ["/b", "/d", "/e"]
    assert [h.path for h in sort_hits(hits[:3], "date")] == ["/b", "/c", "/a"]
    assert sort_hits(hits) == hits
    with pytest.raises(ValueError, match="unknown sort"):
        sort_hits(hits, "size")


def test_flat_results_name_the_copies_they_leave_out(store: Store) -> None:
    """Flat results list every page (near-identical pages of other files stay: scripts and the
    contents tests read each file's), and a kept file's page names its identical copies."""
    hits = Searcher(store, HashEmbedder()).search("budget heat pump approved", k=10, grouped=False)
    head = next(h for h in hits if h.path in ("/n/heat.md", "/n/heat-copy.md"))
    assert head.duplicates == tuple({"/n/heat.md", "/n/heat-copy.md"} - {head.path})
    assert not any(h.similar for h in hits)
