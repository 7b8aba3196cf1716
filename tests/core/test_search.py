"""Search layer with the fake embedder and a real on-disk store: fusion, grouping, filters, highlights,
hostile queries and find-similar."""

from __future__ import annotations

import itertools
import math
import sqlite3
import time
from pathlib import Path

import pytest

from desktop_search.core.records import FileRecord, FileStatus, SearchFilters
from desktop_search.core.search.fusion import (
    COVERAGE_POWER,
    STRAY_COVERAGE_POWER,
    Candidate,
    fuse,
    keyword_rank_stands_in,
)
from desktop_search.core.search.highlight import (
    Highlighter,
    content_matches,
    find_spans,
    highlighter_for,
    query_terms,
)
from desktop_search.core.search.keyword import KeywordSearch
from desktop_search.core.search.query_text import clean_query, dense_query_text
from desktop_search.core.search.searcher import Searcher
from desktop_search.core.store.ledger import ChunkRow, Ledger
from desktop_search.core.store.pathkeys import chunk_id, to_key
from desktop_search.core.store.schema import SCHEMA_VERSION
from desktop_search.core.store.store import Store
from tests.support.fake_embedder import HashEmbedder


def _write(store: Store, emb: HashEmbedder, path: str, texts: list[str], folder: str = "/docs", mtime=0.0):
    key = to_key(path)
    ext = Path(path).suffix.lstrip(".").lower()
    rows, pos = [], 0
    for n, t in enumerate(texts):
        rows.append(ChunkRow(chunk_id(key, n), key, n, t, pos, pos + len(t), page=None, ext=ext, mtime=mtime))
        pos += len(t) + 2
    record = FileRecord(key, folder, FileStatus.PENDING, size=10, mtime=mtime, content_hash=f"h-{key}")
    store.write_file(record, rows, emb.embed_documents(texts))


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "index", "test/hash-embedder")
    yield s
    s.close()


@pytest.fixture
def searcher(store: Store, hash_embedder: HashEmbedder) -> Searcher:
    garden = ["tomatoes grow best in full sun", "water the roots daily"]
    _write(store, hash_embedder, "/docs/garden.txt", garden)
    _write(store, hash_embedder, "/docs/errors.md", ["the billing service failed with ERR-4021 at night"])
    _write(store, hash_embedder, "/docs/cooking.txt", ["roast tomatoes with garlic and olive oil"])
    _write(store, hash_embedder, "/docs/café.txt", ["Le café résumé: naïve façade"])
    return Searcher(store, hash_embedder)


def test_hybrid_finds_and_fills_every_field(searcher: Searcher) -> None:
    hits = searcher.search("tomatoes sun", k=5)
    assert hits[0].path == "/docs/garden.txt"
    assert hits[0].rank == 1
    for hit in hits:
        assert hit.similarity is not None  # filled for keyword-only hits too
        assert hit.score > 0
    top = hits[0]
    assert top.keyword_score is not None and top.keyword_score > 0
    assert [top.text[s.start : s.end] for s in top.highlights] == ["tomatoes", "sun"]
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert all(a.score >= b.score for a, b in itertools.pairwise(hits))


def test_exact_code_surfaces(searcher: Searcher) -> None:
    for query in ('"ERR-4021"', "ERR-4021", "what does err 4021 mean"):
        hits = searcher.search(query, k=3)
        assert hits[0].path == "/docs/errors.md", query
    hit = searcher.search("ERR-4021", k=1)[0]
    assert hit.text[hit.highlights[0].start : hit.highlights[0].end] == "ERR-4021"


def test_modes(searcher: Searcher) -> None:
    dense = searcher.search("tomatoes", k=5, mode="dense")
    keyword = searcher.search("tomatoes", k=5, mode="keyword")
    assert all(h.keyword_score is None for h in dense)
    assert {h.path for h in keyword} == {"/docs/garden.txt", "/docs/cooking.txt"}
    assert all(h.similarity is None for h in keyword)
    with pytest.raises(ValueError):
        searcher.search("tomatoes", mode="magic")


