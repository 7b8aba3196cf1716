"""Retrieval quality on BEIR SciFact through the product: nDCG@10, Recall@10, MRR@10.

One file per abstract (title as the first line, then the abstract) is indexed once into a cache
folder; reruns only search. Relevance is file-level: a result counts for the file it came from and
each file counts once in the ranking (the searcher's grouped mode).

    python benchmarks/quality.py                      # build (first run) and evaluate all three modes
    python benchmarks/quality.py --sweep              # also try a few fusion settings
    python benchmarks/quality.py --rebuild            # index again from scratch

The index is built through the Engine when it is available (``Engine.open`` + ``add_folder`` +
``index``), else through the same steps directly (extract, chunk, embed, ``Store.write_files``).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CACHE, SHARED, eprint, index_files, real_embedder

DATASET = SHARED / "datasets" / "scifact"
K = 10


def write_corpus(docs_dir: Path) -> int:
    docs_dir.mkdir(parents=True, exist_ok=True)
    n = 0
    with (DATASET / "corpus.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            (docs_dir / f"{doc['_id']}.txt").write_text(f"{doc['title']}\n{doc['text']}\n", encoding="utf-8")
            n += 1
    return n


def load_queries() -> tuple[dict[str, str], dict[str, dict[str, int]]]:
    qrels: dict[str, dict[str, int]] = {}
    with (DATASET / "qrels-test.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.strip().split("\t")
            if len(parts) != 3 or not parts[2].isdigit():
                continue  # header
            qrels.setdefault(parts[0], {})[parts[1]] = int(parts[2])
    queries: dict[str, str] = {}
    with (DATASET / "queries.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            q = json.loads(line)
            if q["_id"] in qrels:
                queries[q["_id"]] = q["text"]
    return queries, qrels


def build_order(docs: Path, qrels: dict[str, dict[str, int]]) -> list[Path]:
    """Files in indexing order: every judged abstract first, then the rest in a fixed shuffled order.

    So an index interrupted part way (the build resumes where it stopped) is still a fair, if easier,
    test collection: all relevant files plus a random sample of distractors.
    """
    judged = {d for rel in qrels.values() for d in rel}
    files = sorted(docs.glob("*.txt"))
    first = [f for f in files if f.stem in judged]
    rest = [f for f in files if f.stem not in judged]
    random.Random(13).shuffle(rest)
    return first + rest


def build(cache: Path, embedder, rebuild: bool, qrels, max_files: int | None = None):
    """Open the cached SciFact index, first indexing what is not in it yet; return the Store.

    Resumable: files already in the ledger are skipped, so an interrupted build goes on where it stopped.
    """
    from desktop_search.core.pathkeys import to_key
    from desktop_search.core.records import FileStatus
    from desktop_search.core.store import Store

    if rebuild and cache.exists():
        shutil.rmtree(cache)
    docs = cache / "docs"
    marker = cache / "built.json"
    store = Store(cache / "index", embedder.model_name)
    if marker.exists():
        return store
    if not docs.exists() or len(list(docs.glob("*.txt"))) < 5183:
        write_corpus(docs)
    done = {r.path for r in store.ledger.files(status=FileStatus.INDEXED)}
    order = build_order(docs, qrels)
    todo = [f for f in order if to_key(str(f)) not in done]
    if max_files is not None:
        todo = todo[: max(0, max_files - len(done))]
    eprint(f"{len(done)} of {len(order)} abstracts indexed in {cache}; indexing {len(todo)} more")
    started = time.monotonic()
    chunks = index_files(store, embedder, todo, docs) if todo else 0
    took = time.monotonic() - started
    if len(store.ledger.files(status=FileStatus.INDEXED)) >= len(order):
        built = {"files": len(order), "chunks": store.ledger.chunk_total(), "via": "store"}
        marker.write_text(json.dumps(built))
    eprint(f"indexed {len(todo)} files, {chunks} chunks in {took:.0f} s")
    return store


def evaluate(searcher, queries, qrels, mode: str) -> dict[str, float]:
    ndcg = recall = mrr = 0.0
    for qid, text in queries.items():
        hits = searcher.search(text, k=K, grouped=True, mode=mode)
        ranked = [Path(h.path).stem for h in hits][:K]
        rel = qrels[qid]
        dcg = sum(rel.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked))
        ideal = sorted(rel.values(), reverse=True)[:K]
        idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
        ndcg += dcg / idcg if idcg else 0.0
        relevant = {d for d, g in rel.items() if g > 0}
        recall += len(relevant.intersection(ranked)) / max(1, len(relevant))
        mrr += next((1.0 / (i + 1) for i, d in enumerate(ranked) if rel.get(d, 0) > 0), 0.0)
    n = len(queries)
    return {"ndcg@10": ndcg / n, "recall@10": recall / n, "mrr@10": mrr / n}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=CACHE / "scifact")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--max-files", type=int, default=None, help="index at most this many abstracts")
    parser.add_argument("--no-build", action="store_true", help="search whatever is indexed so far")
    parser.add_argument("--dense-weight", type=float, default=None)
    parser.add_argument("--keyword-weight", type=float, default=None)
    parser.add_argument("--rrf-k", type=float, default=None)
    parser.add_argument("--modes", default="dense,keyword,hybrid")
    parser.add_argument("--sweep", action="store_true", help="also try a few fusion settings")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    args = parser.parse_args(argv)

    from desktop_search.core.search import Searcher
    from desktop_search.core.settings import Settings

    embedder = real_embedder(threads=args.threads)
    queries, qrels = load_queries()
    store = build(args.cache, embedder, args.rebuild, qrels, 0 if args.no_build else args.max_files)
    if args.build_only:
        return 0
    defaults = Settings()
    searcher = Searcher(
        store,
        embedder,
        dense_weight=args.dense_weight if args.dense_weight is not None else defaults.dense_weight,
        keyword_weight=args.keyword_weight if args.keyword_weight is not None else defaults.keyword_weight,
    )
    if args.rrf_k is not None:
        searcher.rrf_k = args.rrf_k
    # embed each query once: every mode and setting below reuses the vector
    cached: dict[str, object] = {}
    embed = embedder.embed_query

    def embed_cached(text: str):
        if text not in cached:
            cached[text] = embed(text)
        return cached[text]

    embedder.embed_query = embed_cached  # type: ignore[method-assign]
    n_files = len(store.ledger.files())
    print(f"SciFact test: {len(queries)} queries over {n_files} of 5183 abstracts"
          f" ({store.ledger.chunk_total()} chunks); file-level relevance")
    print(f"{'mode':<34} nDCG@10  Recall@10  MRR@10")
    for mode in args.modes.split(","):
        started = time.monotonic()
        m = evaluate(searcher, queries, qrels, mode)
        label = mode if mode != "hybrid" else (
            f"hybrid (dw={searcher.dense_weight}, kw={searcher.keyword_weight}, k={searcher.rrf_k:g},"
            f" cov^{searcher.coverage_power:g})"
        )
        print(f"{label:<34} {m['ndcg@10']:.4f}   {m['recall@10']:.4f}    {m['mrr@10']:.4f}"
              f"   ({time.monotonic() - started:.0f} s)", flush=True)  # fmt: skip
    if args.sweep:
        settings = [(1.0, kw, rk, cp) for kw in (0.5, 0.7, 1.0) for rk in (20, 60) for cp in (1.0, 2.0)]
        for dw, kw, rk, cp in settings:
            searcher.dense_weight, searcher.keyword_weight, searcher.rrf_k = dw, kw, rk
            searcher.coverage_power = cp
            m = evaluate(searcher, queries, qrels, "hybrid")
            label = f"hybrid (dw={dw}, kw={kw}, k={rk:g}, cov^{cp:g})"
            print(f"{label:<34} {m['ndcg@10']:.4f}   {m['recall@10']:.4f}    {m['mrr@10']:.4f}", flush=True)
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
