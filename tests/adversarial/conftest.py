"""The adversarial suite runs offline by construction: any outbound connection attempt fails the test.

The autouse ``no_network`` fixture installs :mod:`netguard` in this process and, through
``site/sitecustomize.py`` on ``PYTHONPATH``, in every Python child a test starts (CLI runs,
extraction workers). Loopback and Unix sockets pass; anything else is refused and recorded, and the
test fails at teardown even if the code under test swallowed the error.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.adversarial import netguard

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


@pytest.fixture(autouse=True)
def no_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Block the network here and in children; fail the test on any attempt. Yields the child log."""
    log = tmp_path / "netguard.log"
    monkeypatch.setenv(netguard.LOG_ENV, str(log))
    path = [str(HERE / "site"), str(REPO), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(path))
    netguard.install()
    try:
        yield log
    finally:
        netguard.uninstall()
    seen = netguard.take_attempts()
    if log.exists():
        seen += [e for e in log.read_text(encoding="utf-8").split("\n---\n") if e.strip()]
    if seen:
        pytest.fail("outbound network access attempted:\n" + "\n".join(dict.fromkeys(seen)), pytrace=False)
