"""The ledger's per-thread SQLite connections end with their threads, and none opens once it is closed.

Every indexing run extracts on a thread of its own, so a watched folder that changes all day starts
thousands of threads; their connections (two file descriptors and up to 2 MB of page cache each) used
to stay open until the ledger closed, and the process ran out of descriptors (macOS allows 256).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_search.core.config.settings import Settings
from desktop_search.core.engine import Engine
from desktop_search.core.store.ledger import Ledger

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts /proc/self/fd")


def open_files_under(folder: Path, named: str = "") -> int:
    """How many of this process's file descriptors point into ``folder`` (to files whose name starts
    with ``named``)."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = Path(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:  # closed meanwhile
            continue
        count += target.is_relative_to(folder) and target.name.startswith(named)
    return count


def on_a_thread(work: Callable[[], object]) -> None:
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()


def test_connections_of_ended_threads_are_closed(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.db")
    ledger.set_meta("greeting", "hello")
    for _ in range(3):  # SQLite keeps a closed connection's descriptor for the next open (POSIX locks)
        on_a_thread(lambda: ledger.get_meta("greeting"))
    settled = open_files_under(tmp_path)

    for _ in range(40):
        on_a_thread(lambda: ledger.get_meta("greeting"))

    assert open_files_under(tmp_path) <= settled
    ledger.close()
    assert open_files_under(tmp_path) == 0


def test_a_living_threads_connection_stays_open_while_others_end(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.db")
    ledger.set_meta("greeting", "hello")
    asked, answered = threading.Event(), []
    first_conn = []

    def long_lived() -> None:
        first_conn.append(ledger.conn)
        asked.wait(10)
        answered.append((ledger.conn is first_conn[0], ledger.get_meta("greeting")))

    keeper = threading.Thread(target=long_lived)
    keeper.start()
    for _ in range(10):  # threads that end open connections, and close those of ended threads
        on_a_thread(lambda: ledger.get_meta("greeting"))
    asked.set()
    keeper.join()

    assert answered == [(True, "hello")]
    assert ledger.get_meta("greeting") == "hello"  # the main thread's connection too
    ledger.close()


def test_a_changing_watched_folder_does_not_run_out_of_descriptors(tmp_path: Path, hash_embedder) -> None:
    """Through the engine, its real Chroma store and ledger: sixty indexing runs of an edited file."""
    docs = tmp_path / "docs"
    docs.mkdir()
    home = tmp_path / "home"
    engine = Engine.open(home, embedder=hash_embedder, settings=Settings(folders=[str(docs)]))
    try:
        counts = []
        for run in range(60):
            (docs / "notes.txt").write_text(f"edit {run}: the storm reached the harbour at noon")
            engine.index()
            counts.append(open_files_under(home, "ledger.sqlite3"))  # two more per run before
        assert max(counts[5:]) <= counts[4] <= 9, counts
        assert [hit.path for hit in engine.search("storm harbour")] == [str(docs / "notes.txt")]
    finally:
        engine.close()


def test_a_closed_ledger_is_never_reopened(tmp_path: Path) -> None:
    """After close, a late reader (a background thread of a retired searcher) gets an error instead of a
    new connection: reopening would create files in a folder that a model switch is deleting."""
    folder = tmp_path / "chunks-old-model"
    ledger = Ledger(folder / "ledger.sqlite3")
    ledger.chunk_total()
    ledger.close()
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        ledger.chunk_total()
    shutil.rmtree(folder)
    with pytest.raises(sqlite3.ProgrammingError):
        ledger.chunk_total()
    assert not folder.exists()
