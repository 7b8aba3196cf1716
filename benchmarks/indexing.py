"""Indexing on SciFact (one text file per abstract) through the product's engine: how soon every file is
keyword-searchable, how soon every file is embedded, and what the pipeline costs over the bare encoder.

    python benchmarks/indexing.py [--limit N] [--precision float32,auto] [--keep-home DIR]

``--keep-home DIR`` keeps each run's data dir as ``DIR/<precision>``; ``quality.py --home DIR/auto``
then measures the retrieval quality of what that run indexed.

Each precision runs in a fresh process and a fresh data dir, timed from the start of that process's
work (the engine's import, the model load and its calibration included), as a user's first start is:

* keyword-searchable: seconds until phase 1 has made every file of the run searchable (target ≤ 30 s
  for the 5,183 files, model load included);
* embedded: seconds until phase 2 has stored every passage's vector;
* pipeline chunks/s: passages embedded ÷ seconds from the model being ready to the end of the run;
* bare encoder passages/s: the same process's model encoding a sample of the same passages (their
  embedded text: heading and passage) with its batch size, nothing else running; the ratio pipeline ÷
  bare shows what the pipeline costs (target ≥ 0.90);
* peak RSS of the process (target ≤ 1.5 GB) and of its largest child (an extraction worker, or the
  int8 export on a first start), read once they have ended;
* the time to rescan the unchanged tree afterwards (target ≤ 2 s).

The auto run prints the precision the calibration selected. The corpus is written to a temporary
folder once and shared by the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks import common  # noqa: E402,F401  (the offline environment and the model cache)
from benchmarks.scifact import write_corpus  # noqa: E402


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


def bare_passages_per_s(embedder, texts: list[str]) -> float:  # type: ignore[no-untyped-def]
    """The encoder alone on ``texts``, nothing else running: the embedder's document path (tokenize,
    forward, pool) at the precision in effect, torch or the ONNX int8 session."""
    started = time.perf_counter()
    embedder.embed_documents(texts)
    return len(texts) / (time.perf_counter() - started)


def run_one(corpus_dir: Path, precision: str, batch_size: int, home: Path, bare_sample: int) -> dict:
    """One index run from a cold engine (called in a fresh process); the figures as a dict."""
    started = time.perf_counter()
    from desktop_search.core import Engine, Settings
    from desktop_search.core.index.embedding import embedding_text

    if precision == "auto":
        os.environ.pop("DESKTOP_SEARCH_PRECISION", None)
    else:
        os.environ["DESKTOP_SEARCH_PRECISION"] = precision
    settings = Settings(precision=precision, batch_size=batch_size).validate()
    engine = Engine.open(home, settings=settings)
    keyword_ready: list[float] = []
    model_ready: list[float] = []
    done = threading.Event()

    def watch_model() -> None:
        while not done.is_set() and not engine.model_ready:
            time.sleep(0.01)
        if engine.model_ready:
            model_ready.append(time.perf_counter() - started)

    def progress(p) -> None:  # type: ignore[no-untyped-def]
        if p.keyword_ready_s is not None and not keyword_ready:
            keyword_ready.append(time.perf_counter() - started)

    watcher = threading.Thread(target=watch_model, daemon=True)
    watcher.start()
    try:
        engine.add_folder(corpus_dir)
        result = engine.index(progress)
        embedded_s = time.perf_counter() - started
        done.set()
        watcher.join()
        rss = peak_rss_mb()
        t0 = time.perf_counter()
        engine.index()
        rescan_s = time.perf_counter() - t0
        rows = engine.store.ledger.conn.execute("SELECT text, heading FROM chunks").fetchall()
        texts = [embedding_text(r[0], r[1]) for r in rows]
        random.Random(5).shuffle(texts)
        embed_s = embedded_s - (model_ready[0] if model_ready else 0.0)
        pipeline = result.chunks_done / embed_s if embed_s > 0 else 0.0
        bare = bare_passages_per_s(engine.embedder, texts[:bare_sample])
        figures = {
            "asked": precision,
            "precision": engine.precision,
            "batch": engine.embedder.batch_size,
            "files": result.files_done,
            "passages": result.chunks_done,
            "model_ready_s": model_ready[0] if model_ready else None,
            "keyword_ready_s": keyword_ready[0] if keyword_ready else None,
            "embedded_s": embedded_s,
            "pipeline_chunks_per_s": pipeline,
            "bare_passages_per_s": bare,
            "bare_sample": min(bare_sample, len(texts)),
            "ratio": pipeline / bare if bare else 0.0,
            "peak_rss_mb": rss,
            "rescan_s": rescan_s,
        }
    finally:
        done.set()
        engine.close()
    # the largest child process (an extraction worker, or the export on a first start), once they
    # have all ended: a live child is not counted yet
    figures["worker_peak_rss_mb"] = peak_rss_mb(resource.RUSAGE_CHILDREN)
    return figures


def describe(r: dict) -> str:
    keyword = f"{r['keyword_ready_s']:.1f} s" if r["keyword_ready_s"] is not None else "n/a"
    model = f"{r['model_ready_s']:.1f} s" if r["model_ready_s"] is not None else "n/a"
    return (
        f"[{r['asked']} → {r['precision']}, batch {r['batch']}] "
        f"{r['files']} files, {r['passages']} passages\n"
        f"  all keyword-searchable after {keyword} (target ≤ 30 s); model ready after {model}\n"
        f"  all embedded after {r['embedded_s']:.1f} s\n"
        f"  pipeline {r['pipeline_chunks_per_s']:.2f} chunks/s; bare encoder {r['bare_passages_per_s']:.2f}"
        f" passages/s ({r['bare_sample']} passages) → ratio {r['ratio']:.3f} (target ≥ 0.90)\n"
        f"  peak RSS {r['peak_rss_mb']:.0f} MB (target ≤ 1536); largest child process"
        f" {r['worker_peak_rss_mb']:.0f} MB\n"
        f"  rescan of the unchanged tree: {r['rescan_s']:.2f} s (target ≤ 2 s)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N abstracts")
    parser.add_argument("--precision", default="float32,auto", help="comma-separated: float32, int8, auto…")
    parser.add_argument("--batch-size", type=int, default=0, help="0: chosen for the device")
    parser.add_argument("--bare-sample", type=int, default=512, help="passages the bare encoder is timed on")
    parser.add_argument(
        "--keep-home",
        type=Path,
        default=None,
        help="index into DIR/<precision>, kept (for quality.py --home)",
    )
    parser.add_argument("--json", action="store_true", help="also print each run as a JSON line")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: one run, in this process
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        r = run_one(args.corpus, args.one, args.batch_size, args.home, args.bare_sample)
        print(json.dumps(r), flush=True)
        return 0
    with tempfile.TemporaryDirectory(prefix="ds-bench-indexing-") as tmp:
        corpus_dir = Path(tmp) / "scifact"
        n = write_corpus(corpus_dir, args.limit)
        print(f"SciFact: {n} abstracts as text files; load average {os.getloadavg()[0]:.1f}", flush=True)
        results = {}
        for precision in [p.strip() for p in args.precision.split(",") if p.strip()]:
            home = Path(tmp) / f"home-{precision}"
            if args.keep_home is not None:
                home = args.keep_home / precision
                shutil.rmtree(home, ignore_errors=True)
            command = [sys.executable, __file__, "--one", precision, "--corpus", str(corpus_dir)]
            command += ["--home", str(home), "--batch-size", str(args.batch_size)]
            command += ["--bare-sample", str(args.bare_sample)]
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode != 0:
                print(f"[{precision}] failed:\n{done.stderr[-3000:]}", flush=True)
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            results[precision] = r
            print(describe(r), flush=True)
            if args.json:
                print(json.dumps(r), flush=True)
        if "auto" in results:
            auto = results["auto"]
            print(f"auto-selected precision: {auto['precision']}", flush=True)
            if "float32" in results and results["float32"]["pipeline_chunks_per_s"]:
                speedup = auto["pipeline_chunks_per_s"] / results["float32"]["pipeline_chunks_per_s"]
                print(f"auto ÷ float32 pipeline chunks/s: {speedup:.2f}× (target ≥ 1.8×)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
