"""Qt-free core: settings, extraction, chunking, embedding, storage, indexing and search.

This package is the core's public face: the GUI, the CLI and the benchmarks import from here (the GUI
also from ``core.system`` for autostart), never from the subsystem packages, which are free to change
shape. Callers hold one :class:`Engine`; what travels between it and them are the frozen records.

Importing this package is cheap: heavy libraries (torch, sentence-transformers, chromadb) are
imported lazily by the modules that need them. The subsystems, and what each owns, are described in
``docs/architecture.md``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_search.core.config.paths import HOME_ENV, AppPaths, resolve_paths
    from desktop_search.core.config.settings import DEFAULT_MODEL, Settings
    from desktop_search.core.config.state import load_state, save_state
    from desktop_search.core.engine import Engine
    from desktop_search.core.errors import UserError
    from desktop_search.core.extract.kinds import document_extension
    from desktop_search.core.extract.unpack import decompressed_copy, is_picture, picture_data, unpack_part
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
    from desktop_search.core.search.highlight import Highlighter, highlighter_for, query_terms
    from desktop_search.core.search.query_syntax import (
        TYPE_FAMILIES,
        Operator,
        ParsedQuery,
        parse_query,
        without_operator,
    )
    from desktop_search.core.search.result_order import (
        RELEVANCE_FLOOR,
        SORTS,
        kept_for_its_words,
        sort_hits,
        split_weak,
    )
    from desktop_search.core.search.translations import language_name
    from desktop_search.core.store.pathkeys import display, from_key, to_key

# where each public name lives; imported on first use, so `import desktop_search.core` stays cheap
_HOMES = {
    "AppPaths": "desktop_search.core.config.paths",
    "DEFAULT_MODEL": "desktop_search.core.config.settings",
    "Engine": "desktop_search.core.engine",
    "FileRecord": "desktop_search.core.records",
    "FileStatus": "desktop_search.core.records",
    "HOME_ENV": "desktop_search.core.config.paths",
    "Highlighter": "desktop_search.core.search.highlight",
    "IndexProgress": "desktop_search.core.records",
    "JobControl": "desktop_search.core.index.jobs",
    "Phase": "desktop_search.core.records",
    "SearchFilters": "desktop_search.core.records",
    "SearchHit": "desktop_search.core.records",
    "Settings": "desktop_search.core.config.settings",
    "Span": "desktop_search.core.records",
    "UserError": "desktop_search.core.errors",
    "display": "desktop_search.core.store.pathkeys",
    "from_key": "desktop_search.core.store.pathkeys",
    "load_state": "desktop_search.core.config.state",
    "query_terms": "desktop_search.core.search.highlight",
    "highlighter_for": "desktop_search.core.search.highlight",
    "resolve_paths": "desktop_search.core.config.paths",
    "Operator": "desktop_search.core.search.query_syntax",
    "ParsedQuery": "desktop_search.core.search.query_syntax",
    "TYPE_FAMILIES": "desktop_search.core.search.query_syntax",
    "parse_query": "desktop_search.core.search.query_syntax",
    "without_operator": "desktop_search.core.search.query_syntax",
    "RELEVANCE_FLOOR": "desktop_search.core.search.result_order",
    "SORTS": "desktop_search.core.search.result_order",
    "sort_hits": "desktop_search.core.search.result_order",
    "split_weak": "desktop_search.core.search.result_order",
    "kept_for_its_words": "desktop_search.core.search.result_order",
    "language_name": "desktop_search.core.search.translations",
    "save_state": "desktop_search.core.config.state",
    "to_key": "desktop_search.core.store.pathkeys",
    "unpack_part": "desktop_search.core.extract.unpack",
    "decompressed_copy": "desktop_search.core.extract.unpack",
    "document_extension": "desktop_search.core.extract.kinds",
    "is_picture": "desktop_search.core.extract.unpack",
    "picture_data": "desktop_search.core.extract.unpack",
}

__all__ = [
    "DEFAULT_MODEL",
    "HOME_ENV",
    "RELEVANCE_FLOOR",
    "SORTS",
    "TYPE_FAMILIES",
    "AppPaths",
    "Engine",
    "FileRecord",
    "FileStatus",
    "Highlighter",
    "IndexProgress",
    "JobControl",
    "Operator",
    "ParsedQuery",
    "Phase",
    "SearchFilters",
    "SearchHit",
    "Settings",
    "Span",
    "UserError",
    "decompressed_copy",
    "display",
    "document_extension",
    "from_key",
    "highlighter_for",
    "is_picture",
    "kept_for_its_words",
    "language_name",
    "load_state",
    "parse_query",
    "picture_data",
    "query_terms",
    "resolve_paths",
    "save_state",
    "sort_hits",
    "split_weak",
    "to_key",
    "unpack_part",
    "without_operator",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
