"""CPU precision: calibration, the stored choice, the environment override and the real bf16 path."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from desktop_search.core.config.paths import AppPaths
from desktop_search.core.model import precision as prec
from desktop_search.core.model.calibration import MIN_AGREEMENT, calibrate
from desktop_search.core.model.calibration_passages import calibration_passages
from desktop_search.core.model.candidates import CandidateLoader
from desktop_search.core.model.device import effective_precision
from desktop_search.core.model.precision import (
    PRECISION_ENV,
    cached_choice,
    choice_path,
    cpu_signature,
    env_precision,
    resolve_cpu_precision,
)
from desktop_search.core.model.sentence_transformer import SentenceTransformerEmbedder
from tests.support.fake_embedder import HashEmbedder

PASSAGES = calibration_passages(8)
MODEL = "test/model"


@functools.cache
def _hashed(text: str) -> np.ndarray:
    return HashEmbedder(dimension=64).embed_query(text)


def candidate(delay: float, noise: float = 0.0, fail: bool = False, loads: list[str] | None = None, name=""):
    """A loader of a fake encoder: hashed vectors, ``delay`` seconds per call, optional perturbation."""

    def load() -> Any:
        if loads is not None:
            loads.append(name)
        if fail:
            raise RuntimeError("this precision is not supported here")
        rng = np.random.default_rng(0)

        def encode(texts: Sequence[str]) -> np.ndarray:
            time.sleep(delay)  # the encoder's cost: hashing is cached so the sleep dominates
            vectors = np.stack([_hashed(t) for t in texts])
            if noise:
                vectors = vectors + noise * rng.standard_normal(vectors.shape).astype(np.float32)
            return vectors

        return encode

    return load


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    return AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "cache", tmp_path / "logs")


@pytest.fixture(autouse=True)
def no_env_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PRECISION_ENV, raising=False)


def test_a_faster_candidate_that_disagrees_is_never_chosen() -> None:
    result = calibrate(
        {"float32": candidate(0.03), "bfloat16": candidate(0.001, noise=0.5)}, PASSAGES, repeats=1
    )
    assert result.choice == "float32"
    wrong = result.results[1]
    assert wrong.precision == "bfloat16" and wrong.agreement < MIN_AGREEMENT and not wrong.usable


def test_the_fastest_agreeing_candidate_wins() -> None:
    result = calibrate(
        {
            "float32": candidate(0.04),
            "bfloat16": candidate(0.005, noise=0.001),  # near-identical and faster
            "int8": candidate(0.001, noise=0.3),  # fastest, but wrong
        },
        PASSAGES,
    )
    assert result.choice == "bfloat16"
    assert result.speedup("bfloat16") > 2
    assert {r.precision: r.usable for r in result.results} == {
        "float32": True,
        "bfloat16": True,
        "int8": False,
    }


def test_a_burst_of_load_during_one_candidates_turn_does_not_decide() -> None:
    """Candidates take turns, and each one's best run counts: a burst of load (the indexer's text
    extraction beside a first start's calibration) that falls on one timed probe and one timed pass of
    bfloat16 leaves its other turns to show its speed."""
    calls: list[str] = []
    burst = {4, 5, 8}  # 1-based encoder calls: bfloat16's first timed probe and first timed pass

    def loader(name: str, delay: float):
        def load() -> Any:
            def encode(texts: Sequence[str]) -> np.ndarray:
                calls.append(name)
                time.sleep(delay * (30 if len(calls) in burst else 1))
                return np.stack([_hashed(t) for t in texts])

            return encode

        return load

    result = calibrate({"float32": loader("float32", 0.02), "bfloat16": loader("bfloat16", 0.004)}, PASSAGES)
    assert calls[:6] == ["float32", "bfloat16"] * 3  # warm-up, then two timed probes, in turns
    assert calls[6:] == ["float32", "bfloat16"] * 2  # the full passes, in turns
    assert result.choice == "bfloat16" and result.speedup("bfloat16") > 2


def test_a_failing_candidate_falls_back_to_float32() -> None:
    result = calibrate({"float32": candidate(0.01), "int8": candidate(0.0, fail=True)}, PASSAGES, repeats=1)
    assert result.choice == "float32"
    assert "not supported here" in result.results[1].error


def test_no_real_gain_keeps_float32() -> None:
    slower = calibrate({"float32": candidate(0.02), "bfloat16": candidate(0.06)}, PASSAGES, repeats=1)
    assert slower.choice == "float32"
    small_gain = calibrate(
        {"float32": candidate(0.04), "bfloat16": candidate(0.01)}, PASSAGES, repeats=1, min_speedup=20
    )
    assert small_gain.choice == "float32"


def test_the_choice_persists_and_is_remeasured_when_the_cpu_changes(
    paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads: list[str] = []
    candidates: dict[str, CandidateLoader] = {
        "float32": candidate(0.03, loads=loads, name="float32"),
        "bfloat16": candidate(0.003, noise=0.001, loads=loads, name="bfloat16"),
    }
    machine = {"cpu": "Old CPU", "cpu_flags": ["avx2"]}
    monkeypatch.setattr(prec, "cpu_signature", lambda model: {"model": model, **machine, "torch": "2.x"})

    assert cached_choice(MODEL, paths) is None
    assert resolve_cpu_precision(MODEL, Path("unused"), paths, candidates=candidates) == "bfloat16"
    assert loads == ["float32", "bfloat16"]
    stored = json.loads(choice_path(paths).read_text())["models"][MODEL]
    assert stored["choice"] == "bfloat16" and stored["signature"]["cpu"] == "Old CPU"
    assert [r["precision"] for r in stored["results"]] == ["float32", "bfloat16"]

    # Same machine: read back, nothing measured.
    assert cached_choice(MODEL, paths) == "bfloat16"
    assert resolve_cpu_precision(MODEL, Path("unused"), paths, candidates=candidates) == "bfloat16"
    assert len(loads) == 2

    # A new processor (here one whose bf16 is slow) is measured again and the new answer stored.
    machine.update(cpu="New CPU", cpu_flags=["avx2", "avx512_bf16"])
    assert cached_choice(MODEL, paths) is None
    candidates["bfloat16"] = candidate(0.1, noise=0.001, loads=loads, name="bfloat16")
    assert resolve_cpu_precision(MODEL, Path("unused"), paths, candidates=candidates) == "float32"
    assert len(loads) == 4
    assert cached_choice(MODEL, paths) == "float32"

    # Another model is measured on its own; the first model's record stays.
    resolve_cpu_precision("test/other", Path("unused"), paths, candidates=candidates)
    assert len(loads) == 6
    assert cached_choice(MODEL, paths) == "float32"


def test_a_broken_reference_gives_float32_and_stores_nothing(paths: AppPaths) -> None:
    candidates = {"float32": candidate(0.0, fail=True), "bfloat16": candidate(0.0)}
    assert resolve_cpu_precision(MODEL, Path("unused"), paths, candidates=candidates) == "float32"
    assert not choice_path(paths).exists()


def test_an_unreadable_choice_file_is_remeasured(paths: AppPaths) -> None:
    choice_path(paths).parent.mkdir(parents=True)
    choice_path(paths).write_text("{not json")
    assert cached_choice(MODEL, paths) is None
    candidates = {"float32": candidate(0.0)}
    assert resolve_cpu_precision(MODEL, Path("unused"), paths, candidates=candidates) == "float32"
    assert cached_choice(MODEL, paths) == "float32"


def test_environment_override(paths: AppPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[str] = []
    candidates = {"float32": candidate(0.0, loads=loads, name="float32")}
    monkeypatch.setenv(PRECISION_ENV, "BFloat16")
    assert env_precision() == "bfloat16"
    assert resolve_cpu_precision(MODEL, Path("unused"), paths, candidates=candidates) == "bfloat16"
    assert loads == []  # the override skips calibration
    # The override beats the setting on every device; a precision a device cannot run becomes its default.
    assert effective_precision("float32", "cpu", env_precision()) == "bfloat16"
    assert effective_precision("auto", "cuda", "float32") == "float32"
    assert effective_precision("auto", "cuda", "int8") == "float16"
    for unset in ("auto", "", "fast"):
        monkeypatch.setenv(PRECISION_ENV, unset)
        assert env_precision() is None


@pytest.mark.parametrize(
    ("setting", "device", "expected"),
    [
        ("auto", "cpu", "int8"),  # the calibrated choice
        ("float32", "cpu", "float32"),
        ("bfloat16", "cpu", "bfloat16"),
        ("float16", "cpu", "float32"),  # fp16 matmuls are slow or missing on CPUs
        ("auto", "cuda", "float16"),
        ("auto", "mps", "float16"),
        ("bfloat16", "cuda", "bfloat16"),
        ("int8", "mps", "float16"),
    ],
)
def test_effective_precision(setting: str, device: str, expected: str) -> None:
    assert effective_precision(setting, device, None, lambda: "int8") == expected


def test_auto_without_calibration_is_float32() -> None:
    assert effective_precision("auto", "cpu") == "float32"


def test_cpu_signature_describes_this_machine() -> None:
    signature = cpu_signature(MODEL)
    assert signature["model"] == MODEL and signature["cpu"] and signature["torch"]
    assert isinstance(signature["cpu_flags"], list)
    assert cpu_signature(MODEL) == signature  # stable, or every start would re-measure


class _FakeTokenizer:
    """A "slow" tokenizer (no shared Rust backend): three ids per text."""

    pad_token_id = 1

    def __call__(self, texts: list[str], **_kwargs: Any) -> dict[str, list[list[int]]]:
        return {"input_ids": [[0, 5, 2] for _ in texts]}


class _FakeModel:
    """Stands in for a SentenceTransformer in the embedder's load path."""

    max_seq_length = 512

    def __init__(self, precision: str) -> None:
        import torch

        self.precision = precision
        self.prompts = {"query": "query: ", "document": "passage: "}
        self.tokenizer = _FakeTokenizer()
        self.device = torch.device("cpu")
        self.dtype = torch.bfloat16 if precision == "bfloat16" else torch.float32

    def get_sentence_embedding_dimension(self) -> int:
        return 4

    def encode(self, texts: list[str], **_kwargs: Any) -> Any:
        import torch

        return torch.ones((len(texts), 4), dtype=self.dtype)

    def __call__(self, features: dict[str, Any]) -> dict[str, Any]:
        return {"sentence_embedding": self.encode(list(features["input_ids"]))}


