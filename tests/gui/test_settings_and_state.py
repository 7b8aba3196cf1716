"""Settings dialog applied to the real engine; window layout and filters remembered across starts."""

from __future__ import annotations

from desktop_search.core.config.paths import resolve_paths
from desktop_search.core.config.settings import load_settings
from desktop_search.core.config.state import load_state
from desktop_search.gui.engine_bridge import ModelState
from desktop_search.gui.settings_dialog import SettingsDialog, apply_settings


def hash_engine_factory(embedder):
    def factory():
        from desktop_search.core.engine import Engine

        return Engine.open(embedder=embedder)

    return factory


def test_settings_dialog_saves_what_changed(make_context, hash_embedder, qtbot):
    ctx = make_context(hash_engine_factory(hash_embedder))
    qtbot.waitUntil(lambda: ctx.bridge.model_state == ModelState.READY, timeout=60_000)
    engine = ctx.bridge.engine
    dialog = SettingsDialog(engine.settings, ctx.window)
    qtbot.addWidget(dialog)
    assert not dialog.model_warning.isVisibleTo(dialog)
    dialog.model.setCurrentText("intfloat/multilingual-e5-base")
    assert dialog.model_warning.isVisibleTo(dialog)  # a model change warns about re-indexing
    dialog.model.setCurrentText(engine.settings.model)
    dialog.chunk_tokens.setValue(180)
    dialog.device.setCurrentIndex(dialog.device.findData("cpu"))
    dialog.exclusions.setPlainText("*.bak\nbuild/")
    changed = apply_settings(engine, dialog.result_settings())
    assert changed == {"chunk_tokens", "device", "exclusions"}
    saved = load_settings(resolve_paths().settings_file)
    assert saved.chunk_tokens == 180 and saved.device == "cpu" and saved.exclusions == ["*.bak", "build/"]


def test_filters_and_layout_are_remembered(make_context, hash_embedder, qtbot):
    ctx = make_context(hash_engine_factory(hash_embedder))
    view = ctx.window.search_view
    view.type_filter.setCurrentIndex(view.type_filter.findText("PDF"))
    view.date_filter.setCurrentIndex(view.date_filter.findText("Past week"))
    ctx.window.resize(900, 640)
    ctx.shutdown()
    state = load_state(resolve_paths().state_file)
    assert state["filters"]["type"] == "PDF" and state["window"]["geometry"]

    again = make_context(hash_engine_factory(hash_embedder), start=False)
    view = again.window.search_view
    assert view.type_filter.currentText() == "PDF"
    assert view.date_filter.currentText() == "Past week"
    assert again.search.filters().extensions == ("pdf",)
    assert again.search.filters().modified_after is not None
