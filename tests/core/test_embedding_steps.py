"""Phase 2 embeds its passages a group at a time: :data:`GROUP_BATCHES` of the encoder's batches in
one call (one batch while phase 1 still runs), the passages most alike in length among the newest
waiting; a pause waits for the group in flight and no longer.

Unit tests on a real store with a recording fake embedder; what the group size is worth on the real
encoder is measured by ``benchmarks/indexing.py`` (see ``index.embedding``).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from desktop_search.core.index.embedding import GROUP_BATCHES, SPARING_GROUP_BATCHES, EmbeddingPhase
from desktop_search.core.index.jobs import JobControl
from desktop_search.core.index.progress import RunProgress
from desktop_search.core.records import FileRecord, FileStatus
from desktop_search.core.store.ledger import ChunkRow
from desktop_search.core.store.pathkeys import chunk_id, to_key
from desktop_search.core.store.store import Store
from tests.support.fake_embedder import HashEmbedder

BATCH = 4
GROUP = max(16, GROUP_BATCHES * BATCH)
SPARING_GROUP = max(16, SPARING_GROUP_BATCHES * BATCH)


def _waiting_passages(store: Store, files: int, per_file: int = 10) -> None:
    for f in range(files):
        key = to_key(f"/docs/f{f}.txt")
        texts = [f"passage {i} of file {f}" + " word" * ((f * 7 + i * 3) % 23) for i in range(per_file)]
        rows = [ChunkRow(chunk_id(key, i), key, i, t, 0, len(t)) for i, t in enumerate(texts)]
        store.write_passages([(FileRecord(key, to_key("/docs"), FileStatus.PENDING), rows)])


class CallRecorder(HashEmbedder):
    """Records each call's texts; pauses ``pause_on_first`` (a job's control) during the first call."""

    def __init__(self, pause_on_first: JobControl | None = None) -> None:
        super().__init__(batch_size=BATCH)
        self.texts_by_call: list[list[str]] = []
        self.pause_on_first = pause_on_first

    def embed_documents(self, texts):  # type: ignore[no-untyped-def]
        if not self.texts_by_call and self.pause_on_first is not None:
            self.pause_on_first.pause()
        self.texts_by_call.append(list(texts))
        return super().embed_documents(texts)


def test_a_call_is_a_group_of_batches_alike_in_length(tmp_path: Path) -> None:
    store = Store(tmp_path / "index", "test/hash-embedder")
    try:
        _waiting_passages(store, 12)  # 120 passages
        embedder = CallRecorder()
        EmbeddingPhase(store, embedder).run(RunProgress(None, 12, 1.0), JobControl(), lambda: True)

        sizes = [len(c) for c in embedder.texts_by_call]
        assert sum(sizes) == 120 and sizes[0] == GROUP and max(sizes) == GROUP
        lengths = sorted(len(t) for c in embedder.texts_by_call for t in c)
        first = sorted(len(t) for t in embedder.texts_by_call[0])
        # the first group is the most alike among the newest waiting: narrower than a run of as many
        # passages taken anywhere in the order of length would be at its widest
        widest = max(lengths[i + GROUP - 1] - lengths[i] for i in range(len(lengths) - GROUP + 1))
        assert first[-1] - first[0] < widest
        assert store.ledger.unembedded_counts()[0] == 0
    finally:
        store.close()


def test_a_pause_waits_for_the_group_in_flight_and_no_longer(tmp_path: Path) -> None:
    store = Store(tmp_path / "index", "test/hash-embedder")
    try:
        _waiting_passages(store, 6)  # 60 passages: more than one group
        control = JobControl()
        embedder = CallRecorder(pause_on_first=control)
        phase = EmbeddingPhase(store, embedder)
        worker = threading.Thread(target=phase.run, args=(RunProgress(None, 6, 1.0), control, lambda: True))
        worker.start()
        deadline = time.monotonic() + 10
        while store.ledger.unembedded_counts()[0] != 60 - GROUP and time.monotonic() < deadline:
            time.sleep(0.01)  # the first group is stored; the phase then waits at its checkpoint
        time.sleep(0.3)
        assert len(embedder.texts_by_call) == 1 and store.ledger.unembedded_counts()[0] == 60 - GROUP
        control.resume()
        worker.join(10)
        assert not worker.is_alive()
        assert store.ledger.unembedded_counts()[0] == 0
    finally:
        store.close()


def test_groups_are_one_batch_while_phase_one_runs(tmp_path: Path) -> None:
    """A group started while phase 1 runs finishes on the cores it started with: a small one lets the
    encoder take every core soon after phase 1 ends."""
    store = Store(tmp_path / "index", "test/hash-embedder")
    try:
        _waiting_passages(store, 12)  # 120 passages
        embedder = CallRecorder()
        rounds = iter([False, False, False])  # phase 1 runs for the first rounds, then is over

        phase = EmbeddingPhase(store, embedder)
        phase.run(RunProgress(None, 12, 1.0), JobControl(), lambda: next(rounds, True))

        sizes = [len(c) for c in embedder.texts_by_call]
        assert SPARING_GROUP < GROUP
        assert sizes[:2] == [SPARING_GROUP, SPARING_GROUP] and GROUP in sizes[2:]
        assert sum(sizes) == 120 and store.ledger.unembedded_counts()[0] == 0
    finally:
        store.close()
