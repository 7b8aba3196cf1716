"""The body of an extraction worker process: a memory limit, then extract files sent over a pipe.

This module and what it imports must stay light (no Qt, torch, chromadb): a spawned worker imports it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

MEMORY_REASON = "Not enough memory to extract this file (it may be damaged or very large)."
OCR_THREADS_ENV = "OMP_THREAD_LIMIT"  # Tesseract's OpenMP threads: set to 1 in the worker only


def limit_memory(memory_limit_mb: int) -> None:
    """Cap this process's address space where the OS allows it (Linux, macOS; not Windows)."""
    if memory_limit_mb <= 0:
        return
    try:
        import resource
    except ImportError:  # Windows
        return
    limit = memory_limit_mb * 2**20
    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError, AttributeError):  # macOS may refuse RLIMIT_AS
        pass


def handle(request: tuple, conn: Connection | None = None) -> tuple[str, Any]:
    """Extract one file; the answer is (status, payload) with status ok/skipped/failed/memory/needs-ocr.

    While recognising text (OCR) the worker sends ("extend", seconds) so the pool waits longer."""
    from desktop_search.core.extract.dispatch import extract_file
    from desktop_search.core.extract.results import Deadline, ExtractionFailed, FileSkipped, NeedsOcr

    path, max_bytes, timeout_s = request[:3]
    ocr = request[3] if len(request) > 3 else "on"
    deadline = Deadline(timeout_s)
    if conn is not None:
        deadline.on_extend = lambda seconds: conn.send(("extend", seconds))
    try:
        return "ok", extract_file(path, max_bytes=max_bytes, timeout_s=timeout_s, ocr=ocr, deadline=deadline)
    except FileSkipped as err:
        return "skipped", err.reason
    except ExtractionFailed as err:
        return "failed", err.reason
    except NeedsOcr:
        return "needs-ocr", None
    except MemoryError:
        return "memory", MEMORY_REASON
    except Exception as err:  # never let a worker die on a file
        return "failed", f"The file could not be read ({type(err).__name__}); it may be damaged."


def worker_main(conn: Connection, memory_limit_mb: int, initializer: Callable[[], None] | None) -> None:
    limit_memory(memory_limit_mb)
    # Tesseract's OpenMP gets one thread here: the worker runs at low priority beside the encoder. Set
    # only in the worker: in the app's process the variable caps torch's OpenMP pool too (measured:
    # float32 encoding at half speed, and bfloat16 vectors at cosine 0.8 to float32).
    os.environ.setdefault(OCR_THREADS_ENV, "1")
    try:
        if initializer is not None:
            initializer()
    except Exception as err:
        conn.send(("init-error", f"{type(err).__name__}: {err}"))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if request is None:
            return
        status, payload = handle(request, conn)
        try:
            conn.send((status, payload))
        except MemoryError:
            conn.send(("memory", MEMORY_REASON))
            return
        if status == "memory":
            return  # a fresh process is safer than one that ran out of memory
