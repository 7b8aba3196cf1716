"""Right pages in a small folder: each question asked of an index that holds a few pages of one manual.

A new user's first folder is often small: a couple of documents, a few dozen passages. Ranking there
is not the ranking of a library of manuals: every passage is a candidate of both legs, a word's
rarity is counted over a handful of passages, and the neighbouring pages of the same chapter are the
distraction. The realdocs question sets (``benchmarks/data/*_questions.json``, see
``benchmarks/realdocs.py``) give each question its gold pages in every edition; here each question is
asked of a folder holding one PDF, the pages of one edition from ``--before`` pages before its first
gold page to ``--after`` pages after it (cut with pypdf, so extraction is the product's own):

- **same**: the edition in the question's language, where the document has one;
- **cross**: the first other edition (by name) with a gold page: the answer only in another language.

Each folder is indexed in a home of its own (kept in the cache: later runs only search), and ranked
by the product (hybrid, every passage), its dense leg and its keyword leg. Metrics: hit@1 and MRR@10
of a gold page (a page of the excerpt that is gold in the edition). With ``--together`` every folder
is indexed in one home instead and each question searches its own folder with a folder filter, as a
user narrows a search of a large index to a small folder of it.

    python benchmarks/smallfolder.py --set benchmarks/data/freedombox_questions.json=DIR ...
    python benchmarks/smallfolder.py --tune shared_rarity_min_passages=0   # a search parameter changed
    python benchmarks/smallfolder.py --together   # one index of every folder, each search filtered to one
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CACHE, REPO, eprint, real_embedder, tuning
from realdocs import fetch_pdfs, load_questions, located_in_packages, summarise

DATA = REPO / "benchmarks" / "data"
SETS = (
    "realdocs_questions.json",
    "lilypond_questions.json",
    "freedombox_questions.json",
    "eyes17_questions.json",
)
MODES = ("hybrid", "dense", "keyword")
K = 10


def excerpt(pdf: Path, first: int, last: int, dest: Path) -> int:
    """Pages ``first``..``last`` (1-based, inclusive; fewer at the manual's end) of ``pdf`` as a PDF
    of their own; returns how many pages it has."""
    from pypdf import PdfReader, PdfWriter

    if dest.exists():
        return len(PdfReader(dest).pages)
    reader, writer = PdfReader(pdf), PdfWriter()
    for index in range(first - 1, min(last, len(reader.pages))):
        writer.add_page(reader.pages[index])
    dest.parent.mkdir(parents=True, exist_ok=True)
    with dest.open("wb") as fh:
        writer.write(fh)
    return len(writer.pages)


def folders_of(question: dict, documents: dict, before: int, after: int):
    """(scenario, edition, first page, last page) of each folder the question is asked of."""
    editions = documents[question["doc"]]
    gold = question["gold"]
    own = question["lang"]
    chosen = []
    if own in editions and gold.get(own):
        chosen.append(("same", own))
    others = sorted(lang for lang in editions if lang != own and gold.get(lang))
    if others:
        chosen.append(("cross", others[0]))
    for scenario, lang in chosen:
        first = min(gold[lang])
        yield scenario, lang, max(1, first - before), first + after


def index_folder(home: Path, folder: Path, embedder):
    from desktop_search.core import Engine, Settings

    engine = Engine.open(home, embedder=embedder, settings=Settings(folders=[str(folder)]))
    engine.index()
    return engine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        help="QUESTIONS.json=PDF_DIR (repeatable; default: the four sets, PDFs fetched into the cache)",
    )
    parser.add_argument("--before", type=int, default=4, help="pages before the first gold page")
    parser.add_argument("--after", type=int, default=4, help="pages after it")
    parser.add_argument("--cache", type=Path, default=CACHE / "smallfolder")
    parser.add_argument("--tune", default="", help="search parameters for this run (Engine.tune_search)")
    parser.add_argument("--ranks", type=Path, help="write each question's first right rank (JSON)")
    parser.add_argument("--show", action="store_true", help="print the top 3 of each miss at rank 1")
    parser.add_argument(
        "--together", action="store_true", help="one index of every folder, each search filtered to its own"
    )
    args = parser.parse_args(argv)
    sets = [tuple(s.split("=", 1)) for s in args.set] or [  # realdocs.py's own cache folders
        (str(DATA / name), str(CACHE / ("realdocs" if name == SETS[0] else Path(name).stem) / "docs"))
        for name in SETS
    ]
    embedder = real_embedder()
    tuned = tuning(args.tune)
    ranks: dict[tuple[str, str, str], list[int | None]] = defaultdict(list)
    per_question: dict[str, dict[str, int | None]] = defaultdict(dict)
    passages: list[int] = []
    asked = []  # (question, scenario, lang, folder, gold pages of the excerpt)
    for questions_file, pdf_dir in sets:
        documents, questions, packages = load_questions(Path(questions_file))
        wanted = {name for editions in documents.values() for name in editions.values()}
        fetch_pdfs(Path(pdf_dir), wanted, packages, located_in_packages(Path(questions_file)))
        for question in questions:
            for scenario, lang, first, last in folders_of(question, documents, args.before, args.after):
                name = documents[question["doc"]][lang]
                stem = f"{Path(name).stem}-{first}-{last}"
                folder = args.cache / "folders" / stem
                last = first - 1 + excerpt(Path(pdf_dir) / name, first, last, folder / f"{stem}.pdf")
                gold = {p - first + 1 for p in question["gold"][lang] if first <= p <= last}
                asked.append((question, scenario, lang, folder, gold))

    def ask(engine, question: dict, scenario: str, lang: str, gold: set[int], filters=None) -> None:
        for mode in MODES:
            hits = engine.search(question["question"], k=K, grouped=False, mode=mode, filters=filters)
            pages = [h.page for h in hits]
            rank = next((i for i, p in enumerate(pages, 1) if p in gold), None)
            for key in ((mode, scenario, "all"), (mode, scenario, question["lang"])):
                ranks[key].append(rank)
            per_question[f"{mode} / {scenario}"][question["id"]] = rank
            if args.show and mode == "hybrid" and rank != 1:
                eprint(f"{question['id']} {scenario} {lang} rank {rank}: {question['question']}")
                for h in hits[:3]:
                    eprint(f"   p{h.page} {h.strength:.2f} {h.text[:100]!r}")

    if args.together:
        from desktop_search.core.records import SearchFilters

        engine = index_folder(args.cache / "together", args.cache / "folders", embedder)
        try:
            engine.tune_search(**tuned)
            eprint(f"one index of {engine.status()['chunks']} passages")
            for question, scenario, lang, folder, gold in asked:
                ask(engine, question, scenario, lang, gold, SearchFilters(folders=(str(folder),)))
        finally:
            engine.close()
    else:
        for question, scenario, lang, folder, gold in asked:
            engine = index_folder(args.cache / "homes" / folder.name, folder, embedder)
            try:
                engine.tune_search(**tuned)
                passages.append(int(engine.status()["chunks"]))
                ask(engine, question, scenario, lang, gold)
            finally:
                engine.close()
    if passages:  # each folder in a home of its own
        eprint(
            f"{len(passages)} folders, {min(passages)}-{max(passages)} passages (median "
            f"{sorted(passages)[len(passages) // 2]})"
        )
    print(f"{'mode':8} {'scenario':8} {'lang':4} {'n':>4} {'hit@1':>6} {'mrr@10':>7}")
    for (mode, scenario, lang), values in sorted(ranks.items()):
        s = summarise(values)
        print(f"{mode:8} {scenario:8} {lang:4} {len(values):4d} {s['hit@1']:6.3f} {s['mrr@10']:7.3f}")
    if args.ranks is not None:
        args.ranks.write_text(json.dumps(per_question, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
