"""The search syntax in the real window over the real Engine: chips in sync with the menus, the tips
popup, "also in" for copies, the "Show N weaker results" row, sorting, and quick search's floor.
Screenshots of each go to /tmp/shots-query/ (offscreen grabs) to be looked at."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop_search.core.config.settings import Settings
from desktop_search.gui.engine_bridge import QUICK_STREAM, ModelState
from desktop_search.gui.results_model import ResultRole
from tests.gui.test_window_end_to_end import ProgressLog, engine_factory

WAIT_MS = 120_000
SHOTS = Path("/tmp/shots-query")
DOCS = {
    "Notes/heat-pump.md": (
        "Budget for the heat pump installation in the cellar: 12,000 euros, approved.",
        2024,
    ),
    "Notes/heat-quarterly.md": (
        "Quarterly budget review: the heat pump costs were higher than planned.",
        2023,
    ),
    "Reports/report-v1.md": (
        "The heat pump in the north wing costs 4,000 euros a year to run, twice the estimate we made.",
        2022,
    ),
    "Reports/report-v2.md": (
        "The heat pump in the north wing costs 4,000 euros a year to run, three times the estimate we made.",
        2023,
    ),
    "Other/bread.txt": (
        "Sourdough bread: feed the starter the evening before, fold the dough, bake it hot.",
        2021,
    ),
    "Other/bikes.txt": (
        "To fix a flat tyre, find the puncture with soapy water and glue a patch over it.",
        2020,
    ),
}


def write_docs(root: Path) -> int:
    for rel, (text, year) in DOCS.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        os.utime(path, (datetime(year, 6, 1).timestamp(),) * 2)
    (root / "Archive").mkdir()
    shutil.copy2(root / "Notes/heat-pump.md", root / "Archive/heat-pump.md")  # an identical copy
    return len(DOCS) + 1


def shot(widget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / name))


@pytest.mark.model
# the tips popup asks for the keyboard, which the offscreen platform (the tests' display) cannot give
@pytest.mark.qt_log_ignore("^This plugin does not support grabbing the keyboard$", extend=True)
def test_chips_also_in_weaker_results_and_sort(make_context, real_embedder, tmp_path, qtbot):
    root = tmp_path / "docs"
    files = write_docs(root)
    ctx = make_context(engine_factory(real_embedder, Settings(folders=[str(root)])))
    qtbot.waitUntil(lambda: ctx.bridge.model_state == ModelState.READY, timeout=WAIT_MS)
    log = ProgressLog(ctx.bridge)
    qtbot.waitUntil(lambda: log.done_with(files), timeout=WAIT_MS)
    ctx.window.resize(1100, 640)
    view = ctx.window.search_view

    # operators become chips; the type menu an operator replaces is greyed out
    query = 'budget "heat pump" -quarterly type:md after:yesterdayish'
    with qtbot.waitSignal(
        ctx.bridge.results, timeout=WAIT_MS, check_params_cb=lambda r: r.request.query == query
    ):
        view.box.setText(query)
        ctx.search.search_now()
    assert view.chips.labels() == ["“heat pump”", "not quarterly", "type: md"]
    assert "not a date" in view.chips.message.text()
    assert not view.type_filter.isEnabled()
    names = [Path(view.model.index(r).data(ResultRole.PATH)).name for r in range(view.model.rowCount())]
    assert "heat-quarterly.md" not in names and "heat-pump.md" in names

    # the copy in Archive folds into one result with an "also in" line
    top = view.model.index(0)
    also = top.data(ResultRole.ALSO_IN)
    assert "also in:" in also and ("Archive" in also or "Notes" in also)
    shot(ctx.window, "chips-and-also-in.png")

    # removing a chip takes its operator out of the box and searches again
    with qtbot.waitSignal(ctx.bridge.results, timeout=WAIT_MS):
        view.chips.chips[2].close_button.click()
    assert view.box.text() == 'budget "heat pump" -quarterly after:yesterdayish'
    assert view.type_filter.isEnabled()
    # a menu's filter is a chip too; its × resets the menu
    with qtbot.waitSignal(ctx.bridge.results, timeout=WAIT_MS):
        view.folder_filter.setCurrentIndex(1)
    assert any(label.startswith("in: ") for label in view.chips.labels())
    with qtbot.waitSignal(ctx.bridge.results, timeout=WAIT_MS):
        next(c for c in view.chips.chips if c.key == "menu:in").close_button.click()
    assert view.folder_filter.currentIndex() == 0

    # near-identical versions fold with "+1 similar"; unrelated files wait behind "Show N weaker results"
    query = "what does the heat pump cost to run each year"
    with qtbot.waitSignal(
        ctx.bridge.results, timeout=WAIT_MS, check_params_cb=lambda r: r.request.query == query
    ) as got:
        view.box.setText(query)
        ctx.search.search_now()
    results = got.args[0]
    versions = [h for h in results.hits if "report-v" in h.path]
    assert len(versions) == 1 and len(versions[0].similar) == 1
    weak_names = {Path(h.path).name for h in results.weak}
    assert {"bread.txt", "bikes.txt"} <= weak_names
    last = view.model.index(view.model.rowCount() - 1)
    assert last.data(ResultRole.WEAK_COUNT) == len(results.weak)
    assert last.data(Qt.ItemDataRole.DisplayRole) == f"Show {len(results.weak)} weaker results"
    assert "weaker hidden" in view.summary.text()
    view.results.scrollToBottom()
    shot(ctx.window, "weaker-results-row.png")
    view.results.setCurrentIndex(last)
    view.results.open_requested.emit()  # Enter on the row shows them
    assert view.model.weak_count == 0
    shown = {Path(view.model.index(r).data(ResultRole.PATH) or "").name for r in range(view.model.rowCount())}
    assert {"bread.txt", "bikes.txt"} <= shown

    # newest first
    with qtbot.waitSignal(ctx.bridge.results, timeout=WAIT_MS) as got:
        view.sort_order.setCurrentIndex(1)
    modified = [h.modified for h in got.args[0].hits]
    assert modified == sorted(modified, reverse=True) and got.args[0].request.sort == "date"

    # the tips popup
    view.tips_button.click()
    qtbot.waitUntil(view.tips.isVisible)
    assert "type:pdf" in view.tips.text() and "after:" in view.tips.text()
    shot(view.tips, "search-tips.png")
    view.tips.hide()

    # quick search leaves the weaker results out
    with qtbot.waitSignal(
        ctx.bridge.results, timeout=WAIT_MS, check_params_cb=lambda r: r.request.stream == QUICK_STREAM
    ) as got:
        ctx.bridge.search("how much did the cellar heat pump cost", k=8, stream=QUICK_STREAM)
    quick = {Path(h.path).name for h in got.args[0].hits}
    assert "heat-pump.md" in quick and not {"bread.txt", "bikes.txt"} & quick
