"""Presence of watched folders: the one empty-folder test and the unmounted-drive rule."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from desktop_search.core.watch.presence import folder_identity, is_empty_dir, only_mount_point_left


def test_is_empty_dir(tmp_path: Path) -> None:
    assert is_empty_dir(str(tmp_path))
    (tmp_path / "a.txt").write_text("x")
    assert not is_empty_dir(str(tmp_path))
    assert is_empty_dir(str(tmp_path / "gone"))  # cannot be listed: nothing of it is visible


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="POSIX permissions, not root")
def test_a_folder_that_cannot_be_listed_counts_as_empty(tmp_path: Path) -> None:
    locked = tmp_path / "mnt"
    locked.mkdir()
    (locked / "a.txt").write_text("x")
    locked.chmod(0)
    try:
        assert is_empty_dir(str(locked))  # the entries of an unreadable folder are kept, never deleted
    finally:
        locked.chmod(0o700)


def test_only_an_empty_folder_of_another_device_is_a_left_mount_point(tmp_path: Path) -> None:
    identity = folder_identity(str(tmp_path))
    assert identity is not None
    other_device = (identity[0] + 1, identity[1])
    assert only_mount_point_left(str(tmp_path), other_device, identity)
    assert not only_mount_point_left(str(tmp_path), identity, identity)  # same device: emptied, not unmounted
    assert not only_mount_point_left(str(tmp_path), None, identity)
    (tmp_path / "a.txt").write_text("x")
    assert not only_mount_point_left(str(tmp_path), other_device, identity)
    assert folder_identity(str(tmp_path / "a.txt")) is None  # a file is no folder
