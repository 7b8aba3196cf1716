"""Crash consistency: ``kill -9`` at random moments while indexing, deleting and renaming.

Each round changes the folder (new, modified, deleted and renamed files), starts
``desktop-search index``, kills it with SIGKILL at a random moment, checks the store
still opens and checks without crashing, then restarts ``index`` to completion and requires
``desktop-search check`` to report a consistent index whose ledger matches the disk exactly.

The CLI runs as ``tests.support.hash_cli`` (the real CLI with the tests' model-free embedder) in
processes forked from one that has imported it (``tests.support.preloaded_cli``: a run starts in
milliseconds instead of 2 s): the store, the ledger, the extraction pool and the write order are the
real ones; only the vectors are cheap. The full 20 rounds are ``slow``; 3 rounds run by default.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.adversarial.hostile_files import MB
from tests.core.extract_samples import make_docx, make_pdf
from tests.support import preloaded_cli

REPO = Path(__file__).resolve().parents[2]
WORDS = [
    *["river", "mountain", "ledger", "harbour", "violin", "copper", "lantern", "meadow", "orbit", "glacier"],
    *["falcon", "cedar", "quartz", "tundra", "beacon", "saffron", "walnut", "comet", "canyon", "marble"],
]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1"}


def cli(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return preloaded_cli.run(*args, env=_env(), cwd=REPO, timeout=timeout)


def start_index(data: Path, folder: Path, **env: str) -> preloaded_cli.CliRun:
    """``index --data-dir data folder`` started in its own session (see ``preloaded_cli``)."""
    return preloaded_cli.start("index", "--data-dir", str(data), str(folder), env={**_env(), **env}, cwd=REPO)


def _text(rng: random.Random, paragraphs: int) -> str:
    return "\n\n".join(
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 120))) for _ in range(paragraphs)
    )


def _new_file(folder: Path, rng: random.Random, n: int) -> None:
    sub = folder / f"d{n % 7}"
    sub.mkdir(exist_ok=True)
    roll = rng.random()
    if roll < 0.05:
        (sub / f"f{n}.pdf").write_bytes(make_pdf([[f"page {i} of {n}", rng.choice(WORDS)] for i in range(3)]))
    elif roll < 0.08:
        (sub / f"f{n}.docx").write_bytes(make_docx())
    else:
        (sub / f"f{n}.{rng.choice(['txt', 'md'])}").write_text(
            _text(rng, rng.randint(1, 12)), encoding="utf-8"
        )


@dataclass
class Tally:
    rounds: int = 0
    killed_mid_run: int = 0  # the kill landed while the process was still working
    exited_before_kill: int = 0
    inconsistent_after_kill: int = 0  # check right after the kill found something (repaired by restart)
    files_final: int = 0
    notes: list[str] = field(default_factory=list)


def _mutate(folder: Path, rng: random.Random, counter: list[int]) -> None:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    rng.shuffle(files)
    k = max(1, len(files) // 12)
    for p in files[:k]:  # delete
        p.unlink()
    for p in files[k : 2 * k]:  # rename (a move within the folder)
        p.rename(p.with_name(f"renamed-{counter[0]}-{p.name}"))
        counter[0] += 1
    for p in files[2 * k : 3 * k]:  # modify
        if p.suffix in (".txt", ".md"):
            p.write_text(_text(rng, rng.randint(1, 6)), encoding="utf-8")
    for _ in range(k):  # add
        _new_file(folder, rng, counter[0])
        counter[0] += 1


def _disk_files(folder: Path) -> set[str]:
    return {str(p) for p in folder.rglob("*") if p.is_file()}


def _model_index(data: Path) -> Path:
    """The index folder of the (only) model in a data dir: ``data/index/chunks-<model>``."""
    return next((data / "data" / "index").glob("chunks-*"), data / "data" / "index" / "not-yet")


def _ledger_files(data: Path) -> dict[str, str]:
    import sqlite3

    db = _model_index(data) / "ledger.sqlite3"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return dict(conn.execute("SELECT path, status FROM files"))


def _chroma_stamp(data: Path) -> tuple[int, ...]:
    """Changes whenever Chroma writes (its SQLite file or WAL): vectors are being stored."""
    chroma = _model_index(data) / "chroma"
    stamps = []
    for name in ("chroma.sqlite3", "chroma.sqlite3-wal"):
        try:
            st = (chroma / name).stat()
            stamps += [st.st_mtime_ns, st.st_size]
        except OSError:
            stamps += [0, 0]
    return tuple(stamps)


def _wait_for_vector_write(data: Path, before: tuple[int, ...], proc: preloaded_cli.CliRun) -> float:
    """Wait until the process stores its first vectors (or exits); the seconds waited."""
    start = time.monotonic()
    while proc.poll() is None and _chroma_stamp(data) == before and time.monotonic() - start < 120:
        time.sleep(0.02)
    return time.monotonic() - start


KILL_SPAN = 0.6  # of a restart's work after its first vector write: where the mid-run kills land


def run_rounds(tmp_path: Path, rounds: int, seed: int, files: int, check_after_kill: bool) -> Tally:
    """``rounds`` kill-restart-check rounds over a folder of ``files`` files (see the module docstring).

    A quarter of the kills land at a random moment before the process writes its first vectors
    (starting, opening the store, scanning, extracting); the rest at a random moment after that, within
    the first :data:`KILL_SPAN` of the time a run took after it. Both spans are measured on the restarts,
    which also redo what the kill cut off, so a round's own run is often shorter. (A fixed 0.3-4 s for
    the early kills outlasted whole runs on a fast CPU: 6 of 20 runs ended before their kill.)
    """
    rng = random.Random(seed)
    folder, data = tmp_path / "docs", tmp_path / "home"
    folder.mkdir()
    counter = [0]
    for _ in range(files):
        _new_file(folder, rng, counter[0])
        counter[0] += 1
    (folder / "big.txt").write_text(_text(rng, 2000), encoding="utf-8")  # ~1 MB: many chunks in one file
    assert (folder / "big.txt").stat().st_size > MB // 2
    tally = Tally()
    start_s = 2.0  # time from the start to the first vector write, measured on restarts
    work_s = 3.0  # time from the first vector write to the end of a full run, measured on restarts
    for round_no in range(rounds):
        if round_no:
            _mutate(folder, rng, counter)
        before = _chroma_stamp(data)
        proc = start_index(data, folder)
        if rng.random() < 0.25:
            time.sleep(rng.uniform(0.1, start_s))  # while starting, opening the store or scanning
        else:
            _wait_for_vector_write(data, before, proc)
            time.sleep(rng.uniform(0.0, KILL_SPAN * work_s))  # while indexing, deleting or renaming
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the app and its workers die together, like a power cut
            tally.killed_mid_run += 1
        else:
            tally.exited_before_kill += 1
        proc.communicate(30)

        if check_after_kill:
            after_kill = cli("check", "--json", "--data-dir", str(data))
            assert after_kill.returncode in (0, 1), after_kill.stderr  # a report, never a crash
            assert after_kill.stdout.strip(), f"check printed no report: {after_kill.stderr}"  # seen once
            if not json.loads(after_kill.stdout.strip().splitlines()[-1])["consistent"]:
                tally.inconsistent_after_kill += 1

        before = _chroma_stamp(data)
        restart = start_index(data, folder)
        waited = _wait_for_vector_write(data, before, restart)
        started = time.monotonic()
        _out, err = restart.communicate(timeout=300)
        assert restart.returncode == 0, err
        if waited < 120:
            start_s = max(0.2, waited)
            work_s = max(0.5, time.monotonic() - started)

        check = cli("check", "--json", "--data-dir", str(data))
        report = json.loads(check.stdout.strip().splitlines()[-1])
        assert check.returncode == 0 and report["consistent"], f"round {round_no}: {report} {check.stderr}"
        ledger = _ledger_files(data)
        disk = _disk_files(folder)
        assert set(ledger) == disk, (
            f"round {round_no}: ledger and disk differ: only in ledger {sorted(set(ledger) - disk)[:5]}, "
            f"only on disk {sorted(disk - set(ledger))[:5]}"
        )
        not_done = {p: s for p, s in ledger.items() if s not in ("indexed", "skipped", "failed")}
        assert not not_done, f"round {round_no}: left unfinished {list(not_done.items())[:5]}"
        tally.rounds += 1
        tally.files_final = len(disk)
    return tally


@pytest.mark.timeout(400)
def test_three_kill_rounds(tmp_path: Path) -> None:
    tally = run_rounds(tmp_path, rounds=3, seed=3, files=200, check_after_kill=False)
    print(f"crash rounds: {tally}")
    assert tally.rounds == 3


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_twenty_kill_rounds(tmp_path: Path) -> None:
    tally = run_rounds(tmp_path, rounds=20, seed=20, files=200, check_after_kill=True)
    print(f"crash rounds: {tally}")
    assert tally.rounds == 20
    assert tally.killed_mid_run >= 15  # the kills really landed while work was under way


# -- a kill in each indexing phase ----------------------------------------------------------------


def _ledger_state(data: Path) -> tuple[int, int, int, int]:
    """(files pending, files indexed, passages waiting for vectors, passages embedded); zeros before
    the ledger exists."""
    import sqlite3

    db = _model_index(data) / "ledger.sqlite3"
    if not db.exists():
        return 0, 0, 0, 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            statuses = dict(conn.execute("SELECT status, COUNT(*) FROM files GROUP BY status").fetchall())
            columns = {row[1] for row in conn.execute("PRAGMA table_info(chunks)")}
            if "embedded" not in columns:
                return 0, 0, 0, 0
            embedded = dict(
                conn.execute("SELECT embedded, COUNT(*) FROM chunks GROUP BY embedded").fetchall()
            )
    except sqlite3.Error:  # created or migrated this very moment
        return 0, 0, 0, 0
    return statuses.get("pending", 0), statuses.get("indexed", 0), embedded.get(0, 0), embedded.get(1, 0)


def _kill_when(data: Path, proc: preloaded_cli.CliRun, moment: Callable[[tuple[int, ...]], bool]) -> bool:
    """SIGKILL the process group once ``moment(ledger state)`` holds; False if it exited first."""
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if moment(_ledger_state(data)):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate(30)
            return True
        time.sleep(0.01)
    return False


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_kill_in_each_phase_leaves_an_index_that_resumes(tmp_path: Path) -> None:
    """Killed while files are being made keyword-searchable (phase 1), then while their passages are
    being embedded (phase 2): each time the store checks without crashing, and a restart completes it."""
    from tests.support.hash_cli import EMBED_DELAY_ENV

    rng = random.Random(7)
    folder, data = tmp_path / "docs", tmp_path / "home"
    folder.mkdir()
    for n in range(300):
        _new_file(folder, rng, n)
    phases = {
        # phase 1 under way: some files searchable, others not read yet
        "keyword": lambda s: s[1] >= 20 and s[0] >= 20,
        # phase 2 under way: every file read, some passages embedded, others waiting
        "meaning": lambda s: s[0] == 0 and s[1] > 0 and s[3] > 0 and s[2] > 0,
    }
    for name, moment in phases.items():
        if name == "meaning":
            _mutate(folder, rng, [1000])  # and a second run with changes, renames and deletions
        proc = start_index(data, folder, **{EMBED_DELAY_ENV: "0.3"})  # a slow encoder: phase 2 lasts seconds
        assert _kill_when(data, proc, moment), f"the {name} phase was never seen under way"
        after_kill = cli("check", "--json", "--data-dir", str(data))
        assert after_kill.returncode in (0, 1), after_kill.stderr  # a report, never a crash
        waiting = json.loads(after_kill.stdout.strip().splitlines()[-1])["passages_without_vectors"]
        assert waiting > 0, f"killed in the {name} phase, passages wait for their vectors"

        restart = cli("index", "--json", "--data-dir", str(data), str(folder), timeout=300)
        assert restart.returncode == 0, restart.stderr[-2000:]
        summary = json.loads(restart.stdout.strip().splitlines()[-1])
        assert summary["passages_embedded"] >= waiting  # the waiting passages were embedded
        report = json.loads(cli("check", "--json", "--data-dir", str(data)).stdout.strip().splitlines()[-1])
        assert report["consistent"] and report["passages_without_vectors"] == 0, report
        status = json.loads(cli("status", "--json", "--data-dir", str(data)).stdout)
        assert status["files"]["keyword_only"] == 0 and status["files"]["pending"] == 0
        assert set(_ledger_files(data)) == _disk_files(folder)
