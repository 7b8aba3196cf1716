"""Right pages in real manuals: the product against a naive whole-page pipeline, same run.

The corpus is real multilingual PDF manuals from Debian packages (Debian Reference in six languages,
the Auto Multiple Choice manual in three, the Ubuntu Packaging Guide, built with Sphinx, in four).
``benchmarks/data/realdocs_questions.json`` holds questions in English, German, French, Japanese and
Spanish with the gold page(s) in every edition, each checked by reading the page (see
``benchmarks/data/README.md``). ``--questions benchmarks/data/lilypond_questions.json`` asks another set
over LilyPond's Usage manual (English, German, French, Spanish) and Learning Manual (English, German):
Texinfo manuals full of music examples, code and printed scores. ``--questions
benchmarks/data/freedombox_questions.json`` asks one written after the ranking was tuned, over the
FreedomBox Manual in English and Spanish (dblatex). ``--questions benchmarks/data/eyes17_questions.json``
asks a fourth, written later still, over the expEYES-17 physics manual in English, Spanish and French.
``debian_faq_questions.json`` (the Debian FAQ in English, German, French, Italian, Dutch, Portuguese and
Russian) and ``developers_reference_questions.json`` (Debian's Developer's Reference in English, German,
French and Japanese) were written last, by a reader who had not seen the product's rankings.

Each question is asked twice (three times with ``--lone``):
- **same language**: the document's edition in the question's language is searchable, its other
  editions are not (the other manuals stay, in every language, as distraction);
- **cross language**: the edition in the question's language is hidden, every other edition of the
  document is searchable (the answer exists only in other languages).
- **lone** (with ``--lone``): across languages again, from an index that holds nothing in the
  question's language (every edition in it is left out of a copy of the index, in ``without-LANG``):
  a German question over manuals that exist only in other languages, on a computer with no German
  documents. The query is then foreign to the index (its words unknown, no language mean to take out),
  where in **cross** the other manuals' editions in its language are still indexed.
Hiding is done on the ranked list (the search asks for more results than it shows). With ``--absent``
the product's systems search with the hidden editions filtered out instead (each PDF sits in a folder
of its own, and the search keeps to the others), as a user without those editions would: their
passages then take no candidate slots or keyword ranks. The page baseline ranks each page on its own,
so hiding is the same for it either way.

Systems, all over the same PDFs in the same run:
- ``product``: the Engine's hybrid search, grouped (one row per file, as the window shows it) and
  flat (every passage);
- ``dense``: the product's dense leg alone (flat);
- ``page``: the naive pipeline the product must beat: pypdf's text of each whole page, one
  multilingual-e5-small vector per page (the model truncates at 512 tokens), dense only.

Metrics: hit@1, hit@5 and MRR@10 of a gold page. A row counts as a hit when a page it shows is gold:
its best passage, a passage shown inline under it, or a translation of it in another edition folded
under it and listed with its page (``--heads-only``: the row's own passages only).

    python benchmarks/realdocs.py             # fetch the PDFs (apt-get download) once, index, evaluate
    python benchmarks/realdocs.py --pdfs DIR  # take the question set's PDFs from DIR instead
    python benchmarks/realdocs.py --rebuild   # index again (after a change of extraction or chunking)
    python benchmarks/realdocs.py --show 5    # also print the top hits of 5 cross-language questions
    python benchmarks/realdocs.py --tune code_factor=1  # a search parameter changed for this run
    python benchmarks/realdocs.py --ranks r.json  # each question's first right rank, to compare two runs
    python benchmarks/realdocs.py --absent    # hidden editions filtered out of the search, not hidden after
    python benchmarks/realdocs.py --lone      # also the 'lone' scenario (an index per question language)
    python benchmarks/realdocs.py --questions benchmarks/data/lilypond_questions.json  # LilyPond's manuals
    python benchmarks/realdocs.py --questions benchmarks/data/eyes17_questions.json  # the expEYES-17 manual
    python benchmarks/realdocs.py --questions benchmarks/data/debian_faq_questions.json  # the Debian FAQ

Comparing two builds: searches of one built index repeat exactly, but two builds of the same PDFs
with the int8 encoder differ (10 of 65 cross-language questions' right ranks, about ±0.03 hit@5).
ONNX Runtime quantises a batch's activations with one scale for the whole batch, so a passage's
vector depends on the passages batched with it, and phase 2 batches whatever phase 1 has written by
then: of 10,861 passages embedded in two builds, 3,203 had the same vector, mean cosine 0.9989 (min
0.9963). (A passage embedded alone agrees with float32 as well as a batched one, 0.9981 against 0.9980
over 192 passages: batching re-rolls the quantisation error, it does not add to it.) Compare a change of
search on one built index (``--ranks`` both runs), a change of extraction over several builds.

Besides the metrics it counts the failure classes of the product's top 5 (passages, not the
baseline's pages): ``toc`` (dot leaders or lines of page numbers), ``code`` (most lines code or
markup) and ``header`` (the PDF's running header left in the passage), as top-1 counts and shares
of the top-5 rows.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import hashlib
import json
import logging
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CACHE, REPO, eprint, real_embedder, tuning

logging.getLogger("pypdf").setLevel(logging.ERROR)  # font warnings (the FAQ's CMMI9), as in the product

QUESTIONS = REPO / "benchmarks" / "data" / "realdocs_questions.json"
PACKAGES = (
    "debian-reference-en",
    "debian-reference-de",
    "debian-reference-fr",
    "debian-reference-ja",
    "debian-reference-es",
    "debian-reference-it",
    "auto-multiple-choice-doc-pdf",
    "ubuntu-packaging-guide-pdf",
    "ubuntu-packaging-guide-pdf-de",
    "ubuntu-packaging-guide-pdf-fr",
    "ubuntu-packaging-guide-pdf-es",
)
# packages that ship their PDF gzipped under one name in every language: the edition's file name by
# the package's documentation folder
GZIPPED = {
    "ubuntu-packaging-guide-pdf": "ubuntu-packaging-guide.en.pdf",
    "ubuntu-packaging-guide-pdf-de": "ubuntu-packaging-guide.de.pdf",
    "ubuntu-packaging-guide-pdf-fr": "ubuntu-packaging-guide.fr.pdf",
    "ubuntu-packaging-guide-pdf-es": "ubuntu-packaging-guide.es.pdf",
}
# results asked for before hiding the editions a scenario excludes. The question's own edition can fill
# the first 60 passages (all its pages near the question, in its language), and with 60 the
# cross-language figures counted misses a user without that edition would not see: the dense leg's
# cross-language hit@5 was 0.45 at 60 and 0.53 with every passage ranked.
FETCH_K = 200
K = 10
COUNT_TRANSLATIONS = True  # --heads-only: a row's folded translations do not count as shown


@dataclass(frozen=True)
class Row:
    """One ranked result: the file and the page(s) it shows."""

    file: str
    pages: tuple[int, ...]
    texts: tuple[str, ...] = ()  # the passages shown (the product's systems only)
    # translations listed under the row: (file, page) of each, in other editions (product only)
    elsewhere: tuple[tuple[str, int], ...] = ()

    def shows_gold(self, hidden: set[str], gold: dict[str, set[int]]) -> bool:
        """A page the row shows is gold: its own file's, or a listed translation's in its own edition
        (one the scenario hides does not count)."""
        if gold.get(self.file, set()) & set(self.pages):
            return True
        return any(page in gold.get(name, set()) for name, page in self.elsewhere if name not in hidden)


# -- the corpus ------------------------------------------------------------------------------------


def fetch_pdfs(
    dest: Path, wanted: set[str], packages: Sequence[str] = PACKAGES, located: dict[str, str] | None = None
) -> None:
    """Download the Debian packages and take the PDFs the question set names out of them. ``located``:
    an edition's file name by the end of its path in the package, for packages that ship every language
    under one name (``"manual/en/freedombox-manual.pdf": "freedombox-manual.en.pdf"``)."""
    if all((dest / name).exists() for name in wanted):
        return
    if shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None:
        sys.exit("apt-get and dpkg-deb are needed to fetch the manuals; or pass --pdfs DIR")
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        eprint(f"downloading {', '.join(packages)}")
        subprocess.run(["apt-get", "download", *packages], cwd=tmp, check=True, capture_output=True)
        for deb in Path(tmp).glob("*.deb"):
            subprocess.run(["dpkg-deb", "-x", str(deb), str(Path(tmp) / "x")], check=True)
        for pdf in (Path(tmp) / "x").rglob("*.pdf"):
            ends = (n for end, n in (located or {}).items() if pdf.as_posix().endswith("/" + end))
            name = next(ends, pdf.name)
            if name in wanted:
                shutil.copy2(pdf, dest / name)
        for packed in (Path(tmp) / "x").rglob("*.pdf.gz"):
            ends = (n for end, n in (located or {}).items() if packed.as_posix().endswith("/" + end))
            name = next(ends, GZIPPED.get(packed.parent.name))
            if name in wanted:
                (dest / name).write_bytes(gzip.decompress(packed.read_bytes()))
    missing = sorted(n for n in wanted if not (dest / n).exists())
    if missing:
        sys.exit(f"the packages did not hold {missing}")


@functools.cache
def question_file(path: Path) -> dict:
    """A question set's file, read once however many of its parts are asked for."""
    return json.loads(path.read_text(encoding="utf-8"))


