"""From a scan plan to an up-to-date index, in two phases that overlap: keyword first, meaning next.

Phase 1 (extraction speed, no model needed) runs on a thread of its own: it hashes, extracts (through
the extractor pool, so a hostile file cannot hang or kill us) and chunks each file, and writes its
passages to the ledger and the keyword index at once (:meth:`Store.write_passages`): the file is listed
and keyword-searchable within moments. Phase 2 (:mod:`~desktop_search.core.index.embedding`, on the
calling thread) loads the model (once phase 1 is over or has run 30 s: ``keyword_first``), then embeds
the passages still without a vector in large batches that span files, the files cheapest to finish
first (:mod:`~desktop_search.core.index.embedding_order`), and stores their vectors. A run ends when
both are done.

New and changed files go first, newest-modified first; files whose passages an older extractor built
(``plan.outdated``) come last, under a progress message of their own. Each file's ledger row records
the extractor kind and versions that built its passages, in the same transaction as its chunks.

Renames are recognised by content hash and re-keyed without re-embedding (unless the passages are
outdated: then the new name is extracted afresh). Every failure is recorded
against its file with a reason, and indexing goes on. Pause and cancel are checked between files and
between batches; what a phase has done is written, and passages left without a vector by a cancelled
or killed run are embedded by the next one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from desktop_search.core.errors import Cancelled
from desktop_search.core.extract import ExtractionFailed, ExtractorPool, FileSkipped, WorkerUnavailable
from desktop_search.core.extract.kinds import CONTAINER_KINDS, document_extension, unread_format_reason
from desktop_search.core.extract.ocr_reasons import unread_scans_reason
from desktop_search.core.extract.reading import os_error_reason
from desktop_search.core.extract.results import NeedsOcr
from desktop_search.core.extract.subdocs import notes_reason
from desktop_search.core.index.chunking import Chunker
from desktop_search.core.index.embedding import EmbeddingPhase, embedding_text
from desktop_search.core.index.jobs import JobControl
from desktop_search.core.index.keyword_first import KeywordFirst
from desktop_search.core.index.outdated import (
    is_outdated,
    same_build,
    stamped,
    stamped_failure,
    update_message,
)
from desktop_search.core.index.progress import ProgressCallback, RunProgress
from desktop_search.core.index.scanner import DiskFile, ScanPlan, content_hash
from desktop_search.core.model.protocol import Embedder
from desktop_search.core.records import FileRecord, FileStatus, IndexProgress, Phase
from desktop_search.core.store.ledger import ChunkRow
from desktop_search.core.store.pathkeys import chunk_id, display
from desktop_search.core.store.store import Store
from desktop_search.core.store.vector_cache import text_key

log = logging.getLogger(__name__)
__all__ = ["IndexOptions", "Indexer", "embedding_text"]


def _ocr_last(
    work: Sequence[tuple[FileRecord | None, DiskFile]], deferred: list[tuple[FileRecord | None, DiskFile]]
) -> Iterator[tuple[tuple[FileRecord | None, DiskFile], str]]:
    """The work with OCR deferred, then the files that turned out to need it (filled in meanwhile)."""
    for item in work:
        yield item, "defer"
    for item in deferred:
        yield item, "on"


HASH_LIMIT_BYTES = 256 * 2**20  # bigger files are hashed by their head and size
WRITE_EVERY_S = 0.25
RENAME_BATCH = 500  # renamed files re-keyed per store write (one by one, each waited for the disk)


@dataclass(frozen=True)
class IndexOptions:
    max_bytes: int = 100 * 2**20
    timeout_s: float = 60.0
    ocr: bool = True  # recognise text in images and scanned pages, after the other files
    group_chunks: int = 0  # chunks per embedding call; 0: embedding.GROUP_BATCHES × the batch size
    progress_interval_s: float = 0.1
    write_files: int = 64  # phase 1 writes this many files in one go, or what it has every WRITE_EVERY_S


@dataclass
class _Prepared:
    """A file extracted and chunked, waiting to be written."""

    record: FileRecord
    chunks: list[ChunkRow]


@dataclass
class _Outcome:
    """A file that needs no embedding: skipped, failed, unchanged content, or renamed."""

    record: FileRecord


class Indexer:
    """Runs scan plans against one store with one embedder."""

    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        chunker: Chunker,
        pool: ExtractorPool,
        options: IndexOptions | None = None,
        load_model: Callable[[], None] | None = None,
        keyword_first: KeywordFirst | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.chunker = chunker
        self.pool = pool
        self.options = options or IndexOptions()
        self.embedding = EmbeddingPhase(store, embedder, load_model, self.options.group_chunks)
        self.keyword_first = keyword_first or KeywordFirst()

    # -- the run -----------------------------------------------------------------------------------

    def run(
        self,
        plan: ScanPlan,
        progress: ProgressCallback | None = None,
        control: JobControl | None = None,
    ) -> IndexProgress:
        """Apply ``plan``: renames, deletions, then extraction and embedding of new and changed files,
        and last of outdated ones."""
        control = control or JobControl()
        work: list[tuple[FileRecord | None, DiskFile]] = [(None, f) for f in plan.new]
        work += [(rec, f) for rec, f in plan.changed]
        work.sort(key=lambda item: (-item[1].mtime, item[1].key))  # newest first: likeliest to be searched
        work += sorted(plan.outdated, key=lambda item: item[1].key)  # background work, after the user's
        counter = RunProgress(progress, len(work), self.options.progress_interval_s)
        counter.set_refresh(
            frozenset(f.key for _, f in plan.outdated), update_message(rec for rec, _ in plan.outdated)
        )
        counter.report(Phase.INDEXING, force=True)
        try:
            work = self._apply_renames(plan, work, counter)
            if plan.deleted:
                self.store.remove_files([r.path for r in plan.deleted])
            if plan.new:
                self.store.ledger.put_many(
                    FileRecord(f.key, f.folder, FileStatus.PENDING, f.size, f.mtime, model=self.model_name)
                    for _, f in work
                    if _ is None
                )
            self._pipeline(work, counter, control)
            if control.cancelled:
                raise Cancelled
        except Cancelled:
            if counter.keyword_ready_s is None and counter.files_done >= counter.total:
                counter.phase1_done()
            return counter.report(Phase.CANCELLED, force=True)
        finally:
            self._collect_garbage(counter)
        return counter.report(Phase.DONE, force=True, message=counter.done_message())

    def _collect_garbage(self, counter: RunProgress) -> None:
        """Drop the cached vectors of passages that are gone (a failure only costs disk space)."""
        reused = counter.passages_reused
        log.info("%d passages embedded, %d reused", counter.chunks_done - reused, reused)
        try:
            self.store.vector_cache.collect_garbage()
        except Exception:
            log.exception("dropping unused cached vectors failed")

    @property
    def model_name(self) -> str:
        return self.embedder.model_name

    def _apply_renames(
        self,
        plan: ScanPlan,
        work: list[tuple[FileRecord | None, DiskFile]],
        counter: RunProgress,
    ) -> list[tuple[FileRecord | None, DiskFile]]:
        """Re-key new files whose content equals a deleted indexed file's; return the work left.

        A deleted file with outdated passages is not a source: its new name is extracted afresh."""
        gone = [
            r
            for r in plan.deleted
            if r.status == FileStatus.INDEXED and r.content_hash and not is_outdated(r)
        ]
        if not gone or not plan.new:
            return work
        sizes = {r.size for r in gone}
        by_hash = {r.content_hash: r for r in gone}
        moves: list[tuple[FileRecord, FileRecord, str]] = []  # the deleted file's row, the new one's
        for old, found in work:
            if old is None and found.size in sizes:
                digest = self._hash(found)
                source = by_hash.pop(digest, None) if digest else None
                if source is not None:
                    new = FileRecord(
                        found.key,
                        found.folder,
                        FileStatus.INDEXED,
                        found.size,
                        found.mtime,
                        digest,
                        model=self.model_name,
                        indexed_at=time.time(),
                    )
                    moves.append((source, same_build(new, source), document_extension(new.path)))
        moved: set[str] = set()  # old paths
        for at in range(0, len(moves), RENAME_BATCH):
            batch = self.store.move_files(moves[at : at + RENAME_BATCH])
            moved |= batch
            counter.files_done += len(batch)
            counter.files_indexed += len(batch)
            counter.report(Phase.INDEXING)
        plan.deleted[:] = [r for r in plan.deleted if r.path not in moved]
        arrived = {new.path for old, new, _ext in moves if old.path in moved}
        return [(old, found) for old, found in work if old is not None or found.key not in arrived]

    def _hash(self, found: DiskFile) -> str:
        try:
            return content_hash(found.path, HASH_LIMIT_BYTES)
        except OSError:
            return ""

    # -- producer: hash, extract, chunk --------------------------------------------------------------

    def _prepare(self, old: FileRecord | None, found: DiskFile, ocr: str = "defer") -> _Prepared | _Outcome:
        """Extract and chunk one file; with ``ocr='defer'`` a file needing OCR raises NeedsOcr."""
        base = FileRecord(
            found.key,
            found.folder,
            FileStatus.PENDING,
            found.size,
            found.mtime,
            model=self.model_name,
            indexed_at=time.time(),
        )
        unread = unread_format_reason(found.path)
        if unread is not None or found.size > self.options.max_bytes:
            reason = unread or f"Larger than the {self.options.max_bytes / 2**20:g} MB limit."
            return _Outcome(replace(base, status=FileStatus.SKIPPED, reason=reason))
        try:
            digest = content_hash(found.path, HASH_LIMIT_BYTES)
        except OSError as err:
            return _Outcome(replace(base, status=FileStatus.FAILED, reason=os_error_reason(err)))
        base = replace(base, content_hash=digest)
        if (
            old is not None
            and old.content_hash == digest
            and old.status in (FileStatus.INDEXED, FileStatus.SKIPPED, FileStatus.FAILED)
            and old.model == self.model_name
            and not is_outdated(old, self.options.ocr)
        ):
            # touched but not changed: keep the chunks, remember the new size and mtime
            return _Outcome(replace(old, size=found.size, mtime=found.mtime))
        try:
            extracted = self.pool.extract(
                found.path,
                max_bytes=self.options.max_bytes,
                timeout_s=self.options.timeout_s,
                ocr=ocr if self.options.ocr else "off",
            )
        except FileSkipped as why:
            return _Outcome(stamped_failure(replace(base, status=FileStatus.SKIPPED, reason=why.reason)))
        except ExtractionFailed as why:
            return _Outcome(stamped_failure(replace(base, status=FileStatus.FAILED, reason=why.reason)))
        except MemoryError:
            return _Outcome(
                replace(base, status=FileStatus.FAILED, reason="The file needs too much memory to read.")
            )
        chunks = self.chunker.chunk(extracted.text, extracted.sections)
        if not chunks:
            return _Outcome(replace(base, status=FileStatus.SKIPPED, reason="No text found in the file."))
        # written with the chunks, in one transaction; unread members or scanned pages are its reason
        # (scans first: a reason that starts with them is read again once OCR can run)
        unread = unread_scans_reason(
            extracted.unread_scans, not self.options.ocr, container=extracted.kind in CONTAINER_KINDS
        )
        reason = "; ".join(r for r in (unread, notes_reason(extracted.notes)) if r)
        base = replace(stamped(base, extracted.kind), reason=reason, ocr_pages=extracted.ocr_pages)
        ext = document_extension(found.path)
        rows = [
            ChunkRow(
                chunk_id(found.key, c.number),
                found.key,
                c.number,
                c.text,
                c.start,
                c.end,
                c.page,
                c.heading,
                ext,
                found.mtime,
                c.navigation,
                c.part,
                c.date,
                "" if c.navigation else text_key(embedding_text(c.text, c.heading)),  # the vector cache's key
            )
            for c in chunks
        ]
        return _Prepared(base, rows)

    def _phase1(
        self,
        work: Sequence[tuple[FileRecord | None, DiskFile]],
        control: JobControl,
        counter: RunProgress,
        stop: threading.Event,
    ) -> None:
        """Prepare each file and write it (passages without vectors), a few files per transaction. Files
        whose text is in images (OCR) are prepared after all the others."""
        ready: list[_Prepared] = []
        since = time.monotonic()
        deferred: list[tuple[FileRecord | None, DiskFile]] = []  # files needing OCR: after the rest
        for (old, found), ocr in _ocr_last(work, deferred):
            if stop.is_set():
                break
            try:
                control.checkpoint(lambda: counter.report(Phase.PAUSED, force=True))
            except Cancelled:
                break
            counter.working_on(found.key)
            try:
                item = self._prepare(old, found, ocr)
            except NeedsOcr:
                deferred.append((old, found))
                continue
            except WorkerUnavailable as err:  # the system's fault, not the file's: the next run tries it
                log.warning("left %s for the next run: %s", display(found.key), err)
                counter.postpone(str(err))
                continue
            except Exception as err:  # a bug on one file must not stop the others
                log.exception("preparing %s failed", display(found.key))
                item = _Outcome(
                    FileRecord(
                        found.key,
                        found.folder,
                        FileStatus.FAILED,
                        found.size,
                        found.mtime,
                        reason=f"Internal error while reading the file ({type(err).__name__}).",
                        model=self.model_name,
                    )
                )
            if isinstance(item, _Outcome):
                self._write_outcome(item, counter)
            else:
                if not ready:
                    since = time.monotonic()
                ready.append(item)
            if len(ready) >= self.options.write_files or time.monotonic() - since >= WRITE_EVERY_S:
                self._write_passages(ready, counter)
                ready = []
            counter.report()  # rate-limited
        self._write_passages(ready, counter)  # on cancel too: what was read is kept

    def _write_passages(self, ready: list[_Prepared], counter: RunProgress) -> None:
        if not ready:
            return
        self.store.write_passages([(p.record, p.chunks) for p in ready])
        counter.files_done += len(ready)
        counter.files_indexed += len(ready)
        counter.files_with_passages += len(ready)
        counter.passages_written += sum(not c.navigation for p in ready for c in p.chunks)
        self.embedding.wake.set()

    def _pipeline(
        self, work: list[tuple[FileRecord | None, DiskFile]], counter: RunProgress, control: JobControl
    ) -> None:
        """Phase 1 on a thread of its own, phase 2 here until both are done."""
        waiting, waiting_files = self.store.ledger.unembedded_counts()  # left by an earlier run
        counter.passages_written += waiting
        counter.files_waiting_at_start = waiting_files
        if not work and not waiting:
            counter.phase1_done()  # nothing to read: the run's files are all searchable already
            return
        stop = threading.Event()
        over = threading.Event()
        failure: list[BaseException] = []

        def phase1() -> None:
            try:
                self._phase1(work, control, counter, stop)
                if counter.files_done >= counter.total:
                    counter.phase1_done()
                    counter.report(force=True)
            except BaseException as err:  # surfaced to the calling thread, which re-raises it
                failure.append(err)
            finally:
                over.set()
                self.keyword_first.end()
                self.embedding.phase1_ended()

        self.keyword_first.begin()  # a model load waits until phase1() ends it (or 30 s: keyword_first)
        thread = threading.Thread(target=phase1, name="indexer-extract", daemon=True)
        thread.start()
        try:
            self.embedding.run(counter, control, over.is_set)
        except Cancelled:
            stop.set()
            raise
        finally:
            thread.join()  # after a phase-2 failure (no model), phase 1 still makes every file searchable
        if failure:
            raise failure[0]

    def _write_outcome(self, outcome: _Outcome, counter: RunProgress) -> None:
        record = outcome.record
        if record.status in (FileStatus.SKIPPED, FileStatus.FAILED):
            self.store.clear_chunks(record)
            counter.failed += record.status == FileStatus.FAILED
        else:
            self.store.ledger.put(record)
        counter.files_done += 1
