"""The store: ledger + keyword index + Chroma vectors on disk, write ordering and the consistency check."""

from __future__ import annotations

import math
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from desktop_search.core.records import FileRecord, FileStatus, SearchFilters
from desktop_search.core.search.filters import chroma_where, normalise
from desktop_search.core.search.keyword import KeywordSearch, fts_query
from desktop_search.core.store.ledger import ChunkRow
from desktop_search.core.store.pathkeys import chunk_id, display, from_key, to_key
from desktop_search.core.store.store import Store
from desktop_search.core.store.vectors import VectorMeta
from tests.support.fake_embedder import HashEmbedder


def _write(store: Store, emb: HashEmbedder, path: str, texts: list[str], folder: str = "/docs", mtime=0.0):
    key = to_key(path)
    ext = Path(path).suffix.lstrip(".").lower()
    rows = [
        ChunkRow(chunk_id(key, n), key, n, t, n * 100, n * 100 + len(t), page=n + 1, ext=ext, mtime=mtime)
        for n, t in enumerate(texts)
    ]
    record = FileRecord(key, folder, FileStatus.PENDING, size=10, mtime=mtime, content_hash=f"h-{key}")
    store.write_file(record, rows, emb.embed_documents(texts))
    return record


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "index", "test/hash-embedder")
    yield s
    s.close()


def test_write_search_and_replace(store: Store, hash_embedder: HashEmbedder) -> None:
    _write(store, hash_embedder, "/docs/a.txt", ["apples and pears", "bananas in the sun", "cherries"])
    assert store.vectors.count() == 3
    assert store.ledger.get("/docs/a.txt").status == FileStatus.INDEXED
    # re-indexing with fewer chunks replaces, never duplicates
    _write(store, hash_embedder, "/docs/a.txt", ["apples only"])
    assert store.vectors.count() == 1
    assert store.ledger.chunk_total() == 1
    assert store.check().consistent
    hits = store.vectors.query(hash_embedder.embed_query("apples"), 5)
    assert hits[0].chunk_id == chunk_id("/docs/a.txt", 0)
    assert KeywordSearch(store.ledger).search("apples", 5)[0].chunk_id == chunk_id("/docs/a.txt", 0)


def test_filters_apply_inside_both_legs(store: Store, hash_embedder: HashEmbedder) -> None:
    old = time.time() - 86400 * 30
    _write(store, hash_embedder, "/docs/sub/report.pdf", ["quarterly report numbers"], mtime=old)
    _write(store, hash_embedder, "/docs/notes.md", ["quarterly report draft"], mtime=time.time())
    _write(store, hash_embedder, "/other/report.txt", ["quarterly report copy"], folder="/other")
    query = hash_embedder.embed_query("quarterly report")

    def dense(f: SearchFilters) -> set[str]:
        return {
            store.ledger.get_chunks([h.chunk_id])[h.chunk_id].path
            for h in store.vectors.query(query, 10, chroma_where(normalise(f)))
        }

    def keyword(f: SearchFilters) -> set[str]:
        hits = KeywordSearch(store.ledger).search("quarterly report", 10, f)
        return {store.ledger.get_chunks([h.chunk_id])[h.chunk_id].path for h in hits}

    for leg in (dense, keyword):
        assert leg(SearchFilters(folders=("/docs/sub",))) == {"/docs/sub/report.pdf"}
        assert leg(SearchFilters(folders=("/docs",))) == {"/docs/sub/report.pdf", "/docs/notes.md"}
        assert leg(SearchFilters(extensions=("md", "txt"))) == {"/docs/notes.md", "/other/report.txt"}
        assert leg(SearchFilters(modified_after=time.time() - 86400)) == {"/docs/notes.md"}
    assert store.vectors.query(query, 10, chroma_where(normalise(None, ["/other"])))
    assert "/other/report.txt" not in {
        store.ledger.get_chunks([h.chunk_id])[h.chunk_id].path
        for h in store.vectors.query(query, 10, chroma_where(normalise(None, ["/other"])))
    }