def test_embedder_uses_the_calibrated_choice_and_falls_back_when_it_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from desktop_search.core.model import sentence_transformer as emb

    asked: list[str] = []

    def fake_load(folder: Path, device: str, precision: str) -> _FakeModel:
        asked.append(precision)
        if precision == "int8":
            raise RuntimeError("no quantized engine")
        return _FakeModel(precision)

    monkeypatch.setattr(emb, "load_model", fake_load)
    chosen = SentenceTransformerEmbedder(
        MODEL, Path("x"), device="cpu", cpu_precision=lambda m, f: "bfloat16"
    )
    chosen.load()
    assert chosen.precision == "bfloat16"
    vectors = chosen.embed_documents(["one", "two"])
    assert vectors.dtype == np.float32 and vectors.shape == (2, 4)  # bf16 tensors come out as float32 numpy

    failing = SentenceTransformerEmbedder(MODEL, Path("x"), device="cpu", cpu_precision=lambda m, f: "int8")
    failing.load()
    assert failing.precision == "float32"  # int8 runs through ONNX: torch float32 serves meanwhile
    assert asked[-1] == "float32"

    monkeypatch.setenv(PRECISION_ENV, "float32")
    overridden = SentenceTransformerEmbedder(
        MODEL, Path("x"), device="cpu", precision="bfloat16", cpu_precision=lambda m, f: "int8"
    )
    overridden.load()
    assert overridden.precision == "float32"


