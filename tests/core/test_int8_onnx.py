"""int8 on the CPU through ONNX Runtime: calibration accepts and rejects it, the export is cached by
checksum (a damaged one is made again), a failed export leaves torch serving, and the real export
agrees with float32 and searches through the real stack."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from desktop_search.core.model.calibration import MIN_AGREEMENT, calibrate
from desktop_search.core.model.int8_path import Int8Path
from desktop_search.core.model.onnx_export import (
    INT8_FILE,
    BackgroundExports,
    cached_export,
    cached_failure,
    export_in_subprocess,
    install_export,
    model_checksum,
)
from tests.core.test_precision import PASSAGES, candidate

POOLING = {"mode": "mean", "normalize": True}


def test_int8_is_chosen_when_it_is_faster_and_agrees() -> None:
    result = calibrate({"float32": candidate(0.03), "int8": candidate(0.01, noise=0.001)}, PASSAGES)
    int8 = next(r for r in result.results if r.precision == "int8")
    assert result.choice == "int8" and int8.agreement >= MIN_AGREEMENT and not int8.error


def test_a_fast_int8_whose_vectors_are_wrong_is_rejected() -> None:
    result = calibrate({"float32": candidate(0.03), "int8": candidate(0.001, noise=0.5)}, PASSAGES)
    int8 = next(r for r in result.results if r.precision == "int8")
    assert result.choice == "float32" and int8.agreement < MIN_AGREEMENT


def test_int8_without_an_export_is_an_erroring_candidate(tmp_path: Path) -> None:
    from desktop_search.core.model.candidates import model_candidates

    loaders = model_candidates(tmp_path, ("float32", "int8"), tmp_path / "onnx")
    with pytest.raises(RuntimeError, match="not ready"):
        loaders["int8"]()


@pytest.fixture
def model_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text('{"hidden_size": 4}')
    (folder / "model.safetensors").write_bytes(b"weights")
    return folder


def fake_exporter(calls: list[Path]) -> Any:
    """Writes a stand-in int8 file with a real manifest (checksums), as the real export would."""

    def export(model_folder: Path, folder: Path) -> Path:
        calls.append(folder)
        work = folder.parent / "work"
        work.mkdir(parents=True)
        (work / INT8_FILE).write_bytes(b"onnx bytes")
        install_export(work, folder, model_checksum(model_folder), POOLING)
        return folder / INT8_FILE

    return export


def _ignore(open_encoder: Any) -> None:
    """An embedder's switch that does nothing with the ready export."""


def wait_for(exports: BackgroundExports) -> None:
    for thread in threading.enumerate():
        if thread.name == "onnx-export":
            thread.join(30)


def test_file_hashes_are_remembered_while_the_file_is_untouched(tmp_path: Path) -> None:
    from desktop_search.core.model.onnx_export import _sha256

    weights, memo = tmp_path / "model.safetensors", tmp_path / "memo.json"
    weights.write_bytes(b"weights one")
    first = _sha256(weights, memo)
    assert first == _sha256(weights) and memo.is_file()
    stat = weights.stat()
    with weights.open("r+b") as fh:  # same size, same inode, modification time put back
        fh.write(b"WEIGHTS")
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert _sha256(weights, memo) == first  # remembered, not read
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1000))
    assert _sha256(weights, memo) == _sha256(weights) != first  # touched: hashed again
    blocked = tmp_path / "plain-file"
    blocked.write_text("x")
    assert _sha256(weights, blocked / "memo.json") == _sha256(weights)  # an unwritable memo is no error


