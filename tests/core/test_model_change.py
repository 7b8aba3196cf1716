"""Switching the model re-indexes in the background, keeps serving the old index, then switches atomically."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from desktop_search.core.config.settings import Settings
from desktop_search.core.engine import Engine
from desktop_search.core.index.jobs import JobControl
from desktop_search.core.records import Phase
from desktop_search.core.store.pathkeys import from_key

OTHER_MODEL = "local/e5-small-copy"


def _docs(folder: Path) -> Path:
    folder.mkdir()
    topics = {
        "bees.txt": "Honey bees cluster together to keep the hive warm through the winter.",
        "taxes.txt": "File your income tax return before the deadline to avoid penalties.",
        "volcano.txt": "Lava from the eruption flowed down the mountain toward the village.",
    }
    for i in range(60):  # more than one embedding batch, so a switch can be interrupted half-way
        topics[f"filler-{i:02}.txt"] = f"Filler note number {i} about office supplies and staplers."
    for name, text in topics.items():
        (folder / name).write_text(text)
    return folder


def _top(engine: Engine, query: str) -> str:
    return os.path.basename(from_key(engine.search(query, k=3)[0].path))


@pytest.mark.model
def test_model_change_serves_old_index_then_switches(tmp_path: Path, real_model_folder: Path) -> None:
    other = tmp_path / "other-model"
    shutil.copytree(real_model_folder, other)  # a second model, resolved from a local folder
    docs = _docs(tmp_path / "docs")
    home = tmp_path / "home"
    engine = Engine.open(home, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        old_dir = engine.store.index_dir
        assert _top(engine, "insects in cold weather") == "bees.txt"

        # switch, interrupted half-way (as by a crash or quit): the old index still serves
        engine.change_model(OTHER_MODEL, str(other))
        assert engine.migration_pending
        control = JobControl()

        def stop_midway(p) -> None:
            if p.chunks_done > 0:  # after the first batch of the new model's index
                control.cancel()

        assert engine.migrate_model(stop_midway, control) is False
        assert engine.model_name != OTHER_MODEL and old_dir.exists()
        assert _top(engine, "insects in cold weather") == "bees.txt"
    finally:
        engine.close()

    # a new start resumes the switch in the background; searches keep working meanwhile
    engine = Engine.open(home)
    try:
        assert engine.migration_pending and engine.status()["model"] != OTHER_MODEL
        seen = []
        engine.start_background(progress=seen.append, watch=False)
        errors: list[BaseException] = []

        def search_while_migrating() -> None:
            try:
                for _ in range(5):
                    assert _top(engine, "paying taxes on time") == "taxes.txt"
            except BaseException as err:
                errors.append(err)

        t = threading.Thread(target=search_while_migrating)
        t.start()
        assert engine.wait_idle(300)
        t.join(60)
        assert not errors, errors
        assert engine.model_name == OTHER_MODEL and engine.status()["model"] == OTHER_MODEL
        assert not old_dir.exists(), "the old index is removed after the switch"
        assert engine.status()["files"]["indexed"] == 63
        assert _top(engine, "molten rock from a mountain") == "volcano.txt"
        assert engine.check()["consistent"]
        assert any(p.phase == Phase.DONE and "Now searching with" in p.message for p in seen)
    finally:
        engine.close()
    # the choice sticks: the next start opens the new index directly
    engine = Engine.open(home)
    try:
        assert engine.model_name == OTHER_MODEL and not engine.migration_pending
    finally:
        engine.close()
