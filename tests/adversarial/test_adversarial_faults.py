"""Disk full, read-only data dir, store locked by another process.

Each gives a clear :class:`StoreUnavailableError`, the engine keeps answering (files, status,
search), nothing on disk is corrupted (``check`` is consistent), and indexing resumes when the
condition clears.

Disk full and read-only use a real small tmpfs when this process may mount one (root with
CAP_SYS_ADMIN: the case here and in CI containers run as root); otherwise disk full is an injected
``OSError(ENOSPC)`` at the store boundary (the vector upsert) and the read-only case is skipped.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_search.core.errors import StoreUnavailableError
from desktop_search.core.records import FileStatus
from tests.support.fake_embedder import HashEmbedder


def _mount_tmpfs(target: Path, size: str) -> bool:
    target.mkdir(parents=True, exist_ok=True)
    if sys.platform != "linux":
        return False
    try:
        out = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(target)],
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0


def _umount(target: Path) -> None:
    subprocess.run(["umount", "-l", str(target)], capture_output=True, timeout=30)


@contextlib.contextmanager
def small_disk(tmp_path: Path, size: str = "48m") -> Iterator[Path | None]:
    """A small tmpfs to hold the data dir, or None when mounting is not permitted."""
    target = tmp_path / "smalldisk"
    mounted = _mount_tmpfs(target, size)
    try:
        yield target if mounted else None
    finally:
        if mounted:
            _umount(target)


def _notes(folder: Path, start: int, count: int, words: int = 400) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for i in range(start, start + count):
        path = folder / f"note{i:04d}.txt"
        path.write_text(" ".join(f"word{i}x{j}" for j in range(words)), encoding="utf-8")
        made.append(path)
    return made


def _fill(disk: Path) -> Path:
    """Take every free byte of the file system (a sparse file would not)."""
    filler = disk / "filler.bin"
    block = b"\xff" * 2**20
    with open(filler, "wb", buffering=0) as f:
        for size in (2**20, 4096, 1):
            with contextlib.suppress(OSError):
                while f.write(block[:size]):
                    pass
    return filler


def _indexed(engine: object) -> set[str]:
    return {r.path for r in engine.files(FileStatus.INDEXED)}  # type: ignore[attr-defined]


@pytest.mark.timeout(300)
def test_disk_full_then_space_freed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_search.core.engine import Engine

    docs = tmp_path / "docs"
    first = _notes(docs, 0, 20)
    with small_disk(tmp_path) as disk:
        engine = Engine.open(data_dir=(disk or tmp_path) / "home", embedder=HashEmbedder())
        try:
            engine.add_folder(docs)
            engine.index()
            assert _indexed(engine) == {str(p) for p in first}
            more = _notes(docs, 20, 200, words=2000)
            if disk is not None:
                filler = _fill(disk)
            else:  # no mount permission: the same error the OS gives, at the store boundary
                original = engine.store.vectors.upsert

                def full(*args: object, **kwargs: object) -> None:
                    raise OSError(errno.ENOSPC, "No space left on device")

                monkeypatch.setattr(engine.store.vectors, "upsert", full)
            with pytest.raises(StoreUnavailableError) as info:
                engine.index()
            assert "full" in str(info.value)
            # the engine keeps answering, and what was indexed is intact
            assert engine.status()["files"]["indexed"] >= len(first)
            assert {str(p) for p in first} <= _indexed(engine)
            if disk is not None:
                filler.unlink()
            else:
                monkeypatch.setattr(engine.store.vectors, "upsert", original)
            engine.index()
            assert _indexed(engine) == {str(p) for p in first + more}
            assert engine.check()["consistent"]
        finally:
            engine.close()
    print(f"disk full simulated with {'a 48 MB tmpfs' if disk else 'an injected ENOSPC'}")


@pytest.mark.timeout(300)
def test_disk_full_in_the_background_service_resumes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_search.core.engine import Engine
    from desktop_search.core.index.service import BackgroundService

    monkeypatch.setattr(BackgroundService, "RETRY_AFTER_ERROR_S", 1.0)
    docs = tmp_path / "docs"
    _notes(docs, 0, 5)
    messages: list[str] = []
    failing = {"on": True}
    engine = Engine.open(data_dir=tmp_path / "home", embedder=HashEmbedder())
    original = engine.store.vectors.upsert

    def maybe_full(*args: object, **kwargs: object) -> object:
        if failing["on"]:
            raise OSError(errno.ENOSPC, "No space left on device")
        return original(*args, **kwargs)

    monkeypatch.setattr(engine.store.vectors, "upsert", maybe_full)
    try:
        engine.add_folder(docs)
        engine.start_background(lambda p: messages.append(p.message), watch=False)
        deadline = time.monotonic() + 60
        while not any("full" in m for m in messages) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert any("full" in m for m in messages), messages
        assert engine.status()["files"]["indexed"] == 0  # still answering
        failing["on"] = False
        deadline = time.monotonic() + 60
        while engine.status()["files"]["indexed"] < 5 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert engine.status()["files"]["indexed"] == 5
        assert engine.check()["consistent"]
    finally:
        engine.close()


@pytest.mark.timeout(300)
def test_read_only_data_dir(tmp_path: Path) -> None:
    from desktop_search.core.engine import Engine

    docs = tmp_path / "docs"
    _notes(docs, 0, 10)
    with small_disk(tmp_path) as disk:
        if disk is None:
            pytest.skip("cannot mount a tmpfs here; as root, chmod does not make a folder read-only")
        home = disk / "home"
        engine = Engine.open(data_dir=home, embedder=HashEmbedder())
        engine.add_folder(docs)
        engine.index()
        engine.close()
        _notes(docs, 10, 10)
        view = tmp_path / "readonly-view"  # the same files, mounted read-only (like a locked-down share)
        view.mkdir()
        subprocess.run(["mount", "--bind", str(disk), str(view)], check=True, timeout=30)
        try:
            subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], check=True, timeout=30)
            try:
                engine = Engine.open(data_dir=view / "home", embedder=HashEmbedder())
            except StoreUnavailableError as err:
                assert "read-only" in str(err) or "cannot be written" in str(err)
                engine = None
            if engine is not None:
                try:
                    assert len(_indexed(engine)) == 10  # still answers
                    with pytest.raises(StoreUnavailableError, match=r"read-only|cannot be written"):
                        engine.index()
                finally:
                    engine.close()
        finally:
            _umount(view)
        engine = Engine.open(data_dir=home, embedder=HashEmbedder())
        try:
            engine.index()
            assert len(_indexed(engine)) == 20
            assert engine.check()["consistent"]
        finally:
            engine.close()


_HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()  # hold until told
conn.execute("ROLLBACK")
"""


