"""Retrieval quality on BEIR SciFact through the product: nDCG@10, Recall@10, MRR@10.

One file per abstract (the title, a blank line, then the abstract) is indexed once into a cache
folder; reruns only search. Relevance is file-level: a result counts for the file it came from and
each file counts once in the ranking (the searcher's grouped mode).

    python benchmarks/quality.py                      # build (first run) and evaluate all three modes
    python benchmarks/quality.py --sweep              # also try a few fusion settings
    python benchmarks/quality.py --rebuild            # index again from scratch
    python benchmarks/quality.py --home DIR           # search what indexing.py --keep-home DIR indexed
    python benchmarks/quality.py --waiting 0.5        # half the abstracts still waiting for phase 2

``--waiting SHARE`` searches a copy of the built index in which that share of the files (a fixed random
draw) is keyword-searchable only, as during phase 2 of a first index: their passages wait for their
vectors (``embedded = 0``, no vector, none in the vector cache).

Everything goes through the product's public face, as the app does: the index is built with
``Engine.open`` + a folder + ``Engine.index``, and searched with ``Engine.search``. Fusion settings
other than the defaults (``--dense-weight``, ``--keyword-weight``, ``--rrf-k``, ``--sweep``) are set
with :func:`tune_fusion`.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scifact
from common import CACHE, eprint, real_embedder, tuning

K = 10


def write_corpus(docs_dir: Path, subset: int | None = None, judged: set[str] | None = None) -> int:
    """One file per abstract. With ``subset``, every judged abstract plus random others up to that many
    (a smaller collection for a slow machine: easier than the full one, but the modes compare fairly)."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    docs = scifact.corpus()
    if subset is not None and subset < len(docs):
        keep = [d for d in docs if d["_id"] in (judged or set())]
        rest = [d for d in docs if d["_id"] not in (judged or set())]
        random.Random(13).shuffle(rest)
        docs = keep + rest[: max(0, subset - len(keep))]
    scifact.write_docs(docs_dir, docs)
    return len(docs)


def load_queries() -> tuple[dict[str, str], dict[str, dict[str, int]]]:
    """The 300 judged test claims by id, and their relevance judgements."""
    return {q["_id"]: q["text"] for q in scifact.test_queries()}, scifact.qrels()


def build(
    cache: Path, embedder, rebuild: bool, no_build: bool = False, subset: int | None = None, qrels=None
):
    """Index the corpus through the product (``Engine.open`` + a folder + ``Engine.index``) into a cached
    data dir; return the engine. Resumable: an interrupted build goes on where it stopped (the engine's
    incremental scan), and a finished one only opens.
    """
    from desktop_search.core import Engine, Settings

    if rebuild and cache.exists():
        shutil.rmtree(cache)
    docs = cache / "docs"
    marker = cache / "built.json"
    if not (cache / "docs.complete").exists():
        judged = {d for rel in (qrels or {}).values() for d in rel}
        write_corpus(docs, subset, judged)
        (cache / "docs.complete").write_text("")
    engine = Engine.open(cache / "home", embedder=embedder, settings=Settings(folders=[str(docs)]))
    if marker.exists() or no_build:
        return engine
    started = time.monotonic()
    last = [0.0]

    def progress(p) -> None:
        if time.monotonic() - last[0] > 30:
            last[0] = time.monotonic()
            eprint(
                f"  {p.phase}: {p.files_done}/{p.files_total} files,"
                f" {p.chunks_done} chunks, {p.chunks_per_s}/s"
            )

    result = engine.index(progress)
    took = time.monotonic() - started
    status = engine.status()
    if str(result.phase) == "done":
        marker.write_text(json.dumps({"files": status["files"], "chunks": status["chunks"], "via": "engine"}))
    eprint(f"indexed through the engine: {status['files']}, {status['chunks']} chunks in {took:.0f} s")
    return engine


def waiting_copy(home: Path, share: float, into: Path, embedder):
    """An engine on a copy of the data dir ``home`` at ``into`` in which ``share`` of the files wait
    for phase 2."""
    import sqlite3

    from desktop_search.core import Engine

    if into.exists():
        shutil.rmtree(into)
    shutil.copytree(home, into)
    ledger = sqlite3.connect(next(into.rglob("ledger.sqlite3")))
    paths = sorted(p for (p,) in ledger.execute("SELECT path FROM files"))
    random.Random(7).shuffle(paths)
    waiting = [(p,) for p in paths[: int(len(paths) * share)]]
    ids = [
        i for (p,) in waiting for (i,) in ledger.execute("SELECT chunk_id FROM chunks WHERE path = ?", (p,))
    ]
    ledger.executemany(
        "DELETE FROM vector_cache WHERE text_hash IN (SELECT text_hash FROM chunks WHERE path = ?)", waiting
    )
    ledger.executemany("UPDATE chunks SET embedded = 0 WHERE path = ?", waiting)
    ledger.commit()
    ledger.close()
    engine = Engine.open(into, embedder=embedder)
    for start in range(0, len(ids), 2000):
        engine.store.vectors.delete(ids[start : start + 2000])
    eprint(f"{len(waiting)} files ({len(ids)} passages) wait for phase 2 in {into}")
    return engine


