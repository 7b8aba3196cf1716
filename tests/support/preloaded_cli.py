"""The test CLI (:mod:`tests.support.hash_cli`) in processes forked from one that has imported it.

``python -m tests.support.hash_cli`` spends about 2 s of this 2-core CPU importing Chroma and the core
before it reads a file, and the crash rounds start 80 of them. Here a multiprocessing ``forkserver``
imports the CLI once and every run is forked from it: the same code from ``hash_cli.main`` on, in a
process that leads its own session (``os.killpg(run.pid, SIGKILL)`` kills it with its extraction
workers, like a power cut), with the environment and working folder it is given and its output in
files, ending like the command does (``atexit`` handlers run, then it exits with the command's status).

:func:`start` answers the part of ``subprocess.Popen`` the tests use (``pid``, ``poll``, ``wait``,
``communicate``, ``returncode``); :func:`run` the part of ``subprocess.run``.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

PRELOAD = ["chromadb", "desktop_search.core", "desktop_search.cli", "tests.support.hash_cli"]
_context: Any = None


def _forkserver() -> Any:
    """The forkserver context, with the CLI's modules imported in the server (started on first use)."""
    global _context
    if _context is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        _context = context
    return _context


def _main(args: list[str], env: dict[str, str], cwd: str, output: str) -> None:
    """The forked process: a session of its own, the given environment and folder, then the CLI."""
    os.setsid()
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    for fd, name in ((1, "stdout"), (2, "stderr")):
        target = os.open(os.path.join(output, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    code = 1
    try:
        from tests.support import hash_cli

        code = hash_cli.main(args)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
    os._exit(code)


class CliRun:
    """One forked run of the CLI (see the module docstring)."""

    def __init__(self, args: Sequence[str], env: Mapping[str, str], cwd: Path) -> None:
        self._output = Path(tempfile.mkdtemp(prefix="ds-cli-run-"))
        self._process = _forkserver().Process(
            target=_main, args=(list(args), dict(env), str(cwd), str(self._output)), name="cli-run"
        )
        self._process.start()
        self.pid: int = self._process.pid
        self._args = list(args)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.poll() is None:  # killpg needs its own group
            try:
                if os.getpgid(self.pid) == self.pid:
                    break
            except ProcessLookupError:
                break
            time.sleep(0.001)

    @property
    def returncode(self) -> int | None:
        return self._process.exitcode

    def poll(self) -> int | None:
        return self._process.exitcode

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired(self._args, timeout or 0.0)
        return self._process.exitcode

    def communicate(self, timeout: float | None = None) -> tuple[str, str]:
        """Wait for the end; its (stdout, stderr) as text. The output files are removed."""
        self.wait(timeout)
        try:
            return self._read("stdout"), self._read("stderr")
        finally:
            shutil.rmtree(self._output, ignore_errors=True)

    def _read(self, name: str) -> str:
        path = self._output / name
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def start(*args: str, env: Mapping[str, str] | None = None, cwd: Path | None = None) -> CliRun:
    """Start ``desktop-search *args`` (with the tests' model-free embedder) in a forked process."""
    return CliRun(args, os.environ if env is None else env, cwd or Path.cwd())


def run(
    *args: str, env: Mapping[str, str] | None = None, cwd: Path | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """Run it to the end, like ``subprocess.run(..., capture_output=True, text=True)``."""
    started = start(*args, env=env, cwd=cwd)
    try:
        out, err = started.communicate(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(started.pid, signal.SIGKILL)
        started.communicate(30)
        raise
    return subprocess.CompletedProcess([*args], started.wait(), out, err)