def test_move_file_reuses_vectors(store: Store, hash_embedder: HashEmbedder) -> None:
    old = _write(store, hash_embedder, "/docs/old.txt", ["moved text one", "moved text two"])
    new = FileRecord("/docs/new.md", "/docs", FileStatus.PENDING, size=10, content_hash=old.content_hash)
    assert store.move_files([(store.ledger.get(old.path), new, "md")]) == {old.path}
    assert store.ledger.get("/docs/old.txt") is None
    assert store.ledger.get("/docs/new.md").chunk_count == 2
    assert {c.ext for c in store.ledger.chunks_of("/docs/new.md")} == {"md"}
    assert store.vectors.count() == 2
    assert store.check().consistent


def test_moving_many_files_at_once_moves_those_whose_vectors_are_all_there(
    store: Store, hash_embedder: HashEmbedder
) -> None:
    olds = [
        _write(store, hash_embedder, f"/docs/a/f{n}.txt", [f"file {n} one", f"file {n} two"])
        for n in range(30)
    ]
    store.vectors.delete([chunk_id("/docs/a/f7.txt", 1)])  # lost in a crash: this one is extracted afresh
    moves = [
        (
            store.ledger.get(o.path),
            replace(o, path=o.path.replace("/a/", "/b/"), status=FileStatus.PENDING),
            "txt",
        )
        for o in olds
    ]

    moved = store.move_files(moves)

    assert moved == {o.path for o in olds} - {"/docs/a/f7.txt"}
    assert store.ledger.get("/docs/a/f7.txt") is not None and store.ledger.get("/docs/b/f7.txt") is None
    assert store.ledger.get("/docs/b/f12.txt").chunk_count == 2
    assert store.vectors.ids_of_path("/docs/b/f12.txt") == [
        chunk_id("/docs/b/f12.txt", 0),
        chunk_id("/docs/b/f12.txt", 1),
    ]
    assert store.vectors.ids_of_path("/docs/a/f12.txt") == []
    vector = hash_embedder.embed_documents(["file 12 two"])[0]
    assert store.dense_query(vector, 1)[0].chunk_id == chunk_id("/docs/b/f12.txt", 1)
    assert store.vectors.count() == 59


def test_check_finds_and_repairs_each_kind_of_damage(store: Store, hash_embedder: HashEmbedder) -> None:
    _write(store, hash_embedder, "/docs/a.txt", ["one", "two"])
    _write(store, hash_embedder, "/docs/b.txt", ["three"])
    # a vector left behind by a crash between upsert and the ledger transaction
    store.vectors.upsert(
        ["zzz:0"],
        hash_embedder.embed_documents(["ghost"]),
        [VectorMeta(path="/docs/ghost.txt", folder="/docs", dirs=("/", "/docs"), ext="", mtime=0.0)],
    )
    # a vector lost (crash between vector delete and ledger delete)
    store.vectors.delete([chunk_id("/docs/b.txt", 0)])
    report = store.check()
    assert not report.consistent
    assert report.orphan_vectors == 1 and report.missing_vectors == 1
    assert report.files_requeued == []  # its passage lost only its vector
    store.check(repair=True)
    assert store.check().consistent
    # keyword-searchable still; the passage waits for the next run's embedding phase
    assert store.ledger.get("/docs/b.txt").status == FileStatus.INDEXED
    assert store.ledger.unembedded_counts() == (1, 1)
    assert store.check().as_dict()["passages_without_vectors"] == 1


def test_remove_files_drops_vectors_rows_and_keywords(store: Store, hash_embedder: HashEmbedder) -> None:
    _write(store, hash_embedder, "/docs/a.txt", ["unique zebra words"])
    store.remove_files(["/docs/a.txt"])
    assert store.vectors.count() == 0
    assert KeywordSearch(store.ledger).search("zebra", 5) == []
    assert store.ledger.get("/docs/a.txt") is None
    assert store.check().consistent


def test_non_utf8_paths_round_trip(store: Store, hash_embedder: HashEmbedder) -> None:
    weird = "/docs/caf\udce9.txt"  # a Latin-1 byte in a file name, as Python decodes it
    key = to_key(weird)
    key.encode("utf-8")
    assert from_key(key) == weird
    assert display(key) == "/docs/caf\\xe9.txt"
    _write(store, hash_embedder, weird, ["latin one name"])
    assert store.ledger.get(key).status == FileStatus.INDEXED


