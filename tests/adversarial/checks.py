"""Assertions shared by the adversarial tests."""

from __future__ import annotations

import os
from pathlib import Path


def assert_private(root: Path) -> None:
    """Every file under ``root`` is readable only by its owner (0600 or stricter), every folder 0700."""
    loose: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            mode = os.lstat(os.path.join(dirpath, name)).st_mode & 0o777
            if mode & 0o077:
                loose.append(f"{os.path.join(dirpath, name)}/ {mode:o}")
        for name in filenames:
            mode = os.lstat(os.path.join(dirpath, name)).st_mode & 0o777
            if mode & 0o077:
                loose.append(f"{os.path.join(dirpath, name)} {mode:o}")
    root_mode = os.stat(root).st_mode & 0o777
    if root_mode & 0o077:
        loose.insert(0, f"{root}/ {root_mode:o}")
    assert not loose, "index files readable by others:\n" + "\n".join(loose)
