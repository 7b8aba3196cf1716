"""Test-only extractors installed in pool workers: one that hangs, one that crashes, one that eats memory."""

from __future__ import annotations

import os
import sys
import time

from desktop_search.core.extract import register_extractor
from desktop_search.core.extract.results import Deadline, Extracted, Part, assemble

HEAVY_MODULES = ("torch", "PySide6", "chromadb", "sentence_transformers", "transformers")


def _hang(data: bytes, deadline: Deadline) -> Extracted:
    while True:  # ignores the cooperative deadline, like a parser stuck inside one page
        time.sleep(0.05)


def _crash(data: bytes, deadline: Deadline) -> Extracted:
    os._exit(3)


def _hog(data: bytes, deadline: Deadline) -> Extracted:
    blob = bytearray(8 * 2**30)  # far beyond the worker's address-space limit
    return assemble([Part(str(len(blob)))], "hog")


def _whoami(data: bytes, deadline: Deadline) -> Extracted:
    heavy = [m for m in HEAVY_MODULES if m in sys.modules]
    return assemble([Part(f"pid {os.getpid()} heavy {','.join(heavy) or 'none'}")], "whoami")


def install() -> None:
    """Register the hooks; kind 'pdf' routes them to the worker pool."""
    register_extractor("hang", "pdf", _hang)
    register_extractor("crash", "pdf", _crash)
    register_extractor("hog", "pdf", _hog)
    register_extractor("whoami", "pdf", _whoami)


def uninstall() -> None:
    from desktop_search.core.extract import unregister_extractor

    for ext in ("hang", "crash", "hog", "whoami"):
        unregister_extractor(ext)


def refuse_to_start() -> None:
    """A worker initializer that fails, as a worker that cannot import its extractors would."""
    raise ImportError("no module named 'pypdf' (a broken install)")
