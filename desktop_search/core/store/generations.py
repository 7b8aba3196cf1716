"""Which Chroma collection holds a model's vectors, and how much of its HNSW graph is dead weight.

Chroma's HNSW index never reuses the slot of a deleted vector (chroma#2594): every deleted, renamed or
shortened file leaves its vectors' slots behind, on disk and in memory, and a search walks past them. A
compaction (:meth:`~desktop_search.core.store.vectors.VectorStore.compact`) copies the live vectors into
a fresh collection, the model's next *generation*: ``chunks-<model>`` first, then ``chunks-<model>.2``,
``.3`` … A new generation is marked ``complete`` only once every vector is in it; the live collection is
the complete one of the highest generation, so a compaction cut short by a crash leaves the old one live.
Deleting a collection leaves its HNSW folder on disk (chroma#5259): :func:`orphan_segment_dirs` finds
those folders so the writer can remove them.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GENERATION = "generation"  # collection metadata: the generation number (absent: 0, the first)
COMPLETE = "complete"  # collection metadata: False while a compaction fills it

# hnswlib's header.bin as Chroma writes it: format version (uint32), then offsetLevel0, max_elements and
# cur_element_count (uint64 each). cur_element_count counts every slot ever filled, deleted ones too.
_HEADER = struct.Struct("<IQQQ")
_HEADER_VERSION = 1
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def generation_name(base: str, generation: int) -> str:
    """The collection name of a model's ``generation`` (``base`` is the first generation's name)."""
    return base if generation == 0 else f"{base}.{generation}"


@dataclass(frozen=True)
class Generation:
    name: str
    number: int
    complete: bool


def generation_of(base: str, name: str, metadata: dict[str, Any] | None) -> Generation | None:
    """``name``'s generation of the model whose first collection is ``base``; None for another model's."""
    if name == base:
        number = 0
    else:
        found = re.fullmatch(re.escape(base) + r"\.(\d+)", name)
        if found is None:
            return None
        number = int(found.group(1))
    complete = bool((metadata or {}).get(COMPLETE, True))  # collections made before compaction: complete
    return Generation(name, number, complete)


def live_generation(generations: list[Generation]) -> Generation | None:
    """The live generation: the highest complete one (the others only the writer may delete)."""
    return max((g for g in generations if g.complete), key=lambda g: g.number, default=None)


def _segment_ids(chroma_dir: Path, collection_id: str | None = None) -> set[str] | None:
    """The HNSW segment ids Chroma lists (of one collection, when given); None when unreadable."""
    database = chroma_dir / "chroma.sqlite3"
    if not database.exists():
        return None
    query, args = "SELECT id FROM segments WHERE scope = 'VECTOR'", tuple[str, ...]()
    if collection_id is not None:
        query, args = query + " AND collection = ?", (collection_id,)
    try:
        with contextlib.closing(sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True, timeout=5)) as db:
            return {str(row[0]) for row in db.execute(query, args)}
    except sqlite3.Error:
        return None


def segment_dir(chroma_dir: Path, collection_id: str) -> Path | None:
    """The folder of a collection's HNSW files (None when Chroma's tables do not say)."""
    ids = _segment_ids(chroma_dir, collection_id)
    return chroma_dir / next(iter(ids)) if ids and len(ids) == 1 else None


def orphan_segment_dirs(chroma_dir: Path) -> list[Path]:
    """HNSW folders no collection owns any more (left by deleted collections)."""
    owned = _segment_ids(chroma_dir)
    if owned is None:  # cannot tell: remove nothing
        return []
    folders = (p for p in chroma_dir.iterdir() if p.is_dir() and _UUID.match(p.name))
    return sorted(p for p in folders if p.name not in owned)


def hnsw_slots(folder: Path) -> int | None:
    """Slots the HNSW index in ``folder`` has filled, deleted vectors' included (as last saved: Chroma
    saves it every thousand or so changes); None when the header is missing or of an unknown format."""
    try:
        with open(folder / "header.bin", "rb") as f:
            head = f.read(_HEADER.size)
    except OSError:
        return None
    if len(head) < _HEADER.size:
        return None
    version, _offset, capacity, filled = _HEADER.unpack(head)
    if version != _HEADER_VERSION or filled > capacity:
        return None
    return int(filled)