@pytest.mark.timeout(300)
def test_store_locked_by_another_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_search.core.engine import Engine
    from desktop_search.core.store import ledger as ledger_module

    real_connect = sqlite3.connect

    def impatient(*args: object, **kwargs: object) -> sqlite3.Connection:
        kwargs["timeout"] = 1.0  # the app waits 30 s for a busy database; the test need not
        return real_connect(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ledger_module.sqlite3, "connect", impatient)
    docs = tmp_path / "docs"
    first = _notes(docs, 0, 5)
    engine = Engine.open(data_dir=tmp_path / "home", embedder=HashEmbedder())
    try:
        engine.add_folder(docs)
        engine.index()
        _notes(docs, 5, 5)
        holder = subprocess.Popen(
            [sys.executable, "-c", _HOLD_LOCK, str(engine.store.ledger.db_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout.readline().strip() == "locked"  # type: ignore[union-attr]
            with pytest.raises(StoreUnavailableError, match="locked"):
                engine.index()
        finally:
            holder.communicate("go\n", timeout=30)
        assert {str(p) for p in first} <= _indexed(engine)
        engine.index()
        assert len(_indexed(engine)) == 10
        assert engine.check()["consistent"]
    finally:
        engine.close()


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_two_processes_indexing_one_store(tmp_path: Path) -> None:
    """Two ``index`` runs on one data dir at once (the CLI beside the app): a clean result or a refusal."""
    docs = tmp_path / "docs"
    _notes(docs, 0, 300, words=300)
    home = tmp_path / "home"
    repo = Path(__file__).resolve().parents[2]
    env = dict(os.environ)
    cmd = [sys.executable, "-m", "tests.support.hash_cli", "index", "--data-dir", str(home), str(docs)]
    procs = [subprocess.Popen(cmd, cwd=repo, env=env, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(240), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    assert any(code == 0 for code, _err in results), results
    for code, err in results:
        refused = code == 1 and any(w in err.lower() for w in ("locked", "in use", "another desktop search"))
        assert code == 0 or refused, err
    check = subprocess.run(
        [sys.executable, "-m", "tests.support.hash_cli", "check", "--data-dir", str(home)],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_store_errors_become_messages_a_user_can_act_on() -> None:
    from desktop_search.core.store.errors import store_error

    cases = {
        "full": [
            OSError(errno.ENOSPC, "No space left on device"),
            sqlite3.OperationalError("database or disk is full"),
        ],
        "cannot be written": [
            OSError(errno.EROFS, "Read-only file system"),
            sqlite3.OperationalError("unable to open database file"),  # SQLite on a read-only folder
            sqlite3.OperationalError("attempt to write a readonly database"),
        ],
        "locked": [sqlite3.OperationalError("database is locked")],
    }
    for words, errors in cases.items():
        for err in errors:
            converted = store_error(err)
            assert isinstance(converted, StoreUnavailableError) and words in str(converted), err