def test_grouped_folds_passages_of_a_file(store: Store, hash_embedder: HashEmbedder) -> None:
    _write(store, hash_embedder, "/docs/long.txt", ["apple pie recipe", "apple crumble", "apple juice"])
    _write(store, hash_embedder, "/docs/other.txt", ["apple tree pruning"])
    searcher = Searcher(store, hash_embedder)
    grouped = searcher.search("apple", k=10)
    assert len(grouped) == 2
    assert [h.rank for h in grouped] == [1, 2]
    by_path = {h.path: h for h in grouped}
    long = by_path["/docs/long.txt"]
    assert len(long.inline) + len(long.more) == 2  # strong ones inline (test_grouping.py), rest in more
    assert all(m.path == "/docs/long.txt" for m in (*long.inline, *long.more))
    flat = searcher.search("apple", k=10, grouped=False)
    assert len(flat) == 4 and all(not h.more and not h.inline for h in flat)
    assert len(searcher.search("apple", k=1)) == 1


def _keyword_top_hit(chunk_id: str, coverage: float, content_terms: int) -> Candidate:
    """The keyword leg's first hit, fifth in the dense leg."""
    return Candidate(
        chunk_id,
        similarity=0.8,
        dense_rank=5,
        keyword_rank=1,
        keyword_score=3.0,
        coverage=coverage,
        content_words=frozenset(f"word{n}" for n in range(content_terms)),
    )


def test_keyword_match_does_not_outvote_dense_hit() -> None:
    """A stray shared word (a German "war" in English text) must not beat the dense leg's best hit."""
    best = Candidate("best", similarity=0.9, dense_rank=1)
    stray = _keyword_top_hit("stray", coverage=0.2, content_terms=1)
    ranked = fuse([stray, best])  # the default weights
    assert [c.chunk_id for c in ranked] == ["best", "stray"]
    # a passage matching the whole query keeps the keyword leg's full vote
    exact = Candidate("exact", similarity=0.7, dense_rank=5, keyword_rank=1, keyword_score=9.0, coverage=1.0)
    assert fuse([best, exact])[0].chunk_id == "exact"


def test_partial_match_of_a_long_query_keeps_its_keyword_vote() -> None:
    """Two or more shared content words are evidence (vote x coverage); one is a stray word (x coverage²)."""
    best = Candidate("best", similarity=0.9, dense_rank=1)
    partial = _keyword_top_hit("partial", coverage=0.3, content_terms=3)
    assert [c.chunk_id for c in fuse([best, partial])] == ["partial", "best"]
    one_word = _keyword_top_hit("one", coverage=0.2, content_terms=1)
    assert [c.chunk_id for c in fuse([best, one_word])] == ["best", "one"]


def test_keyword_answer_tells_a_foreign_query(store: Store, hash_embedder: HashEmbedder) -> None:
    _write(
        store, hash_embedder, "/docs/war.txt", ["Soldiers fought a long war of attrition in the trenches."]
    )
    _write(store, hash_embedder, "/docs/drug.txt", ["Tirasemtiv was tested on fast muscle fibres."])
    ledger = KeywordSearch(store.ledger)
    german = ledger.answer("Wann war die Berliner Mauer gefallen?", 10)
    assert (german.terms, german.known_terms, german.foreign) == (4, 1, True)  # "wann", "die": stop words
    assert [h.chunk_id for h in german.hits] == [chunk_id("/docs/war.txt", 0)]
    english = ledger.answer("tirasemtiv has no effect on fast twitch muscle", 10)
    assert english.known_terms * 2 >= english.terms and not english.foreign
    assert not ledger.answer("Mauer", 10).foreign  # one word: nothing to compare
    assert ledger.answer("!!!", 10).hits == []


