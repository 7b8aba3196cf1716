"""When does each file get its meaning? Phase 2's order of files, replayed over a real index.

    desktop-search --data-dir /tmp/usd index /usr/share/doc    # interrupt it once phase 1 is over
    python benchmarks/embedding_order.py /tmp/usd/data/index/chunks-*/ledger.sqlite3

Reads a ledger (opened read-only; each file's passages, texts and mtime) and replays phase 2 in two
orders: the newest files first (each file's passages in turn, as phase 2 took them before) and
:func:`~desktop_search.core.index.embedding_order.embedding_order` (the files cheapest to finish
first, recent ones favoured). The unit of work is a passage whose text (with its heading) has not
been embedded before: the vector cache reuses the rest, at no cost. Prints, for each order, the share
of files searchable by meaning once 5, 10, 25 and 50 % of the work is done, and the mean and median
share of the work a file waits for (1.0: the end of the run). ``--now`` sets the time ages are
counted from (default: the newest file's mtime, as if the run had started then).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop_search.core.index.embedding_order import embedding_order
from desktop_search.core.store.ledger import WaitingFile

MARKS = (0.05, 0.10, 0.25, 0.50)


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


def finish_times(order: Sequence[str], texts: dict[str, list[str]]) -> tuple[dict[str, int], int]:
    """The work done (new texts embedded) when each file of ``order`` is finished, and the total."""
    seen: set[str] = set()
    done = 0
    finished: dict[str, int] = {}
    for path in order:
        for text in texts[path]:
            if text not in seen:
                seen.add(text)
                done += 1
        finished[path] = done
    return finished, done


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
    orders: dict[str, Callable[[], list[str]]] = {
        "newest first": lambda: sorted(files, key=lambda p: (-files[p].mtime, p)),
        "cheapest first": lambda: [f.path for f in embedding_order(list(files.values()), now)],
    }
    print(f"{len(files):,} files, {sum(f.waiting for f in files.values()):,} passages")
    print(f"{'files with meaning at':<22} " + "  ".join(f"{m:>6.0%}" for m in MARKS) + "   of the work")
    for name, order in orders.items():
        finished, total = finish_times(order(), texts)
        print(report(name, finished, total))


if __name__ == "__main__":
    main()