def test_an_export_is_reused_by_checksum_and_a_damaged_one_is_made_again(
    model_folder: Path, tmp_path: Path
) -> None:
    calls: list[Path] = []
    exports = BackgroundExports(fake_exporter(calls))
    onnx = tmp_path / "onnx"
    path = Int8Path(onnx, exports)
    path.prepare(model_folder, True, None, _ignore)
    wait_for(exports)
    assert len(calls) == 1 and cached_export(model_folder, onnx) == onnx / INT8_FILE

    Int8Path(onnx, exports).prepare(model_folder, True, None, _ignore)  # cached: no new export
    wait_for(exports)
    assert len(calls) == 1

    (onnx / INT8_FILE).write_bytes(b"onnx bytez")  # damaged on disk
    assert cached_export(model_folder, onnx) is None
    Int8Path(onnx, exports).prepare(model_folder, True, None, _ignore)
    wait_for(exports)
    assert len(calls) == 2 and cached_export(model_folder, onnx) is not None

    (model_folder / "model.safetensors").write_bytes(b"other weights")  # a changed model
    assert cached_export(model_folder, onnx) is None


def test_a_failed_export_leaves_torch_and_logs_why(
    model_folder: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[Path] = []

    def failing(model_folder: Path, folder: Path) -> Path:
        calls.append(folder)
        raise RuntimeError("unsupported operator Foo")

    exports = BackgroundExports(failing)
    onnx = tmp_path / "onnx"
    ready: list[bool] = []
    path = Int8Path(onnx, exports)
    with caplog.at_level(logging.WARNING):
        path.prepare(model_folder, True, None, lambda open_encoder: ready.append(True))
        wait_for(exports)
    assert path.encoder is None and not ready
    assert "unsupported operator Foo" in caplog.text and "torch serves" in caplog.text
    assert "unsupported operator Foo" in (cached_failure(model_folder, onnx) or "")

    caplog.clear()
    with caplog.at_level(logging.WARNING):  # the next start does not export again, and says why
        Int8Path(onnx, exports).prepare(model_folder, True, None, lambda open_encoder: ready.append(True))
        wait_for(exports)
    assert len(calls) == 1 and not ready and "export failed" in caplog.text


def test_an_export_cut_short_by_the_app_ending_is_tried_again(model_folder: Path, tmp_path: Path) -> None:
    from desktop_search.core.model.onnx_export import ExportInterrupted

    calls: list[Path] = []

    def interrupted(model_folder: Path, folder: Path) -> Path:
        calls.append(folder)
        raise ExportInterrupted("the app ended before the export was done")

    onnx = tmp_path / "onnx"
    exports = BackgroundExports(interrupted)
    Int8Path(onnx, exports).prepare(model_folder, True, None, _ignore)
    wait_for(exports)
    assert cached_failure(model_folder, onnx) is None  # not remembered as a failure
    Int8Path(onnx, exports).prepare(model_folder, True, None, _ignore)
    wait_for(exports)
    assert len(calls) == 2


def test_an_export_that_fails_in_its_child_says_why_and_leaves_no_work_behind(
    model_folder: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "onnx" / "e5"
    folder.parent.mkdir()
    with pytest.raises(RuntimeError) as raised:
        export_in_subprocess(model_folder, folder)  # weights that are not a model: the first step fails
    assert "Error" in str(raised.value)
    assert str(raised.value) == cached_failure(model_folder, folder)  # remembered: not retried every start
    assert sorted(p.name for p in folder.parent.iterdir()) == ["e5", "sha256-memo.json"]  # no work folder
    assert cached_export(model_folder, folder) is None


def test_the_export_finds_onnx_runtimes_bare_named_modules() -> None:
    import sys

    from desktop_search.core.model.onnx_export import _alias_ort_transformer_modules

    _alias_ort_transformer_modules()
    assert sys.modules["fusion_utils"].__name__ == "onnxruntime.transformers.fusion_utils"


def test_auto_exports_in_the_background_then_recalibrates(model_folder: Path, tmp_path: Path) -> None:
    calls: list[Path] = []
    exports = BackgroundExports(fake_exporter(calls))
    asked: list[str] = []
    path = Int8Path(tmp_path / "onnx", exports)
    path.prepare(model_folder, False, lambda: asked.append("calibrated") or "float32", _ignore)
    wait_for(exports)
    assert calls and asked == ["calibrated"] and path.encoder is None  # calibration kept float32


def test_the_embedder_keeps_torch_when_the_export_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from desktop_search.core.model import sentence_transformer as emb
    from desktop_search.core.model.sentence_transformer import SentenceTransformerEmbedder
    from tests.core.test_precision import _FakeModel

    loaded: list[str] = []
    monkeypatch.setattr(emb, "load_model", lambda f, d, p: loaded.append(p) or _FakeModel(p))
    monkeypatch.setenv("DESKTOP_SEARCH_PRECISION", "int8")

    def failing(model_folder: Path, folder: Path) -> Path:
        raise RuntimeError("no exporter here")

    exports = BackgroundExports(failing)
    folder = tmp_path / "model"
    folder.mkdir()
    embedder = SentenceTransformerEmbedder(
        "test/model", folder, device="cpu", int8_path=Int8Path(tmp_path / "onnx", exports)
    )
    embedder.load()
    wait_for(exports)
    assert loaded == ["float32"] and embedder.precision == "float32"
    assert embedder.embed_documents(["one"]).shape == (1, 4)


class _ReadyWhenTold(Int8Path):
    """An int8 path whose export is 'ready' when the test calls :attr:`ready` (the embedder's switch)."""

    def __init__(self) -> None:
        super().__init__(None)
        self.ready: Any = None

    def prepare(self, model_folder: Path, wanted: bool, recalibrate: Any, on_ready: Any) -> None:
        self.ready = on_ready


def _embedder_mid_batch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[Any, Any, Any]:
    """An int8 embedder still on torch, with one document batch held inside the torch forward pass."""
    from desktop_search.core.model import sentence_transformer as emb
    from desktop_search.core.model.sentence_transformer import SentenceTransformerEmbedder
    from tests.core.test_precision import _FakeModel

    inside, release, done = threading.Event(), threading.Event(), threading.Event()

    class SlowModel(_FakeModel):
        def __call__(self, features: dict[str, Any]) -> dict[str, Any]:
            inside.set()
            release.wait(10)
            done.set()
            return super().__call__(features)

    monkeypatch.setattr(emb, "load_model", lambda f, d, p: SlowModel(p))
    monkeypatch.setattr(emb, "drop_weights", lambda model: setattr(model, "dropped", True))
    monkeypatch.setenv("DESKTOP_SEARCH_PRECISION", "int8")
    (tmp_path / "model").mkdir()
    path = _ReadyWhenTold()
    embedder = SentenceTransformerEmbedder("test/model", tmp_path / "model", device="cpu", int8_path=path)
    embedder.load()
    batch = threading.Thread(target=embedder.embed_documents, args=(["one", "two"],))
    batch.start()
    assert inside.wait(10)
    return embedder, path, (release, batch, done)


def test_the_onnx_session_opens_only_once_no_torch_batch_is_in_flight(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The session's start never adds to a torch batch's activations (the first start's peak memory)."""
    embedder, path, (release, batch, done) = _embedder_mid_batch(monkeypatch, tmp_path)
    opened: list[bool] = []

    def open_encoder() -> bool:
        opened.append(done.is_set() and embedder.model.dropped)  # after the batch, without the weights
        return True

    switch = threading.Thread(target=path.ready, args=(open_encoder,))
    switch.start()
    switch.join(0.3)
    assert not opened and embedder.precision == "float32"  # waits for the batch
    release.set()
    switch.join(10)
    batch.join(10)
    assert opened == [True] and embedder.precision == "int8" and embedder.model.dropped


def test_a_session_that_cannot_open_brings_torch_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    embedder, path, (release, batch, _done) = _embedder_mid_batch(monkeypatch, tmp_path)
    release.set()
    batch.join(10)
    dropped = embedder.model
    path.ready(lambda: False)
    assert dropped.dropped and embedder.model is not dropped  # loaded again
    assert embedder.precision == "float32" and not hasattr(embedder.model, "dropped")
    assert embedder.embed_documents(["three"]).shape == (1, 4)


class _CachedExport(Int8Path):
    """An int8 path whose export is already cached: :meth:`open` records the threads and serves a
    fake session (ones, like the fake torch model)."""

    def __init__(self) -> None:
        super().__init__(None)
        self.opened: list[int] = []
        self.fail_next = False

    def cached(self, model_folder: Path) -> Path | None:
        return model_folder / "model-int8.onnx"

    def open(self, path: Path, threads: int) -> bool:
        self.encoder = None
        if self.fail_next:
            self.fail_next = False
            return False
        self.opened.append(threads)
        self.encoder = SimpleNamespace(encode=lambda ids, mask: np.ones((len(ids), 384), np.float32))  # type: ignore[assignment]
        return True


def _alone_during_phase_one(
    monkeypatch: pytest.MonkeyPatch, folder: Path
) -> tuple[Any, _CachedExport, list[str]]:
    """An int8 embedder on a 4-core machine whose export is cached, loaded while indexing's phase 1
    runs; the precisions torch was asked to load (none, as long as the session serves)."""
    from desktop_search.core.model import sentence_transformer as emb

    loaded: list[str] = []
    monkeypatch.setattr(emb, "load_model", lambda f, d, p: loaded.append(p))
    monkeypatch.setattr(emb, "physical_cores", lambda: 4)
    monkeypatch.setenv("DESKTOP_SEARCH_PRECISION", "int8")
    path = _CachedExport()
    embedder = emb.SentenceTransformerEmbedder("test/e5", folder, device="cpu", int8_path=path)
    embedder.spare_a_core(True)  # indexing's phase 1 runs
    embedder.load()
    return embedder, path, loaded


@pytest.mark.model
def test_a_cached_export_serves_alone_on_one_core_fewer_until_phase_one_ends(
    monkeypatch: pytest.MonkeyPatch, real_model_folder: Path
) -> None:
    from desktop_search.core.model.onnx_only import OnnxOnlyModel

    embedder, path, loaded = _alone_during_phase_one(monkeypatch, real_model_folder)
    assert isinstance(embedder.model, OnnxOnlyModel) and embedder.precision == "int8"
    assert path.opened == [3] and embedder.dimension == 384 and embedder.max_tokens == 512
    assert embedder.embed_documents(["one", "two"]).shape == (2, 384)
    assert embedder.embed_query("three").shape == (384,)
    embedder.spare_a_core(False)  # phase 1 is over: the session opens again on every core
    assert path.opened == [3, 4] and not loaded
    assert embedder.embed_documents(["four"]).shape == (1, 384)


@pytest.mark.model
def test_a_session_that_cannot_reopen_keeps_its_threads(
    monkeypatch: pytest.MonkeyPatch, real_model_folder: Path
) -> None:
    embedder, path, loaded = _alone_during_phase_one(monkeypatch, real_model_folder)
    path.fail_next = True
    embedder.spare_a_core(False)
    assert path.opened == [3, 3] and not loaded and embedder.precision == "int8"
    assert embedder.embed_query("one").shape == (384,)


def test_without_a_cached_export_torch_serves_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from desktop_search.core.model import sentence_transformer as emb
    from desktop_search.core.model.sentence_transformer import SentenceTransformerEmbedder
    from tests.core.test_precision import _FakeModel

    loaded: list[str] = []
    monkeypatch.setattr(emb, "load_model", lambda f, d, p: loaded.append(p) or _FakeModel(p))
    monkeypatch.setenv("DESKTOP_SEARCH_PRECISION", "int8")
    (tmp_path / "model").mkdir()
    exports = BackgroundExports(fake_exporter([]))
    embedder = SentenceTransformerEmbedder(
        "test/model", tmp_path / "model", device="cpu", int8_path=Int8Path(tmp_path / "onnx", exports)
    )
    embedder.load()
    assert loaded == ["float32"]  # the export is made in the background meanwhile
    wait_for(exports)


# ---------------------------------------------------------------------------------------------
# The real model

TEXTS = [
    "The railway line between Cologne and Frankfurt closes in summer for repairs.",
    "Die Bahnstrecke zwischen Köln und Frankfurt wird im Sommer gesperrt.",
    "新しい図書館は駅から歩いて五分の場所にあります。",
    "Поиск работает без подключения к интернету.",
    "Adults who sleep fewer than six hours a night have a higher risk of heart disease. " * 8,
    "Quarterly revenue dropped sharply because many customers cancelled their subscriptions.",
]


ALONE = f"""
import sys
from pathlib import Path
import numpy as np
from desktop_search.core.model.sentence_transformer import SentenceTransformerEmbedder
TEXTS = {TEXTS!r}
model, export, out = sys.argv[1:]
embedder = SentenceTransformerEmbedder(
    "e5", Path(model), device="auto", precision="auto", onnx_folder=Path(export)
)
embedder.load()
documents = embedder.embed_documents(TEXTS)
queries = np.stack([embedder.embed_query(t) for t in TEXTS[:3]])
np.savez(out, documents=documents, queries=queries)
torch = [m for m in sys.modules if m.split(".")[0] in ("torch", "sentence_transformers", "transformers")]
print(embedder.precision, type(embedder.model).__name__, "torch:" + ",".join(torch) if torch else "no-torch")
"""


@pytest.fixture(scope="module")
def real_export(real_model_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app's way: torch's export and the quantiser in two processes, one after the other."""
    folder = tmp_path_factory.mktemp("onnx") / "e5"
    assert export_in_subprocess(real_model_folder, folder) == folder / INT8_FILE
    assert sorted(p.name for p in folder.parent.iterdir()) == ["e5", "sha256-memo.json"]  # no work left
    assert sorted(p.name for p in folder.iterdir()) == ["export.json", INT8_FILE]
    return folder


@pytest.mark.model
@pytest.mark.slow
def test_int8_vectors_agree_with_float32(
    real_model_folder: Path, real_export: Path, real_encoder, tmp_path: Path
) -> None:
    assert cached_export(real_model_folder, real_export) == real_export / INT8_FILE
    # in a process of its own: the cached export serves alone, without importing torch at all
    child = subprocess.run(
        [sys.executable, "-c", ALONE, str(real_model_folder), str(real_export), str(tmp_path / "v.npz")],
        env={**os.environ, "DESKTOP_SEARCH_PRECISION": "int8"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    assert child.stdout.split() == ["int8", "OnnxOnlyModel", "no-torch"], child.stdout
    int8 = np.load(tmp_path / "v.npz")
    cosines = np.sum(int8["documents"] * real_encoder.embed_documents(TEXTS), axis=1)
    queries = np.array(
        [q @ real_encoder.embed_query(t) for q, t in zip(int8["queries"], TEXTS[:3], strict=True)]
    )
    print(f"int8 vs float32: documents mean {cosines.mean():.4f} min {cosines.min():.4f}; queries {queries}")
    assert cosines.mean() >= MIN_AGREEMENT and cosines.min() >= 0.99
    assert queries.min() >= 0.99


@pytest.mark.model
@pytest.mark.slow
def test_the_real_export_keeps_the_outlier_fed_layer_in_float32(real_export: Path) -> None:
    """multilingual-e5-small: layer 4's feed-forward output takes inputs 40x its 99.9th percentile;
    exported, that MatMul stays float (outlier_inputs), every other weight MatMul is quantised."""
    import onnx

    graph = onnx.load(str(real_export / INT8_FILE), load_external_data=False).graph
    float_weights = {n.name for n in graph.node if n.op_type == "MatMul" and "/self/MatMul" not in n.name}
    assert float_weights == {"/inner/encoder/layer.4/output/dense/MatMul"}
    quantised = [n for n in graph.node if n.op_type in {"MatMulInteger", "DynamicQuantizeMatMul"}]
    assert len(quantised) == 71


@pytest.mark.model
@pytest.mark.slow
def test_search_works_with_int8_forced(
    real_model_folder: Path, real_export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_search.core.config.paths import resolve_paths
    from desktop_search.core.config.settings import DEFAULT_MODEL, Settings
    from desktop_search.core.model.onnx_export import onnx_dir
    from desktop_search.core.model.source import create_embedder
    from desktop_search.core.search.searcher import Searcher
    from desktop_search.core.store.store import Store
    from tests.core.test_search_real import DOCS, index_folder

    monkeypatch.setenv("DESKTOP_SEARCH_PRECISION", "int8")
    paths = resolve_paths(tmp_path / "home")
    target = onnx_dir(paths.cache_dir, DEFAULT_MODEL)  # the cache dir is the shared test cache
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(real_export, target)  # exported once per module
    settings = Settings(model=DEFAULT_MODEL, model_path=str(real_model_folder), device="cpu")
    embedder = create_embedder(settings, paths)
    embedder.load()
    assert embedder.precision == "int8"
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in DOCS.items():
        (docs / name).write_text(text, encoding="utf-8")
    store = Store(tmp_path / "index", DEFAULT_MODEL)
    try:
        index_folder(store, embedder, docs)
        searcher = Searcher(store, embedder)
        assert Path(searcher.search("why did sales fall", k=3)[0].path).name == "finance.txt"
        assert Path(searcher.search("insomnia harms cardiovascular health", k=3)[0].path).name == "sleep.txt"
    finally:
        store.close()


@pytest.mark.model
@pytest.mark.slow
def test_long_passages_reach_the_int8_session_in_batches_within_the_attention_budget(
    real_model_folder: Path, real_export: Path, real_encoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Passages of the model's full 512 tokens go to ONNX Runtime a few at a time (its arena keeps the
    largest attention buffer it served), short ones in whole batches; the vectors still agree with
    float32's."""
    from desktop_search.core.config.paths import resolve_paths
    from desktop_search.core.config.settings import DEFAULT_MODEL, Settings
    from desktop_search.core.model.onnx_encoder import OnnxEncoder
    from desktop_search.core.model.onnx_export import onnx_dir
    from desktop_search.core.model.source import create_embedder
    from desktop_search.core.model.token_batches import ATTENTION_CELLS

    monkeypatch.setenv("DESKTOP_SEARCH_PRECISION", "int8")
    paths = resolve_paths(tmp_path / "home")
    target = onnx_dir(paths.cache_dir, DEFAULT_MODEL)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(real_export, target)
    embedder = create_embedder(
        Settings(model=DEFAULT_MODEL, model_path=str(real_model_folder), device="cpu", batch_size=32), paths
    )
    embedder.load()
    assert embedder.precision == "int8" and embedder.batch_size == 32
    shapes: list[tuple[int, int]] = []
    encode = OnnxEncoder.encode

    def spy(self: OnnxEncoder, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        shapes.append(input_ids.shape)
        return encode(self, input_ids, attention_mask)

    monkeypatch.setattr(OnnxEncoder, "encode", spy)
    long_texts = [" ".join(TEXTS) * 6 + f" ({i})" for i in range(10)]  # past 512 tokens: truncated
    short_texts = [t + f" ({i})" for i in range(4) for t in TEXTS]
    texts = long_texts + short_texts
    vectors = embedder.embed_documents(texts)
    assert all(rows * width * width <= ATTENTION_CELLS for rows, width in shapes)
    assert (8, 512) in shapes and max(rows for rows, _ in shapes) > 8
    cosines = np.sum(vectors * real_encoder.embed_documents(texts), axis=1)
    assert cosines.min() >= 0.99


def test_calibration_in_a_child_process_reports_a_failure(tmp_path: Path) -> None:
    from desktop_search.core.model.calibration_process import calibrate_in_subprocess

    with pytest.raises(RuntimeError):
        calibrate_in_subprocess(tmp_path / "no-model", ("float32", "int8"), tmp_path / "onnx")


@pytest.mark.model
@pytest.mark.slow
def test_calibration_of_the_real_model_runs_in_a_child_process(
    real_model_folder: Path, real_export: Path
) -> None:
    import resource

    from desktop_search.core.model.calibration_process import calibrate_in_subprocess

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    calibration = calibrate_in_subprocess(real_model_folder, ("float32", "int8"), real_export)
    by_name = {r.precision: r for r in calibration.results}
    assert calibration.choice in ("float32", "int8")
    assert by_name["int8"].agreement >= MIN_AGREEMENT and by_name["float32"].passages_per_s > 0
    # the candidates' models lived in the child: this process's peak did not grow by a model
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 150_000  # KiB
