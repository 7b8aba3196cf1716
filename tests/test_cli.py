"""The ``desktop-search`` command as scripts use it: real processes, the real model, JSON contracts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli_inline import run_cli

REPO = Path(__file__).resolve().parents[1]


def _run(home: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}  # with conftest's DESKTOP_SEARCH_CACHE_DIR
    env.pop("DESKTOP_SEARCH_HOME", None)
    return subprocess.run(
        [sys.executable, "-m", "desktop_search", *args, "--data-dir", str(home)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.model
def test_index_status_search_and_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], real_embedder
) -> None:
    """Index, status, one search and check as real processes; the batch and filtered searches run the
    same ``cli.main`` in this process with the shared model."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bees.txt").write_text(
        "Honey bees keep the hive warm in winter by shivering their flight muscles."
    )
    (docs / "tax.md").write_text("# Taxes\n\nThe deadline for filing form ERR-4021 is the end of April.")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    home = tmp_path / "home"

    done = _run(home, "index", str(docs))
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout == ""  # progress and summaries go to stderr only
    assert "2 indexed" in done.stderr and "1 failed" in done.stderr

    status = _run(home, "status", "--json")
    assert status.returncode == 0, status.stderr
    obj = json.loads(status.stdout)
    assert obj["files"] == {"indexed": 2, "keyword_only": 0, "failed": 1, "skipped": 0, "pending": 0}
    assert obj["chunks"] >= 2 and obj["model"] == "intfloat/multilingual-e5-small"
    assert obj["failures"] == [{"path": str(docs / "broken.pdf"), "reason": obj["failures"][0]["reason"]}]
    assert obj["failures"][0]["reason"]

    one = _run(home, "search", "--json", "-k", "2", "how do insects survive the cold")
    assert one.returncode == 0, one.stderr[-2000:]
    lines = one.stdout.splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert result["query"] == "how do insects survive the cold"
    assert result["results"][0]["path"] == str(docs / "bees.txt")
    assert {"path", "page", "score", "text"} <= set(result["results"][0])
    best = result["results"][0]
    assert 0.5 <= best["strength"] <= 1  # the answer reads as a strong match
    assert 0 < best["similarity"] <= 1

    queries = tmp_path / "q.jsonl"
    queries.write_text(
        json.dumps({"_id": "a", "text": "ERR-4021"})
        + "\n"
        + json.dumps({"_id": "b", "text": "Bienenstock im Winter"})
    )
    code, out, err = run_cli(monkeypatch, capsys, real_embedder, home, "search", "--queries", str(queries),
                             "--json", "-k", "1")  # fmt: skip
    assert code == 0, err[-2000:]
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["_id"] for r in rows] == ["a", "b"]
    assert rows[0]["results"][0]["path"] == str(docs / "tax.md")
    assert rows[1]["results"][0]["path"] == str(docs / "bees.txt")

    typed = run_cli(monkeypatch, capsys, real_embedder, home, "search", "--json", "--type", "md", "winter")[1]
    assert all(r["path"].endswith(".md") for r in json.loads(typed)["results"])

    check = _run(home, "check")
    assert check.returncode == 0 and "consistent" in check.stdout


def test_errors_are_messages_not_tracebacks(tmp_path: Path) -> None:
    home = tmp_path / "home"
    missing = _run(home, "index", str(tmp_path / "nope"))
    assert missing.returncode == 1
    assert "does not exist" in missing.stderr and "Traceback" not in missing.stderr
    nothing = _run(home, "index")
    assert nothing.returncode == 1 and "no folders" in nothing.stderr
    bad = _run(home, "search")
    assert bad.returncode == 2
