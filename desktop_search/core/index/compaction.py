"""Compacting the vector index after an index run, once deleted vectors' slots have piled up.

Chroma never reuses the HNSW slot of a deleted vector, so every deleted, renamed or shortened file leaves
its vectors' slots in memory and on disk, and searches walk past them (renaming a folder of 10,000
passages leaves 10,000 slots, about 17 MB with 384 dimensions). After a run, when the dead slots reach
half the live vectors (and at least :data:`MIN_DEAD_SLOTS`), the live vectors are copied into a fresh
collection (:meth:`Store.compact_vectors`, about 1,000 vectors a second on two cores). Searches go on
meanwhile; the copy can be paused, and a cancelled or crashed one leaves the old collection live. A copy
that fails (it needs room on disk for a second collection) leaves the index as it was and does not fail
the run; it is tried again an hour later.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from desktop_search.core.errors import Cancelled, UserError
from desktop_search.core.index.jobs import JobControl
from desktop_search.core.records import IndexProgress, Phase
from desktop_search.core.store.errors import store_error

if TYPE_CHECKING:
    from desktop_search.core.store.store import Store

log = logging.getLogger(__name__)

MIN_DEAD_SLOTS = 4_000  # below this, the dead weight is a few MB: not worth a copy
DEAD_PER_LIVE = 0.5  # compact once dead slots reach half the live vectors: the index stays under 1.5x
RETRY_AFTER_S = 3600.0  # after a failed compaction (a full disk: the copy needs room), wait this long

_failed_at: dict[str, float] = {}  # index folder -> when its last compaction failed (this process)


@dataclass(frozen=True)
class Slots:
    filled: int  # slots the HNSW index has filled, deleted vectors' included
    live: int  # vectors in the collection

    @property
    def dead(self) -> int:
        return max(0, self.filled - self.live)

    @property
    def due(self) -> bool:
        return self.dead >= max(MIN_DEAD_SLOTS, DEAD_PER_LIVE * self.live)


def slots(store: Store) -> Slots | None:
    """The live collection's slots; None when Chroma's files do not say, or when this process has not
    opened the vectors (a run that changed nothing need not import Chroma for this)."""
    if not store.vectors_open:
        return None
    filled = store.vectors.slots()
    return None if filled is None else Slots(filled, store.vectors.count())


def compact_if_due(
    store: Store, result: IndexProgress, report: Callable[[IndexProgress], None], control: JobControl
) -> bool:
    """Compact the vector index when :attr:`Slots.due`, reporting on top of the run's last report
    ``result``; True when it compacted. Pausing pauses the copy; cancelling drops it."""
    failed = _failed_at.get(str(store.index_dir))
    if failed is not None and time.monotonic() - failed < RETRY_AFTER_S:
        return False
    found = slots(store)
    if found is None or not found.due:
        return False
    log.info("compacting the vector index: %s dead slots beside %s vectors", found.dead, found.live)

    def copied(done: int, total: int) -> None:
        message = f"Compacting the vector index: {done:,} / {total:,} passages"
        report(replace(result, phase=Phase.INDEXING, message=message, eta_s=None, chunks_per_s=0.0))

    def paused() -> None:
        report(replace(result, phase=Phase.PAUSED, message="Compacting the vector index (paused)"))

    copied(0, found.live)  # said at once: the first step takes a second or two
    try:
        store.compact_vectors(lambda: control.checkpoint(paused), copied)
    except Cancelled:
        log.info("compacting the vector index was cancelled; the index is unchanged")
        return False
    except Exception as err:  # the run's work is done and safe: a failed copy only costs space
        _failed_at[str(store.index_dir)] = time.monotonic()
        log.warning("compacting the vector index failed (%s); it stays as it is, tried again later", err)
        converted = store_error(err)
        why = converted.message if isinstance(converted, UserError) else str(err)
        said = f"The vector index could not be compacted ({why.rstrip('.')}); it works as before"
        report(replace(result, message="; ".join(m for m in (result.message, said) if m)))
        return False
    _failed_at.pop(str(store.index_dir), None)
    return True
