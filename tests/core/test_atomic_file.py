"""Atomic small-file writes: concurrent writers of one file never trip over each other's temp file."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from desktop_search.core.config.atomic_file import write_atomic
from desktop_search.core.config.settings import Settings, load_settings, save_settings


def test_concurrent_writers_of_one_file_all_succeed(tmp_path: Path) -> None:
    target = tmp_path / "config" / "settings.toml"
    errors: list[BaseException] = []

    def writer(tag: int) -> None:
        try:
            for i in range(200):
                write_atomic(target, f"writer = {tag}\nround = {i}\n".encode())
        except BaseException as exc:  # collected: an exception in a thread would not fail the test
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert target.read_text().startswith("writer = ")
    assert [p.name for p in target.parent.iterdir()] == ["settings.toml"]  # no temporary file left


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "choice.json"
    write_atomic(target, b"old")

    with pytest.raises(TypeError):
        write_atomic(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["choice.json"]


def test_settings_round_trip_through_the_atomic_writer(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    settings = Settings()
    save_settings(settings, path)
    assert load_settings(path) == settings
    assert path.stat().st_mode & 0o077 == 0  # private to the user
