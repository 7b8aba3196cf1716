"""What built a file's passages, in the ledger: the kind and versions round-trip, and a ledger written
before they existed (schema 3) opens with every file read as kind '' and version 1, its rows, chunks
and keyword index kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop_search.core.extract import versions
from desktop_search.core.index.outdated import is_outdated
from desktop_search.core.records import FileRecord, FileStatus
from desktop_search.core.search.keyword import KeywordSearch
from desktop_search.core.store.ledger import ChunkRow, Ledger
from desktop_search.core.store.schema import SCHEMA_VERSION
from tests.support.old_ledgers import OLD_CHUNKS, OLD_INSERT_TRIGGER, old_meta

_SCHEMA_3 = (
    old_meta(3)
    + OLD_CHUNKS
    + OLD_INSERT_TRIGGER
    + """
CREATE TABLE files (path TEXT PRIMARY KEY, folder TEXT NOT NULL, size INTEGER NOT NULL DEFAULT 0,
    mtime REAL NOT NULL DEFAULT 0, content_hash TEXT NOT NULL DEFAULT '', status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '', chunk_count INTEGER NOT NULL DEFAULT 0,
    model TEXT NOT NULL DEFAULT '', indexed_at REAL NOT NULL DEFAULT 0);
INSERT INTO files VALUES ('/d/manual.pdf', '/d', 10, 1.5, 'abc', 'indexed', '', 1, 'm', 2.0);
INSERT INTO files VALUES ('/d/notes.txt', '/d', 5, 1.5, 'def', 'indexed', '', 1, 'm', 2.0);
INSERT INTO chunks(chunk_id, path, number, page, start, end, text)
    VALUES ('p:0', '/d/manual.pdf', 0, 1, 0, 17, 'Indexing manuals.');
INSERT INTO chunks(chunk_id, path, number, start, end, text) VALUES ('t:0', '/d/notes.txt', 0, 0, 5, 'notes');
"""
)


def test_a_schema_3_ledger_opens_with_files_from_before_versions(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    conn = sqlite3.connect(db)
    conn.executescript(_SCHEMA_3)
    conn.close()
    ledger = Ledger(db)
    try:
        assert ledger.get_meta("schema_version") == str(SCHEMA_VERSION)
        pdf, text = ledger.get("/d/manual.pdf"), ledger.get("/d/notes.txt")
        assert pdf is not None and text is not None
        assert (pdf.kind, pdf.extractor_version, pdf.chunking_version) == ("", 1, 1)
        assert (pdf.status, pdf.size, pdf.content_hash, pdf.chunk_count) == (FileStatus.INDEXED, 10, "abc", 1)
        assert is_outdated(pdf)  # the PDF reader, and for both the chunker, changed since
        assert is_outdated(text) == (versions.CHUNKING_VERSION > 1)
        assert [c.text for c in ledger.chunks_of("/d/manual.pdf")] == ["Indexing manuals."]
        assert [h.chunk_id for h in KeywordSearch(ledger).search("indexed manual", 5)] == ["p:0"]
    finally:
        ledger.close()
    Ledger(db).close()  # opening it again changes nothing


def test_kind_and_versions_round_trip_with_the_chunks(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite3")
    try:
        record = FileRecord(
            "/d/a.pdf", "/d", FileStatus.INDEXED, 3, 1.0, "h", chunk_count=1, kind="pdf",
            extractor_version=versions.extractor_version("pdf"), chunking_version=versions.CHUNKING_VERSION,
        )  # fmt: skip
        ledger.replace_file(record, [ChunkRow("a:0", "/d/a.pdf", 0, "text", 0, 4)])
        assert ledger.get("/d/a.pdf") == record
        assert not is_outdated(record)
    finally:
        ledger.close()
