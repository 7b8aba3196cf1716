"""Search latency end to end (embed the query with the real model + dense leg + keyword leg + fusion).

Builds synthetic indexes of 10,000 / 100,000 / 300,000 chunks once (cached under benchmarks/.cache/),
then times real searches through ``Engine.search`` (the product's public face, as the app searches),
and prints p50/p95 per size.

    python benchmarks/latency.py                      # 10k and 100k
    python benchmarks/latency.py --sizes 10000,100000,300000
    python benchmarks/latency.py --repeat 3 --k 20

Texts are synthetic sentences over a Zipf-distributed vocabulary (with codes and numbers, so the
keyword leg has common and rare terms to chew on). Vectors come from the real model for a sample of
passages and are mixed and perturbed to fill the store fast; queries are always embedded by the real
model, end to end. Filling the index is the one step that reaches below the Engine (its store's
``write_files``): no product path writes ready-made vectors, and embedding 100,000 passages for real
would take a CPU hours.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CACHE, eprint, percentile, real_embedder

WORDS = (  # noqa: SIM905 (a word list reads better as one string)
    "report budget meeting project invoice customer contract server backup network password update "
    "release schedule design review test deploy database index search query model training data "
    "garden tomato water soil recipe bread oven flour travel train ticket hotel museum river mountain "
    "health sleep heart exercise doctor study result method analysis protein cell gene patient risk "
    "energy solar battery price market revenue growth quarter annual policy security audit license "
    "music guitar concert film novel chapter author history war empire city bridge harbour castle "
    "insurance claim tax refund salary holiday family school teacher lesson homework exam student"
).split()
QUERIES = [
    "quarterly revenue growth", "how to reset the server password", "ERR-4021", "tomato garden watering",
    "patient heart risk study", "invoice 2023 customer contract", "Wie hoch ist das Budget?",
    "train ticket to the mountain hotel", "database index search performance", "solar battery price",
    "bread recipe with flour and oven", "security audit license policy", "novel chapter author history",
    "tax refund for holiday salary", "gene protein cell analysis method", "backup schedule release deploy",
    "如何重置服务器密码", "music concert guitar", "castle bridge harbour city empire",
    "exam homework teacher",
    '"annual policy"', "energy market quarter", "sleep exercise doctor", "project meeting design review",
    "a b c", "the report", "museum river travel", "model training data result", "insurance claim family",
    "test deploy update network",
]  # fmt: skip


FUNCTION_WORDS = (  # noqa: SIM905
    "the of and to a in is that for it as was with be by on not he this are or his from at which but have "
    "an had they you were their one all we can her has there been if more when will would who so no"
).split()


def vocabulary(rng: random.Random, size: int = 30_000) -> tuple[list[str], list[float]]:
    """Topic words first, then pseudo-words; Zipf weights, like the content words of real text."""
    syllables = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"]
    words = list(WORDS)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choices(syllables, k=rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words, [1.0 / (i + 10) ** 1.05 for i in range(len(words))]


def synthetic_text(rng: random.Random, vocab: tuple[list[str], list[float]]) -> str:
    """About 45 words: roughly half function words, half Zipf-distributed content words."""
    n = rng.randint(30, 60)
    content = rng.choices(vocab[0], weights=vocab[1], k=n)
    words = [w if rng.random() < 0.55 else rng.choice(FUNCTION_WORDS) for w in content]
    if rng.random() < 0.2:
        words.insert(rng.randrange(len(words)), f"ERR-{rng.randint(1000, 9999)}")
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), str(rng.randint(1990, 2030)))
    return " ".join(words).capitalize() + "."


def build_engine(size: int, embedder, per_file: int = 10, batch_files: int = 500):
    """An engine over a cached index of ``size`` synthetic chunks (built once)."""
    from desktop_search.core import Engine, FileRecord, FileStatus, Settings
    from desktop_search.core.store.ledger import ChunkRow
    from desktop_search.core.store.pathkeys import chunk_id

    folder = CACHE / f"latency-{size}"
    marker = folder / "built.json"
    if not marker.exists() and folder.exists():
        import shutil

        shutil.rmtree(folder)
    engine = Engine.open(folder / "home", embedder=embedder, settings=Settings())
    if marker.exists():
        return engine
    store = engine.store  # the fill below is a fixture, not a measurement (see the module docstring)
    rng = random.Random(size)
    nrng = np.random.default_rng(size)
    vocab = vocabulary(random.Random(0))
    sample_texts = [synthetic_text(rng, vocab) for _ in range(64)]
    base = embedder.embed_documents(sample_texts)  # real vectors for a sample, then mixed and perturbed
    started = time.monotonic()
    files = size // per_file
    root = "/bench/docs"
    for first in range(0, files, batch_files):
        items = []
        n_batch = min(batch_files, files - first)
        mix = nrng.dirichlet(np.ones(3) * 0.5, size=n_batch * per_file).astype(np.float32)
        picks = nrng.integers(0, len(base), size=(n_batch * per_file, 3))
        vecs = np.einsum("ij,ijk->ik", mix, base[picks])
        vecs += nrng.normal(scale=0.02, size=vecs.shape).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        for f in range(first, first + n_batch):
            key = f"{root}/d{f // 1000:03d}/file{f:06d}.txt"
            rows, pos = [], 0
            for n in range(per_file):
                text = synthetic_text(rng, vocab)
                rows.append(ChunkRow(chunk_id(key, n), key, n, text, pos, pos + len(text), None, None, "txt",
                                     1.7e9 + f))  # fmt: skip
                pos += len(text) + 2
            offset = (f - first) * per_file
            record = FileRecord(key, root, FileStatus.PENDING, size=pos, mtime=1.7e9 + f)
            items.append((record, rows, vecs[offset : offset + per_file]))
        store.write_files(items)
        done = (first + n_batch) * per_file
        eprint(f"  {done}/{size} chunks ({done / (time.monotonic() - started):.0f}/s)")
    marker.write_text(json.dumps({"chunks": size, "seconds": round(time.monotonic() - started, 1)}))
    return engine


def measure(engine, embedder, k: int, repeat: int, mode: str = "hybrid") -> dict[str, float]:
    for q in QUERIES[:5]:  # warm caches (SQLite pages, HNSW index load, the model's match scale)
        engine.search(q, k=k, mode=mode)
    total: list[float] = []
    embed: list[float] = []
    for _ in range(repeat):
        for q in QUERIES:
            t0 = time.perf_counter()
            embedder.embed_query(q)
            t1 = time.perf_counter()
            engine.search(q, k=k, mode=mode)
            t2 = time.perf_counter()
            embed.append((t1 - t0) * 1000)
            total.append((t2 - t1) * 1000)
    return {
        "p50": percentile(total, 50),
        "p95": percentile(total, 95),
        "embed_p50": percentile(embed, 50),
        "n": len(total),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--modes", default="hybrid")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    args = parser.parse_args(argv)
    embedder = real_embedder(threads=args.threads)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"search latency, k={args.k}, {len(QUERIES)} queries x {args.repeat}; load average {load:.1f}")
    print(f"{'chunks':>8} {'mode':<8} {'p50 ms':>7} {'p95 ms':>7}   (query embedding alone: p50)")
    for size in (int(s) for s in args.sizes.split(",")):
        engine = build_engine(size, embedder)
        if not args.build_only:
            for mode in args.modes.split(","):
                m = measure(engine, embedder, args.k, args.repeat, mode)
                line = f"{size:>8} {mode:<8} {m['p50']:>7.1f} {m['p95']:>7.1f}   ({m['embed_p50']:.1f} ms)"
                print(line, flush=True)
        engine.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
