"""When does each file get its meaning? Phase 2's order of files, replayed over a real index.

    desktop-search --data-dir /tmp/usd index /usr/share/doc    # interrupt it once phase 1 is over
    python benchmarks/embedding_order.py /tmp/usd/data/index/chunks-*/ledger.sqlite3

Reads a ledger (opened read-only; each file's passages, texts and mtime) and replays phase 2, a
group of 256 at a time chosen among the next 1,024 waiting: the newest files first with the group the
most alike in length wherever they stood (as phase 2 ran before), the files cheapest to finish first
(:func:`~desktop_search.core.index.embedding_order.embedding_order`) so, and the cheapest first with
each group holding the next passage in order (:func:`~desktop_search.core.index.embedding.most_alike`).
The unit of work is a passage whose text (with its heading) has not been embedded before: the
vector cache reuses the rest, at no cost. Prints, for each, the share of files searchable by meaning
once 5, 10, 25 and 50 % of the work is done, and the mean and median share of the work a file waits
for (1.0: the end of the run). ``--now`` sets the time ages are
counted from (default: the newest file's mtime, as if the run had started then).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop_search.core.index.embedding import CHOICE_WINDOW, most_alike
from desktop_search.core.index.embedding_order import embedding_order
from desktop_search.core.store.ledger import WaitingFile

MARKS = (0.05, 0.10, 0.25, 0.50)
GROUP = 256  # passages per encoder call: embedding.GROUP_BATCHES batches of 32


def read_files(ledger: Path) -> tuple[dict[str, WaitingFile], dict[str, list[str]]]:
    """Each file's passage count and mtime, and its passages' texts in order."""
    conn = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True)
    mtimes = {p: float(m) for p, m in conn.execute("SELECT path, mtime FROM files")}
    texts: dict[str, list[str]] = {}
    rows = conn.execute("SELECT path, COALESCE(heading, ''), text FROM chunks ORDER BY path, number")
    for path, heading, text in rows:  # what is embedded: a passage with its heading
        texts.setdefault(path, []).append(f"{heading}\n{text}")
    files = {p: WaitingFile(p, len(t), mtimes.get(p, 0.0)) for p, t in texts.items()}
    return files, texts


@dataclass(eq=False)
class Passage:
    """What :func:`most_alike` reads of a waiting passage."""

    path: str
    text: str
    heading: str | None = None


def finish_times(
    files: dict[str, WaitingFile],
    texts: dict[str, list[str]],
    order: Callable[[dict[str, WaitingFile]], list[str]],
    choose: Callable[[list[Passage], int], list[Passage]],
) -> tuple[dict[str, int], int]:
    """The work done (new texts embedded) when each file is finished, and the total, as phase 2 runs:
    each group ``choose``-n among the next ``CHOICE_WINDOW`` groups' worth of waiting passages, the
    files in ``order`` (asked again after each group, of what still waits)."""
    waiting = {p: [Passage(p, t) for t in ts] for p, ts in texts.items()}
    left = dict(files)
    seen: set[str] = set()
    done = 0
    finished: dict[str, int] = {}
    while left:
        window: list[Passage] = []
        for path in order(left):
            window += waiting[path][: CHOICE_WINDOW * GROUP - len(window)]
            if len(window) >= CHOICE_WINDOW * GROUP:
                break
        chosen = choose(window, GROUP)
        for passage in chosen:
            if passage.text not in seen:
                seen.add(passage.text)
                done += 1
        taken = {id(c) for c in chosen}
        for path in {c.path for c in chosen}:
            waiting[path] = [c for c in waiting[path] if id(c) not in taken]
        for path in {p.path for p in window}:
            if waiting[path]:
                left[path] = WaitingFile(path, len(waiting[path]), files[path].mtime)
            else:
                left.pop(path)
                finished[path] = done
    return finished, done


def unanchored(chunks: list[Passage], size: int) -> list[Passage]:
    """The group phase 2 chose before: the most alike in length, wherever they stood in the window."""
    if len(chunks) <= size:
        return list(chunks)
    ordered = sorted(chunks, key=lambda c: len(c.text))
    lengths = [len(c.text) for c in ordered]
    start = min(range(len(ordered) - size + 1), key=lambda i: lengths[i + size - 1] - lengths[i])
    return ordered[start : start + size]


def report(name: str, finished: dict[str, int], total: int) -> str:
    waits = sorted(t / total for t in finished.values())
    shares = [sum(1 for w in waits if w <= mark) / len(waits) for mark in MARKS]
    cells = "  ".join(f"{s:6.1%}" for s in shares)
    return f"{name:<22} {cells}   mean {statistics.fmean(waits):.3f}  median {statistics.median(waits):.3f}"


def main(argv: Sequence[str] | None = None) -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("ledger", type=Path)
    parser.add_argument("--now", type=float, help="seconds since the epoch (default: the newest mtime)")
    args = parser.parse_args(argv)
    files, texts = read_files(args.ledger)
    now = args.now if args.now is not None else max(f.mtime for f in files.values())

    def newest(left: dict[str, WaitingFile]) -> list[str]:
        return sorted(left, key=lambda p: (-left[p].mtime, p))

    def cheapest(left: dict[str, WaitingFile]) -> list[str]:
        return [f.path for f in embedding_order(list(left.values()), now)]

    runs = {
        "newest, most alike": (newest, unanchored),
        "cheapest, most alike": (cheapest, unanchored),
        "cheapest, anchored": (cheapest, most_alike),
    }
    print(f"{len(files):,} files, {sum(f.waiting for f in files.values()):,} passages; groups of {GROUP}")
    print(f"{'files with meaning at':<22} " + "  ".join(f"{m:>6.0%}" for m in MARKS) + "   of the work")
    for name, (order, choose) in runs.items():
        finished, total = finish_times(files, texts, order, choose)
        print(report(name, finished, total))


if __name__ == "__main__":
    main()