SHORT_TEXTS = [
    "The railway line between Cologne and Frankfurt closes in summer.",
    "Die Bahnstrecke zwischen Köln und Frankfurt wird im Sommer gesperrt.",
    "新しい図書館は駅から歩いて五分の場所にあります。",
    "Поиск работает без подключения к интернету.",
]


@pytest.mark.model
def test_bfloat16_vectors_agree_with_float32(real_model_folder: Path, real_encoder: Any) -> None:
    # Short texts: where the CPU has no native bf16 (AVX2 only), PyTorch emulates it ~8x slower.
    bf16 = SentenceTransformerEmbedder(
        real_encoder.model_name, real_model_folder, device="cpu", precision="bfloat16"
    )
    bf16.load()
    assert bf16.precision == "bfloat16"
    docs = bf16.embed_documents(SHORT_TEXTS)
    query = bf16.embed_query("Wann wird die Bahnstrecke gesperrt?")
    assert docs.dtype == np.float32 and query.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(docs * real_encoder.embed_documents(SHORT_TEXTS), axis=1)
    assert cosines.min() >= 0.995, cosines
    assert float(query @ real_encoder.embed_query("Wann wird die Bahnstrecke gesperrt?")) >= 0.995


def test_half_precision_that_fails_on_mps_falls_back_to_float32(monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_search.core.model import sentence_transformer as emb

    class NanModel(_FakeModel):
        def encode(self, texts: list[str], **_kwargs: Any) -> Any:
            import torch

            return torch.full((len(texts), 4), float("nan"), dtype=torch.float16)

    monkeypatch.setattr(emb, "choose_device", lambda preference, torch_module: "mps")
    monkeypatch.setattr(emb, "load_model", lambda f, d, p: NanModel(p) if p == "float16" else _FakeModel(p))
    embedder = SentenceTransformerEmbedder(MODEL, Path("x"), device="mps")
    embedder.load()
    assert embedder.precision == "float32" and embedder.device == "mps"


def test_a_choice_stored_by_an_older_version_is_measured_again(
    paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    signature = {"model": MODEL, "cpu": "Some CPU", "cpu_flags": ["avx2"], "torch": "2.x"}
    monkeypatch.setattr(prec, "cpu_signature", lambda model: dict(signature))
    old = {"version": 1, "models": {MODEL: {"choice": "int8", "signature": signature, "int8_ready": True}}}
    choice_path(paths).parent.mkdir(parents=True, exist_ok=True)
    choice_path(paths).write_text(json.dumps(old))
    assert cached_choice(MODEL, paths) is None  # version 1 was measured with torch on one thread
    loads: list[str] = []
    candidates: dict[str, CandidateLoader] = {"float32": candidate(0.03, loads=loads, name="float32")}
    assert resolve_cpu_precision(MODEL, Path("unused"), paths, candidates=candidates) == "float32"
    assert json.loads(choice_path(paths).read_text())["version"] == prec.FILE_VERSION


def test_bfloat16_is_measured_only_where_it_is_native() -> None:
    avx2 = {"cpu_flags": ["avx2"]}
    assert prec.auto_candidates(avx2, int8_ready=False) == ("float32",)
    assert prec.auto_candidates(avx2, int8_ready=True) == ("float32", "int8")
    for native in (["avx2", "avx512f", "amx_bf16"], ["avx512_bf16"], ["asimddp", "bf16"], ["FEAT_BF16"]):
        assert prec.auto_candidates({"cpu_flags": native}, int8_ready=True) == ("float32", "bfloat16", "int8")


def test_with_float32_the_only_candidate_nothing_is_measured_or_stored(
    paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first start on an AVX2 CPU: no native bfloat16, int8 not exported yet; the model loads at once."""
    monkeypatch.setattr(prec, "cpu_signature", lambda model: {"model": model, "cpu_flags": ["avx2"]})

    def measured(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("nothing to measure")

    monkeypatch.setattr(prec, "calibrate_in_subprocess", measured)
    assert resolve_cpu_precision(MODEL, Path("unused"), paths, onnx_folder=None) == "float32"
    assert not choice_path(paths).exists()
