"""XQuAD-style cross-language search on real translated paragraphs: Debian's package descriptions.

Debian's description translation project (DDTP) translates each package's description by hand; apt
fetches them as ``Translation-<lang>`` files. A description is a one-line synopsis and a paragraph or
more of text. This benchmark indexes the English paragraphs (without their synopsis), one text file
per package, and asks each package's synopsis as the query, in English (same language) and in German,
French, Spanish, Japanese and Simplified Chinese (cross language). The relevant file is the package's
own; near-copies (packages whose paragraphs open the same way, "foo" and "foo-data") are left out of
the corpus so that each query has one answer.

- Up to 300 packages translated into all five languages are queried (214 with bookworm's files, once
  short and near-copied paragraphs are left out); 1,200 more English descriptions are distractors.
  Both are picked by a hash of the package name, so every run and every commit sees the same set.
- Systems: the product's hybrid search (grouped, as the window shows it), its dense leg and its keyword
  leg, through the Engine.
- Metrics per query language: hit@1, hit@5, MRR@10 and nDCG@10 (one relevant file).

Only Engine.open / index / search and ``common.real_embedder`` are used, so the same file runs against
an older checkout (copy it into that checkout's ``benchmarks/``) for a before-and-after comparison.

    python benchmarks/crosslingual.py              # fetch the translations (apt-get update), index, evaluate
    python benchmarks/crosslingual.py --lists DIR  # Translation-* files already in DIR (apt's lists folder)
    python benchmarks/crosslingual.py --json
    python benchmarks/crosslingual.py --tune language_centering=0  # a search parameter changed for this run
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CACHE, eprint, real_embedder, tuning

LANGUAGES = ("en", "de", "fr", "es", "ja", "zh_CN")
QUERIED = 300
DISTRACTORS = 1200
MIN_WORDS = 25  # shorter English paragraphs say too little to be found by meaning
K = 10
MODES = ("hybrid", "dense", "keyword")  # each grouped by file, as the window shows results


def fetch_lists(lists: Path) -> None:
    """apt-get update into ``lists``, for the translation files only (needs apt and the Debian mirror)."""
    (lists / "partial").mkdir(parents=True, exist_ok=True)
    languages = ",".join(LANGUAGES)
    eprint(f"fetching Translation-{{{languages}}} with apt-get update")
    subprocess.run(
        [
            "apt-get",
            "update",
            "-o",
            f"Dir::State::Lists={lists}",
            "-o",
            f"Acquire::Languages={languages}",
            "-o",
            "Acquire::IndexTargets::deb::Packages::DefaultEnabled=false",
        ],
        check=True,
        capture_output=True,
    )


def translation_file(lists: Path, language: str) -> Path:
    quoted = language.replace("_", "%5f")
    found = sorted(lists.glob(f"*_dists_*_main_i18n_Translation-{quoted}*"))
    found = [f for f in found if "-updates_" not in f.name and "-security_" not in f.name]
    if not found:
        sys.exit(f"no Translation-{language} in {lists} (run without --lists to fetch them)")
    return found[0]


def read_translations(lists: Path, language: str) -> dict[str, tuple[str, str, str]]:
    """``{description md5: (package, synopsis, paragraphs)}`` of one language's translation file."""
    text = subprocess.run(
        ["/usr/lib/apt/apt-helper", "cat-file", str(translation_file(lists, language))],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    entries = {}
    for stanza in text.split("\n\n"):
        fields = {}
        lines = stanza.split("\n")
        for i, line in enumerate(lines):
            if line.startswith("Package:"):
                fields["package"] = line.split(":", 1)[1].strip()
            elif line.startswith("Description-md5:"):
                fields["md5"] = line.split(":", 1)[1].strip()
            elif line.startswith(f"Description-{language}:"):
                fields["synopsis"] = line.split(":", 1)[1].strip()
                fields["body"] = paragraphs(lines[i + 1 :])
        if {"package", "md5", "synopsis", "body"} <= fields.keys():
            entries[fields["md5"]] = (fields["package"], fields["synopsis"], fields["body"])
    return entries


def paragraphs(lines: list[str]) -> str:
    """A Debian description's long part as plain text (" ." lines separate paragraphs)."""
    out = []
    for line in lines:
        if not line.startswith(" "):
            break
        out.append("" if line.strip() == "." else line[1:])
    return "\n".join(out).strip()


def opening(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower())[:160]


def pick(translations: dict[str, dict]) -> tuple[list[str], list[str]]:
    """The queried descriptions (translated into every language) and the distractors, by md5."""
    english = translations["en"]
    openings = defaultdict(int)
    for _, _, body in english.values():
        openings[opening(body)] += 1
    usable = [
        md5
        for md5, (_, _, body) in english.items()
        if len(body.split()) >= MIN_WORDS and openings[opening(body)] == 1
    ]

    def order(md5: str) -> str:
        return hashlib.sha1(english[md5][0].encode()).hexdigest()

    everywhere = sorted(
        (m for m in usable if all(m in translations[lang] for lang in LANGUAGES)),
        key=order,
    )
    queried = everywhere[:QUERIED]
    rest = sorted((m for m in usable if m not in set(queried)), key=order)
    return queried, rest[:DISTRACTORS]


def write_corpus(docs: Path, english: dict[str, tuple[str, str, str]], md5s: list[str]) -> None:
    docs.mkdir(parents=True, exist_ok=True)
    for md5 in md5s:
        package, _, body = english[md5]
        target = docs / f"{package}.txt"
        if not target.exists():
            target.write_text(body + "\n", encoding="utf-8")


def evaluate(engine, queries: dict[str, list[tuple[str, str]]]) -> dict[str, dict[str, dict[str, float]]]:
    """``{mode: {language: metrics}}``; each query is (text, the relevant file's name)."""
    report: dict[str, dict[str, dict[str, float]]] = {}
    for mode in MODES:
        report[mode] = {}
        for language, items in queries.items():
            ranks = []
            for text, wanted in items:
                hits = engine.search(text, k=K, grouped=True, mode=mode)
                names = [Path(h.path).name for h in hits]
                ranks.append(names.index(wanted) + 1 if wanted in names else None)
            report[mode][language] = summarise(ranks)
    return report


def summarise(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks)
    return {
        "n": n,
        "hit@1": sum(1 for r in ranks if r == 1) / n,
        "hit@5": sum(1 for r in ranks if r and r <= 5) / n,
        "mrr@10": sum(1 / r for r in ranks if r) / n,
        "ndcg@10": sum(1 / math.log2(r + 1) for r in ranks if r) / n,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=CACHE / "crosslingual")
    parser.add_argument("--lists", type=Path, help="folder holding apt's Translation-* files")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--tune", default="", help="search parameters for this run, e.g. language_centering=0"
    )
    args = parser.parse_args(argv)

    lists = args.lists or args.cache / "lists"
    if args.lists is None and not any(lists.glob("*Translation-en*")):
        fetch_lists(lists)
    translations = {lang: read_translations(lists, lang) for lang in LANGUAGES}
    queried, distractors = pick(translations)
    english = translations["en"]
    docs = args.cache / "docs"
    write_corpus(docs, english, queried + distractors)
    queries = {
        lang: [(translations[lang][m][1], f"{english[m][0]}.txt") for m in queried] for lang in LANGUAGES
    }

    from desktop_search.core import Engine, Settings

    embedder = real_embedder()
    engine = Engine.open(args.cache / "home", embedder=embedder, settings=Settings(folders=[str(docs)]))
    if args.tune:  # Engine.tune_search: not in older checkouts, so only called when asked for
        engine.tune_search(**tuning(args.tune))
    try:
        started = time.monotonic()
        engine.index()
        eprint(
            f"indexed {len(queried) + len(distractors)} descriptions in {time.monotonic() - started:.0f} s"
        )
        report = evaluate(engine, queries)
    finally:
        engine.close()
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    print(f"{'system':<9} {'lang':<6} {'n':>4} {'hit@1':>6} {'hit@5':>6} {'MRR@10':>7} {'nDCG@10':>8}")
    for mode, per_language in report.items():
        for lang, m in per_language.items():
            print(
                f"{mode:<9} {lang:<6} {m['n']:>4} {m['hit@1']:>6.3f} {m['hit@5']:>6.3f}"
                f" {m['mrr@10']:>7.3f} {m['ndcg@10']:>8.3f}"
            )
        cross = [m for lang, m in per_language.items() if lang != "en"]
        mean = sum(m["ndcg@10"] for m in cross) / len(cross)
        print(f"{mode:<9} {'cross':<6} {'':>4} {'':>6} {'':>6} {'':>7} {mean:>8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
