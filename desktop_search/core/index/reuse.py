"""Vectors a changed container keeps: an mbox that gained a message re-embeds only what is new.

Archives and mailboxes are cut into passages one sub-document at a time (the chunker never lets a
passage span two), so an unchanged message or member gives the same passages, with the same heading,
as before. When such a file changes, its old passages that reappear word for word keep their stored
vectors; only the others are embedded.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from desktop_search.core.index.outdated import is_outdated
from desktop_search.core.records import FileRecord, FileStatus
from desktop_search.core.store.ledger import ChunkRow
from desktop_search.core.store.store import Store

CONTAINER_KINDS = frozenset({"mail", "archive"})


def reusable(
    store: Store, old: FileRecord | None, kind: str, chunks: Sequence[ChunkRow], model: str
) -> dict[int, str]:
    """For a re-extracted container, which new passages (by position) an old one (by id) repeats."""
    if (
        old is None
        or kind not in CONTAINER_KINDS
        or old.status != FileStatus.INDEXED
        or old.model != model
        or is_outdated(old)
    ):
        return {}
    # what is embedded is the text and its heading, not the part's name: a message that moved from
    # "message 3" to "message 2" (one before it was deleted) keeps its vectors too
    before = {(c.text, c.heading): c.chunk_id for c in store.ledger.chunks_of(old.path)}
    found = {n: before.get((c.text, c.heading)) for n, c in enumerate(chunks)}
    return {n: chunk_id for n, chunk_id in found.items() if chunk_id is not None}


def stored_vectors(store: Store, wanted: dict[tuple[int, int], str]) -> dict[tuple[int, int], np.ndarray]:
    """The stored vectors of ``wanted`` (key → old chunk id); keys whose vector is gone are left out."""
    if not wanted:
        return {}
    got = store.vectors.get_vectors(sorted(set(wanted.values())))
    return {key: got[chunk_id] for key, chunk_id in wanted.items() if chunk_id in got}
