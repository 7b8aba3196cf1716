"""The relevance floor, measured: how many relevant results each candidate floor would hide, and how
many irrelevant ones.

Two sets, both searched through the product (``Engine.search``, hybrid, as the window asks):

* **SciFact** (English claims over 5,183 abstracts), from the index ``quality.py`` built (``--cache``,
  only the queries are embedded). Results are files (grouped), ``k=30`` as the window asks; a result is
  relevant when the qrels judge it so.
* **Multilingual**: the questions of ``data/realdocs_questions.json`` (English, German, French, Japanese,
  Spanish) over a small index of the two English manuals (``--pdfs``): passages (flat), ``k=30``; a
  passage is relevant when it lies on a gold page of the manual the question is about. Passages of the
  *other* manual are unrelated (the noise a small index lists under the good results).

For each candidate floor the table gives the share of relevant results below it (hidden; must stay
≤ 2 %) and the share of irrelevant top-10 results below it (hidden: the more the better).

    python benchmarks/floor.py                                   # both sets, all queries
    python benchmarks/floor.py --scifact-queries 40 --no-multilingual   # a quick look
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scifact
from common import CACHE, eprint, real_embedder

FLOORS = [round(0.05 * i, 2) for i in range(0, 17)]
K = 30  # what the window asks for
TOP = 10
MANUALS = ("debian-reference", "auto-multiple-choice")
QUESTIONS = Path(__file__).resolve().parent / "data" / "realdocs_questions.json"


class Tally:
    """Strengths of relevant results (any rank) and of irrelevant results in the top 10."""

    def __init__(self) -> None:
        self.relevant: list[float] = []
        self.irrelevant_top: list[float] = []
        self.unrelated_top: list[float] = []  # multilingual: passages of the other manual

    def hidden(self, values: list[float], floor: float) -> float:
        return 100.0 * sum(1 for v in values if v < floor) / len(values) if values else float("nan")


def floor_strength(hit) -> float:  # type: ignore[no-untyped-def]
    """The strength the floor reads (``result_order.split_weak``): the plain cosine's, not the shown
    one (``display_score`` reads the shifted query's for a query in another language than the index's)."""
    return hit.strength if hit.strength is not None else hit.display_score


def scifact_tally(cache: Path, embedder, limit: int | None) -> Tally:
    from desktop_search.core import Engine

    engine = Engine.open(cache / "home", embedder=embedder)
    queries = {q["_id"]: q["text"] for q in scifact.test_queries()}
    qrels = scifact.qrels()
    tally = Tally()
    try:
        for n, (qid, text) in enumerate(queries.items()):
            if limit is not None and n >= limit:
                break
            rel = {d for d, g in qrels.get(qid, {}).items() if g > 0}
            for rank, hit in enumerate(engine.search(text, k=K, grouped=True), start=1):
                strength = floor_strength(hit)
                if Path(hit.path).stem in rel:
                    tally.relevant.append(strength)
                elif rank <= TOP:
                    tally.irrelevant_top.append(strength)
    finally:
        engine.close()
    return tally


def multilingual_tally(pdfs: Path, cache: Path, embedder, rebuild: bool) -> dict[str, Tally]:
    from desktop_search.core import Engine, Settings

    data = json.loads(QUESTIONS.read_text(encoding="utf-8"))
    docs = cache / "docs"
    if rebuild and cache.exists():
        shutil.rmtree(cache)
    docs.mkdir(parents=True, exist_ok=True)
    for manual in MANUALS:
        name = data["documents"][manual]["en"]
        if not (docs / name).exists():
            shutil.copy2(pdfs / name, docs / name)
    engine = Engine.open(cache / "home", embedder=embedder, settings=Settings(folders=[str(docs)]))
    started = time.monotonic()
    engine.index()
    eprint(f"multilingual index: {engine.status()['chunks']} passages ({time.monotonic() - started:.0f} s)")
    tallies = {"same language (en)": Tally(), "other language": Tally()}
    try:
        for q in data["questions"]:
            tally = tallies["same language (en)" if q["lang"] == "en" else "other language"]
            own = data["documents"][q["doc"]]["en"]
            gold = set(q["gold"]["en"])
            for rank, hit in enumerate(engine.search(q["question"], k=K, grouped=False), start=1):
                strength = floor_strength(hit)
                name = Path(hit.path).name
                if name == own and hit.page in gold:
                    tally.relevant.append(strength)
                elif rank <= TOP:
                    tally.irrelevant_top.append(strength)
                    if name != own:
                        tally.unrelated_top.append(strength)
    finally:
        engine.close()
    return tallies


def print_table(title: str, tally: Tally) -> None:
    counts = f"{len(tally.relevant)} relevant results, {len(tally.irrelevant_top)} irrelevant in top {TOP}"
    if tally.unrelated_top:
        counts += f" ({len(tally.unrelated_top)} from the unrelated manual)"
    print(f"\n{title}: {counts}")
    lowest = ", ".join(f"{v:.3f}" for v in sorted(tally.relevant)[:5])
    print(f"lowest strengths of relevant results: {lowest}")
    head = f"{'floor':>6}  {'relevant hidden':>15}  {'irrelevant top-10 hidden':>24}"
    print(head + ("  unrelated-file top-10 hidden" if tally.unrelated_top else ""))
    for floor in FLOORS:
        line = (
            f"{floor:>6.2f}  {tally.hidden(tally.relevant, floor):>14.1f}%"
            f"  {tally.hidden(tally.irrelevant_top, floor):>23.1f}%"
        )
        if tally.unrelated_top:
            line += f"  {tally.hidden(tally.unrelated_top, floor):>27.1f}%"
        print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=CACHE / "scifact", help="quality.py's SciFact index")
    parser.add_argument("--scifact-queries", type=int, default=None, help="only the first N claims")
    parser.add_argument("--no-scifact", action="store_true")
    parser.add_argument("--no-multilingual", action="store_true")
    parser.add_argument("--pdfs", type=Path, default=CACHE / "realdocs" / "docs", help="the manuals' PDFs")
    parser.add_argument("--ml-cache", type=Path, default=CACHE / "floor-multilingual")
    parser.add_argument("--rebuild", action="store_true", help="index the multilingual set again")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args(argv)

    from desktop_search.core import RELEVANCE_FLOOR

    embedder = real_embedder(threads=args.threads)
    print(f"match strength floors; the product's floor is {RELEVANCE_FLOOR:.2f}")
    if not args.no_scifact:
        tally = scifact_tally(args.cache, embedder, args.scifact_queries)
        print_table(f"SciFact (grouped, k={K})", tally)
    if not args.no_multilingual:
        for title, tally in multilingual_tally(args.pdfs, args.ml_cache, embedder, args.rebuild).items():
            print_table(f"Manuals, questions in {title} (passages, k={K})", tally)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
