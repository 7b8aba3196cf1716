"""The index on disk: the SQLite ledger (files, chunk texts, keyword index) and the Chroma vectors.

The two cannot share a transaction, so every change is ordered to be safe at any crash point:

* writing a file: vectors are upserted first (ids derived from path and chunk number, so a repeat
  replaces), stale vectors of the file are deleted, and only then do the file's chunk rows and its
  ledger row (status ``indexed``) change in one SQLite transaction. A crash before that leaves the
  file ``pending``, and the next run redoes it.
* removing a file: its vectors go first, then its rows. A crash in between leaves a ledger row
  whose vectors are missing, which :meth:`Store.check` finds and re-queues.

* keyword first, vectors next (the two indexing phases): :meth:`Store.write_passages` deletes the old
  vectors a changed file no longer has passages for, then writes its rows with every passage marked
  ``embedded = 0``: the file is listed and keyword-searchable at once. Navigation passages (contents
  lists, indexes, sidebars: a fifth of a manual's passages, a third of LilyPond's) are never ranked
  above real text, so they get no vector: they are written ``embedded = 1`` with nothing to wait for,
  found by their words only, and an old vector of theirs goes with the file's surplus ones.
  :meth:`Store.write_vectors` later upserts vectors of passages whose rows are still there,
  unchanged, and only then marks them embedded. A crash in between leaves passages marked waiting
  (re-embedded at the next run; the upsert replaces) or vectors without rows (dropped by the check).
  The other old vectors stay until the upsert overwrites them in place: Chroma never reuses the slot
  of a deleted vector, so deleting and re-adding the same ids grew the index (memory and disk) by one
  vector per passage at every edit. Meanwhile they are stale, and readers ask for vectors through
  :meth:`Store.current_vectors` and :meth:`Store.dense_query`, which leave out waiting passages.
  Deleted, renamed and shortened files still leave slots behind; :meth:`Store.compact_vectors` copies
  the live vectors into a fresh collection when those slots have piled up.

:meth:`Store.check` compares the two sides and repairs what it finds.

A vector index that Chroma cannot read back (a crash cut its files short) is replaced on opening: every
passage is marked waiting first, then the folder is emptied, and the embedding phase refills it from
the vector cache without the encoder (:meth:`Store.vectors`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from desktop_search.core.errors import StoreUnavailableError
from desktop_search.core.records import FileRecord, FileStatus
from desktop_search.core.store.ledger import ChunkRow, Ledger
from desktop_search.core.store.pathkeys import chunk_id, parent_dirs
from desktop_search.core.store.private_files import make_private
from desktop_search.core.store.vector_cache import VectorCache
from desktop_search.core.store.vector_probe import ProbeResult, probe
from desktop_search.core.store.vectors import DenseHit, VectorMeta, VectorStore, VectorStoreDamaged
from desktop_search.core.store.write_marker import WriteMarker

log = logging.getLogger(__name__)


@dataclass
class CheckReport:
    """What a consistency check found (and repaired, when asked)."""

    orphan_vectors: int = 0  # vectors whose chunk row is missing
    missing_vectors: int = 0  # chunk rows without a vector
    files_requeued: list[str] = field(default_factory=list)  # indexed files whose chunks were incomplete
    orphan_chunks: int = 0  # chunk rows of files the ledger does not list
    unembedded: int = 0  # passages waiting for their vectors (keyword-searchable; not an inconsistency)
    vectors_rebuilt: bool = False  # the vector index could not be read and is being refilled
    repaired: bool = False

    @property
    def consistent(self) -> bool:
        return not (self.orphan_vectors or self.missing_vectors or self.files_requeued or self.orphan_chunks)

    def as_dict(self) -> dict[str, object]:
        return {
            "consistent": self.consistent,
            "orphan_vectors": self.orphan_vectors,
            "missing_vectors": self.missing_vectors,
            "orphan_chunks": self.orphan_chunks,
            "files_requeued": list(self.files_requeued),
            "passages_without_vectors": self.unembedded,
            "vector_index_rebuilt": self.vectors_rebuilt,
            "repaired": self.repaired,
        }


class Store:
    """Ledger + vectors of one model, with crash-safe write ordering."""

    def __init__(self, index_dir: Path, model_name: str) -> None:
        index_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.index_dir = index_dir
        self.model_name = model_name
        self.ledger = Ledger(index_dir / "ledger.sqlite3")
        self.vector_cache = VectorCache(self.ledger, model_name)  # each text embedded once
        self._vectors: VectorStore | None = None
        self._vectors_lock = threading.Lock()
        self._write_lock = threading.RLock()
        # called before a damaged vector index is replaced; the engine makes it take the writer lock,
        # so a second process that finds the damage never empties the folder under the indexing one
        self.rebuild_guard: Callable[[], None] = lambda: None
        self.after_rebuild: Callable[[], None] = lambda: None  # the engine asks for an index run
        self.vectors_rebuilt = False  # set when opening found the vector index damaged and replaced it
        self._write_marker = WriteMarker(index_dir / "vectors-writing")
        make_private(index_dir)

    @property
    def vectors(self) -> VectorStore:
        """The Chroma side, opened on first use: importing chromadb takes seconds, and the ledger alone
        answers status, the Files view and keyword search."""
        if self._vectors is None:
            with self._vectors_lock:
                if self._vectors is None:
                    self._vectors = self._open_vectors()
        return self._vectors

    @property
    def vectors_open(self) -> bool:
        """Whether this process has opened the Chroma side yet."""
        return self._vectors is not None

    def _open_vectors(self) -> VectorStore:
        chroma_dir = self.index_dir / "chroma"
        if self._write_marker.left_behind and self._may_replace():  # a writer died: read it in a child
            found = probe(chroma_dir, self.model_name)
            if found is ProbeResult.DAMAGED:
                return self._rebuilt(chroma_dir, "reading it crashed a child process")
            if found is ProbeResult.HEALTHY:
                self._write_marker.clear()
        try:
            return VectorStore(chroma_dir, self.model_name, self._write_marker)
        except VectorStoreDamaged as err:
            self.rebuild_guard()
            return self._rebuilt(chroma_dir, str(err))

    def _may_replace(self) -> bool:
        """Whether this process may replace the vector index (no other process is indexing)."""
        try:
            self.rebuild_guard()
        except StoreUnavailableError:
            return False
        return True

    def _rebuilt(self, chroma_dir: Path, why: str) -> VectorStore:
        """Replace a damaged vector index with an empty one; the next index run refills it from the
        vector cache (every passage is marked waiting first, so a crash meanwhile loses nothing)."""
        log.warning("the vector index in %s cannot be read (%s); it is rebuilt", chroma_dir, why)
        with self._write_lock, self.ledger.transaction() as tx:
            tx.execute("UPDATE chunks SET embedded = 0 WHERE navigation = 0")
        shutil.rmtree(chroma_dir, ignore_errors=True)
        self._write_marker.clear()
        self.vectors_rebuilt = True
        vectors = VectorStore(chroma_dir, self.model_name, self._write_marker)
        self.after_rebuild()
        return vectors

    def close(self) -> None:
        if self._vectors is not None:
            self._vectors.close()  # Chroma keeps a process-wide client per folder until it is closed
            if not self._write_marker.left_behind:
                self._write_marker.clear()  # a clean end: the next opener need not read it in a child
        self.ledger.close()
        make_private(self.index_dir)

    def compact_vectors(self, checkpoint: Callable[[], None], progress: Callable[[int, int], None]) -> None:
        """Copy the live vectors into a fresh collection without the slots of deleted ones (see
        :meth:`VectorStore.compact`); writes meanwhile wait for one copy step at most."""
        self.vectors.compact(self._write_lock, checkpoint, progress)

    # -- writes --------------------------------------------------------------------------------------

    def write_file(self, record: FileRecord, chunks: Sequence[ChunkRow], vectors: np.ndarray) -> None:
        """Store a file's chunks and vectors, and mark it indexed (crash-safe order)."""
        assert len(chunks) == len(vectors), "one vector per chunk"
        metas = [self._meta(record, c) for c in chunks]
        with self._write_lock:
            new_ids = [c.chunk_id for c in chunks]
            self.vectors.upsert(new_ids, vectors, metas)
            make_private(self.index_dir)
            stale = [cid for cid in self.vectors.ids_of_path(record.path) if cid not in set(new_ids)]
            if stale:
                self.vectors.delete(stale)
            self.ledger.replace_file(
                replace(record, status=FileStatus.INDEXED, chunk_count=len(chunks)),
                [replace(c, embedded=True) for c in chunks],
            )

    def write_files(self, items: Sequence[tuple[FileRecord, Sequence[ChunkRow], np.ndarray]]) -> None:
        """Store several files at once: one vector upsert, then one SQLite transaction for them all."""
        if not items:
            return
        with self._write_lock:
            ids: list[str] = []
            metas: list[VectorMeta] = []
            vecs: list[np.ndarray] = []
            for record, chunks, vectors in items:
                ids.extend(c.chunk_id for c in chunks)
                metas.extend(self._meta(record, c) for c in chunks)
                if len(chunks):
                    vecs.append(np.asarray(vectors, dtype=np.float32))
            if ids:
                self.vectors.upsert(ids, np.concatenate(vecs), metas)
                make_private(self.index_dir)
            previous = self.ledger.get_many([record.path for record, _chunks, _ in items])
            surplus: list[str] = []  # vectors of passages a shorter new version no longer has
            for record, chunks, _ in items:
                old = previous.get(record.path)
                if old is not None and old.chunk_count > len(chunks):
                    surplus.extend(chunk_id(record.path, n) for n in range(len(chunks), old.chunk_count))
            if surplus:
                self.vectors.delete(surplus)
            self.ledger.replace_files(
                [
                    (
                        replace(record, status=FileStatus.INDEXED, chunk_count=len(chunks)),
                        [replace(c, embedded=True) for c in chunks],
                    )
                    for record, chunks, _ in items
                ]
            )

    def write_passages(self, items: Sequence[tuple[FileRecord, Sequence[ChunkRow]]]) -> None:
        """Phase 1: list files as indexed with their passages waiting for vectors (keyword-searchable
        now). The old vectors of passages a file no longer has go first; the others stay, stale, until
        phase 2 overwrites them (module docstring). A new file never touches the vector store."""
        if not items:
            return
        with self._write_lock:
            surplus: list[str] = []
            previous = self.ledger.get_many([record.path for record, _chunks in items])
            for record, chunks in items:
                old = previous.get(record.path)
                if old is not None and old.chunk_count > len(chunks):
                    surplus.extend(chunk_id(record.path, n) for n in range(len(chunks), old.chunk_count))
                if old is not None:  # a passage that is navigation now keeps no vector of before
                    surplus.extend(c.chunk_id for c in chunks if c.navigation)
            if surplus:
                self.vectors.delete(surplus)
            self.ledger.replace_files(
                [
                    (
                        replace(record, status=FileStatus.INDEXED, chunk_count=len(chunks)),
                        [replace(c, embedded=c.navigation) for c in chunks],
                    )
                    for record, chunks in items
                ]
            )

    def write_vectors(self, chunks: Sequence[ChunkRow], vectors: np.ndarray) -> list[ChunkRow]:
        """Phase 2: store the vectors of passages read by ``ledger.unembedded`` and mark them embedded.

        A passage whose row changed or went meanwhile (its file was re-indexed or removed) is skipped.
        Returns the passages stored."""
        assert len(chunks) == len(vectors), "one vector per chunk"
        with self._write_lock:
            now = self.ledger.get_chunks([c.chunk_id for c in chunks])
            keep = [
                i
                for i, c in enumerate(chunks)
                if (row := now.get(c.chunk_id)) is not None
                and not row.embedded
                and (row.text, row.heading) == (c.text, c.heading)
            ]
            if not keep:
                return []
            stored = [now[chunks[i].chunk_id] for i in keep]
            records = {r.path: self.ledger.get(r.path) for r in stored}
            metas = [self._meta(records[r.path] or _unlisted(r), r) for r in stored]
            self.vectors.upsert([r.chunk_id for r in stored], vectors[keep], metas)
            make_private(self.index_dir)
            with self.ledger.transaction() as tx:
                self.ledger.set_embedded(tx, [r.chunk_id for r in stored], True)
            return stored

    def current_vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of those passages that have their current one (not waiting for phase 2:
        a changed file's passages keep their old vectors until then)."""
        vectors = self.vectors.get_vectors(chunk_ids)
        waiting = self.ledger.waiting_among(list(vectors))
        return {i: v for i, v in vectors.items() if i not in waiting}

    def dense_query(
        self,
        vector: np.ndarray,
        k: int,
        where: dict[str, Any] | None = None,
        exclude_ids: Sequence[str] = (),
    ) -> list[DenseHit]:
        """:meth:`VectorStore.query`, less the passages whose vector is stale (waiting for phase 2)."""
        hits = self.vectors.query(vector, k, where, exclude_ids)
        waiting = self.ledger.waiting_among([h.chunk_id for h in hits])
        return [h for h in hits if h.chunk_id not in waiting]

    def move_files(self, moves: Sequence[tuple[FileRecord, FileRecord, str]]) -> set[str]:
        """Re-key indexed files under new paths without re-embedding; each move is (old row, new row,
        the extension of the contents). Returns the old paths moved: one whose vectors are not all
        there is not. A batch costs a few writes whatever its size (each Chroma write waits for the
        disk: moved one by one, a renamed folder of 1,500 files took 48 s)."""
        with self._write_lock:
            olds = {old.path: self.ledger.chunks_of(old.path) for old, _new, _ext in moves}
            vectors = self.vectors.get_vectors([c.chunk_id for chunks in olds.values() for c in chunks])
            moved: list[tuple[str, FileRecord, list[ChunkRow]]] = []  # old path, new row, new passages
            ids: list[str] = []
            found: list[np.ndarray] = []
            metas: list[VectorMeta] = []
            for old, new, ext in moves:
                passages = olds[old.path]
                if any(c.chunk_id not in vectors for c in passages if not c.navigation):
                    continue  # extracted afresh under its new name
                record = replace(new, status=FileStatus.INDEXED, chunk_count=len(passages), reason="")
                chunks = [
                    replace(c, chunk_id=chunk_id(new.path, c.number), path=new.path, ext=ext, mtime=new.mtime)
                    for c in passages
                ]
                moved.append((old.path, record, chunks))
                with_vectors = [i for i, c in enumerate(passages) if c.chunk_id in vectors]
                ids += [chunks[i].chunk_id for i in with_vectors]
                found += [vectors[passages[i].chunk_id] for i in with_vectors]
                metas += [self._meta(record, chunks[i]) for i in with_vectors]
            for at in range(0, len(ids), 2000):
                self.vectors.upsert(
                    ids[at : at + 2000], np.stack(found[at : at + 2000]), metas[at : at + 2000]
                )
            self.ledger.replace_files([(record, chunks) for _old, record, chunks in moved])
            self.remove_files([old for old, _record, _chunks in moved], collect=False)
            return {old for old, _record, _chunks in moved}

    def remove_files(self, paths: Sequence[str], collect: bool = True) -> None:
        """Forget files entirely: vectors first, then rows; then the cached vectors no passage uses
        (unless ``collect`` is false: a rename keeps its passages)."""
        if not paths:
            return
        with self._write_lock:
            # by path, not by the ledger's ids: also catches vectors written just before a crash
            self.vectors.delete_paths(paths)
            self.ledger.delete_files(paths)
            if collect:
                self.vector_cache.collect_garbage()

    def clear_chunks(self, record: FileRecord) -> None:
        """Drop a file's chunks but keep its ledger row (e.g. it now fails or is skipped)."""
        with self._write_lock:
            ids = self.ledger.chunk_ids_of(record.path)
            if ids:  # a new file that fails never opens the vector store (seconds, on the keyword path)
                self.vectors.delete(ids)
            self.ledger.replace_file(replace(record, chunk_count=0), [])

    @staticmethod
    def _meta(record: FileRecord, chunk: ChunkRow) -> VectorMeta:
        return VectorMeta(
            path=record.path,
            folder=record.folder,
            dirs=tuple(parent_dirs(record.path)),
            ext=chunk.ext,
            mtime=record.mtime if chunk.part_date is None else chunk.part_date,
            page=chunk.page,
            navigation=chunk.navigation,
        )

    # -- consistency ---------------------------------------------------------------------------------

    def check(self, repair: bool = False) -> CheckReport:
        """Compare ledger, chunk rows, keyword index and vectors; with ``repair``, fix what differs.

        Repairs: orphan vectors are deleted; chunk rows of unlisted files are deleted; an indexed file
        whose chunks are incomplete goes back to ``pending`` (the next run re-indexes it); a passage
        marked embedded whose vector is missing is marked waiting again (the next run embeds it).
        Passages waiting for vectors are counted, not repaired: they are a normal state.
        """
        with self._write_lock:
            report = CheckReport()
            vector_ids = self.vectors.all_ids()  # first: opening replaces a damaged vector index
            report.vectors_rebuilt = self.vectors_rebuilt
            conn = self.ledger.conn
            listed = {r[0] for r in conn.execute("SELECT path FROM files")}
            orphan_rows = [
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT path FROM chunks WHERE path NOT IN (SELECT path FROM files)"
                )
            ]
            report.orphan_chunks = len(orphan_rows)
            row_ids = self.ledger.all_chunk_ids()
            waiting = {r[0] for r in conn.execute("SELECT chunk_id FROM chunks WHERE embedded = 0")}
            unembeddable = {r[0] for r in conn.execute("SELECT chunk_id FROM chunks WHERE navigation = 1")}
            orphans = vector_ids - row_ids
            missing = row_ids - waiting - unembeddable - vector_ids
            report.orphan_vectors = len(orphans)
            report.missing_vectors = len(missing)
            report.unembedded = len(waiting)
            requeue: set[str] = set()
            for row in conn.execute(
                "SELECT f.path FROM files f"
                " LEFT JOIN (SELECT path, COUNT(*) AS n FROM chunks GROUP BY path) c"
                " ON c.path = f.path WHERE f.status = 'indexed' AND coalesce(c.n, 0) != f.chunk_count"
            ):
                requeue.add(row[0])
            fts_ok = self._fts_consistent()
            if not fts_ok:
                report.orphan_chunks += 1
            report.files_requeued = sorted(p for p in requeue if p in listed)
            if repair and not report.consistent:
                self.vectors.delete(sorted(orphans))
                if missing:
                    with self.ledger.transaction() as tx:
                        self.ledger.set_embedded(tx, sorted(missing), False)
                if orphan_rows:
                    self.ledger.delete_files(orphan_rows)
                if report.files_requeued:
                    self.vectors.delete_paths(report.files_requeued)
                    for path in report.files_requeued:
                        record = self.ledger.get(path)
                        if record is not None:
                            reason = "Re-indexing after a repair."
                            pending = replace(record, status=FileStatus.PENDING, reason=reason, chunk_count=0)
                            self.ledger.replace_file(pending, [])
                if not fts_ok:
                    with self.ledger.transaction() as tx:
                        tx.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild')")
                report.repaired = True
            return report

    def _fts_consistent(self) -> bool:
        try:
            with self.ledger.transaction() as tx:
                tx.execute("INSERT INTO chunks_fts(chunks_fts, rank) VALUES ('integrity-check', 1)")
            return True
        except Exception:  # sqlite3.DatabaseError: the keyword index disagrees with the chunk rows
            return False

    def store_size_bytes(self) -> int:
        total = 0
        for root, _dirs, files in os.walk(self.index_dir):
            for name in files:
                with contextlib.suppress(OSError):
                    total += os.path.getsize(os.path.join(root, name))
        return total


def _unlisted(chunk: ChunkRow) -> FileRecord:
    """A stand-in ledger row for a passage whose file row is missing (never expected: rows and passages
    change together); its vector's metadata then come from the passage alone."""
    return FileRecord(chunk.path, "", FileStatus.INDEXED, mtime=chunk.mtime)
