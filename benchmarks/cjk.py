"""Chinese and Japanese keyword search: dense, keyword and hybrid legs on real manuals.

The corpus is real PDF manuals from Debian packages: Debian Reference in Simplified Chinese and in
Japanese, and the Japanese Auto Multiple Choice manual. ``benchmarks/data/cjk_questions.json`` holds
queries in Chinese and Japanese (key terms as a user types them, short keywords and natural
questions) with the gold page(s) of each, checked by reading the page (see
``benchmarks/data/README.md``). All three PDFs are indexed together through the real Engine, so each
language's other manuals are distraction.

For each language and each mode (``dense``, ``keyword``, ``hybrid``) the benchmark ranks the pages of
the flat passage list (every passage, best first; a page counts once, at its best passage) and
reports nDCG@10 (binary gain: a gold page is 1) and hit@5 (a gold page among the first five).

    python benchmarks/cjk.py                # fetch the PDFs (apt-get download) once, index, evaluate
    python benchmarks/cjk.py --pdfs DIR     # take the PDFs from DIR instead (zh-cn is fetched if absent)
    python benchmarks/cjk.py --rebuild      # index again (after a change of extraction or chunking)
    python benchmarks/cjk.py --show 3       # also print the top pages of 3 queries per language
    python benchmarks/cjk.py --json out.json
    python benchmarks/cjk.py --tune shared_rarity_power=0  # a search parameter changed for this run
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CACHE, REPO, eprint, real_embedder, tuning

QUESTIONS = REPO / "benchmarks" / "data" / "cjk_questions.json"
PACKAGES = ("debian-reference-zh-cn", "debian-reference-ja", "auto-multiple-choice-doc-pdf")
MODES = ("dense", "keyword", "hybrid")
FETCH_K = 40  # passages asked for; their distinct pages are ranked
K = 10


def load_questions() -> tuple[list[str], list[dict]]:
    data = json.loads(QUESTIONS.read_text(encoding="utf-8"))
    return data["documents"], data["questions"]


def fetch_pdfs(dest: Path, wanted: list[str], source: Path | None) -> None:
    """Copy the PDFs from ``source``; fetch the ones it lacks from the Debian packages."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in wanted:
        if source is not None and (source / name).exists() and not (dest / name).exists():
            shutil.copy2(source / name, dest / name)
    if all((dest / name).exists() for name in wanted):
        return
    if shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None:
        sys.exit("apt-get and dpkg-deb are needed to fetch the manuals; or pass --pdfs DIR")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for package in PACKAGES:
            subprocess.run(["apt-get", "download", package], cwd=work, check=True, capture_output=True)
        for deb in work.glob("*.deb"):
            subprocess.run(["dpkg-deb", "-x", str(deb), str(work / "x")], check=True)
        for name in wanted:
            found = next((work / "x").rglob(name), None)
            if found is None:
                sys.exit(f"{name} is in none of {', '.join(PACKAGES)}")
            if not (dest / name).exists():
                shutil.copy2(found, dest / name)


def build(cache: Path, docs: Path, embedder, rebuild: bool):
    from desktop_search.core import Engine, Settings

    home = cache / "home"
    if rebuild and home.exists():
        shutil.rmtree(home)
    # a 250-page PDF on a busy machine can take minutes to extract: no timeout is a damaged file here
    settings = Settings(folders=[str(docs)], extract_timeout_s=900.0)
    engine = Engine.open(home, embedder=embedder, settings=settings)
    started = time.monotonic()
    result = engine.index()
    status = engine.status()
    eprint(
        f"index: {status['files']} files, {status['chunks']} passages ({time.monotonic() - started:.0f} s)"
    )
    if str(result.phase) != "done":
        sys.exit(f"indexing did not finish: {result}")
    return engine


def ranked_pages(engine, query: str, mode: str) -> list[tuple[str, int]]:
    """Distinct (file, page) of the flat passage list, best first."""
    pages: list[tuple[str, int]] = []
    for hit in engine.search(query, k=FETCH_K, grouped=False, mode=mode):
        key = (Path(hit.path).name, hit.page or 0)
        if key not in pages:
            pages.append(key)
    return pages


def ndcg(pages: list[tuple[str, int]], gold: set[tuple[str, int]], k: int = K) -> float:
    dcg = sum(1.0 / math.log2(i + 2) for i, p in enumerate(pages[:k]) if p in gold)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(gold), k)))
    return dcg / ideal if ideal else 0.0


def evaluate(engine, questions: list[dict], show: int) -> dict[str, dict[str, dict[str, float]]]:
    report: dict[str, dict[str, dict[str, float]]] = {}
    for lang in sorted({q["lang"] for q in questions}):
        asked = [q for q in questions if q["lang"] == lang]
        report[lang] = {}
        for mode in MODES:
            gains, hits = [], []
            for i, q in enumerate(asked):
                gold = {(q["file"], p) for p in q["gold"]}
                pages = ranked_pages(engine, q["query"], mode)
                gains.append(ndcg(pages, gold))
                hits.append(1.0 if any(p in gold for p in pages[:5]) else 0.0)
                if i < show:
                    eprint(f"  [{lang} {mode}] {q['query']} gold={sorted(gold)} top={pages[:5]}")
            report[lang][mode] = {
                "ndcg@10": sum(gains) / len(gains),
                "hit@5": sum(hits) / len(hits),
                "queries": float(len(asked)),
            }
    return report


def print_table(report: dict[str, dict[str, dict[str, float]]]) -> None:
    print(f"{'lang':<6}{'mode':<10}{'nDCG@10':>9}{'hit@5':>8}{'n':>5}")
    for lang, modes in report.items():
        for mode, m in modes.items():
            print(f"{lang:<6}{mode:<10}{m['ndcg@10']:>9.3f}{m['hit@5']:>8.3f}{int(m['queries']):>5}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdfs", type=Path, help="folder holding the PDFs (missing ones are fetched)")
    parser.add_argument("--cache", type=Path, default=CACHE / "cjk", help="where the index is kept")
    parser.add_argument("--rebuild", action="store_true", help="index again from scratch")
    parser.add_argument("--show", type=int, default=0, help="print the top pages of N queries per language")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--tune", default="", help="search parameters for this run (Engine.tune_search)")
    args = parser.parse_args(argv)
    documents, questions = load_questions()
    docs = args.cache / "docs"
    fetch_pdfs(docs, documents, args.pdfs)
    engine = build(args.cache, docs, real_embedder(threads=1), args.rebuild)
    if args.tune:
        engine.tune_search(**tuning(args.tune))
    try:
        report = evaluate(engine, questions, args.show)
    finally:
        engine.close()
    print_table(report)
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
