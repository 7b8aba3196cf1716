"""The ledger's SQLite schema: tables, the FTS5 keyword index and its triggers, and migrations.

``files`` holds one row per known file (its status and why), ``chunks`` each passage's text and
origin, ``chunks_fts`` the keyword index over them (kept in step by triggers), ``vector_cache`` every
embedded text's vector once (see :mod:`desktop_search.core.store.vector_cache`), ``meta`` small
key-value state. :func:`create_or_migrate` brings any database file up to :data:`SCHEMA_VERSION`.

The keyword index reads each chunk's text through ``ds_index_form`` (runs of Chinese, Japanese, Korean
or Thai letters as character bigrams, see :mod:`desktop_search.core.store.unspaced`): a SQL function
every connection must register (:func:`register_functions`) before it writes chunks or rebuilds the
index. Its content table is the view ``chunks_fts_source``, so FTS5's own rebuild and integrity check
see the same text the triggers index.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager

from desktop_search.core.store.unspaced import index_form

SCHEMA_VERSION = 6
# Version 2: the keyword index stems English words (porter over unicode61), so "indexing" finds "indexed".
# Version 3: chunks.navigation marks table-of-contents and index passages (older rows read as text).
# Version 4: files.kind, extractor_version, chunking_version: what built a file's passages (older rows
# read as kind '' and version 1, "before versions existed"; see extract.versions).
# Version 5: vector_cache (a vector per embedded text) and chunks.text_hash, the cache key a passage was
# embedded under (older rows read as '': they name no cache entry); chunks.part names a passage's
# sub-document (archive member, message, attachment; NULL for a plain file) and chunks.part_date its own
# date (a message's), which date filters use before the mtime; the keyword index reads unspaced scripts
# (Chinese, Japanese, Thai) as character bigrams; files.ocr_pages: how many pages (or images) of a file
# had their text recognised (OCR); chunks.embedded: 0 while a passage waits for its vector
# (keyword-searchable, not yet embedded; older rows read as embedded).
# Version 6: the keyword index reads German "ß" as "ss" (``ds_index_form``), so "Strasse" finds "Straße";
# an older keyword index is rebuilt from the chunk rows when the ledger opens.
FTS_VERSION = 6  # the schema version that last changed what the keyword index holds
FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    folder TEXT NOT NULL,
    size INTEGER NOT NULL DEFAULT 0,
    mtime REAL NOT NULL DEFAULT 0,
    content_hash TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    chunk_count INTEGER NOT NULL DEFAULT 0,
    model TEXT NOT NULL DEFAULT '',
    indexed_at REAL NOT NULL DEFAULT 0,
    kind TEXT NOT NULL DEFAULT '',
    extractor_version INTEGER NOT NULL DEFAULT 1,
    chunking_version INTEGER NOT NULL DEFAULT 1,
    ocr_pages INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS files_folder ON files(folder);
CREATE INDEX IF NOT EXISTS files_status ON files(status);
CREATE INDEX IF NOT EXISTS files_hash ON files(content_hash);
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY,
    chunk_id TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,
    number INTEGER NOT NULL,
    page INTEGER,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    heading TEXT,
    text TEXT NOT NULL,
    ext TEXT NOT NULL DEFAULT '',
    mtime REAL NOT NULL DEFAULT 0,
    navigation INTEGER NOT NULL DEFAULT 0,
    part TEXT,
    part_date REAL,
    text_hash TEXT NOT NULL DEFAULT '',
    embedded INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS chunks_path ON chunks(path);
CREATE TABLE IF NOT EXISTS vector_cache (
    model TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, text_hash)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS chunks_ai AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts(rowid, text, heading)
    VALUES (new.rowid, ds_index_form(new.text), ds_index_form(new.heading));
END;
CREATE TRIGGER IF NOT EXISTS chunks_ad AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts(chunks_fts, rowid, text, heading)
    VALUES ('delete', old.rowid, ds_index_form(old.text), ds_index_form(old.heading));
END;
"""

# the passages waiting for their vectors, by file: what the embedding phase counts and reads (an index
# of older versions ordered them by mtime, when phase 2 took the newest files first)
_UNEMBEDDED_INDEX = (
    "DROP INDEX IF EXISTS chunks_unembedded;"
    " CREATE INDEX IF NOT EXISTS chunks_waiting ON chunks(path, number) WHERE embedded = 0;"
)

_FTS_TABLE = f"""
CREATE VIEW IF NOT EXISTS chunks_fts_source AS
    SELECT rowid, ds_index_form(text) AS text, ds_index_form(heading) AS heading FROM chunks;
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    text, heading, content='chunks_fts_source', content_rowid='rowid',
    tokenize='{FTS_TOKENIZER}'
);
"""


def register_functions(conn: sqlite3.Connection) -> None:
    """Give a connection the SQL functions the keyword index's triggers and view call."""
    conn.create_function("ds_index_form", 1, index_form, deterministic=True)


def create_or_migrate(
    conn: sqlite3.Connection, transaction: Callable[[], AbstractContextManager[sqlite3.Connection]]
) -> None:
    """Create what is missing and migrate an older keyword index (``transaction`` opens a write one).

    ``conn`` must have :func:`register_functions`."""
    rebuild_fts = _drop_outdated_fts(conn)
    # the FTS table must exist before the triggers that feed it
    conn.executescript(_FTS_TABLE + _SCHEMA)  # idempotent statements; commits itself
    _add_missing_columns(conn)
    conn.executescript(_UNEMBEDDED_INDEX)  # needs the column, which older files get just above
    if rebuild_fts:
        with transaction() as tx:
            tx.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild')")
    conn.execute(
        "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
    )


# Columns added after version 2, by table, with their definitions (the default is what older rows read).
_ADDED_COLUMNS = {
    "chunks": {
        "navigation": "INTEGER NOT NULL DEFAULT 0",
        "part": "TEXT",
        "part_date": "REAL",
        "text_hash": "TEXT NOT NULL DEFAULT ''",
        "embedded": "INTEGER NOT NULL DEFAULT 1",
    },
    "files": {
        "kind": "TEXT NOT NULL DEFAULT ''",
        "extractor_version": "INTEGER NOT NULL DEFAULT 1",
        "chunking_version": "INTEGER NOT NULL DEFAULT 1",
        "ocr_pages": "INTEGER NOT NULL DEFAULT 0",
    },
}


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    """Add the columns of later versions, with their defaults, to tables that lack them."""
    for table, added in _ADDED_COLUMNS.items():
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        for name, definition in added.items():
            if name not in columns:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {definition}")


def _drop_outdated_fts(conn: sqlite3.Connection) -> bool:
    """Drop a keyword index built by an older schema (other tokenizer); True if one was dropped.

    The chunk rows stay; the caller recreates the index and rebuilds it from them.
    """
    has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone()
    has_fts = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'chunks_fts'").fetchone()
    if not (has_meta and has_fts):
        return False
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is not None and int(row[0]) >= FTS_VERSION:
        return False
    conn.executescript(
        "BEGIN IMMEDIATE;"
        " DROP TRIGGER IF EXISTS chunks_ai; DROP TRIGGER IF EXISTS chunks_ad;"
        " DROP TABLE IF EXISTS chunks_fts; DROP VIEW IF EXISTS chunks_fts_source; COMMIT;"
    )
    return True