def test_one_shared_word_counts_fully_unless_the_query_is_foreign(
    store: Store, hash_embedder: HashEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(
        store, hash_embedder, "/docs/war.txt", ["Soldiers fought a long war of attrition in the trenches."]
    )
    _write(store, hash_embedder, "/docs/drug.txt", ["Tirasemtiv was tested in a small trial."])
    _write(
        store,
        hash_embedder,
        "/docs/gym.txt",
        ["Fast twitch muscle fibres tire quickly; the effect is known."],
    )
    import desktop_search.core.search.searcher as search_module

    powers: list[float] = []

    def spy(candidates, *args):
        powers.append(args[-1])
        return fuse(candidates, *args)

    monkeypatch.setattr(search_module, "fuse", spy)
    searcher = Searcher(store, hash_embedder)
    assert searcher.search("Tirasemtiv has no effect on fast twitch muscle", k=5)
    assert searcher.search("Wann war die Berliner Mauer gefallen?", k=5)
    assert powers == [COVERAGE_POWER, STRAY_COVERAGE_POWER]


def test_content_matches_leave_out_stop_words() -> None:
    terms = query_terms("wann die Tomaten ERR-4021 gießen")
    assert content_matches(terms, {"wann", "die", "tomaten"}) == {"tomaten"}
    assert content_matches(terms, {"tomaten", "err 4021"}) == {"tomaten", "err 4021"}


def test_filters_inside_both_legs(store: Store, hash_embedder: HashEmbedder) -> None:
    old = time.time() - 86400 * 30
    for i in range(80):  # many unfiltered matches ahead of the few filtered ones
        _write(store, hash_embedder, f"/docs/bulk/n{i}.txt", [f"quarterly report number {i}"], mtime=old)
    _write(store, hash_embedder, "/docs/sub/report.pdf", ["quarterly report scan"], mtime=old)
    _write(store, hash_embedder, "/other/report.md", ["quarterly report notes"], "/other", time.time())
    searcher = Searcher(store, hash_embedder, unavailable_folders=lambda: ["/other"])
    for mode in ("hybrid", "dense", "keyword"):
        assert [h.path for h in searcher.search("quarterly report", 5, SearchFilters(extensions=("pdf",)),
                                                mode=mode)] == ["/docs/sub/report.pdf"]  # fmt: skip
        assert {h.path for h in searcher.search("quarterly", 5, SearchFilters(folders=("/docs/sub",)),
                                                mode=mode)} == {"/docs/sub/report.pdf"}  # fmt: skip
        recent = SearchFilters(modified_after=time.time() - 86400)
        assert searcher.search("quarterly report", 5, recent, mode=mode) == []  # /other is unavailable
        shown = SearchFilters(modified_after=time.time() - 86400, include_unavailable=True)
        shown_hits = searcher.search("quarterly report", 5, shown, mode=mode)
        assert [h.path for h in shown_hits] == ["/other/report.md"]


def test_highlights_case_accent_and_stem_insensitive() -> None:
    text = "Indexing the CAFÉ résumé files; indexed twice. Cafe\u0301 again."
    spans, matched = find_spans(text, query_terms("index cafe resume"))
    words = [text[s.start : s.end] for s in spans]
    assert words == ["Indexing", "CAFÉ", "résumé", "indexed", "Cafe\u0301"]
    assert matched == {"index", "cafe", "resume"}
    spans, _ = find_spans("数据库索引很快", query_terms("索引"))
    assert [(s.start, s.end) for s in spans] == [(3, 5)]
    assert find_spans("a and an", query_terms("a"))[0] != ()  # whole word only
    assert len(find_spans("a and an", query_terms("a"))[0]) == 1


HOSTILE = [
    "",
    "   ",
    "x" * 10_000,
    "tomatoes " * 2_000,
    "?!?.,;:()[]{}",
    '"',
    '"unterminated phrase',
    "tomatoes AND OR NOT NEAR(a b) * ^ -sun",
    "title:tomatoes",
    "'; DROP TABLE chunks; --",
    "1 OR 1=1 UNION SELECT * FROM files",
    "tomatoes\x00sun",
    "\x00",
    "lone \ud800 surrogate \udfff here",
    "😀 emoji",
    "\u200b\u200b",
    "NEAR",
    "*",
]


WORDLESS = {"", "   ", "?!?.,;:()[]{}", '"', "\x00", "\u200b\u200b", "*"}
INDEXED = {"/docs/garden.txt", "/docs/errors.md", "/docs/cooking.txt", "/docs/café.txt"}


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_answer_cleanly(searcher: Searcher, query: str) -> None:
    """No error, and a well-formed answer: real files once each, ranked, scored, highlights in bounds."""
    for mode in ("hybrid", "dense", "keyword"):
        hits = searcher.search(query, k=5, mode=mode)
        if query in WORDLESS:
            assert hits == [], mode  # nothing to look for: no answer rather than noise
        assert len(hits) <= 5
        assert {h.path for h in hits} <= INDEXED
        assert len({h.path for h in hits}) == len(hits)  # grouped: each file once
        assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
        assert all(math.isfinite(h.score) and h.score > 0 for h in hits)
        assert all(a.score >= b.score for a, b in itertools.pairwise(hits))
        for hit in hits:
            assert all(0 <= s.start < s.end <= len(hit.text) for s in hit.highlights)
        if mode == "keyword":
            assert all(h.highlights for h in hits), "a keyword hit shows the words it matched"
        if query.startswith("tomatoes") and mode != "dense":
            assert {"/docs/garden.txt", "/docs/cooking.txt"} <= {h.path for h in hits}, mode
    assert searcher.store.ledger.chunk_total() == 5  # nothing was dropped
    assert searcher.search("tomatoes sun", k=1)[0].path == "/docs/garden.txt"  # and it still answers


def test_clean_query() -> None:
    assert clean_query("a\x00b") == "a b"
    assert clean_query("lone \ud800 x") == "lone x"
    assert clean_query("\U0001f600") == "\U0001f600"  # a real astral character survives
    long = clean_query("word " * 5000)
    assert len(long) <= 1000 and long.endswith("word")
    long.encode("utf-8")


def test_dense_query_text_drops_final_full_stops_only() -> None:
    assert dense_query_text("Cells die after radiation.") == "Cells die after radiation"
    assert dense_query_text("release notes v1.2 ...  ") == "release notes v1.2"
    assert dense_query_text("柏林墙什么时候倒塌的。") == "柏林墙什么时候倒塌的"
    assert dense_query_text("why did sales fall?") == "why did sales fall?"
    assert dense_query_text("file.txt") == "file.txt"
    assert dense_query_text("...") == "..."


def test_find_similar(store: Store, hash_embedder: HashEmbedder) -> None:
    _write(store, hash_embedder, "/docs/a.txt", ["solar panels on the roof", "solar inverter wiring"])
    _write(store, hash_embedder, "/docs/b.txt", ["roof solar panels install"])
    _write(store, hash_embedder, "/docs/c.txt", ["knitting a wool scarf"])
    searcher = Searcher(store, hash_embedder)
    from_chunk = searcher.find_similar(chunk_id=chunk_id("/docs/a.txt", 0), k=5)
    assert from_chunk[0].path == "/docs/b.txt"
    assert all(h.path != "/docs/a.txt" for h in from_chunk)
    assert from_chunk[0].similarity is not None and from_chunk[0].similarity > 0.5
    from_file = searcher.find_similar(path="/docs/a.txt", k=5)
    assert from_file[0].path == "/docs/b.txt" and all(h.path != "/docs/a.txt" for h in from_file)
    assert [h.rank for h in from_file] == list(range(1, len(from_file) + 1))
    assert searcher.find_similar(path="/docs/a.txt", k=5, filters=SearchFilters(extensions=("md",))) == []
    assert searcher.find_similar(chunk_id="nope:0") == []
    assert searcher.find_similar(path="/nowhere.txt") == []
    assert searcher.find_similar() == []


def test_search_tolerates_rows_vanishing(store: Store, hash_embedder: HashEmbedder) -> None:
    """A vector whose chunk row is gone (a file re-indexed meanwhile) is skipped, not an error."""
    _write(store, hash_embedder, "/docs/a.txt", ["moonlight sonata"])
    store.ledger.delete_files(["/docs/a.txt"])  # rows gone, vector still there
    assert Searcher(store, hash_embedder).search("moonlight sonata") == []


def test_old_keyword_index_is_rebuilt_with_stemming(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    conn = sqlite3.connect(db)
    conn.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta VALUES ('schema_version', '1');
        CREATE TABLE chunks (rowid INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, path TEXT NOT NULL,
            number INTEGER NOT NULL, page INTEGER, start INTEGER NOT NULL, end INTEGER NOT NULL,
            heading TEXT, text TEXT NOT NULL, ext TEXT NOT NULL DEFAULT '', mtime REAL NOT NULL DEFAULT 0);
        CREATE VIRTUAL TABLE chunks_fts USING fts5(text, heading, content='chunks', content_rowid='rowid',
            tokenize='unicode61 remove_diacritics 2');
        INSERT INTO chunks(chunk_id, path, number, start, end, text)
            VALUES ('x:0', '/a.txt', 0, 0, 9, 'indexing');
        INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild');
        """
    )
    conn.close()
    ledger = Ledger(db)
    try:
        assert ledger.get_meta("schema_version") == str(SCHEMA_VERSION)
        assert [h.chunk_id for h in KeywordSearch(ledger).search("indexed", 5)] == [
            "x:0"
        ]  # porter stems both
    finally:
        ledger.close()


def test_highlights_skip_stop_words_and_fragments() -> None:

    text = "Repot a cactus in spring, when it grows. Kakteen topft man im Frühjahr um."
    spans, matched = Highlighter(query_terms("when to repot a cactus")).find(text)
    painted = [text[s.start : s.end] for s in spans]
    assert painted == ["Repot", "cactus"]
    assert "a" in matched and "when" in matched  # still counted for keyword coverage
    only_stop = Highlighter(query_terms("to be or not to be")).find("not to be")[0]
    assert only_stop  # a query of stop words alone is still painted


def test_shorter_passage_word_matches_only_an_inflection_away() -> None:
    """A passage word that begins a query word matches when the rest is an inflection ("Datei" for
    "Dateien") or derives a word of five letters or more ("infect" for "infection"), not when it is
    another word ("date" for "Datei", "with" for "without", "vers" for "version")."""
    inflected = [("Dateien", "eine Datei"), ("Versionen", "die Version"), ("installing", "install it"),
                 ("älteren", "älter als"), ("Warnungen", "warn"), ("infection", "to infect"),
                 ("toxicity", "toxic doses")]  # fmt: skip
    for query, text in inflected:
        assert find_spans(text, query_terms(query))[1], (query, text)
    false_friends = [("Datei", "date -R"), ("comment", "comme ceci"), ("without", "with it"),
                     ("systemd", "the system"), ("version", "vers le haut"),
                     ("changelog", "change it"), ("Daten", "the date")]  # fmt: skip
    for query, text in false_friends:
        assert find_spans(text, query_terms(query)) == ((), set()), (query, text)
    assert find_spans("configuration", query_terms("config"))[1] == {"config"}  # a typed prefix still finds


def test_a_short_query_word_begins_only_its_own_inflections() -> None:
    """A query word of six letters or more finds the longer words it begins ("config" finds
    "configuration"); a shorter one finds its inflections only ("heure" finds "heures", not
    "Heureusement"), unless the query is in a language that writes compounds as one word."""
    grown = [("heure", "deux heures"), ("note", "the notes"), ("note", "as noted"), ("file", "two files"),
             ("config", "its configuration"), ("install", "installation"), ("unix", "unix2dos"),
             ("file", "file_name")]  # fmt: skip
    for query, text in grown:
        assert find_spans(text, query_terms(query))[1], (query, text)
    other_words = [("heure", "Heureusement, non"), ("main", "the maintainer"), ("exam", "for example"),
                   ("over", "override it"), ("date", "eine Datei"), ("back", "a backup")]  # fmt: skip
    for query, text in other_words:
        assert find_spans(text, query_terms(query)) == ((), set()), (query, text)
    german = "Wie groß darf eine Datei im Dateisystem sein?"
    spans, _ = highlighter_for(german).find("Das Dateisystem ist voll.")
    assert [(s.start, s.end) for s in spans] == [(4, 15)]  # "Dateisystem" for "Datei": a compound
    assert Highlighter(query_terms("datei")).find("Dateisystem") == ((), set())  # language not known
    assert [s.start for s in highlighter_for(german).find("Seiten einer Datei")[0]] == [13]
    assert "eine" in highlighter_for(german).find("einer Datei")[1]  # "eine": counted, not painted


def test_a_passage_waiting_for_its_vector_takes_its_keyword_rank_as_its_dense_rank() -> None:
    waiting = Candidate("waiting", keyword_score=9.0, keyword_rank=1)
    navigation = Candidate("contents", keyword_score=8.0, keyword_rank=2)  # never embedded: no stand-in
    embedded = Candidate("embedded", similarity=0.4, dense_rank=1, keyword_score=3.0, keyword_rank=3)
    keyword_rank_stands_in([waiting, navigation, embedded], waiting={"waiting", "embedded"})
    assert (waiting.dense_rank, navigation.dense_rank, embedded.dense_rank) == (1, None, 1)
    assert fuse([embedded, navigation, waiting])[0].chunk_id == "waiting"
