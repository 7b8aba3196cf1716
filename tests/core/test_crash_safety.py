"""kill -9 during indexing, through the real CLI, model and store: the index stays consistent."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_search.core.config.settings import Settings
from desktop_search.core.engine import Engine
from desktop_search.core.errors import StoreUnavailableError
from desktop_search.core.records import FileStatus

REPO = Path(__file__).resolve().parents[2]
TOPICS = ["volcanoes", "tax law", "sourdough", "quantum dots", "jazz harmony", "glaciers", "chess openings"]


def _cli(home: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}  # with conftest's DESKTOP_SEARCH_CACHE_DIR
    env.pop("DESKTOP_SEARCH_HOME", None)
    return subprocess.Popen(
        [sys.executable, "-m", "desktop_search", *args, "--data-dir", str(home)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _progress(home: Path) -> int:
    """Passages written plus passages embedded: grows while either phase of an index run works (a run
    that only embeds what an earlier, killed run left writes no new rows)."""
    db = next((home / "data" / "index").glob("*/ledger.sqlite3"), home / "missing")
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            rows, embedded = conn.execute("SELECT COUNT(*), TOTAL(embedded) FROM chunks").fetchone()
            return int(rows) + int(embedded)
    except sqlite3.Error:
        return 0


@pytest.mark.model
def test_kill_9_at_random_points_then_restart_is_consistent(tmp_path: Path, real_embedder) -> None:
    rng = random.Random(1234)
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(120):
        topic = TOPICS[i % len(TOPICS)]
        body = f"Note {i} on {topic}. " + " ".join(
            f"Detail {j} about {topic}." for j in range(rng.randint(5, 60))
        )
        (docs / f"note-{i:03}.txt").write_text(body)
    home = tmp_path / "home"
    kills = 0
    for round_ in range(3):
        proc = _cli(home, "index", str(docs))
        start = _progress(home)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and _progress(home) <= start and proc.poll() is None:
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 1.5))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(60)
        if round_ == 1:  # a delete and a rename between crashes
            (docs / "note-000.txt").unlink()
            (docs / "note-001.txt").rename(docs / "renamed-001.txt")
    assert kills >= 2, "the indexer finished before it could be killed"
    final = _cli(home, "index")
    _, err = final.communicate(timeout=600)
    assert final.returncode == 0, err.decode()[-2000:]

    engine = Engine.open(home, embedder=real_embedder, settings=None)
    try:
        report = engine.check()
        assert report["consistent"], report
        records = engine.files()
        on_disk = {str(p) for p in docs.iterdir()}
        from desktop_search.core.store.pathkeys import from_key

        assert {from_key(r.path) for r in records} == on_disk
        assert all(r.status == FileStatus.INDEXED for r in records)
        # no duplicates: one vector per chunk row, and chunk numbers are dense per file
        assert engine.store.vectors.count() == engine.store.ledger.chunk_total()
        for r in records[:20]:
            assert [c.number for c in engine.store.ledger.chunks_of(r.path)] == list(range(r.chunk_count))
    finally:
        engine.close()


def test_a_second_writer_gets_a_clear_error(tmp_path: Path, hash_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("some text")
    first = Engine.open(tmp_path / "home", embedder=hash_embedder, settings=Settings(folders=[str(docs)]))
    second = Engine.open(tmp_path / "home", embedder=hash_embedder, settings=Settings(folders=[str(docs)]))
    try:
        first.index()
        with pytest.raises(StoreUnavailableError, match="another Desktop Search process"):
            second.index()
        assert second.status()["files"]["indexed"] == 1  # reading still works
    finally:
        first.close()
        second.close()
