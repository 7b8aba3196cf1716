"""The navigation flag in the store: kept per chunk row and in the vector metadata; navigation passages
written by phase 1 get no vector (nothing to wait for; an old vector of theirs goes); an index written
before the flag existed (schema 2) opens with every chunk read as text, its keyword index untouched."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from desktop_search.core.records import FileRecord, FileStatus
from desktop_search.core.search.keyword import KeywordSearch
from desktop_search.core.store.ledger import ChunkRow, Ledger
from desktop_search.core.store.pathkeys import chunk_id
from desktop_search.core.store.schema import SCHEMA_VERSION
from desktop_search.core.store.store import Store


def test_navigation_flag_is_stored_in_rows_and_vectors(tmp_path: Path) -> None:
    store = Store(tmp_path / "index", "test-model")
    try:
        key = "/docs/manual.pdf"
        rows = [
            ChunkRow(chunk_id(key, 0), key, 0, "Contents 1 Setup . . . 3", 0, 24, 1, navigation=True),
            ChunkRow(chunk_id(key, 1), key, 1, "Setup starts here.", 26, 44, 3, "1 Setup"),
        ]
        vectors = np.eye(2, 8, dtype=np.float32)
        store.write_file(FileRecord(key, "/docs", FileStatus.PENDING, 1, 1.0), rows, vectors)
        assert [c.navigation for c in store.ledger.chunks_of(key)] == [True, False]
        metas = store.vectors.collection.get(ids=[r.chunk_id for r in rows], include=["metadatas"])
        flags = dict(zip(metas["ids"], (m["navigation"] for m in metas["metadatas"]), strict=True))
        assert flags == {rows[0].chunk_id: True, rows[1].chunk_id: False}
    finally:
        store.close()


def test_a_schema_2_ledger_gains_the_column_and_keeps_its_keyword_index(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    conn = sqlite3.connect(db)
    conn.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta VALUES ('schema_version', '2');
        CREATE TABLE chunks (rowid INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, path TEXT NOT NULL,
            number INTEGER NOT NULL, page INTEGER, start INTEGER NOT NULL, end INTEGER NOT NULL,
            heading TEXT, text TEXT NOT NULL, ext TEXT NOT NULL DEFAULT '', mtime REAL NOT NULL DEFAULT 0);
        CREATE VIRTUAL TABLE chunks_fts USING fts5(text, heading, content='chunks', content_rowid='rowid',
            tokenize='porter unicode61 remove_diacritics 2');
        INSERT INTO chunks(chunk_id, path, number, start, end, text)
            VALUES ('x:0', '/a.txt', 0, 0, 8, 'indexing');
        INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild');
        """
    )
    conn.close()
    ledger = Ledger(db)
    try:
        assert ledger.get_meta("schema_version") == str(SCHEMA_VERSION)
        [row] = ledger.chunks_of("/a.txt")
        assert row.navigation is False and row.text == "indexing"
        assert [h.chunk_id for h in KeywordSearch(ledger).search("indexed", 5)] == ["x:0"]
    finally:
        ledger.close()


def _manual(key: str, contents_first: bool) -> list[ChunkRow]:
    return [
        ChunkRow(chunk_id(key, 0), key, 0, "Contents 1 Setup . . . 3", 0, 24, 1, navigation=contents_first),
        ChunkRow(chunk_id(key, 1), key, 1, "Setup starts here.", 26, 44, 3, "1 Setup"),
    ]


def test_a_navigation_passage_waits_for_no_vector_and_loses_an_old_one(tmp_path: Path) -> None:
    store = Store(tmp_path / "index", "test-model")
    try:
        key = "/docs/manual.pdf"
        record = FileRecord(key, "/docs", FileStatus.PENDING, 1, 1.0)
        store.write_file(
            record, _manual(key, contents_first=False), np.eye(2, 8, dtype=np.float32)
        )  # as before
        store.write_passages(
            [(record, _manual(key, contents_first=True))]
        )  # the contents page is navigation now
        assert [(c.navigation, c.embedded) for c in store.ledger.chunks_of(key)] == [
            (True, True),
            (False, False),
        ]
        assert [c.number for c in store.ledger.unembedded(10)] == [1]
        assert set(store.vectors.get_vectors([chunk_id(key, 0), chunk_id(key, 1)])) == {chunk_id(key, 1)}
        store.write_vectors(store.ledger.unembedded(10), np.eye(1, 8, dtype=np.float32))
        report = store.check()
        assert report.consistent and report.missing_vectors == 0 and report.unembedded == 0
        # renamed: the text's vector moves, the contents page needs none
        moved = FileRecord("/docs/guide.pdf", "/docs", FileStatus.PENDING, 1, 2.0)
        assert store.move_files([(store.ledger.get(key), moved, "pdf")]) == {key}  # type: ignore[list-item]
        assert set(store.vectors.all_ids()) == {chunk_id("/docs/guide.pdf", 1)}
        assert store.check().consistent
    finally:
        store.close()
