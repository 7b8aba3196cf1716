"""Helpers shared by the benchmarks: paths, offline environment, the real model, percentiles.

The benchmarks index and search through the Engine (``from desktop_search.core import Engine``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CACHE = REPO / "benchmarks" / ".cache"
TEST_CACHE = REPO / ".test-cache"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
if TEST_CACHE.exists():
    os.environ.setdefault("DESKTOP_SEARCH_CACHE_DIR", str(TEST_CACHE))
sys.path.insert(0, str(REPO))


def eprint(*args: object) -> None:
    print(*args, file=sys.stderr, flush=True)


def tuning(text: str) -> dict[str, float]:
    """The search parameters of a ``--tune`` option, ``"rrf_k=30,code_factor=1"`` (empty: none), for
    ``Engine.tune_search``."""
    return {name: float(value) for name, value in (pair.split("=") for pair in text.split(",") if pair)}


def real_embedder(precision: str | None = None, threads: int | None = None):
    """The default model on the CPU (the converted offline copy, cached like the tests' one).

    ``threads`` caps torch's intra-op threads. On a shared, oversubscribed CPU one thread embeds a
    query ~10x faster than two (measured 76 ms vs 703 ms at load average 12 on 2 cores).
    """
    if threads:
        import torch

        torch.set_num_threads(threads)
    from desktop_search.core.config.paths import resolve_paths
    from desktop_search.core.config.settings import DEFAULT_MODEL
    from desktop_search.core.model.sentence_transformer import SentenceTransformerEmbedder
    from desktop_search.core.model.source import resolve_model_folder

    home = TEST_CACHE / "home" if TEST_CACHE.exists() else None
    folder = resolve_model_folder(DEFAULT_MODEL, resolve_paths(home))
    from desktop_search.core.model.onnx_export import onnx_dir

    precision = precision or os.environ.get("DESKTOP_SEARCH_PRECISION", "float32")
    exports = onnx_dir(resolve_paths(home).cache_dir, DEFAULT_MODEL)  # int8: the cached ONNX export
    embedder = SentenceTransformerEmbedder(
        DEFAULT_MODEL, folder, device="cpu", precision=precision, onnx_folder=exports
    )
    embedder.load()
    return embedder


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    pos = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[pos]
