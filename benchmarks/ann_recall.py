"""How much of a query's true nearest passages the dense leg's HNSW search returns, and how fast.

Opens an index a benchmark built (``realdocs.py``'s cache by default), embeds the real-manuals
questions, and for each HNSW search breadth (``ef_search``) compares Chroma's top k with the exact
top k of the same query vector over every stored vector (brute force). Prints recall@k (mean and the
worst question) and the median and 90th-percentile time of one Chroma query.

The breadth is changed on the index's own collection for the run and set back to the product's
(``store.vectors.EF_SEARCH``) at the end. The index must hold each passage once (realdocs.py's does):
with copies, the exact top k picks among equal vectors arbitrarily.

    python benchmarks/ann_recall.py --cache DIR            # DIR: realdocs.py --cache DIR
    python benchmarks/ann_recall.py --cache DIR --ef 100,400
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import realdocs
from common import CACHE, real_embedder

KS = (20, 60, 200)


def open_collection(cache: Path, ef: int):
    """The index's Chroma collection, its search breadth set to ``ef`` before anything loads it.

    Chroma reads the breadth when a process first touches the collection's vectors, so each breadth
    is measured in a process of its own, straight on Chroma (the Engine would widen it on open).
    """
    import chromadb

    (chroma_dir,) = (cache / "home" / "data" / "index").glob("chunks-*/chroma")
    client = chromadb.PersistentClient(path=str(chroma_dir))
    (listed,) = client.list_collections()
    collection = client.get_collection(listed.name)
    collection.modify(configuration={"hnsw": {"ef_search": ef}})
    return collection


def stored_vectors(collection) -> tuple[list[str], np.ndarray]:
    """Every vector of the index, with its chunk id."""
    ids: list[str] = []
    rows: list[np.ndarray] = []
    for offset in range(0, collection.count(), 5000):
        got = collection.get(include=["embeddings"], limit=5000, offset=offset)
        ids.extend(got["ids"])
        rows.extend(np.asarray(v, dtype="float32") for v in got["embeddings"])
    return ids, np.stack(rows)


def measure(cache: Path, ef: int) -> None:
    embedder = real_embedder()
    _, questions, _ = realdocs.load_questions()
    queries = [np.asarray(embedder.embed_query(q["question"]), dtype="float32") for q in questions]
    collection = open_collection(cache, ef)
    ids, vectors = stored_vectors(collection)
    print(f"ef_search {ef} ({len(ids)} vectors, {len(queries)} questions)")
    for k in KS:
        recalls, seconds = [], []
        for qv in queries:
            exact = {ids[i] for i in np.argsort(-(vectors @ qv))[:k]}
            started = time.perf_counter()
            got = collection.query(query_embeddings=qv.reshape(1, -1), n_results=k, include=[])
            seconds.append(time.perf_counter() - started)
            recalls.append(len(exact & set(got["ids"][0])) / k)
        print(
            f"  k={k:<4} recall mean {np.mean(recalls):.3f}  worst {min(recalls):.3f}"
            f"  query median {statistics.median(seconds) * 1000:.1f} ms"
            f"  p90 {np.percentile(seconds, 90) * 1000:.1f} ms",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=CACHE / "realdocs", help="realdocs.py's --cache")
    parser.add_argument("--ef", default="100,400", help="HNSW search breadths to compare")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child measuring one breadth
    args = parser.parse_args(argv)
    if args.one:
        measure(args.cache, args.one)
        return 0

    from desktop_search.core.store.vectors import EF_SEARCH

    try:
        for ef in args.ef.split(","):
            subprocess.run([sys.executable, __file__, "--cache", str(args.cache), "--one", ef], check=True)
    finally:
        open_collection(args.cache, EF_SEARCH)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
