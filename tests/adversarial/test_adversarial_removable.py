"""Removable folders: an unplugged drive keeps its entries, hidden from results unless asked for.

Two ways a folder goes missing: a drive unmounted from its mount point (an empty folder stays; a
bind mount here, when this process may mount) and a folder that disappears entirely (renamed
away). When it returns, a reconciliation scan updates it without re-embedding unchanged files:
only the file changed while it was away is embedded again. Real model, real store.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from desktop_search.core.records import SearchFilters

pytestmark = pytest.mark.model


class CountingEmbedder:
    """The shared real embedder, counting the passages it embeds."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.passages = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.passages += len(texts)
        return self.inner.embed_documents(texts)


FILES = {
    "trip.md": "# Packing list\n\nTent, sleeping bag and a stove for the mountain trip.",
    "taxes.txt": "The tax return is due in April; keep the receipts from the dentist.",
    "garden.txt": "Tomatoes need full sun and deep watering twice a week.",
}


def _mount(*args: str) -> bool:
    try:
        return subprocess.run(["mount", *args], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _paths_of(hits: list[Any]) -> set[str]:
    return {os.path.basename(h.path) for h in hits}


@pytest.mark.timeout(300)
@pytest.mark.parametrize("how", ["unmount", "rename"])
def test_missing_folder_is_kept_hidden_and_reconciled(tmp_path: Path, real_embedder: Any, how: str) -> None:
    from desktop_search.core.engine import Engine

    drive = tmp_path / "drive-contents"  # what is on the drive
    drive.mkdir()
    for name, text in FILES.items():
        (drive / name).write_text(text, encoding="utf-8")
    usb = tmp_path / "usb"  # where the user sees it
    usb.mkdir()
    if how == "unmount":
        if sys.platform != "linux" or not _mount("--bind", str(drive), str(usb)):
            pytest.skip("cannot bind-mount here")
        folder = usb
    else:
        usb.rmdir()
        drive.rename(usb)
        drive = usb
        folder = usb
    local = tmp_path / "local"
    local.mkdir()
    (local / "recipes.txt").write_text("Bake the bread at 220 degrees for thirty minutes.", encoding="utf-8")

    embedder = CountingEmbedder(real_embedder)
    engine = Engine.open(data_dir=tmp_path / "home", embedder=embedder)
    try:
        engine.add_folder(folder)
        engine.add_folder(local)
        engine.index()
        assert "garden.txt" in _paths_of(engine.search("when to water tomatoes", k=3))

        # unplug
        away = tmp_path / "away"
        if how == "unmount":
            assert subprocess.run(["umount", str(usb)], capture_output=True, timeout=30).returncode == 0
            assert usb.is_dir() and not any(usb.iterdir())  # the empty mount point stays
        else:
            usb.rename(away)
        engine.index()
        assert engine.status()["unavailable_folders"] == [str(folder)]
        assert len(engine.files()) == len(FILES) + 1  # entries kept
        assert "garden.txt" not in _paths_of(engine.search("when to water tomatoes", k=5))
        assert "garden.txt" not in _paths_of(engine.search("tomatoes", k=5, mode="keyword"))
        shown = engine.search("when to water tomatoes", k=5, filters=SearchFilters(include_unavailable=True))
        assert "garden.txt" in _paths_of(shown)
        assert "recipes.txt" in _paths_of(engine.search("bread baking temperature", k=3))  # the rest works

        # changed while away, then plugged back in
        where = drive if how == "unmount" else away
        (where / "taxes.txt").write_text(
            "The tax return is now due in May; the deadline moved.", encoding="utf-8"
        )
        if how == "unmount":
            assert _mount("--bind", str(drive), str(usb))
        else:
            away.rename(usb)
        before = embedder.passages
        engine.index()
        assert engine.status()["unavailable_folders"] == []
        assert embedder.passages - before == 1, "unchanged files were embedded again"
        assert "taxes.txt" in _paths_of(engine.search("when is the tax deadline", k=3))
        assert "May" in engine.extracted_text(str(folder / "taxes.txt"))
        assert "garden.txt" in _paths_of(engine.search("when to water tomatoes", k=3))
        assert engine.check()["consistent"]
    finally:
        engine.close()
        if how == "unmount":
            subprocess.run(["umount", str(usb)], capture_output=True, timeout=30)
