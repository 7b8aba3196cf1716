"""Permission-denied files and folders, through the CLI in a process that really is refused.

Root reads mode-000 files, so as root the CLI runs under ``setpriv`` with the capabilities that
bypass file permissions dropped (see ``hostile_files.unprivileged_runner``); the model-free
embedder keeps the run short. The unreadable file ends "failed" with a reason; the unreadable folder
does not stop the scan, and the readable files beside both are indexed.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.adversarial import hostile_files as hf

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(300)
def test_unreadable_file_and_folder(tmp_path: Path) -> None:
    runner = hf.unprivileged_runner()
    if runner is None:
        pytest.skip("running as root without setpriv or runuser: mode 000 does not deny root")
    folder = tmp_path / "docs"
    folder.mkdir()
    written = hf._unreadable_file(folder) + hf._unreadable_folder(folder)
    (folder / "readable.txt").write_text("a perfectly readable note about herons", encoding="utf-8")
    if runner and runner[0].endswith("runuser"):  # nobody must reach the folders
        for p in (tmp_path, *tmp_path.parents):
            if p == Path("/"):
                break
            os.chmod(p, os.stat(p).st_mode | 0o011)
    home = tmp_path / "home"
    command = ["index", "--data-dir", str(home), str(folder)]
    out = subprocess.run(
        [*runner, sys.executable, "-m", "tests.support.hash_cli", *command],
        cwd=REPO,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert out.returncode == 0, out.stderr
    ledger = next((home / "data" / "index").glob("chunks-*/ledger.sqlite3"))
    with sqlite3.connect(ledger) as conn:
        rows = {p: (s, r) for p, s, r in conn.execute("SELECT path, status, reason FROM files")}
    assert rows[str(folder / "readable.txt")][0] == "indexed"
    for w in written:
        status, reason = rows.get(w.path, ("absent", ""))
        if w.outcome == "absent":
            assert status in ("absent", "failed", "skipped"), (w.kind, status, reason)
        else:
            assert status == w.outcome and re.search(w.reason, reason, re.I), (w.kind, status, reason)
    for p in (folder / "locked-folder",):
        p.chmod(0o700)  # let pytest clean up
