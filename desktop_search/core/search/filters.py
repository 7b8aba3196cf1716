"""The one definition of what a search filter means, for both legs.

:func:`normalise` turns the user's :class:`SearchFilters` (plus the watched folders that are
unavailable right now) into a :class:`FilterSpec`: folder keys, bare lower-case extensions, an mtime
range and the watched folders to leave out. Both legs are built from that one form:
:func:`chroma_where` for the dense leg (Chroma metadata, see ``store.vectors.VectorMeta``) and
:func:`sql_conditions` for the keyword leg (the ledger's ``chunks`` and ``files`` rows).

What each filter means:

- folders: the passage's file lies below one of the folders (any depth);
- extensions: its file's extension (lower-case, no dot) is one of them;
- modified after / before: its file's mtime is within the range (bounds included); for a passage of
  a sub-document with its own date (a mail message and its attachments), that date instead;
- unavailable folders (unless ``include_unavailable``): its watched folder is not one of them;
- phrases / excluded: its text contains each phrase and none of the excluded words. The keyword leg
  puts them into its FTS5 query (:func:`fts_constraint`); Chroma cannot fold case and accents, so the
  searcher asks the dense leg for more candidates and keeps those whose text passes
  (:mod:`desktop_search.core.search.text_constraints`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from desktop_search.core.records import SearchFilters
from desktop_search.core.search.query_words import WORD
from desktop_search.core.store.pathkeys import to_key
from desktop_search.core.store.unspaced import sharp_s_as_ss


@dataclass(frozen=True)
class FilterSpec:
    """Filters in the form both legs apply; an empty field restricts nothing."""

    folders: tuple[str, ...] = ()  # path keys, no trailing separator except a root's
    extensions: tuple[str, ...] = ()  # lower-case, no dot
    modified_after: float | None = None
    modified_before: float | None = None
    excluded_roots: tuple[str, ...] = ()  # keys of watched folders whose passages are left out
    phrases: tuple[str, ...] = ()  # as typed; matched case- and accent-folded
    excluded: tuple[str, ...] = ()


def folder_key(folder: str | os.PathLike[str]) -> str:
    """The key of a filter folder as stored among a chunk's ancestor folders (``/docs/`` → ``/docs``)."""
    path = os.fspath(folder).rstrip("/\\")
    if not os.path.splitdrive(path)[1]:  # a root: "/" or "C:\"
        path += os.sep
    return to_key(path)


def normalise(filters: SearchFilters | None, unavailable_folders: Sequence[str] = ()) -> FilterSpec | None:
    """The filters' one meaning, or None when nothing restricts the search."""
    f = filters or SearchFilters()
    spec = FilterSpec(
        folders=tuple(folder_key(folder) for folder in f.folders),
        extensions=tuple(e.lower().lstrip(".") for e in f.extensions),
        modified_after=None if f.modified_after is None else float(f.modified_after),
        modified_before=None if f.modified_before is None else float(f.modified_before),
        excluded_roots=() if f.include_unavailable else tuple(unavailable_folders),
        phrases=tuple(p for p in f.phrases if p.strip()),
        excluded=tuple(e for e in f.excluded if e.strip()),
    )
    return None if spec == FilterSpec() else spec


def chroma_where(spec: FilterSpec | None) -> dict[str, Any] | None:
    """The spec as a Chroma ``where`` over :class:`~desktop_search.core.store.vectors.VectorMeta`."""
    if spec is None:
        return None
    clauses: list[dict[str, Any]] = []
    if spec.folders:
        ors = [{"dirs": {"$contains": key}} for key in spec.folders]
        clauses.append(ors[0] if len(ors) == 1 else {"$or": ors})
    if spec.extensions:
        clauses.append({"ext": {"$in": list(spec.extensions)}})
    if spec.modified_after is not None:
        clauses.append({"mtime": {"$gte": spec.modified_after}})
    if spec.modified_before is not None:
        clauses.append({"mtime": {"$lte": spec.modified_before}})
    if spec.excluded_roots:
        clauses.append({"folder": {"$nin": list(spec.excluded_roots)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass(frozen=True)
class SqlConditions:
    """The spec as SQL: ``conditions`` (AND-ed) over ``chunks`` aliased ``c`` and, when
    ``needs_files`` is set, ``files`` aliased ``fl`` joined on the path; ``args`` in order."""

    conditions: tuple[str, ...]
    args: tuple[object, ...]
    needs_files: bool


def sql_conditions(spec: FilterSpec) -> SqlConditions:
    """The spec as conditions on the ledger's rows (see :class:`SqlConditions`).

    A folder is matched as an exact, case-sensitive prefix of the path key (like Chroma's ancestor
    list, and unlike SQL's ``LIKE``, which ignores ASCII case).
    """
    conditions: list[str] = []
    args: list[object] = []
    if spec.folders:
        ors = []
        for key in spec.folders:
            prefix = key if key.endswith(("/", "\\")) else key + os.sep
            ors.append("substr(c.path, 1, ?) = ?")
            args.extend((len(prefix), prefix))
        conditions.append("(" + " OR ".join(ors) + ")")
    if spec.extensions:
        conditions.append(f"c.ext IN ({','.join('?' * len(spec.extensions))})")
        args.extend(spec.extensions)
    if spec.modified_after is not None:
        conditions.append("coalesce(c.part_date, c.mtime) >= ?")
        args.append(spec.modified_after)
    if spec.modified_before is not None:
        conditions.append("coalesce(c.part_date, c.mtime) <= ?")
        args.append(spec.modified_before)
    if spec.excluded_roots:
        conditions.append(f"fl.folder NOT IN ({','.join('?' * len(spec.excluded_roots))})")
        args.extend(spec.excluded_roots)
    return SqlConditions(tuple(conditions), tuple(args), needs_files=bool(spec.excluded_roots))


def _fts_phrase(text: str) -> str:
    words = WORD.findall(sharp_s_as_ss(text))  # as the index reads it
    return '"' + " ".join(words) + '"' if words else ""


def fts_constraint(spec: FilterSpec | None, match: str) -> str:
    """An FTS5 MATCH expression restricted to rows with every phrase and none of the excluded words."""
    if spec is None or not (spec.phrases or spec.excluded):
        return match
    required = [p for p in map(_fts_phrase, spec.phrases) if p]
    expr = " AND ".join([*required, f"({match})"])
    for word in filter(None, map(_fts_phrase, spec.excluded)):
        expr = f"({expr}) NOT {word}"
    return expr
