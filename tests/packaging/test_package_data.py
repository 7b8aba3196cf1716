"""Every data file inside the package reaches a non-editable install (``pip install .``, which the
release workflow uses before PyInstaller): setuptools ships only the ``.py`` files unless
``[tool.setuptools.package-data]`` in pyproject.toml names the others."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IGNORED = {".pyc", ".pyo"}


def _declared() -> list[tuple[str, str]]:
    """(package folder, glob) pairs of pyproject's package-data."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = config["tool"]["setuptools"]["package-data"]
    return [(package.replace(".", "/"), glob) for package, globs in package_data.items() for glob in globs]


def test_every_data_file_of_the_package_is_declared_package_data() -> None:
    declared = _declared()
    missing = []
    for path in sorted((ROOT / "desktop_search").rglob("*")):
        if not path.is_file() or path.suffix in {".py", *IGNORED} or "__pycache__" in path.parts:
            continue
        relative = path.relative_to(ROOT).as_posix()
        shipped = any(
            relative.startswith(folder + "/") and fnmatch.fnmatch(relative[len(folder) + 1 :], glob)
            for folder, glob in declared
        )
        if not shipped:
            missing.append(relative)
    assert not missing, f"not in [tool.setuptools.package-data]: {missing}"
