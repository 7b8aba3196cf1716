"""Bare encoder speed on the CPU: torch float32 vs ONNX Runtime float32 vs ONNX Runtime int8.

    python benchmarks/encoder.py [--passages 96] [--threads 2] [--batch 32] [--repeats 2] [--json out.json]

Encodes the first ``--passages`` SciFact abstracts (title and text, with the ``passage:`` prompt, as the
pipeline does) with the same tokenization and length-sorted padded batches for every path, and
prints passages/s, the ratio to torch float32, and the mean and min cosine of each path's vectors to
torch float32. The one-off export + quantisation (in a temporary folder) is timed too.
:func:`bare_speeds` is importable (the indexing benchmark can reuse it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from benchmarks import common  # sets the offline environment and the test cache
from benchmarks.scifact import corpus


def _texts(n: int) -> list[str]:
    return [f"{d.get('title', '')} {d.get('text', '')}".strip() for d in corpus(n)]


def _best_rate(encode: Callable[[], np.ndarray], n: int, repeats: int) -> tuple[float, np.ndarray]:
    vectors = encode()  # warm-up (lazy kernel set-up)
    best = float("inf")
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        vectors = encode()
        best = min(best, time.perf_counter() - start)
    return n / best, vectors


def bare_speeds(
    texts: Sequence[str], threads: int = 2, batch: int = 32, repeats: int = 2, export_dir: Path | None = None
) -> dict[str, Any]:
    """passages/s and agreement of torch float32, ONNX float32 and ONNX int8 on ``texts``."""
    import torch

    from desktop_search.core.config.paths import resolve_paths
    from desktop_search.core.config.settings import DEFAULT_MODEL
    from desktop_search.core.model.loading import load_model
    from desktop_search.core.model.onnx_encoder import OnnxEncoder
    from desktop_search.core.model.onnx_export import FLOAT32_FILE, INT8_FILE, export_int8
    from desktop_search.core.model.source import resolve_model_folder
    from desktop_search.core.model.token_batches import length_sorted_batches, padded, truncate

    torch.set_num_threads(threads)
    home = common.TEST_CACHE / "home" if common.TEST_CACHE.exists() else None
    folder = resolve_model_folder(DEFAULT_MODEL, resolve_paths(home))
    model = load_model(folder, "cpu", "float32")
    tokenizer, limit = model.tokenizer, int(model.max_seq_length)
    rows = [truncate(r, limit) for r in tokenizer(["passage: " + t for t in texts])["input_ids"]]
    batches = [
        (order, *padded([rows[i] for i in order], int(tokenizer.pad_token_id)))
        for order in length_sorted_batches([len(r) for r in rows], batch)
    ]

    dimension_of = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    dimension = int(dimension_of())

    def run(forward: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
        out = np.zeros((len(rows), dimension), dtype=np.float32)
        for order, ids, mask in batches:
            out[order] = forward(ids, mask)
        return out

    def torch_forward(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        features = {"input_ids": torch.from_numpy(ids), "attention_mask": torch.from_numpy(mask)}
        with torch.inference_mode():
            vectors = model(features)["sentence_embedding"].float()
        return (vectors / vectors.norm(dim=1, keepdim=True)).numpy()

    n = len(rows)
    result: dict[str, Any] = {
        "passages": n,
        "mean_tokens": float(np.mean([len(r) for r in rows])),
        "threads": threads,
        "batch": batch,
        "load_average": os.getloadavg()[0],
    }
    rate, reference = _best_rate(lambda: run(torch_forward), n, repeats)
    result["torch_float32"] = {"passages_per_s": rate}
    with tempfile.TemporaryDirectory(dir=export_dir) as tmp:
        start = time.perf_counter()
        export_int8(folder, Path(tmp) / "export", keep_float32=True)
        result["export_and_quantise_s"] = time.perf_counter() - start
        for name, file in (("onnx_float32", FLOAT32_FILE), ("onnx_int8", INT8_FILE)):
            encoder = OnnxEncoder(Path(tmp) / "export" / file, threads, {"mode": "mean", "normalize": True})
            rate, vectors = _best_rate(lambda enc=encoder: run(enc.encode), n, repeats)
            cosines = np.sum(vectors * reference, axis=1)
            result[name] = {
                "passages_per_s": rate,
                "speedup": rate / result["torch_float32"]["passages_per_s"],
                "cosine_mean": float(cosines.mean()),
                "cosine_min": float(cosines.min()),
            }
            del encoder
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=96)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    r = bare_speeds(_texts(args.passages), args.threads, args.batch, args.repeats)
    print(
        f"{r['passages']} SciFact abstracts (mean {r['mean_tokens']:.0f} tokens), {r['threads']} threads, "
        f"batch {r['batch']}, load average {r['load_average']:.1f}"
    )
    print(f"  torch float32: {r['torch_float32']['passages_per_s']:.1f} passages/s")
    for name in ("onnx_float32", "onnx_int8"):
        f = r[name]
        print(
            f"  {name}: {f['passages_per_s']:.1f} passages/s ({f['speedup']:.2f}x), "
            f"cosine to torch float32 mean {f['cosine_mean']:.4f} min {f['cosine_min']:.4f}"
        )
    print(f"  one-off export + quantisation: {r['export_and_quantise_s']:.1f} s")
    if args.json:
        args.json.write_text(json.dumps(r, indent=2))


if __name__ == "__main__":
    main()
