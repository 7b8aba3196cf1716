"""Settings change through the engine: validated, saved, and followed by what they need."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_search.core import Engine, Settings
from desktop_search.core.config.settings import load_settings
from desktop_search.core.errors import SettingsError


@pytest.fixture
def engine(tmp_path: Path, hash_embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("apples and pears\n", encoding="utf-8")
    engine = Engine.open(tmp_path / "home", embedder=hash_embedder, settings=Settings(folders=[str(docs)]))
    yield engine
    engine.close()


def test_update_settings_saves_and_reports_what_changed(engine: Engine) -> None:
    changed = engine.update_settings(exclusions=["*.log"], theme="dark", chunk_tokens=220)
    assert changed == {"exclusions", "theme"}  # 220 is the current passage size: not a change
    saved = load_settings(engine.paths.settings_file)
    assert saved.exclusions == ["*.log"] and saved.theme == "dark"
    assert engine.update_settings(theme="dark") == set()


def test_a_bad_value_changes_nothing(engine: Engine) -> None:
    with pytest.raises(SettingsError):
        engine.update_settings(device="quantum", theme="dark")
    assert engine.settings.device == "auto" and engine.settings.theme == "system"


def test_fusion_weights_reach_the_live_searcher(engine: Engine) -> None:
    engine.index()
    before = engine.search("apples", mode="hybrid")[0].score  # the searcher exists now
    engine.update_settings(dense_weight=0.5, keyword_weight=0.5)
    halved = engine.search("apples", mode="hybrid")[0].score
    assert halved == pytest.approx(before / 2)  # both legs' votes scale with their weights
    engine.tune_search(rrf_k=1000, rrf_k_share=0)  # (a small index would take a smaller k)
    assert engine.search("apples", mode="hybrid")[0].score < halved / 10
    assert load_settings(engine.paths.settings_file).keyword_weight == 0.5  # tuning saves nothing
    with pytest.raises(ValueError, match="unknown fusion parameters"):
        engine.tune_search(temperature=2.0)