def load_questions(path: Path = QUESTIONS) -> tuple[dict[str, dict[str, str]], list[dict], tuple[str, ...]]:
    """A question set's documents (their editions' PDFs), questions, and the packages holding the PDFs."""
    data = question_file(path)
    return data["documents"], data["questions"], tuple(data.get("packages", PACKAGES))


def located_in_packages(path: Path) -> dict[str, str]:
    """A question set's ``located`` map (see :func:`fetch_pdfs`), empty when it has none."""
    return dict(question_file(path).get("located", {}))


# -- the systems -----------------------------------------------------------------------------------


def build_product(cache: Path, docs: Path, embedder, rebuild: bool):
    from desktop_search.core import Engine, Settings

    home = cache / "home"
    if rebuild and home.exists():
        shutil.rmtree(home)
    engine = Engine.open(home, embedder=embedder, settings=Settings(folders=[str(docs)]))
    engine.remove_folder(cache / "docs")  # indexed from there before each PDF had a folder of its own
    started = time.monotonic()
    result = engine.index()
    status = engine.status()
    took = time.monotonic() - started
    eprint(f"product index: {status['files']} {status['chunks']} passages ({took:.0f} s)")
    if str(result.phase) != "done":
        sys.exit(f"indexing did not finish: {result}")
    return engine


