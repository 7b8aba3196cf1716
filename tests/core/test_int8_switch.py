"""A first start's switch from torch float32 to the int8 ONNX encoder, made as soon as the encoder is ready.

While the export and its calibration run (spawned processes), torch leaves them a core. Once int8 is
chosen, a long document call on torch stops after the batch in flight and the int8 encoder embeds the
rest: before, the switch waited for the whole call (on 2 cores, tens of seconds of the slower
encoder). The session opens on every core, whatever the thread that hands it over was set to.
Fake torch model and fake session here (the real export and switch: ``test_int8_onnx.py``).
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from desktop_search.core.model.int8_path import Int8Path
from desktop_search.core.model.onnx_export import BackgroundExports
from desktop_search.core.model.torch_forward import torch_batches
from tests.core.test_int8_onnx import _ReadyWhenTold, fake_exporter, model_folder, wait_for  # noqa: F401
from tests.core.test_precision import _FakeModel


class _CountingModel(_FakeModel):
    """The fake torch model, counting its forward passes; the first can be held until released."""

    def __init__(self, hold: bool = False) -> None:
        super().__init__("float32")
        self.calls = 0
        self.inside, self.release = threading.Event(), threading.Event()
        if not hold:
            self.release.set()

    def __call__(self, features: dict[str, Any]) -> dict[str, Any]:
        self.calls += 1
        self.inside.set()
        assert self.release.wait(10)
        return super().__call__(features)


def test_a_batch_list_stops_after_the_batch_in_flight_when_asked() -> None:
    rows = [[5] * n for n in (5, 4, 3, 2, 1, 6)]
    model = _CountingModel()
    out = np.zeros((6, 4), np.float32)

    left = torch_batches(model, rows, out, 0, 2, stop=lambda: True)

    assert model.calls == 1 and len(left) == 4  # one batch always runs
    done = sorted(set(range(6)) - set(left))
    assert done == [0, 5]  # the longest first
    assert np.allclose(out[done], 0.5) and not out[left].any()  # ones, normalised
    assert torch_batches(_CountingModel(), rows, np.zeros((6, 4), np.float32), 0, 2) == []


def test_torch_cpu_batches_are_cut_to_the_memory_budget_and_gpu_batches_are_not() -> None:
    from desktop_search.core.model.token_batches import TORCH_CPU_TOKENS

    shapes: list[tuple[int, int]] = []

    class _Recording(_CountingModel):
        def __call__(self, features: dict[str, Any]) -> dict[str, Any]:
            shapes.append(tuple(features["input_ids"].shape))
            return super().__call__(features)

    rows = [[5] * 500] * 6 + [[5] * 40] * 30
    out = np.zeros((len(rows), 4), np.float32)
    assert torch_batches(_Recording(), rows, out, 0, 32, bounded=True) == []
    assert np.allclose(out, 0.5)  # every row embedded
    # 500-token rows padded to 512 go two at a time; the short ones (padded to 64) as sorted batches
    assert shapes == [(2, 512), (2, 512), (2, 512), (26, 64), (4, 64)]
    assert all(r * w <= TORCH_CPU_TOKENS for r, w in shapes)
    shapes.clear()
    torch_batches(_Recording(), rows, out, 0, 32)  # a GPU's batches: whole
    assert shapes == [(32, 512), (4, 64)]


def _int8_embedder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, model: Any) -> tuple[Any, Any]:
    """An int8 embedder serving with torch (``model``) until the test hands it the ONNX session."""
    from desktop_search.core.model import sentence_transformer as emb

    monkeypatch.setattr(emb, "load_model", lambda f, d, p: model)
    monkeypatch.setattr(emb, "drop_weights", lambda m: None)
    monkeypatch.setenv("DESKTOP_SEARCH_PRECISION", "int8")
    (tmp_path / "model").mkdir()
    path = _ReadyWhenTold()
    embedder = emb.SentenceTransformerEmbedder(
        "test/model", tmp_path / "model", device="cpu", batch_size=2, int8_path=path
    )
    embedder.load()
    return embedder, path


def test_a_long_call_hands_its_remaining_batches_to_the_int8_encoder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    model = _CountingModel(hold=True)
    embedder, path = _int8_embedder(monkeypatch, tmp_path, model)
    results: list[np.ndarray] = []
    call = threading.Thread(target=lambda: results.append(embedder.embed_documents(["a"] * 10)))
    call.start()
    assert model.inside.wait(10)  # the first torch batch is in flight

    def open_encoder() -> bool:
        session = SimpleNamespace(encode=lambda ids, mask: np.full((len(ids), 4), 7.0, np.float32))
        path.encoder = session
        return True

    switch = threading.Thread(target=path.ready, args=(open_encoder,))
    switch.start()
    switch.join(0.3)
    assert switch.is_alive()  # waits for the batch in flight
    model.release.set()
    switch.join(10)
    call.join(10)

    assert model.calls == 1 and embedder.precision == "int8"  # not the four other torch batches
    vectors = results[0]
    assert vectors.shape == (10, 4)
    assert (np.isclose(vectors, 0.5).all(axis=1)).sum() == 2  # the batch torch finished
    assert (vectors == 7.0).all(axis=1).sum() == 8  # the rest, by the int8 encoder


def test_torch_leaves_a_core_while_the_export_and_calibration_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import torch

    if torch.get_num_threads() < 2:
        pytest.skip("one thread: nothing to leave")
    seen: list[int] = []

    class ThreadsModel(_FakeModel):
        def __call__(self, features: dict[str, Any]) -> dict[str, Any]:
            seen.append(torch.get_num_threads())
            return super().__call__(features)

    embedder, path = _int8_embedder(monkeypatch, tmp_path, ThreadsModel("float32"))
    before = torch.get_num_threads()
    embedder.embed_documents(["one"])
    path.preparing = True
    embedder.embed_documents(["two"])
    path.preparing = False
    embedder.embed_documents(["three"])
    assert seen == [before, before - 1, before] and torch.get_num_threads() == before


def test_preparing_lasts_from_the_export_to_the_end_of_the_calibration(
    model_folder: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    calls: list[Path] = []
    exports = BackgroundExports(fake_exporter(calls))
    path = Int8Path(tmp_path / "onnx", exports)
    during: list[bool] = []

    path.prepare(model_folder, False, lambda: during.append(path.preparing) or "float32", lambda _open: None)
    wait_for(exports)

    assert calls and during == [True] and path.preparing is False
    path.prepare(model_folder, False, lambda: "float32", lambda _open: None)  # cached: nothing to prepare
    assert path.preparing is False


def test_the_session_opens_on_every_core_whatever_the_handing_thread_was_set_to(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A thread started while another had lowered torch's count inherits it; the session must not."""
    import torch

    from desktop_search.core.model import int8_path

    monkeypatch.setattr(int8_path, "physical_cores", lambda: 3)
    path = Int8Path(tmp_path / "onnx")
    opened: list[int] = []
    monkeypatch.setattr(path, "open", lambda p, threads: opened.append(threads) or True)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        path._attach(tmp_path / "model-int8.onnx", lambda open_encoder: open_encoder())
    finally:
        torch.set_num_threads(threads)
    assert opened == [3]
