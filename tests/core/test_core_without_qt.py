"""The core never needs Qt: every module imports in a process where PySide6 cannot be imported.

The modules are discovered with ``pkgutil.walk_packages``, so a new module is covered without touching
this test; the list is checked against the ``.py`` files on disk so that a package which fails to import
cannot hide its modules from the walk.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORE = REPO / "desktop_search" / "core"

_SCRIPT = """
import importlib, json, pkgutil, sys

QT = ("PySide6", "PySide2", "PyQt5", "PyQt6", "shiboken6", "shiboken2")
attempts = []

class BlockQt:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in QT:
            attempts.append(name)
            raise ImportError(f"{name} is blocked in this test")
        return None

sys.meta_path.insert(0, BlockQt())
import desktop_search.core as core

def fail(name):
    raise ImportError(f"package {name} failed to import")

names = [m.name for m in pkgutil.walk_packages(core.__path__, "desktop_search.core.", onerror=fail)]
tried_qt = {}
for name in names:
    importlib.import_module(name)
    if attempts:  # caught or not, an attempt to import Qt counts
        tried_qt[name] = sorted(set(attempts))
        attempts.clear()
loaded_qt = sorted(m for m in sys.modules if m.split(".")[0] in QT)
print(json.dumps({"modules": names, "tried_qt": tried_qt, "loaded_qt": loaded_qt}))
"""


def _modules_on_disk() -> set[str]:
    names = set()
    for path in CORE.rglob("*.py"):
        parts = path.relative_to(REPO).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.add(".".join(parts))
    return names - {"desktop_search.core"}


def test_every_core_module_imports_without_qt(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(report["modules"]) == _modules_on_disk()
    assert report["tried_qt"] == {}, "these core modules try to import Qt"
    assert report["loaded_qt"] == []