def build_without(cache: Path, folder_of: dict[str, str], documents, language: str, embedder):
    """The product's index of every edition not in ``language`` (a copy of the full index's home, so
    the vector cache spares the encoder; kept in ``cache/without-LANG`` for the next run)."""
    from desktop_search.core import Engine, Settings

    home = cache / f"without-{language}" / "home"
    if not home.exists():
        shutil.copytree(cache / "home", home)
    dropped = {f for eds in documents.values() for ed, f in eds.items() if ed == language}
    folders = [folder for name, folder in sorted(folder_of.items()) if name not in dropped]
    engine = Engine.open(home, embedder=embedder, settings=Settings(folders=folders))
    engine.remove_folder(cache / "editions")
    for name in dropped:
        engine.remove_folder(Path(folder_of[name]))
    started = time.monotonic()
    engine.index()
    status = engine.status()
    took = time.monotonic() - started
    eprint(f"index without {language}: {status['files']} {status['chunks']} passages ({took:.0f} s)")
    return engine


def product_rows(
    engine, query: str, grouped: bool, mode: str = "hybrid", folders: tuple[str, ...] = ()
) -> list[Row]:
    from desktop_search.core.records import SearchFilters

    filters = SearchFilters(folders=folders) if folders else None
    hits = engine.search(query, k=FETCH_K if not grouped else 20, filters=filters, grouped=grouped, mode=mode)
    rows = []
    for hit in hits:
        # a row shows its passage, the file's strong others (inline) and, listed under it with their
        # pages, its translations in the other editions (core.search.translations)
        folded = getattr(hit, "translations", ()) if COUNT_TRANSLATIONS else ()
        shown = [hit, *getattr(hit, "inline", ())]
        pages = tuple(m.page for m in shown if m.page is not None)
        elsewhere = tuple((Path(t.path).name, t.page) for t in folded if t.page is not None)
        rows.append(Row(Path(hit.path).name, pages, tuple(m.text for m in shown), elsewhere))
    return rows


