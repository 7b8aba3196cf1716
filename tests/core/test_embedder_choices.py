"""Device, precision, batch-size and prompt choices of the embedder, with small fake torch modules."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from desktop_search.core.model.device import GiB, choose_batch_size, choose_device, default_precision
from desktop_search.core.model.sentence_transformer import uses_e5_prompts


def fake_torch(cuda: bool = False, mps: bool | None = False) -> SimpleNamespace:
    backends = (
        SimpleNamespace() if mps is None else SimpleNamespace(mps=SimpleNamespace(is_available=lambda: mps))
    )
    return SimpleNamespace(cuda=SimpleNamespace(is_available=lambda: cuda), backends=backends)


@pytest.mark.parametrize(
    ("preference", "cuda", "mps", "expected"),
    [
        ("auto", True, False, "cuda"),
        ("auto", True, True, "cuda"),
        ("auto", False, True, "mps"),
        ("auto", False, False, "cpu"),
        ("auto", False, None, "cpu"),  # an old torch without torch.backends.mps
        ("cpu", True, True, "cpu"),
        ("cuda", True, False, "cuda"),
        ("cuda", False, True, "cpu"),  # asked for but missing: CPU, not a failure
        ("mps", False, True, "mps"),
        ("mps", True, False, "cpu"),
    ],
)
def test_choose_device(preference: str, cuda: bool, mps: bool | None, expected: str) -> None:
    assert choose_device(preference, fake_torch(cuda, mps)) == expected


def test_default_precision_is_half_on_gpus_only() -> None:
    assert default_precision("cuda") == "float16"
    assert default_precision("mps") == "float16"
    assert default_precision("cpu") == "float32"


@pytest.mark.parametrize(
    ("free", "expected"),
    [(None, 64), (int(0.5 * GiB), 16), (2 * GiB, 64), (5 * GiB, 128), (70 * GiB, 256)],
)
def test_cuda_batch_size_grows_with_free_memory(free: int | None, expected: int) -> None:
    assert choose_batch_size("cuda", free) == expected


def test_batch_size_on_cpu_mps_and_configured() -> None:
    assert choose_batch_size("cpu") == 32
    assert choose_batch_size("mps") == 64
    assert choose_batch_size("cuda", 70 * GiB, configured=8) == 8
    assert choose_batch_size("cpu", configured=100) == 100


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("intfloat/multilingual-e5-small", True),
        ("intfloat/e5-base-v2", True),
        ("intfloat/multilingual-e5-large-instruct", True),
        ("/models/intfloat--multilingual-e5-small", True),
        ("sentence-transformers/all-MiniLM-L6-v2", False),
        ("BAAI/bge-m3", False),
        ("someone/e5mistral", False),
    ],
)
def test_uses_e5_prompts(name: str, expected: bool) -> None:
    assert uses_e5_prompts(name) is expected


CPU_BUILD = "cuda: Optional[str] = None\nhip: Optional[str] = None\nxpu: Optional[str] = None\n"
CUDA_BUILD = "cuda: Optional[str] = '12.8'\nhip: Optional[str] = None\nxpu: Optional[str] = None\n"


@pytest.mark.parametrize(
    ("preference", "version_file", "expected"),
    [
        ("cpu", CUDA_BUILD, "cpu"),  # the setting alone decides
        ("auto", CPU_BUILD, "cpu"),  # a CPU-only torch build can offer nothing else
        ("auto", CUDA_BUILD, None),  # only torch knows whether the GPU is there
        ("auto", "cuda = None\n", None),  # an older or unknown file: ask torch
        ("cuda", CPU_BUILD, None),
    ],
)
def test_the_device_is_known_without_torch_only_when_nothing_else_is_possible(
    monkeypatch: pytest.MonkeyPatch, tmp_path, preference: str, version_file: str, expected: str | None
) -> None:
    import importlib.util

    from desktop_search.core.model import device

    (tmp_path / "version.py").write_text(version_file)
    spec = SimpleNamespace(submodule_search_locations=[str(tmp_path)])
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: spec if name == "torch" else None)
    monkeypatch.setattr(device.sys, "platform", "linux")
    assert device.device_without_torch(preference) == expected


def test_physical_cores_reads_cores_not_hyperthreads(monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_search.core.model import device

    cpuinfo = "\n\n".join(f"processor : {n}\nphysical id : 0\ncore id : {n % 4}" for n in range(8))
    monkeypatch.setattr(device.Path, "read_text", lambda self, **kw: cpuinfo)
    monkeypatch.setattr(device.os, "cpu_count", lambda: 8)
    assert device.physical_cores() == 4
