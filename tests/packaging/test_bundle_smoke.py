"""Smoke test of the built Linux installers (packaging/smoke-test.sh), run only when they were built.

``packaging/build-linux.sh`` writes the .deb and the tarball to packaging/dist/; without them (a fresh
clone, CI) these tests skip. Each one unpacks its artifact, indexes and searches a small folder with
the bundled CLI (fresh data folder, no model cache), then starts the bundled app under Xvfb with a tray
host, waits for its tray icon and quits it from the tray menu.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DIST = REPO / "packaging" / "dist"
SCRIPT = REPO / "packaging" / "smoke-test.sh"
VIRTUAL_DESKTOP = REPO.parent / "shared" / "scripts" / "virtual-desktop.sh"

pytestmark = [pytest.mark.bundle, pytest.mark.slow, pytest.mark.timeout(1200)]


@pytest.mark.parametrize(("kind", "pattern"), [("deb", "*.deb"), ("tar", "*.tar.gz")])
def test_installer_smoke(kind: str, pattern: str) -> None:
    artifacts = sorted(DIST.glob(pattern), key=lambda p: p.stat().st_mtime)
    if not artifacts:
        pytest.skip(f"no {pattern} in packaging/dist: build it with packaging/build-linux.sh")
    if kind == "deb" and shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg-deb is not installed")
    if not VIRTUAL_DESKTOP.exists() and not (shutil.which("Xvfb") and shutil.which("trayer")):
        pytest.skip("no virtual desktop: neither ../shared/scripts/virtual-desktop.sh nor Xvfb + trayer")
    proc = subprocess.run(
        ["bash", str(SCRIPT), kind, str(artifacts[-1])],
        capture_output=True,
        text=True,
        timeout=1100,
        check=False,
    )
    report = proc.stdout + proc.stderr
    assert proc.returncode == 0, report
    assert f"smoke test passed ({kind})" in proc.stdout, report
    assert "exit code after Quit: 0" in proc.stdout, report