class PageBaseline:
    """pypdf text of each whole page, one vector per page, cosine ranking."""

    def __init__(self, docs: Path, embedder, cache: Path) -> None:
        import numpy as np
        from pypdf import PdfReader

        self.keys: list[tuple[str, int]] = []
        vectors = []
        for pdf in sorted(docs.glob("*.pdf")):
            digest = hashlib.sha256(pdf.read_bytes()).hexdigest()[:16]
            saved = cache / f"pages-{pdf.stem}-{digest}.npz"
            if saved.exists():
                data = np.load(saved)
                pages, matrix = list(data["pages"]), data["vectors"]
            else:
                reader = PdfReader(str(pdf))
                texts = [(i + 1, (p.extract_text() or "").strip()) for i, p in enumerate(reader.pages)]
                texts = [(n, t) for n, t in texts if t]
                started = time.monotonic()
                matrix = embedder.embed_documents([t for _n, t in texts])
                pages = [n for n, _t in texts]
                eprint(f"  page vectors of {pdf.name}: {len(pages)} in {time.monotonic() - started:.0f} s")
                saved.parent.mkdir(parents=True, exist_ok=True)
                np.savez(saved, pages=np.array(pages), vectors=matrix)
            self.keys.extend((pdf.name, int(n)) for n in pages)
            vectors.append(matrix)
        self.matrix = np.concatenate(vectors).astype("float32")
        self.embedder = embedder

    def rows(self, query: str, grouped: bool) -> list[Row]:
        import numpy as np

        scores = self.matrix @ np.asarray(self.embedder.embed_query(query), dtype="float32")
        order = np.argsort(-scores)
        rows: list[Row] = []
        seen: set[str] = set()
        for i in order[: FETCH_K * 4]:
            name, page = self.keys[int(i)]
            if grouped:
                if name in seen:
                    continue
                seen.add(name)
            rows.append(Row(name, (page,)))
        return rows


# -- failure classes -------------------------------------------------------------------------------

CODE_SYMBOLS = set("{}[]()<>=;|\\/$#_~^*`'\"")
CODE_LINE = re.compile(
    r"^\s*(?:[$#%>] |\\[A-Za-z@]+|</?[A-Za-z!?]|[{}]|\w[\w.-]*=\S)|[;{}]\s*$|\\[A-Za-z@]+[{\[]"
)


def running_headers(docs: Path, cache: Path) -> dict[str, str]:
    """Each PDF's running header as a template: its pages' most common first line, whitespace
    removed and digit runs as ``#`` (e.g. ``AutoMultipleChoice#/#``); kept when on half the pages."""
    saved = cache / "headers.json"
    if saved.exists():
        return json.loads(saved.read_text(encoding="utf-8"))
    from pypdf import PdfReader

    headers = {}
    for pdf in sorted(docs.glob("*.pdf")):
        firsts = Counter()
        pages = PdfReader(str(pdf)).pages
        for page in pages:
            lines = [ln for ln in (page.extract_text() or "").splitlines() if ln.strip()]
            if lines:
                firsts[squeeze(lines[0])] += 1
        template, count = firsts.most_common(1)[0] if firsts else ("", 0)
        if count >= len(pages) / 2 and "#" in template:
            headers[pdf.name] = template
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(headers, ensure_ascii=False), encoding="utf-8")
    return headers


