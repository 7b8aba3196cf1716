"""The core never needs Qt: every module imports in a process where PySide6 cannot be imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

_SCRIPT = """
import importlib, pkgutil, sys

class BlockQt:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith(("PySide6.", "shiboken6")):
            raise ImportError(f"{name} is blocked in this test")
        return None

sys.meta_path.insert(0, BlockQt())
import desktop_search.core as core

names = [m.name for m in pkgutil.walk_packages(core.__path__, "desktop_search.core.")]
for name in names:
    importlib.import_module(name)
assert not any(m.startswith("PySide6") for m in sys.modules), "PySide6 got imported"
print(len(names), "modules")
"""


def test_every_core_module_imports_without_qt(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert int(result.stdout.split()[0]) >= 10
