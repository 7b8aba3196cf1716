"""Open the vector index in a spawned process first, when a writer may have died while writing it.

Chroma replays its log into the HNSW files when a collection is first read. If a kill cut those files
short, the replay either raises (handled in-process: :class:`~.vectors.VectorStoreDamaged`) or crashes
the process outright: a truncated ``header.bin`` or ``data_level0.bin`` is a segmentation fault inside
hnswlib, on every start, which no ``except`` can catch. So a writer leaves a marker file while it
may be writing vectors (:class:`~.write_marker.WriteMarker`) and removes it when it closes cleanly.
Finding the marker, the next opener reads the index in a child (``spawn``, about a second) and
replaces it when the child does not come back healthy.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from enum import Enum
from pathlib import Path

from desktop_search.core.store.vectors import VectorStore, VectorStoreDamaged

log = logging.getLogger(__name__)

TIMEOUT_S = 300.0  # loading a large index takes seconds; this only stops a hung child
_DAMAGED_EXIT = 3


class ProbeResult(Enum):
    HEALTHY = "healthy"
    DAMAGED = "damaged"  # Chroma raised, or the child crashed while reading
    UNKNOWN = "unknown"  # the child could not tell (another error, a timeout): open in-process as usual


def _child_main(chroma_dir: str, model_name: str) -> None:
    try:
        VectorStore(Path(chroma_dir), model_name).close()
    except VectorStoreDamaged:
        os._exit(_DAMAGED_EXIT)


def probe(chroma_dir: Path, model_name: str, timeout_s: float = TIMEOUT_S) -> ProbeResult:
    """Read the vector index in a spawned process and say whether it is safe to open here."""
    context = multiprocessing.get_context("spawn")
    process = context.Process(
        target=_child_main, args=(str(chroma_dir), model_name), name="desktop-search-probe", daemon=True
    )
    process.start()
    process.join(timeout_s)
    if process.is_alive():
        process.kill()
        process.join()
        log.warning("reading the vector index in a child took over %.0f s", timeout_s)
        return ProbeResult.UNKNOWN
    code = process.exitcode
    if code == 0:
        return ProbeResult.HEALTHY
    if code in (None, 1):  # 1: a Python error other than damage, which the in-process open reports
        return ProbeResult.UNKNOWN
    # _DAMAGED_EXIT, a signal (negative: SIGSEGV on POSIX) or a crash code (0xC0000005 on Windows)
    log.warning("reading the vector index in a child failed (exit code %s)", code)
    return ProbeResult.DAMAGED
