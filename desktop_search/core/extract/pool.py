"""Run risky extractions in reusable worker processes with a time and a memory limit.

PDF, Office, EPUB and RTF parsers, and anything over a few MB, run in a worker started with the
'spawn' method (safe in a multi-threaded process that holds torch). A worker that passes the time
limit or dies is killed and replaced; the caller gets ExtractionFailed and the pool stays usable.
Small plain text, code and markup are read in the calling thread: a process hop would cost more
than the work.

A worker that cannot start (the system refuses a process, a frozen app misses its freeze support, a
worker dies importing) is no fault of the file: the caller gets :class:`WorkerUnavailable` and should
leave the file for a later run; the pool tries to start a worker again only after
:data:`RETRY_START_S`, so a run does not wait on every file.

In a frozen app, call ``multiprocessing.freeze_support()`` at the start of ``main``.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from desktop_search.core.extract import kinds
from desktop_search.core.extract.cpu_time import process_cpu_seconds
from desktop_search.core.extract.dispatch import custom_kind, extract_file
from desktop_search.core.extract.mail import looks_like_mbox
from desktop_search.core.extract.reading import DEFAULT_MAX_BYTES, PathLike, file_size, read_head
from desktop_search.core.extract.results import (
    WALL_FACTOR,
    Extracted,
    ExtractionFailed,
    FileSkipped,
    NeedsOcr,
    timeout_reason,
)
from desktop_search.core.extract.worker import worker_main

ISOLATE_ABOVE_BYTES = 4 * 2**20
START_TIMEOUT_S = 120.0
RETRY_START_S = 60.0  # after a worker failed to start, files that need one wait this long for a try


class WorkerUnavailable(RuntimeError):
    """No worker process could be started to read a file that needs one; the file is not at fault."""


CRASH_REASON = "The extractor crashed on this file; the file may be damaged."
_POLL_S = 0.25  # how often a waiting call checks the worker's processor time


class _Worker:
    """One worker process and its end of the pipe."""

    def __init__(self, mp: Any, memory_limit_mb: int, initializer: Callable[[], None] | None) -> None:
        parent_end, child_end = mp.Pipe(duplex=True)
        self.conn: Connection = parent_end
        self.process = mp.Process(
            target=worker_main,
            args=(child_end, memory_limit_mb, initializer),
            name="desktop-search-extract",
            daemon=True,
        )
        try:
            self.process.start()
        except OSError as err:  # no process could be made at all (process limits, memory)
            parent_end.close()
            raise WorkerUnavailable(f"The extraction worker could not start: {err}") from err
        finally:
            child_end.close()
        if not self.conn.poll(START_TIMEOUT_S):
            self.kill()
            raise WorkerUnavailable("The extraction worker process did not start.")
        try:
            status, payload = self.conn.recv()
        except (EOFError, OSError) as err:
            self.kill()
            raise WorkerUnavailable("The extraction worker process died while starting.") from err
        if status != "ready":
            self.kill()
            raise WorkerUnavailable(f"The extraction worker could not start: {payload}")
        self.pid: int = payload

    def kill(self) -> None:
        try:
            if self.process.is_alive():
                self.process.kill()
            self.process.join(5)
        except (OSError, ValueError, AssertionError):
            pass
        self.conn.close()

    def stop(self) -> None:
        """Ask an idle worker to exit, then make sure it did."""
        try:
            self.conn.send(None)
            self.process.join(2)
        except (OSError, ValueError):
            pass
        self.kill()


class ExtractorPool:
    """Thread-safe extraction with per-file time and memory limits (see the module docstring)."""

    def __init__(
        self,
        workers: int = 1,
        memory_limit_mb: int = 2048,
        *,
        initializer: Callable[[], None] | None = None,
        isolate_above_bytes: int = ISOLATE_ABOVE_BYTES,
        start_method: str = "spawn",
    ) -> None:
        """``initializer`` (a picklable top-level function) runs once in every new worker."""
        self._mp = multiprocessing.get_context(start_method)
        self._memory_limit_mb = memory_limit_mb
        self._initializer = initializer
        self._isolate_above = isolate_above_bytes
        self._slots: queue.Queue[_Worker | None] = queue.Queue()
        for _ in range(max(1, workers)):
            self._slots.put(None)  # workers start on first use
        self._live: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.restarts = 0  # workers replaced after a timeout, crash or memory exhaustion
        self._start_failed: tuple[float, str] | None = None  # when a worker last failed to start, and why

    def needs_isolation(self, path: PathLike, max_bytes: int = DEFAULT_MAX_BYTES) -> bool:
        """Whether a file goes to a worker (risky format or large) or is read in this thread."""
        custom = custom_kind(path)
        if custom is not None:
            return custom in kinds.RISKY_KINDS
        size = file_size(path)
        if size == 0 or size > max_bytes:
            return False  # skipped at once, nothing to parse
        if size > self._isolate_above or kinds.kind_by_name(path) in kinds.RISKY_KINDS:
            return True
        head = read_head(path, 4096)
        return kinds.kind_by_magic(head) in ("pdf", "rtf", "zip") or looks_like_mbox(head)

    def extract(
        self, path: PathLike, max_bytes: int = DEFAULT_MAX_BYTES, timeout_s: float = 60.0, ocr: str = "on"
    ) -> Extracted:
        """Extract a file; raises FileSkipped or ExtractionFailed with a reason for the user.

        ``ocr``: 'on', 'off', or 'defer' (raise NeedsOcr when the file's text is in images)."""
        if self._closed:
            raise RuntimeError("The extractor pool is closed.")
        if not self.needs_isolation(path, max_bytes):
            return extract_file(path, max_bytes=max_bytes, timeout_s=timeout_s, ocr=ocr)
        return self._in_worker(os.fsencode(os.fspath(path)), max_bytes, timeout_s, ocr)

    def _in_worker(self, path: bytes, max_bytes: int, timeout_s: float, ocr: str = "on") -> Extracted:
        worker = self._slots.get()
        try:
            if self._closed:
                raise RuntimeError("The extractor pool is closed.")
            if worker is None:
                worker = self._start()
            status, payload = self._ask(worker, path, max_bytes, timeout_s, ocr)
            if status in ("timeout", "crash", "memory"):
                self._retire(worker)
                worker = None
            if status == "ok":
                return payload
            if status == "skipped":
                raise FileSkipped(payload)
            if status == "needs-ocr":
                raise NeedsOcr
            raise ExtractionFailed(payload)
        finally:
            if self._closed and worker is not None:
                self._retire(worker, replaced=False)
                worker = None
            self._slots.put(worker)

    def _ask(
        self, worker: _Worker, path: bytes, max_bytes: int, timeout_s: float, ocr: str
    ) -> tuple[str, Any]:
        """Send one file and wait for the answer; a worker past its limit (processor time where the OS
        tells it, else wall time) is reported as a timeout. The worker's own deadline usually answers
        first; a worker recognising pages asks for more time, page by page."""
        grace = 1.0 + 0.1 * timeout_s
        try:
            worker.conn.send((path, max_bytes, timeout_s, ocr))
            wall_end = time.monotonic() + WALL_FACTOR * timeout_s + grace
            cpu_start = process_cpu_seconds(worker.pid)
            while True:
                if worker.conn.poll(_POLL_S):
                    status, payload = worker.conn.recv()
                    if status != "extend":
                        return status, payload
                    timeout_s += float(payload)
                    wall_end += WALL_FACTOR * float(payload)
                    continue
                cpu_now = process_cpu_seconds(worker.pid) if cpu_start is not None else None
                over_cpu = (
                    cpu_now is not None and cpu_start is not None and cpu_now - cpu_start > timeout_s + grace
                )
                if over_cpu or time.monotonic() > wall_end:
                    return "timeout", timeout_reason(timeout_s)
        except (EOFError, OSError, BrokenPipeError):
            return "crash", CRASH_REASON

    def _start(self) -> _Worker:
        failed = self._start_failed
        if failed is not None and time.monotonic() - failed[0] < RETRY_START_S:
            raise WorkerUnavailable(failed[1])
        try:
            worker = _Worker(self._mp, self._memory_limit_mb, self._initializer)
        except WorkerUnavailable as err:
            self._start_failed = (time.monotonic(), str(err))
            raise
        self._start_failed = None
        with self._lock:
            self._live.add(worker)
        return worker

    def _retire(self, worker: _Worker, replaced: bool = True) -> None:
        worker.kill()
        with self._lock:
            self._live.discard(worker)
            self.restarts += replaced

    def worker_pids(self) -> list[int]:
        with self._lock:
            return [w.pid for w in self._live]

    def close(self) -> None:
        """Stop every worker; a call in flight in another thread gets an error."""
        self._closed = True
        with self._lock:
            workers = list(self._live)
            self._live.clear()
        deadline = time.monotonic() + 5
        for worker in workers:
            if time.monotonic() < deadline:
                worker.stop()
            else:
                worker.kill()

    def __enter__(self) -> ExtractorPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
