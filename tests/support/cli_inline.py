"""The ``desktop-search`` command run inside the test process with the shared real embedder.

The same ``cli.main`` the installed command runs, so arguments, operators, JSON and exit codes are the
real ones; only the model is not loaded again for every command (a process of its own costs about
8 s here, most of it importing torch and loading the model). Tests keep one real process per command
they own to prove the entry point itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop_search import cli


def run_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], embedder: Any, home: Path, *args: str
) -> tuple[int, str, str]:
    """Run ``desktop-search ARGS --data-dir HOME``; return (exit code, stdout, stderr)."""
    from desktop_search.core import Engine

    monkeypatch.setattr(cli, "engine_factory", lambda data_dir: Engine.open(data_dir, embedder=embedder))
    capsys.readouterr()  # what came before is not this command's
    code = cli.main([*args, "--data-dir", str(home)])
    out = capsys.readouterr()
    return code, out.out, out.err
