"""The search syntax through the ``desktop-search`` command (real model): the issue's own example,
duplicates in the JSON, --min-strength and --sort date. Indexing runs as a real process; the searches
run the same ``cli.main`` in this process with the shared model (:mod:`tests.support.cli_inline`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from tests.support.cli_inline import run_cli

REPO = Path(__file__).resolve().parents[1]


def _run(home: Path, user_home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}  # with conftest's DESKTOP_SEARCH_CACHE_DIR
    env.pop("DESKTOP_SEARCH_HOME", None)
    env["HOME"] = str(user_home)  # so ~/Notes is the test's folder
    return subprocess.run(
        [sys.executable, "-m", "desktop_search", *args, "--data-dir", str(home)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.model
def test_search_syntax_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], real_embedder
) -> None:
    notes = tmp_path / "Notes"
    (notes / "copies").mkdir(parents=True)
    files = {
        "heat.md": ("Budget for the heat pump in the cellar: 12,000 euros, approved.", 2024),
        "copies/heat.md": ("Budget for the heat pump in the cellar: 12,000 euros, approved.", 2024),
        "quarterly.md": ("Quarterly budget: the heat pump cost more than planned.", 2024),
        "old.md": ("Budget for the heat pump maintenance, renewed.", 2023),
        "heat.txt": ("Budget notes on the heat pump for the attic.", 2024),
    }
    for rel, (text, year) in files.items():
        (notes / rel).write_text(text, encoding="utf-8")
        os.utime(notes / rel, (datetime(year, 5, 1).timestamp(),) * 2)
    home = tmp_path / "data"
    done = _run(home, tmp_path, "index", str(notes))
    assert done.returncode == 0, done.stderr[-2000:]

    monkeypatch.setenv("HOME", str(tmp_path))  # so ~/Notes is the test's folder

    def search(*args: str) -> tuple[int, str, str]:
        return run_cli(monkeypatch, capsys, real_embedder, home, "search", *args)

    query = 'budget "heat pump" -quarterly type:md in:~/Notes after:2024-01-01'
    code, out, err = search("--json", query)
    assert code == 0, err[-2000:]
    answer = json.loads(out)
    assert answer["query"] == query and answer["messages"] == []
    assert len(answer["results"]) == 1
    top = answer["results"][0]
    assert Path(top["path"]).name == "heat.md"
    assert [Path(p).relative_to(notes).as_posix() for p in top["duplicates"]] == [
        "copies/heat.md" if Path(top["path"]).parent == notes else "heat.md"
    ]

    answer = json.loads(search("--json", "heat pump after:yesterdayish")[1])
    assert "not a date" in answer["messages"][0] and answer["results"]
    code, out, err = search("heat pump after:yesterdayish")
    assert "not a date" in err and code == 0

    dated = json.loads(search("--json", "--sort", "date", "heat pump budget")[1])
    modified = [r["modified"] for r in dated["results"]]
    assert modified == sorted(modified, reverse=True) and len(modified) >= 3
    strict = json.loads(search("--json", "--min-strength", "0.99", "heat pump")[1])
    assert all(r["strength"] >= 0.99 for r in strict["results"])
