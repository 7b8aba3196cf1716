"""Indexing throughput on SciFact, written as one file per abstract, through the product's engine.

    python benchmarks/indexing.py [--limit N] [--precision float32,bfloat16,auto] [--keep-home DIR]

For each precision, in a fresh data dir: files/s and chunks/s of a full index run, the same chunk
texts encoded by a bare ``SentenceTransformer.encode_document`` with the same batch size in the same
process (the encoder is the physical limit; the ratio shows what the pipeline costs), peak RSS of
this process and of the extraction workers, and the time to rescan the unchanged tree.
Targets (issue 3): ratio ≥ 0.90, peak RSS ≤ 1.5 GB, rescan ≤ 2 s for the 5,183 files.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.scifact import write_corpus
from desktop_search.core import Engine, Settings

CACHE = Path(__file__).resolve().parent / ".cache"


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


def run_once(
    corpus_dir: Path, precision: str, batch_size: int, keep_home: Path | None = None
) -> dict[str, float | str]:
    os.environ["DESKTOP_SEARCH_PRECISION"] = precision
    with tempfile.TemporaryDirectory(prefix="ds-bench-") as tmp:
        home = tmp
        if keep_home is not None:  # a fresh data dir left behind for quality.py --home
            shutil.rmtree(keep_home, ignore_errors=True)
            home = str(keep_home)
        settings = Settings(precision=precision, batch_size=batch_size).validate()
        engine = Engine.open(home, settings=settings)
        try:
            t0 = time.perf_counter()
            engine.load_model()
            load_s = time.perf_counter() - t0
            engine.add_folder(corpus_dir)
            t0 = time.perf_counter()
            result = engine.index()
            index_s = time.perf_counter() - t0
            rss_index = peak_rss_mb()
            rss_workers = peak_rss_mb(resource.RUSAGE_CHILDREN)
            files = result.files_done
            chunks = engine.store.ledger.chunk_total()
            t0 = time.perf_counter()
            engine.index()
            rescan_s = time.perf_counter() - t0
            sql = "SELECT text FROM chunks ORDER BY path, number"
            rows = engine.store.ledger.conn.execute(sql).fetchall()
            texts = [r[0] for r in rows]
            model = engine.embedder.model
            bs = engine.embedder.batch_size
            t0 = time.perf_counter()
            model.encode_document(texts, batch_size=bs, normalize_embeddings=True, show_progress_bar=False)
            bare_s = time.perf_counter() - t0
            return {
                "precision": engine.precision,
                "batch": bs,
                "load_s": load_s,
                "files": files,
                "chunks": chunks,
                "files_per_s": files / index_s,
                "chunks_per_s": chunks / index_s,
                "bare_chunks_per_s": len(texts) / bare_s,
                "ratio": (chunks / index_s) / (len(texts) / bare_s),
                "index_s": index_s,
                "rescan_s": rescan_s,
                "peak_rss_mb": rss_index,
                "worker_peak_rss_mb": rss_workers,
            }
        finally:
            engine.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N abstracts")
    parser.add_argument("--precision", default="auto", help="comma-separated: float32, bfloat16, auto")
    parser.add_argument("--batch-size", type=int, default=0, help="0: chosen for the device")
    parser.add_argument(
        "--keep-home",
        type=Path,
        default=None,
        help="index into this data dir, kept for quality.py --home",
    )
    args = parser.parse_args()
    corpus_dir = CACHE / f"scifact-files-{args.limit or 'all'}"
    n = write_corpus(corpus_dir, args.limit)
    print(f"SciFact: {n} abstracts as files in {corpus_dir}; load average {os.getloadavg()[0]:.1f}")
    for precision in args.precision.split(","):
        r = run_once(corpus_dir, precision.strip(), args.batch_size, args.keep_home)
        print(
            f"[{precision} → {r['precision']}, batch {r['batch']}] model load {r['load_s']:.1f} s\n"
            f"  indexed {r['files']} files, {r['chunks']} chunks in {r['index_s']:.1f} s: "
            f"{r['files_per_s']:.1f} files/s, {r['chunks_per_s']:.1f} chunks/s\n"
            f"  bare encode_document: {r['bare_chunks_per_s']:.1f} chunks/s → pipeline ratio {r['ratio']:.3f}"
            f" (target ≥ 0.90)\n"
            f"  peak RSS {r['peak_rss_mb']:.0f} MB (extraction workers {r['worker_peak_rss_mb']:.0f} MB)"
            f" (target ≤ 1536)\n"
            f"  rescan of the unchanged tree: {r['rescan_s']:.2f} s (target ≤ 2 s)",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