def tune_fusion(engine, **params: float) -> None:
    """Set fusion parameters (``dense_weight``, ``keyword_weight``, ``rrf_k``, ``coverage_power``) for
    this run only: nothing is saved to the data dir's settings."""
    engine.tune_search(**params)


def evaluate(engine, queries, qrels, mode: str) -> dict[str, float]:
    ndcg = recall = mrr = 0.0
    for qid, text in queries.items():
        hits = engine.search(text, k=K, grouped=True, mode=mode)
        ranked = [Path(h.path).stem for h in hits][:K]
        rel = qrels[qid]
        ndcg += scifact.ndcg(ranked, rel, K)
        relevant = {d for d, g in rel.items() if g > 0}
        recall += len(relevant.intersection(ranked)) / max(1, len(relevant))
        mrr += next((1.0 / (i + 1) for i, d in enumerate(ranked) if rel.get(d, 0) > 0), 0.0)
    n = len(queries)
    return {"ndcg@10": ndcg / n, "recall@10": recall / n, "mrr@10": mrr / n}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=CACHE / "scifact")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--subset", type=int, default=None, help="judged abstracts plus random others, N files in all"
    )
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument(
        "--home", type=Path, default=None, help="search the data dir indexing.py --keep-home left (all 5,183)"
    )
    parser.add_argument("--no-build", action="store_true", help="search whatever is indexed so far")
    parser.add_argument(
        "--waiting", type=float, default=None, help="share of the files left waiting for phase 2 (a copy)"
    )
    parser.add_argument("--dense-weight", type=float, default=None)
    parser.add_argument("--keyword-weight", type=float, default=None)
    parser.add_argument("--rrf-k", type=float, default=None)
    parser.add_argument("--modes", default="dense,keyword,hybrid")
    parser.add_argument("--sweep", action="store_true", help="also try a few fusion settings")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    parser.add_argument(
        "--precision",
        default=None,
        help="the queries' encoder: float32 (default) or int8, as the index was built",
    )
    parser.add_argument(
        "--tune", default="", help="search parameters, e.g. stray_min_terms=4 (Engine.tune_search)"
    )
    args = parser.parse_args(argv)

    from desktop_search.core import Engine

    embedder = real_embedder(args.precision, threads=args.threads)
    print(f"queries embedded in {embedder.precision}", flush=True)
    queries, qrels = load_queries()
    cache = args.cache if args.subset is None else args.cache.with_name(f"{args.cache.name}-{args.subset}")
    if args.home is not None:  # indexed through the engine by benchmarks/indexing.py
        engine = Engine.open(args.home, embedder=embedder)
    else:
        engine = build(cache, embedder, args.rebuild, args.no_build, args.subset, qrels)
    if args.build_only:
        engine.close()
        return 0
    if args.waiting:
        home = args.home or cache / "home"
        engine.close()
        engine = waiting_copy(home, args.waiting, cache.with_name(cache.name + "-waiting"), embedder)
    overrides = {
        name: value
        for name, value in (
            ("dense_weight", args.dense_weight),
            ("keyword_weight", args.keyword_weight),
            ("rrf_k", args.rrf_k),
        )
        if value is not None
    }
    overrides.update(tuning(args.tune))
    if overrides:
        tune_fusion(engine, **overrides)
    # embed each query once: every mode and setting below reuses the vector
    cached: dict[str, object] = {}
    embed = embedder.embed_query

    def embed_cached(text: str):
        if text not in cached:
            cached[text] = embed(text)
        return cached[text]

    embedder.embed_query = embed_cached  # type: ignore[method-assign]
    n_files = len(engine.files())
    print(
        f"SciFact test: {len(queries)} queries over {n_files} of 5183 abstracts"
        f" ({engine.status()['chunks']} chunks); file-level relevance"
    )
    print(f"{'mode':<34} nDCG@10  Recall@10  MRR@10")
    for mode in args.modes.split(","):
        started = time.monotonic()
        m = evaluate(engine, queries, qrels, mode)
        tuned = ", ".join(f"{name}={value:g}" for name, value in overrides.items())
        label = mode if mode != "hybrid" else f"hybrid ({tuned or 'product defaults'})"
        print(f"{label:<34} {m['ndcg@10']:.4f}   {m['recall@10']:.4f}    {m['mrr@10']:.4f}"
              f"   ({time.monotonic() - started:.0f} s)", flush=True)  # fmt: skip
    if args.sweep:
        settings = [(1.0, kw, rk, cp) for kw in (0.5, 0.7, 1.0) for rk in (20, 60) for cp in (1.0, 2.0)]
        for dw, kw, rk, cp in settings:
            tune_fusion(engine, dense_weight=dw, keyword_weight=kw, rrf_k=rk, coverage_power=cp)
            m = evaluate(engine, queries, qrels, "hybrid")
            label = f"hybrid (dw={dw}, kw={kw}, k={rk:g}, cov^{cp:g})"
            print(f"{label:<34} {m['ndcg@10']:.4f}   {m['recall@10']:.4f}    {m['mrr@10']:.4f}", flush=True)
    engine.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
