"""Pieces of the ledger as older schemas wrote it (versions 3 to 5), for tests that open one and check
that it migrates: the chunks table before its later columns, and a keyword index over the raw text."""

from __future__ import annotations

OLD_CHUNKS = """
CREATE TABLE chunks (rowid INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, path TEXT NOT NULL,
    number INTEGER NOT NULL, page INTEGER, start INTEGER NOT NULL, end INTEGER NOT NULL,
    heading TEXT, text TEXT NOT NULL, ext TEXT NOT NULL DEFAULT '', mtime REAL NOT NULL DEFAULT 0,
    navigation INTEGER NOT NULL DEFAULT 0);
CREATE VIRTUAL TABLE chunks_fts USING fts5(text, heading, content='chunks', content_rowid='rowid',
    tokenize='porter unicode61 remove_diacritics 2');
"""
OLD_INSERT_TRIGGER = """
CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts(rowid, text, heading) VALUES (new.rowid, new.text, coalesce(new.heading, ''));
END;
"""


def old_meta(version: int) -> str:
    """The meta table of a ledger at schema ``version``."""
    return f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '{version}');
"""