@pytest.mark.parametrize(
    "query",
    ['"unbalanced', "AND OR NOT", "NEAR(a b)", "col:value", "*", "-x", "'; DROP TABLE files; --", "\x00", ""],
)
def test_hostile_keyword_queries_never_raise(store: Store, hash_embedder: HashEmbedder, query: str) -> None:
    _write(store, hash_embedder, "/docs/a.txt", ["drop table files and value"])
    only_chunk = chunk_id(to_key("/docs/a.txt"), 0)
    hits = KeywordSearch(store.ledger).search(query, 5)
    assert all(h.chunk_id == only_chunk and math.isfinite(h.score) and h.score > 0 for h in hits)
    if "DROP TABLE" in query:
        assert [h.chunk_id for h in hits] == [only_chunk]  # SQL in a query is only words to look for
    # nothing was run as SQL or FTS syntax against the tables: the file, its chunk and its words are there
    assert store.ledger.get("/docs/a.txt") is not None
    assert store.ledger.chunk_total() == 1
    assert [h.chunk_id for h in KeywordSearch(store.ledger).search("value", 5)] == [only_chunk]


def test_fts_query_keeps_codes_and_phrases_together() -> None:
    assert fts_query('error "ERR-4021" now') == '"ERR 4021" OR "error" OR "now"'
    assert fts_query("!!! ???") == ""


def test_vectors_and_metadata_persist_across_reopen(tmp_path: Path, hash_embedder: HashEmbedder) -> None:
    s = Store(tmp_path / "index", "test/hash-embedder")
    _write(s, hash_embedder, "/docs/a.txt", ["persistent words"])
    s.close()
    again = Store(tmp_path / "index", "test/hash-embedder")
    assert again.vectors.count() == 1
    vec = again.vectors.get_vectors([chunk_id("/docs/a.txt", 0)])
    assert np.allclose(
        next(iter(vec.values())), hash_embedder.embed_documents(["persistent words"])[0], atol=1e-6
    )
    again.close()


def _waiting(path: str, texts: list[str]) -> tuple[FileRecord, list[ChunkRow]]:
    key = to_key(path)
    rows = [ChunkRow(chunk_id(key, n), key, n, t, 0, len(t), embedded=False) for n, t in enumerate(texts)]
    return FileRecord(key, "/docs", FileStatus.PENDING, size=10, content_hash=f"h-{key}"), rows


def test_phase_one_writes_a_batch_of_files_in_one_transaction(
    store: Store, hash_embedder: HashEmbedder
) -> None:
    """A batch of files is written in one commit: all of it, or (a row that cannot be written) none of
    it, the files' earlier passages and vectors then kept."""
    _write(store, hash_embedder, "/docs/old.txt", ["the first version of the old file", "its second part"])
    batch = [_waiting(f"/docs/new{i}.txt", [f"passage {i} about lanterns"]) for i in range(600)]
    batch.append(_waiting("/docs/old.txt", ["the old file, now rewritten"]))
    store.write_passages(batch)
    assert store.ledger.chunk_total() == 601
    # the rewritten file's old vector of a passage it no longer has went first; its first passage's
    # stays for phase 2 to overwrite, stale: readers do not get it
    assert store.vectors.count() == 1
    assert store.current_vectors([chunk_id(to_key("/docs/old.txt"), 0)]) == {}
    assert len(store.ledger.get_many([r.path for r, _ in batch] + ["/docs/none.txt"])) == 601
    assert KeywordSearch(store.ledger).search("lanterns", 1000)  # keyword-searchable at once

    _write(store, hash_embedder, "/docs/kept.txt", ["a file that stays as it was"])
    record, rows = _waiting("/docs/kept.txt", ["its new text"])
    broken = [*rows, rows[0]]  # the same passage twice: the insert fails
    with pytest.raises(Exception):  # noqa: B017 - sqlite3.IntegrityError
        store.ledger.replace_files([_waiting("/docs/other.txt", ["never written"]), (record, broken)])
    assert store.ledger.get("/docs/other.txt") is None
    assert [c.text for c in store.ledger.chunks_of("/docs/kept.txt")] == ["a file that stays as it was"]
