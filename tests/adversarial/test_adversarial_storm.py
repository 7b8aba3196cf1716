"""Event storms while watching: thousands of files created, modified and deleted within seconds.

When the dust settles the index must match the disk exactly: every file on disk indexed with its
current size and modification time (so its current text), nothing that was deleted. The watcher may
coalesce events or overflow the OS queue; either way the engine must end right. The fake
HashEmbedder keeps 10,000 files feasible; the store, ledger, scanner and watcher are real.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from desktop_search.core.records import FileStatus
from desktop_search.core.store.pathkeys import from_key
from tests.support.fake_embedder import HashEmbedder


def _write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def _mismatch(engine: object, folder: Path) -> list[str]:
    disk: dict[str, os.stat_result] = {}
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(dirpath, name)
            disk[path] = os.stat(path)
    records = {from_key(r.path): r for r in engine.files()}  # type: ignore[attr-defined]
    problems = [f"not indexed: {p}" for p in disk if p not in records]
    problems += [f"deleted but listed: {p}" for p in records if p not in disk]
    for path, st in disk.items():
        rec = records.get(path)
        if rec is None:
            continue
        if rec.status != FileStatus.INDEXED:
            problems.append(f"{rec.status}: {path} ({rec.reason})")
        elif rec.size != st.st_size or abs(rec.mtime - st.st_mtime) > 1e-3:
            problems.append(f"stale: {path} ledger {rec.size}/{rec.mtime} disk {st.st_size}/{st.st_mtime}")
    return problems


def run_storm(
    tmp_path: Path, created: int, modified: int, deleted: int, settle_timeout_s: float
) -> dict[str, float]:
    from desktop_search.core.engine import Engine

    folder = tmp_path / "storm"
    folder.mkdir()
    seed = folder / "seed.txt"
    _write(seed, "present before watching starts")
    engine = Engine.open(data_dir=tmp_path / "home", embedder=HashEmbedder())
    try:
        engine.add_folder(folder)
        engine.start_background(watch=True)
        assert engine.wait_idle(120)
        time.sleep(1.0)  # let the watcher settle on the folder

        started = time.monotonic()
        paths = []
        for i in range(created):
            sub = folder / f"batch{i % 25:02d}"
            if i < 25:
                sub.mkdir()
            path = sub / f"note{i:05d}.txt"
            _write(path, f"note {i} about storm number {i % 97} and its weather")
            paths.append(path)
        for path in paths[:modified]:
            _write(path, f"modified {path.name}: the storm changed direction, see {path.stem}")
        for path in paths[-deleted:]:
            path.unlink()
        storm_s = time.monotonic() - started

        deadline = time.monotonic() + settle_timeout_s
        problems = ["not settled"]
        while time.monotonic() < deadline:
            engine.wait_idle(min(60.0, max(1.0, deadline - time.monotonic())))
            problems = _mismatch(engine, folder)
            if not problems:
                break
            time.sleep(1.0)
        settle_s = time.monotonic() - started - storm_s
        assert not problems, f"{len(problems)} differences, e.g.\n" + "\n".join(problems[:20])
        assert "changed direction" in engine.extracted_text(str(paths[0]))
        assert engine.status()["files"]["indexed"] == created - deleted + 1
        assert engine.check(repair=False)["consistent"]
    finally:
        engine.close()
    return {"storm_s": storm_s, "settle_s": settle_s}


@pytest.mark.timeout(300)
def test_small_storm(tmp_path: Path) -> None:
    figures = run_storm(tmp_path, created=1000, modified=500, deleted=200, settle_timeout_s=180)
    print(f"storm 1000/500/200: {figures}")


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_storm_of_ten_thousand(tmp_path: Path) -> None:
    figures = run_storm(tmp_path, created=10_000, modified=5_000, deleted=2_000, settle_timeout_s=600)
    print(f"storm 10000/5000/2000: {figures}")


def test_many_deleted_paths_read_the_ledger_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: each deleted path listed every row of its folder (2,000 deletes x 10,000 rows)."""
    from desktop_search.core.engine import Engine

    folder = tmp_path / "docs"
    folder.mkdir()
    paths = [folder / f"n{i}.txt" for i in range(300)]
    for p in paths:
        _write(p, f"note {p.stem}")
    engine = Engine.open(data_dir=tmp_path / "home", embedder=HashEmbedder())
    try:
        engine.add_folder(folder)
        engine.index()
        for p in paths[:200]:
            p.unlink()
        calls = []
        listing = engine.store.ledger.files
        monkeypatch.setattr(engine.store.ledger, "files", lambda *a, **k: calls.append(k) or listing(*a, **k))
        engine.index_paths([str(p) for p in paths[:200]] + [str(folder / "gone-folder")])
        assert len(calls) <= 1
        assert len(engine.files()) == 100
    finally:
        engine.close()


def test_close_while_the_indexer_is_busy_does_not_crash(tmp_path: Path) -> None:
    """Regression: close() closed SQLite under a still-running indexer thread (a segfault)."""
    import threading

    from desktop_search.core.engine import Engine

    entered, release = threading.Event(), threading.Event()

    class SlowEmbedder(HashEmbedder):
        def embed_documents(self, texts):  # type: ignore[no-untyped-def]
            # block in the file's batch, not in the match-strength anchors embedded at model load
            if any("some words to embed" in text for text in texts):
                entered.set()
                release.wait(60)
            return super().embed_documents(texts)

    folder = tmp_path / "docs"
    folder.mkdir()
    _write(folder / "a.txt", "some words to embed")
    engine = Engine.open(data_dir=tmp_path / "home", embedder=SlowEmbedder())
    engine.add_folder(folder)
    stop = engine.stop_background
    engine.stop_background = lambda timeout=30.0: stop(timeout=0.2)  # type: ignore[method-assign]
    engine.start_background(watch=False)
    assert entered.wait(60)
    engine.close()  # the thread is still inside the embedder: the store must stay open
    release.set()
    engine.stop_background = stop  # type: ignore[method-assign]
    engine.close()  # waits for the thread, which finishes the batch in hand; then everything closes
    reopened = Engine.open(data_dir=tmp_path / "home", embedder=HashEmbedder())
    try:
        assert [r.status.value for r in reopened.files()] == ["indexed"]  # its write reached an open store
        assert reopened.check()["consistent"]
    finally:
        reopened.close()
