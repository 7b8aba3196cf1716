"""While phase 1 reads files, phase 2's CPU encoder leaves it a core; afterwards it takes every core.

Unit test on a real store with a recording fake embedder, then the real torch embedder: a document
batch runs on one thread fewer while sparing, and the caller's thread count is restored.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from desktop_search.core.index.embedding import EmbeddingPhase
from desktop_search.core.index.jobs import JobControl
from desktop_search.core.index.progress import RunProgress
from desktop_search.core.records import FileRecord, FileStatus
from desktop_search.core.store.ledger import ChunkRow
from desktop_search.core.store.pathkeys import chunk_id, to_key
from desktop_search.core.store.store import Store
from tests.support.fake_embedder import HashEmbedder


class SparingEmbedder(HashEmbedder):
    """Records whether it was asked to spare a core when each batch came."""

    def __init__(self) -> None:
        super().__init__(batch_size=2)
        self.sparing = False
        self.seen: list[bool] = []

    def spare_a_core(self, spare: bool) -> None:
        self.sparing = spare

    def embed_documents(self, texts):  # type: ignore[no-untyped-def]
        self.seen.append(self.sparing)
        return super().embed_documents(texts)


def _waiting_passages(store: Store, files: int) -> None:
    for f in range(files):
        key = to_key(f"/docs/f{f}.txt")
        texts = [f"passage {i} of file {f} about topic {f * 10 + i}" for i in range(8)]
        rows = [ChunkRow(chunk_id(key, i), key, i, t, 0, len(t)) for i, t in enumerate(texts)]
        store.write_passages([(FileRecord(key, to_key("/docs"), FileStatus.PENDING), rows)])


def test_batches_spare_a_core_while_phase_one_runs_and_not_after(tmp_path: Path) -> None:
    store = Store(tmp_path / "index", "test/hash-embedder")
    try:
        _waiting_passages(store, 4)
        embedder = SparingEmbedder()
        phase = EmbeddingPhase(store, embedder, group_chunks=8)
        rounds = iter([False, False])  # phase 1 runs for the first two batches, then is over

        phase.run(RunProgress(None, 4, 1.0), JobControl(), lambda: next(rounds, True))

        assert embedder.seen[:2] == [True, True] and embedder.seen[2:] and not any(embedder.seen[2:])
        assert embedder.sparing is False  # left as found once the phase is done
        assert store.ledger.unembedded_counts()[0] == 0
    finally:
        store.close()


def test_the_torch_encoder_runs_a_thread_fewer_while_sparing(real_encoder) -> None:  # type: ignore[no-untyped-def]
    import torch

    threads_seen: list[int] = []
    model = real_encoder.model
    hook = model[0].register_forward_pre_hook(lambda *_: threads_seen.append(torch.get_num_threads()))
    before = torch.get_num_threads()
    try:
        texts = ["Die Bahn kündigte an, dass die Strecke gesperrt wird.", "The report shows growth."]
        plain = real_encoder.embed_documents(texts)
        real_encoder.spare_a_core(True)
        spared = real_encoder.embed_documents(texts)
    finally:
        real_encoder.spare_a_core(False)
        hook.remove()
    assert torch.get_num_threads() == before
    assert threads_seen == [before, max(1, before - 1)]
    assert np.allclose(plain, spared, atol=1e-4)


def test_the_int8_path_starts_once_phase_one_is_over(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A first start's export (both cores for tens of seconds) never runs beside phase 1."""
    from desktop_search.core.model import sentence_transformer as emb
    from desktop_search.core.model.int8_path import Int8Path
    from desktop_search.core.model.sentence_transformer import SentenceTransformerEmbedder
    from tests.core.test_precision import _FakeModel

    class RecordingPath(Int8Path):
        def __init__(self) -> None:
            super().__init__(None)
            self.started = 0

        def prepare(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            self.started += 1

    monkeypatch.setattr(emb, "load_model", lambda f, d, p: _FakeModel(p))
    monkeypatch.setenv("DESKTOP_SEARCH_PRECISION", "int8")
    (tmp_path / "model").mkdir()
    waits, eager = RecordingPath(), RecordingPath()
    embedder = SentenceTransformerEmbedder("test/model", tmp_path / "model", device="cpu", int8_path=waits)
    embedder.spare_a_core(True)  # phase 1 runs when indexing loads the model
    embedder.load()
    embedder.spare_a_core(True)
    assert waits.started == 0
    embedder.spare_a_core(False)
    embedder.spare_a_core(False)
    assert waits.started == 1  # once

    SentenceTransformerEmbedder("test/model", tmp_path / "model", device="cpu", int8_path=eager).load()
    assert eager.started == 1  # no indexing: at once


def test_batches_run_on_the_threads_torch_had_at_load_whatever_their_thread_inherited(
    monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A thread started while another had lowered torch's count (a query does, for a few ms) inherits
    the lowered count; document batches still use the loaded count, queries one thread."""
    import threading

    import pytest
    import torch

    from desktop_search.core.model import sentence_transformer as emb
    from tests.core.test_precision import _FakeModel

    loaded = torch.get_num_threads()
    if loaded < 2:
        pytest.skip("one thread: nothing to lower")
    seen: list[int] = []

    class ThreadsModel(_FakeModel):
        def __call__(self, features):  # type: ignore[no-untyped-def]
            seen.append(torch.get_num_threads())
            return super().__call__(features)

    monkeypatch.setattr(emb, "load_model", lambda f, d, p: ThreadsModel(p))
    monkeypatch.setenv("DESKTOP_SEARCH_PRECISION", "float32")
    (tmp_path / "model").mkdir()
    embedder = emb.SentenceTransformerEmbedder("test/model", tmp_path / "model", device="cpu")
    embedder.load()

    lowered, finish = threading.Event(), threading.Event()

    def lowers() -> None:
        torch.set_num_threads(1)
        lowered.set()
        finish.wait(10)

    other = threading.Thread(target=lowers)
    other.start()
    assert lowered.wait(10)
    inherited: list[int] = []

    def work() -> None:
        inherited.append(torch.get_num_threads())
        embedder.embed_documents(["one", "two"])
        embedder.embed_query("three")

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(10)
    finish.set()
    other.join(10)
    assert seen == [loaded, 1]  # documents on the loaded count, the query on one thread
    assert inherited and inherited[0] <= loaded  # (1 with libgomp: why the count is set, not read)
