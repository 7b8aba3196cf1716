"""From a scan plan to an up-to-date index: extract, chunk, embed in batches that span files, store.

Two threads share the work. A producer thread hashes, extracts (through the extractor pool, so a
hostile file cannot hang or kill us) and chunks the next files while the calling thread embeds the
chunks gathered so far in one large batch and writes them. The encoder is the physical limit;
everything else hides behind it.

New and changed files go first, in path order; files whose passages an older extractor built
(``plan.outdated``) come last, under a progress message of their own. Each file's ledger row records
the extractor kind and versions that built its passages, in the same transaction as its chunks.

Renames are recognised by content hash and re-keyed without re-embedding (unless the passages are
outdated: then the new name is extracted afresh). Every failure is recorded
against its file with a reason, and indexing goes on. Pause and cancel are checked between files and
between batches; a batch already embedded is always written, so nothing is lost.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from desktop_search.core.errors import Cancelled
from desktop_search.core.extract import ExtractionFailed, ExtractorPool, FileSkipped
from desktop_search.core.extract.reading import os_error_reason
from desktop_search.core.extract.results import NeedsOcr
from desktop_search.core.extract.subdocs import notes_reason
from desktop_search.core.index.cached_embedding import embed_with_cache
from desktop_search.core.index.chunking import Chunker
from desktop_search.core.index.jobs import JobControl
from desktop_search.core.index.outdated import is_outdated, same_build, stamped, update_message
from desktop_search.core.index.progress import ProgressCallback, RunProgress
from desktop_search.core.index.reuse import reusable, stored_vectors
from desktop_search.core.index.scanner import DiskFile, ScanPlan, content_hash
from desktop_search.core.model.protocol import Embedder
from desktop_search.core.records import FileRecord, FileStatus, IndexProgress, Phase
from desktop_search.core.store.ledger import ChunkRow
from desktop_search.core.store.pathkeys import chunk_id, display
from desktop_search.core.store.store import Store
from desktop_search.core.store.vector_cache import text_key

log = logging.getLogger(__name__)


def embedding_text(text: str, heading: str | None) -> str:
    """What is embedded for a chunk: its heading (a section's, or a text's title) on a line before it,
    so a passage far from its title still carries what it is about; not repeated when the chunk
    begins with it."""
    if not heading or heading in text[: len(heading) + 12]:  # "## Heading", "1. Heading"
        return text
    return f"{heading}\n{text}"


def _ocr_last(
    work: Sequence[tuple[FileRecord | None, DiskFile]], deferred: list[tuple[FileRecord | None, DiskFile]]
) -> Iterator[tuple[tuple[FileRecord | None, DiskFile], str]]:
    """The work with OCR deferred, then the files that turned out to need it (filled in meanwhile)."""
    for item in work:
        yield item, "defer"
    for item in deferred:
        yield item, "on"


HASH_LIMIT_BYTES = 256 * 2**20  # bigger files are hashed by their head and size
_DONE = object()


@dataclass(frozen=True)
class IndexOptions:
    max_bytes: int = 100 * 2**20
    timeout_s: float = 60.0
    ocr: bool = True  # recognise text in images and scanned pages, after the other files
    group_chunks: int = 0  # chunks per embedding call; 0: 4 × the embedder's batch size
    progress_interval_s: float = 0.1


@dataclass
class _Prepared:
    """A file extracted and chunked, waiting to be embedded."""

    record: FileRecord
    chunks: list[ChunkRow]
    reuse: dict[int, str] = field(default_factory=dict)  # chunk position -> old chunk id (index.reuse)


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
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.chunker = chunker
        self.pool = pool
        self.options = options or IndexOptions()

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
        work.sort(key=lambda item: item[1].key)  # folder by folder, in a predictable order
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
            return counter.report(Phase.CANCELLED, force=True)
        finally:
            self._collect_garbage(counter)
        return counter.report(Phase.DONE, force=True)

    def _collect_garbage(self, counter: RunProgress) -> None:
        """Drop the cached vectors of passages that are gone (a failure only costs disk space)."""
        log.info("%d passages embedded, %d reused", counter.chunks_done - counter.reused, counter.reused)
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
        remaining: list[tuple[FileRecord | None, DiskFile]] = []
        for old, found in work:
            if old is None and found.size in sizes:
                digest = self._hash(found)
                source = by_hash.get(digest) if digest else None
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
                    if self.store.move_file(source, same_build(new, source)):
                        del by_hash[digest]
                        plan.deleted.remove(source)
                        counter.files_done += 1
                        continue
            remaining.append((old, found))
        return remaining

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
        if found.size > self.options.max_bytes:
            reason = f"Larger than the {self.options.max_bytes / 2**20:g} MB limit."
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
            and not is_outdated(old)
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
            return _Outcome(replace(base, status=FileStatus.SKIPPED, reason=why.reason))
        except ExtractionFailed as why:
            return _Outcome(replace(base, status=FileStatus.FAILED, reason=why.reason))
        except MemoryError:
            return _Outcome(
                replace(base, status=FileStatus.FAILED, reason="The file needs too much memory to read.")
            )
        chunks = self.chunker.chunk(extracted.text, extracted.sections)
        if not chunks:
            return _Outcome(replace(base, status=FileStatus.SKIPPED, reason="No text found in the file."))
        # written with the chunks, in one transaction; a container's unread members are its reason
        base = replace(
            stamped(base, extracted.kind), reason=notes_reason(extracted.notes), ocr_pages=extracted.ocr_pages
        )
        ext = os.path.splitext(found.path)[1].lower().lstrip(".")
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
                text_key(embedding_text(c.text, c.heading)),  # the vector cache's key
            )
            for c in chunks
        ]
        return _Prepared(base, rows, reusable(self.store, old, extracted.kind, rows, self.model_name))

    def _produce(
        self,
        work: Sequence[tuple[FileRecord | None, DiskFile]],
        out: queue.Queue[object],
        control: JobControl,
        counter: RunProgress,
        stop: threading.Event,
    ) -> None:
        deferred: list[tuple[FileRecord | None, DiskFile]] = []  # files needing OCR: after the rest
        try:
            for (old, found), ocr in _ocr_last(work, deferred):
                if stop.is_set():
                    break
                control.checkpoint(lambda: counter.report(Phase.PAUSED, force=True))
                counter.working_on(found.key)
                try:
                    item = self._prepare(old, found, ocr)
                except NeedsOcr:
                    deferred.append((old, found))
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
                out.put(item)
                counter.report()  # rate-limited: the current file shows while a batch is embedded
        except Cancelled:
            pass
        except BaseException as err:  # surfaced to the consumer, which re-raises it
            out.put(err)
        finally:
            out.put(_DONE)

    # -- consumer: embed and write -----------------------------------------------------------------

    def _pipeline(
        self, work: list[tuple[FileRecord | None, DiskFile]], counter: RunProgress, control: JobControl
    ) -> None:
        if not work:
            return
        group = self.options.group_chunks or max(16, 4 * int(self.embedder.batch_size))
        items: queue.Queue[object] = queue.Queue(maxsize=max(8, group))
        stop = threading.Event()
        producer = threading.Thread(
            target=self._produce,
            args=(work, items, control, counter, stop),
            name="indexer-extract",
            daemon=True,
        )
        producer.start()
        pending: list[_Prepared] = []
        pending_chunks = 0
        finished = False
        # the first batch is small so the first files show as done within seconds
        threshold = min(group, int(self.embedder.batch_size))
        try:
            while not finished:
                item = items.get()
                while True:
                    if item is _DONE:
                        finished = True
                    elif isinstance(item, BaseException):
                        raise item
                    elif isinstance(item, _Outcome):
                        self._write_outcome(item, counter)
                    else:
                        assert isinstance(item, _Prepared)
                        pending.append(item)
                        pending_chunks += len(item.chunks)
                    if finished or pending_chunks >= threshold:
                        break
                    try:  # take what is ready; wait briefly only when the batch is still small
                        item = items.get(timeout=0.2 if pending_chunks else None)
                    except queue.Empty:
                        break
                if pending:
                    self._embed_and_write(pending, counter, control, group)
                    pending, pending_chunks, threshold = [], 0, group
                counter.report()
                if not finished:
                    control.checkpoint(lambda: counter.report(Phase.PAUSED, force=True))
        finally:
            stop.set()
            while producer.is_alive():  # unblock a producer waiting on a full queue
                with contextlib.suppress(queue.Empty):
                    items.get(timeout=0.1)
            producer.join()

    def _write_outcome(self, outcome: _Outcome, counter: RunProgress) -> None:
        record = outcome.record
        if record.status in (FileStatus.SKIPPED, FileStatus.FAILED):
            self.store.clear_chunks(record)
            counter.failed += record.status == FileStatus.FAILED
        else:
            self.store.ledger.put(record)
        counter.files_done += 1

    def _embed_and_write(
        self, prepared: list[_Prepared], counter: RunProgress, control: JobControl, step: int
    ) -> None:
        """Embed the gathered files' chunks in slices of ``step`` (pause and cancel are honoured between
        slices, so a file with thousands of chunks does not hold them up) and store each complete file.
        On cancel, the files whose chunks are all embedded are still written."""
        # a changed container's unchanged passages keep their stored vectors (index.reuse)
        stored = stored_vectors(
            self.store, {(i, n): old for i, p in enumerate(prepared) for n, old in p.reuse.items()}
        )
        todo = [(i, n) for i, p in enumerate(prepared) for n in range(len(p.chunks)) if (i, n) not in stored]
        texts = [embedding_text(prepared[i].chunks[n].text, prepared[i].chunks[n].heading) for i, n in todo]
        counter.chunks_done += len(stored)
        parts: list[np.ndarray] = []
        embedded = 0
        try:
            for start in range(0, len(texts), step):
                if start:
                    control.checkpoint(lambda: counter.report(Phase.PAUSED, force=True))
                part, reused = embed_with_cache(
                    self.embedder, texts[start : start + step], self.store.vector_cache
                )
                parts.append(part)
                embedded += len(part)
                counter.chunks_done += len(part)
                counter.reused += reused
                counter.report()
        finally:
            done = dict(stored)
            if parts:
                done.update(zip(todo[:embedded], np.concatenate(parts), strict=False))
            items = []
            for i, p in enumerate(prepared):
                keys = [(i, n) for n in range(len(p.chunks))]
                if not all(key in done for key in keys):
                    break
                vectors = np.stack([done[key] for key in keys]).astype(np.float32, copy=False)
                items.append((p.record, p.chunks, vectors))
            self.store.write_files(items)
            counter.files_done += len(items)