def squeeze(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def failure_classes(text: str, header: str | None) -> set[str]:
    """What makes a passage a likely wrong answer: ``toc`` (dot leaders or a list of page numbers),
    ``code`` (most lines are code or markup), ``header`` (a running header left in its text)."""
    found = set()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    numbered = sum(1 for ln in lines if re.search(r"\d+\s*$", ln))
    if len(re.findall(r"(?:\.\s?){5,}", text)) >= 2 or (len(lines) >= 4 and numbered >= 0.6 * len(lines)):
        found.add("toc")
    code_lines = 0
    for ln in lines:
        visible = ln.replace(" ", "")
        dense = visible and sum(ch in CODE_SYMBOLS for ch in visible) >= 0.2 * len(visible)
        code_lines += bool(CODE_LINE.search(ln) or dense)
    if lines and code_lines >= 0.5 * len(lines):
        found.add("code")
    if header and header in squeeze(text):
        found.add("header")
    return found


# -- scoring ---------------------------------------------------------------------------------------


def scenarios(
    question: dict, documents: dict[str, dict[str, str]], lone: bool = False
) -> Iterable[tuple[str, set[str], dict]]:
    """(scenario, hidden files, gold pages by file) for each way the question is asked; with ``lone``
    also across languages from an index that holds nothing in the question's language."""
    editions = documents[question["doc"]]
    lang = question["lang"]
    gold = {editions[ed]: set(pages) for ed, pages in question["gold"].items() if ed in editions}
    if lang in editions:
        own = editions[lang]
        others = {f for ed, f in editions.items() if ed != lang}
        yield "same", others, {own: gold[own]}
        yield "cross", {own}, {f: p for f, p in gold.items() if f != own}
    else:
        yield "cross", set(), gold
    if lone:
        in_language = {f for eds in documents.values() for ed, f in eds.items() if ed == lang}
        yield "lone", in_language, {f: p for f, p in gold.items() if f not in in_language}


def first_gold_rank(rows: list[Row], hidden: set[str], gold: dict[str, set[int]]) -> int | None:
    shown = [r for r in rows if r.file not in hidden][:K]
    for rank, row in enumerate(shown, 1):
        if row.shows_gold(hidden, gold):
            return rank
    return None


def summarise(ranks: list[int | None]) -> dict[str, float]:
    n = max(1, len(ranks))
    return {
        "hit@1": sum(1 for r in ranks if r == 1) / n,
        "hit@5": sum(1 for r in ranks if r is not None and r <= 5) / n,
        "mrr@10": sum(1.0 / r for r in ranks if r is not None) / n,
        "n": len(ranks),
    }


System = Callable[[str, frozenset[str], str | None], list[Row]]  # (query, hidden files, index without)


def evaluate(
    systems: dict[str, System],
    questions: list[dict],
    documents,
    show: int,
    headers: dict[str, str],
    absent: bool = False,
    lone: bool = False,
    per_question: dict | None = None,
) -> tuple[dict, dict]:
    """Ranks and failure classes of every system; a system is asked once per question, or, with
    ``absent``, once per scenario with that scenario's hidden files (which it may filter out). The
    ``lone`` scenario asks the index without the question's language."""
    ranks: dict[tuple[str, str, str], list[int | None]] = defaultdict(list)  # (system, scenario, lang)
    classes: dict[tuple[str, str], Counter] = defaultdict(Counter)  # (system, scenario): counts
    shown = 0

    def ask(text: str, hidden: frozenset[str], without: str | None = None) -> dict[str, list[Row]]:
        return {name: run(text, hidden, without) for name, run in systems.items()}

    for question in questions:
        once = None if absent else ask(question["question"], frozenset())
        for scenario, hidden, gold in scenarios(question, documents, lone):
            if scenario == "lone":
                results = ask(question["question"], frozenset(hidden), question["lang"])
            else:
                results = once if once is not None else ask(question["question"], frozenset(hidden))
            for name, rows in results.items():
                rank = first_gold_rank(rows, hidden, gold)
                ranks[(name, scenario, question["lang"])].append(rank)
                ranks[(name, scenario, "all")].append(rank)
                if per_question is not None:
                    per_question.setdefault(f"{name} / {scenario}", {})[question["id"]] = rank
                count_classes(classes[(name, scenario)], rows, hidden, headers)
            if scenario == "cross" and shown < show:
                shown += 1
                print_top(question, results["product grouped"], hidden, gold)
    report: dict = {}
    for (name, scenario, lang), values in sorted(ranks.items()):
        report.setdefault(name, {}).setdefault(scenario, {})[lang] = summarise(values)
    failures: dict = {}
    for (name, scenario), counts in sorted(classes.items()):
        if counts["top5"]:
            failures.setdefault(name, {})[scenario] = {
                **{f"{c}@1": counts[f"{c}@1"] for c in ("toc", "code", "header")},
                **{f"{c}@5": round(counts[f"{c}@5"] / counts["top5"], 3) for c in ("toc", "code", "header")},
                "questions": counts["questions"],
            }
    return report, failures


def count_classes(counts: Counter, rows: list[Row], hidden: set[str], headers: dict[str, str]) -> None:
    """Add a ranked list's failure classes: top-1 counts and top-5 shares (rows with passage text)."""
    shown = [r for r in rows if r.file not in hidden][:5]
    if not shown or not shown[0].texts:
        return
    counts["questions"] += 1
    for rank, row in enumerate(shown, 1):
        found = failure_classes(row.texts[0], headers.get(row.file))
        counts["top5"] += 1
        for c in found:
            counts[f"{c}@5"] += 1
            if rank == 1:
                counts[f"{c}@1"] += 1


def print_top(question: dict, rows: list[Row], hidden: set[str], gold: dict[str, set[int]]) -> None:
    eprint(f"\n[{question['id']} {question['lang']}] {question['question']}  gold: {gold}")
    for row in [r for r in rows if r.file not in hidden][:5]:
        mark = "*" if row.shows_gold(hidden, gold) else " "
        eprint(f"  {mark} {row.file} p.{','.join(map(str, row.pages))}")


def print_table(report: dict) -> None:
    print(f"{'system':<18} {'scenario':<6} {'lang':<4} {'n':>3} {'hit@1':>6} {'hit@5':>6} {'mrr@10':>6}")
    for name, by_scenario in report.items():
        for scenario, by_lang in by_scenario.items():
            for lang in ["all", *sorted(k for k in by_lang if k != "all")]:
                m = by_lang[lang]
                print(
                    f"{name:<18} {scenario:<6} {lang:<4} {m['n']:>3} {m['hit@1']:>6.3f}"
                    f" {m['hit@5']:>6.3f} {m['mrr@10']:>6.3f}"
                )


def print_failures(failures: dict) -> None:
    print("\nfailure classes: top-1 counts, share of top-5 rows (toc, code, running header)")
    for name, by_scenario in failures.items():
        for scenario, m in by_scenario.items():
            print(
                f"{name:<18} {scenario:<6} n={m['questions']:>3}  toc {m['toc@1']:>2} {m['toc@5']:.2f}"
                f"  code {m['code@1']:>2} {m['code@5']:.2f}  header {m['header@1']:>2} {m['header@5']:.2f}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--pdfs", type=Path, default=None, help="folder with the manuals' PDFs (fetched into it when missing)"
    )
    parser.add_argument("--cache", type=Path, default=None, help="default: benchmarks/.cache/realdocs")
    parser.add_argument(
        "--questions", type=Path, default=QUESTIONS, help="another set (data/lilypond_questions.json)"
    )
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--show", type=int, default=0, help="print top hits of N cross-language questions")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--lang", default=None, help="only questions in this language")
    parser.add_argument(
        "--absent", action="store_true", help="filter the hidden editions out of the search (see above)"
    )
    parser.add_argument(
        "--tune", default="", help="search parameters for this run, e.g. code_factor=1 (Engine.tune_search)"
    )
    parser.add_argument(
        "--lone",
        action="store_true",
        help="also ask each question of an index with nothing in its language (scenario 'lone')",
    )
    parser.add_argument(
        "--heads-only",
        action="store_true",
        help="count a row's own passages only, not the translations folded under it",
    )
    parser.add_argument(
        "--ranks", type=Path, help="write each question's first right rank per system and scenario (JSON)"
    )
    args = parser.parse_args(argv)
    global COUNT_TRANSLATIONS
    COUNT_TRANSLATIONS = not args.heads_only

    documents, questions, packages = load_questions(args.questions)
    located = located_in_packages(args.questions)
    if args.cache is None:  # each question set indexes its own manuals
        args.cache = CACHE / ("realdocs" if args.questions == QUESTIONS else args.questions.stem)
    if args.lang:
        questions = [q for q in questions if q["lang"] == args.lang]
    wanted = {name for editions in documents.values() for name in editions.values()}
    docs = args.cache / "docs"
    if args.pdfs is not None:  # only the question set's PDFs are indexed, whatever else the folder holds
        fetch_pdfs(args.pdfs, wanted, packages, located)  # a new or partial folder is filled first
        docs.mkdir(parents=True, exist_ok=True)
        for name in wanted:
            if not (docs / name).exists():
                shutil.copy2(args.pdfs / name, docs / name)
    else:
        fetch_pdfs(docs, wanted, packages, located)
    folder_of = {}  # each PDF in a folder of its own, so a search can leave some out (--absent)
    for name in wanted:
        folder = args.cache / "editions" / Path(name).stem
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / name).exists():
            shutil.copy2(docs / name, folder / name)
        folder_of[name] = str(folder)
    embedder = real_embedder()
    tuned = tuning(args.tune)
    engine = build_product(args.cache, args.cache / "editions", embedder, args.rebuild)
    engine.tune_search(**tuned)
    baseline = PageBaseline(docs, embedder, args.cache / "baseline")

    def kept(hidden: frozenset[str]) -> tuple[str, ...]:
        """The folders a search keeps to: all but the hidden editions' (none filtered when none is)."""
        return tuple(f for name, f in sorted(folder_of.items()) if name not in hidden) if hidden else ()

    lone_engines: dict[str, object] = {}

    def index_of(without: str | None):  # type: ignore[no-untyped-def]
        """The product's index, or (scenario 'lone') the one without any edition in ``without``."""
        if without is None:
            return engine
        if without not in lone_engines:
            lone_engines[without] = build_without(args.cache, folder_of, documents, without, embedder)
            lone_engines[without].tune_search(**tuned)  # type: ignore[attr-defined]
        return lone_engines[without]

    def keep(h: frozenset[str], without: str | None) -> tuple[str, ...]:
        return () if without else kept(h)

    systems: dict[str, System] = {
        "product grouped": lambda q, h, w: product_rows(index_of(w), q, grouped=True, folders=keep(h, w)),
        "product flat": lambda q, h, w: product_rows(index_of(w), q, grouped=False, folders=keep(h, w)),
        "dense flat": lambda q, h, w: product_rows(
            index_of(w), q, grouped=False, mode="dense", folders=keep(h, w)
        ),
        "page grouped": lambda q, h, w: baseline.rows(q, grouped=True),
        "page flat": lambda q, h, w: baseline.rows(q, grouped=False),
    }
    headers = running_headers(docs, args.cache / "baseline")
    per_question: dict = {}
    report, failures = evaluate(
        systems, questions, documents, args.show, headers, args.absent, args.lone, per_question
    )
    if args.ranks is not None:
        args.ranks.write_text(json.dumps(per_question, indent=1))
    engine.close()
    for other in lone_engines.values():
        other.close()  # type: ignore[attr-defined]
    if args.json:
        print(json.dumps({"metrics": report, "failure_classes": failures}, indent=1))
    else:
        print_table(report)
        print_failures(failures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
