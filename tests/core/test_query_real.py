"""Each operator through the real stack (real model, Chroma and SQLite on disk, real files): the results of
both legs obey it; identical copies fold; the relevance floor keeps answers and drops unrelated files."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from desktop_search.core import Engine, SearchHit, Settings, parse_query, split_weak
from desktop_search.core.accents import fold

pytestmark = pytest.mark.model

FILES = {  # relative path: (text, modified)
    "Notes/heat.md": (
        "Budget for the heat pump installation in the cellar: 12,000 euros, approved by the board.",
        datetime(2024, 5, 2),
    ),
    "Notes/quarterly.md": (
        "Quarterly budget review: the Heat Pump costs were higher than planned this spring.",
        datetime(2024, 6, 10),
    ),
    "Notes/pumps.md": (
        "The budget covers a water pump for the garden and heat insulation for the attic.",
        datetime(2024, 7, 1),
    ),
    "Notes/wärme.txt": (
        "Das Budget für die Wärmepumpe (heat-pump) im Keller wurde im Januar genehmigt.",
        datetime(2024, 1, 15),
    ),
    "Old/heat-2023.txt": (
        "Budget for the heat pump maintenance contract, renewed for 2023.",
        datetime(2023, 3, 1),
    ),
    "Old/bread.txt": (
        "Sourdough bread: feed the starter the evening before, fold the dough and bake it hot.",
        datetime(2022, 9, 1),
    ),
    "Archive/heat.md": None,  # an identical copy of Notes/heat.md
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, real_embedder):
    root = tmp_path_factory.mktemp("query-docs")
    for rel, spec in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if spec is None:
            shutil.copy(root / "Notes/heat.md", path)
            when = datetime(2024, 5, 3)
        else:
            path.write_text(spec[0], encoding="utf-8")
            when = spec[1]
        os.utime(path, (when.timestamp(), when.timestamp()))
    engine = Engine.open(
        tmp_path_factory.mktemp("home"), embedder=real_embedder, settings=Settings(folders=[str(root)])
    )
    engine.index()
    engine.root = root  # type: ignore[attr-defined]
    yield engine
    engine.close()


def _search(engine: Engine, typed: str, mode: str) -> list[SearchHit]:
    parsed = parse_query(typed, engine.folders)
    assert not parsed.messages
    return engine.search(parsed.text, k=20, filters=parsed.filters(), mode=mode, grouped=False)


def _names(hits: list[SearchHit]) -> set[str]:
    return {Path(h.path).name for h in hits}


MODES = ["dense", "keyword", "hybrid"]


@pytest.mark.parametrize("mode", MODES)
def test_phrase(engine: Engine, mode: str) -> None:
    hits = _search(engine, 'budget "heat pump"', mode)
    assert hits and all("heat pump" in fold(h.text).replace("-", " ") for h in hits)
    assert "pumps.md" not in _names(hits)  # its words, not the phrase
    assert {"heat.md", "quarterly.md"} <= _names(hits)


@pytest.mark.parametrize("mode", MODES)
def test_exclusion(engine: Engine, mode: str) -> None:
    hits = _search(engine, 'heat pump budget -quarterly -"water pump"', mode)
    assert hits and not {"quarterly.md", "pumps.md"} & _names(hits)
    assert "heat.md" in _names(hits)


@pytest.mark.parametrize("mode", MODES)
def test_type(engine: Engine, mode: str) -> None:
    hits = _search(engine, "heat pump budget type:md", mode)
    assert hits and all(h.path.endswith(".md") for h in hits)
    hits = _search(engine, "heat pump budget type:txt", mode)
    assert hits and all(h.path.endswith(".txt") for h in hits)


@pytest.mark.parametrize("mode", MODES)
def test_in_relative_and_absolute(engine: Engine, mode: str) -> None:
    root: Path = engine.root  # type: ignore[attr-defined]
    hits = _search(engine, "heat pump budget in:Old", mode)
    assert hits and all(Path(h.path).parent == root / "Old" for h in hits)
    hits = _search(engine, f"heat pump budget in:{root / 'Notes'}", mode)
    assert hits and all(Path(h.path).parent == root / "Notes" for h in hits)


@pytest.mark.parametrize("mode", MODES)
def test_dates(engine: Engine, mode: str) -> None:
    hits = _search(engine, "heat pump budget after:2024-06", mode)
    assert _names(hits) == {"quarterly.md", "pumps.md"}
    hits = _search(engine, "heat pump budget before:2024", mode)
    assert hits and all(h.modified < datetime(2024, 1, 1).timestamp() for h in hits)
    assert "heat-2023.txt" in _names(hits)
    hits = _search(engine, "heat pump budget after:2024 before:2024-02", mode)
    assert _names(hits) == {"wärme.txt"}


def test_everything_together(engine: Engine) -> None:
    hits = _search(engine, 'budget "heat pump" -quarterly type:md in:Notes after:2024-01-01', "hybrid")
    assert _names(hits) == {"heat.md"}


def test_a_bad_operator_searches_the_rest(engine: Engine) -> None:
    parsed = parse_query("heat pump after:yesterdayish", engine.folders)
    assert parsed.messages and parsed.text == "heat pump"
    assert engine.search(parsed.text, filters=parsed.filters())


def test_identical_copies_fold(engine: Engine) -> None:
    hits = engine.search("heat pump installation in the cellar", k=10)
    copies = [h for h in hits if h.path.endswith("heat.md")]
    assert len(copies) == 1
    other = "Archive" if "Notes" in copies[0].path else "Notes"
    assert [Path(p).parent.name for p in copies[0].duplicates] == [other]


def test_floor_keeps_answers_and_drops_unrelated_files(engine: Engine) -> None:
    hits = engine.search("how much did the cellar heat pump cost", k=10)
    strong, weak = split_weak(hits)
    assert strong[0].path.endswith("heat.md")
    assert "bread.txt" in _names(weak) and "bread.txt" not in _names(strong)
