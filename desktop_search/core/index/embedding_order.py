"""Which waiting passages phase 2 embeds next: the files that cost least to finish, for what they
are likely worth, first.

Phase 2 is the slow one (on a 2-core CPU, a dozen or two passages a second), and a file is searchable
by meaning once its last passage is embedded. Folders are lopsided: over ``/usr/share/doc`` (4,140
files, 501,241 passages, hours of work) 47 files (test logs, changelogs, an API's JSON dump) held half
the passages, and the 3,631 files of at most 100 passages 11 %. Replayed by
``benchmarks/embedding_order.py`` (groups of 256 chosen as phase 2 chooses them), taking the newest
files first (as phase 2 did) gave 3.1 % of the files their meaning in the first tenth of the work and
50 % by its half, a file waiting on average 0.55 of the run; the cheapest first gives 78 % in the
first tenth and 98 % by the half, a mean wait of 0.08 (with each group holding the next passage in
order, :func:`~desktop_search.core.index.embedding.most_alike`; without, 75 % and 96 %, 0.09).
Finishing the shortest job first is what makes the mean wait per file least.

A file is not only its size: what a person worked on lately is what they look for. So the cost of a
file is its waiting passages times ``1 + age / RECENT_DAYS`` (Smith's rule: the least cost per worth
first, worth falling with age): a document saved today goes before an older one of similar size, and
before one a thirteenth of its size from a year ago; a huge log from years back comes last. (A file
edited during a first run's backlog waits as any other of its size and age would; those of its passages
the vector cache knows then cost nothing.)
"""

from __future__ import annotations

import time

from desktop_search.core.store.ledger import ChunkRow, Ledger, WaitingFile

RECENT_DAYS = 30.0  # a file this many days old is worth half as much as one of today's
DAY_S = 86_400.0


def file_cost(waiting: int, mtime: float, now: float, recent_days: float = RECENT_DAYS) -> float:
    """The order key of a file with ``waiting`` passages last modified at ``mtime``: less goes first."""
    age_days = max(0.0, now - mtime) / DAY_S
    return waiting * (1.0 + age_days / recent_days)


def embedding_order(files: list[WaitingFile], now: float) -> list[WaitingFile]:
    """``files`` cheapest first (:func:`file_cost`); ties by path, so the order is the same every time."""
    return sorted(files, key=lambda f: (file_cost(f.waiting, f.mtime, now), f.path))


def next_waiting(ledger: Ledger, limit: int, now: float | None = None) -> list[ChunkRow]:
    """Up to ``limit`` waiting passages of the cheapest files (:func:`embedding_order`), each file's
    in its own order."""
    now = time.time() if now is None else now
    passages: list[ChunkRow] = []
    for file in embedding_order(ledger.waiting_files(), now):
        if len(passages) >= limit:
            break
        passages += ledger.waiting_in(file.path, limit - len(passages))
    return passages
