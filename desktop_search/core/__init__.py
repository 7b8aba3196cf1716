"""Qt-free core: settings, extraction, chunking, embedding, storage, indexing and search.

This package is the core's public face: the GUI, the CLI and the benchmarks import from here (the GUI
also from ``core.system`` for autostart), never from the subsystem packages, which are free to change
shape. Callers hold one :class:`Engine`; what travels between it and them are the frozen records.

Importing this package is cheap: heavy libraries (torch, sentence-transformers, chromadb) are
imported lazily by the modules that need them. The subsystems, and what each owns, are described in
``docs/architecture.md``.
"""

from __future__ import annotations

from desktop_search.core.config.paths import HOME_ENV, AppPaths, resolve_paths
from desktop_search.core.config.settings import DEFAULT_MODEL, Settings
from desktop_search.core.config.state import load_state, save_state
from desktop_search.core.engine import Engine
from desktop_search.core.errors import UserError
from desktop_search.core.index.jobs import JobControl
from desktop_search.core.records import (
    FileRecord,
    FileStatus,
    IndexProgress,
    Phase,
    SearchFilters,
    SearchHit,
    Span,
)
from desktop_search.core.search.highlight import Highlighter, query_terms
from desktop_search.core.store.pathkeys import display, from_key, to_key

__all__ = [
    "DEFAULT_MODEL",
    "HOME_ENV",
    "AppPaths",
    "Engine",
    "FileRecord",
    "FileStatus",
    "Highlighter",
    "IndexProgress",
    "JobControl",
    "Phase",
    "SearchFilters",
    "SearchHit",
    "Settings",
    "Span",
    "UserError",
    "display",
    "from_key",
    "load_state",
    "query_terms",
    "resolve_paths",
    "save_state",
    "to_key",
]
