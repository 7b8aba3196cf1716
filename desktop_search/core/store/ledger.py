"""The SQLite side of the store: the file ledger, chunk texts and small metadata.

One database file in WAL mode (schema: :mod:`desktop_search.core.store.schema`); every thread gets
its own connection, so searches read while the indexer writes. A file's chunks and its ledger row
change in one transaction, and triggers keep the FTS5 keyword index in step with the chunk rows, so
the ledger and the keyword index always agree. The keyword search itself reads through
:mod:`desktop_search.core.search.keyword`.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from desktop_search.core.records import FileRecord, FileStatus
from desktop_search.core.store.schema import create_or_migrate, register_functions

_IN_SLICE = 500  # keys per "IN (...)" query, well under SQLite's limit on parameters


@dataclass(frozen=True)
class WaitingFile:
    """A file with passages still waiting for their vectors (phase 2 of indexing)."""

    path: str
    waiting: int  # its passages without a vector
    mtime: float  # when the file was last modified (0: unknown)


@dataclass(frozen=True)
class ChunkRow:
    """A chunk as stored: its text and where it came from."""

    chunk_id: str
    path: str  # path key (see pathkeys)
    number: int
    text: str
    start: int
    end: int
    page: int | None = None
    heading: str | None = None
    ext: str = ""
    mtime: float = 0.0
    navigation: bool = False  # a table of contents or an index: never ranked above real text
    part: str | None = None  # the sub-document inside a container file (see extract.subdocs)
    part_date: float | None = None  # the sub-document's own date; date filters use it before mtime
    text_hash: str = ""  # the vector cache's key of the text embedded for it ('' when unknown)
    # its vector is stored, or it needs none (navigation); False: keyword-searchable, waiting for it
    embedded: bool = True


def _record(row: sqlite3.Row) -> FileRecord:
    return FileRecord(
        path=row["path"],
        folder=row["folder"],
        status=FileStatus(row["status"]),
        size=row["size"],
        mtime=row["mtime"],
        content_hash=row["content_hash"],
        reason=row["reason"],
        chunk_count=row["chunk_count"],
        model=row["model"],
        indexed_at=row["indexed_at"],
        kind=row["kind"],
        extractor_version=row["extractor_version"],
        chunking_version=row["chunking_version"],
        ocr_pages=row["ocr_pages"],
    )


def _chunk(row: sqlite3.Row) -> ChunkRow:
    return ChunkRow(
        chunk_id=row["chunk_id"],
        path=row["path"],
        number=row["number"],
        text=row["text"],
        start=row["start"],
        end=row["end"],
        page=row["page"],
        heading=row["heading"],
        ext=row["ext"],
        mtime=row["mtime"],
        navigation=bool(row["navigation"]),
        part=row["part"],
        part_date=row["part_date"],
        text_hash=row["text_hash"],
        embedded=bool(row["embedded"]),
    )


class Ledger:
    """Thread-safe access to the SQLite database (one connection per thread)."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        db_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._connections: dict[threading.Thread, sqlite3.Connection] = {}
        self._conn_lock = threading.Lock()
        self._closed = False
        with self._write_lock:
            create_or_migrate(self.conn, self.transaction)
        with suppress(OSError):
            os.chmod(db_path, 0o600)

    # -- connections -------------------------------------------------------------------------------

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection, opened on its first use."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            with self._conn_lock:  # a close meanwhile waits: it never misses a connection
                if self._closed:  # never reopened: its folder may be on its way out (a model switch)
                    raise sqlite3.ProgrammingError(f"the ledger {self.db_path} is closed")
                conn = sqlite3.connect(
                    self.db_path, timeout=30.0, isolation_level=None, check_same_thread=False
                )
                conn.row_factory = sqlite3.Row
                register_functions(conn)  # the keyword index's triggers call them
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA foreign_keys=ON")
                self._close_ended_threads()
                self._connections[threading.current_thread()] = conn
            self._local.conn = conn
        return conn

    def _close_ended_threads(self) -> None:
        """Close the connections of threads that have ended (every indexing run's extraction thread,
        for one). Each holds two file descriptors and up to 2 MB of page cache: kept until the ledger
        closed, a watched folder that changes all day ran the app out of descriptors."""
        for thread in [t for t in self._connections if not t.is_alive()]:
            with suppress(sqlite3.Error):
                self._connections.pop(thread).close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; writers are serialised, readers never wait."""
        with self._write_lock:
            conn = self.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def close(self) -> None:
        """Close every thread's connection; a later use raises instead of reopening the file."""
        with self._conn_lock:
            self._closed = True
            for conn in self._connections.values():
                with suppress(sqlite3.Error):
                    conn.close()
            self._connections.clear()
        self._local = threading.local()

    # -- meta --------------------------------------------------------------------------------------

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    # -- files -------------------------------------------------------------------------------------

    def get(self, path: str) -> FileRecord | None:
        row = self.conn.execute("SELECT * FROM files WHERE path = ?", (path,)).fetchone()
        return _record(row) if row else None

    def files(self, status: FileStatus | None = None, folder: str | None = None) -> list[FileRecord]:
        sql, args = "SELECT * FROM files WHERE 1=1", []
        if status is not None:
            sql += " AND status = ?"
            args.append(str(status))
        if folder is not None:
            sql += " AND folder = ?"
            args.append(folder)
        return [_record(r) for r in self.conn.execute(sql + " ORDER BY path", args)]

    def snapshot(self, folder: str) -> dict[str, FileRecord]:
        """Every ledger row of a watched folder, by path: the base of a rescan's diff."""
        return {r.path: r for r in self.files(folder=folder)}

    def put(self, record: FileRecord) -> None:
        """Insert or replace a ledger row (chunks untouched)."""
        with self.transaction() as conn:
            self._put(conn, record)

    def put_many(self, records: Iterable[FileRecord]) -> None:
        with self.transaction() as conn:
            for record in records:
                self._put(conn, record)

    @staticmethod
    def _put(conn: sqlite3.Connection, r: FileRecord) -> None:
        conn.execute(
            "INSERT OR REPLACE INTO files(path, folder, size, mtime, content_hash, status, reason,"
            " chunk_count, model, indexed_at, kind, extractor_version, chunking_version, ocr_pages)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                r.path,
                r.folder,
                r.size,
                r.mtime,
                r.content_hash,
                str(r.status),
                r.reason,
                r.chunk_count,
                r.model,
                r.indexed_at,
                r.kind,
                r.extractor_version,
                r.chunking_version,
                r.ocr_pages,
            ),
        )

    def set_status(self, paths: Sequence[str], status: FileStatus, reason: str = "") -> None:
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE files SET status = ?, reason = ? WHERE path = ?",
                [(str(status), reason, p) for p in paths],
            )

    def reassign_folder(self, old: str, new: str) -> None:
        """Files listed under watched folder ``old`` now belong to ``new`` (a parent that replaced it)."""
        with self.transaction() as conn:
            conn.execute("UPDATE files SET folder = ? WHERE folder = ?", (new, old))

    def counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in FileStatus}
        for row in self.conn.execute("SELECT status, COUNT(*) AS n FROM files GROUP BY status"):
            counts[row["status"]] = row["n"]
        return counts

    def chunk_total(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    # -- chunks ------------------------------------------------------------------------------------

    def replace_file(self, record: FileRecord, chunks: Sequence[ChunkRow]) -> None:
        """Replace a file's chunks and ledger row in one transaction."""
        self.replace_files([(record, chunks)])

    def replace_files(self, items: Sequence[tuple[FileRecord, Sequence[ChunkRow]]]) -> None:
        """Replace files' chunks and ledger rows, all in one transaction (one commit for a batch of
        small files, not one each)."""
        with self.transaction() as conn:
            for record, chunks in items:
                self._replace(conn, record, chunks)

    def get_many(self, paths: Sequence[str]) -> dict[str, FileRecord]:
        """The ledger rows of those ``paths`` that have one."""
        records = (
            _record(row) for row in self._select_in("SELECT * FROM files WHERE path IN ({marks})", paths)
        )
        return {record.path: record for record in records}

    def _select_in(self, sql: str, keys: Sequence[str]) -> Iterator[sqlite3.Row]:
        """The rows of ``sql``, whose ``IN ({marks})`` takes the distinct ``keys``, asked in slices
        small enough for SQLite's limit on parameters."""
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), _IN_SLICE):
            part = unique[i : i + _IN_SLICE]
            yield from self.conn.execute(sql.format(marks=",".join("?" * len(part))), part)

    def _replace(self, conn: sqlite3.Connection, record: FileRecord, chunks: Sequence[ChunkRow]) -> None:
        conn.execute("DELETE FROM chunks WHERE path = ?", (record.path,))
        conn.executemany(
            "INSERT INTO chunks(chunk_id, path, number, page, start, end, heading, text, ext, mtime,"
            " navigation, part, part_date, text_hash, embedded)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    c.chunk_id,
                    c.path,
                    c.number,
                    c.page,
                    c.start,
                    c.end,
                    c.heading,
                    c.text,
                    c.ext,
                    c.mtime,
                    int(c.navigation),
                    c.part,
                    c.part_date,
                    c.text_hash,
                    int(c.embedded),
                )
                for c in chunks
            ],
        )
        self._put(conn, record)

    def delete_files(self, paths: Sequence[str]) -> None:
        """Forget files: their chunks and ledger rows, in one transaction."""
        with self.transaction() as conn:
            for path in paths:
                conn.execute("DELETE FROM chunks WHERE path = ?", (path,))
                conn.execute("DELETE FROM files WHERE path = ?", (path,))

    def chunks_of(self, path: str) -> list[ChunkRow]:
        rows = self.conn.execute("SELECT * FROM chunks WHERE path = ? ORDER BY number", (path,))
        return [_chunk(r) for r in rows]

    def chunk_ids_of(self, path: str) -> list[str]:
        rows = self.conn.execute("SELECT chunk_id FROM chunks WHERE path = ? ORDER BY number", (path,))
        return [r[0] for r in rows]

    def get_chunks(self, chunk_ids: Sequence[str]) -> dict[str, ChunkRow]:
        rows = self._select_in("SELECT * FROM chunks WHERE chunk_id IN ({marks})", chunk_ids)
        return {row["chunk_id"]: _chunk(row) for row in rows}

    def content_hashes(self, paths: Sequence[str]) -> dict[str, str]:
        """The content hash of each known path (files without one are left out)."""
        sql = "SELECT path, content_hash FROM files WHERE path IN ({marks}) AND content_hash != ''"
        return {row["path"]: row["content_hash"] for row in self._select_in(sql, paths)}

    def sample_passages(self, limit: int) -> list[tuple[str, str, str]]:
        """About ``limit`` passages with a vector, spread over the index (navigation passages left out):
        their chunk id, text and ``text_hash``.

        The sample is the passages whose text hash (SHA-256, hex) sorts below a cutoff: a uniform
        choice that depends on the texts alone, not on the order files were written in. Every n-th
        row was a different half of a realdocs index in two builds of the same manuals, and the
        language means it made moved 9 of 65 cross-language questions' right ranks."""
        total = self.chunk_total()
        every = max(1, total // max(limit, 1))
        cutoff = "g" if total <= limit else f"{(16**8 * limit) // total:08x}"  # "g": above every hex digit
        rows = self.conn.execute(
            "SELECT chunk_id, text, text_hash FROM chunks WHERE embedded = 1 AND navigation = 0"
            " AND (text_hash > '' AND text_hash < ? OR text_hash = '' AND rowid % ? = 0) LIMIT ?",
            (cutoff, every, 2 * limit),  # (rows from before text hashes: every n-th); the limit only
        )  # bounds an unlucky draw
        return [(r[0], r[1], r[2]) for r in rows]

    def all_chunk_ids(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT chunk_id FROM chunks")}

    # -- passages waiting for their vectors (the embedding phase) ------------------------------------

    def unembedded(self, limit: int) -> list[ChunkRow]:
        """Up to ``limit`` passages without a vector yet, by path (phase 2 takes them in an order of
        its own: :mod:`desktop_search.core.index.embedding_order`)."""
        rows = self.conn.execute(
            "SELECT * FROM chunks WHERE embedded = 0 ORDER BY path, number LIMIT ?", (limit,)
        )
        return [_chunk(r) for r in rows]

    def waiting_files(self) -> list[WaitingFile]:
        """Every file with passages waiting for their vectors: how many wait, and its mtime (0 for
        passages whose file row is gone)."""
        rows = self.conn.execute(
            "SELECT w.path, w.n, COALESCE(f.mtime, 0) FROM (SELECT path, COUNT(*) AS n FROM chunks"
            " WHERE embedded = 0 GROUP BY path) w LEFT JOIN files f ON f.path = w.path"
        )
        return [WaitingFile(r[0], int(r[1]), float(r[2])) for r in rows]

    def waiting_in(self, path: str, limit: int) -> list[ChunkRow]:
        """Up to ``limit`` of a file's passages waiting for their vectors, in the file's order."""
        rows = self.conn.execute(
            "SELECT * FROM chunks WHERE embedded = 0 AND path = ? ORDER BY number LIMIT ?", (path, limit)
        )
        return [_chunk(r) for r in rows]

    def unembedded_counts(self) -> tuple[int, int]:
        """(passages, files) waiting for vectors."""
        row = self.conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT path) FROM chunks WHERE embedded = 0"
        ).fetchone()
        return int(row[0]), int(row[1])

    def keyword_only_files(self) -> int:
        """Indexed files with at least one passage still waiting for its vector."""
        row = self.conn.execute(
            "SELECT COUNT(DISTINCT c.path) FROM chunks c JOIN files f ON f.path = c.path"
            " WHERE c.embedded = 0 AND f.status = 'indexed'"
        ).fetchone()
        return int(row[0])

    def set_embedded(self, conn: sqlite3.Connection, chunk_ids: Sequence[str], embedded: bool) -> None:
        """Mark passages as having (or lacking) their vector, inside the caller's transaction."""
        conn.executemany(
            "UPDATE chunks SET embedded = ? WHERE chunk_id = ?", [(int(embedded), i) for i in chunk_ids]
        )

    def waiting_among(self, chunk_ids: Sequence[str]) -> set[str]:
        """Those of ``chunk_ids`` whose passages wait for their (new) vector."""
        sql = "SELECT chunk_id FROM chunks WHERE embedded = 0 AND chunk_id IN ({marks})"
        return {row[0] for row in self._select_in(sql, chunk_ids)}

    def files_waiting(self, paths: Sequence[str]) -> set[str]:
        """Those of ``paths`` that still have passages without a vector."""
        sql = "SELECT DISTINCT path FROM chunks WHERE embedded = 0 AND path IN ({marks})"
        return {row[0] for row in self._select_in(sql, paths)}
