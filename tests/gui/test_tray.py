"""Tray, quick search and background life through the real app: real window, bridge, Engine and files.

The quick-search, second-instance and quit-during-indexing tests use the session's real model; the
hide-to-tray, no-tray and pause tests use the fast HashEmbedder (the same Engine, store and threads).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_search.core import Highlighter
from desktop_search.core.config.state import load_state
from desktop_search.core.engine import Engine
from desktop_search.core.records import FileStatus, IndexProgress, Phase
from desktop_search.core.store.pathkeys import from_key
from desktop_search.gui.app import AppContext, build_context
from desktop_search.gui.engine_bridge import QUICK_STREAM
from desktop_search.gui.results_model import ResultRole
from desktop_search.gui.single_instance import InstanceMessage, Role, SingleInstance
from desktop_search.gui.tray import NOTICE_KEY, STATE_SECTION, TrayController, install_tray, tooltip_text
from tests.core.extract_samples import make_pdf
from tests.gui.conftest import RecordingOpener
from tests.support.fake_embedder import HashEmbedder

REPO = Path(__file__).resolve().parents[2]

DOCS = {
    "kakteen.txt": "Kakteen topft man am besten im Frühjahr um, wenn sie aus der Winterruhe erwachen. "
    "Ziehen Sie dicke Handschuhe an und nehmen Sie durchlässige Kakteenerde.",
    "sourdough.md": "# Sourdough\n\nFeed the starter with equal parts flour and water every morning; "
    "it is ready when it doubles within six hours.",
    "taxes.txt": "The tax return is due by April 15. Keep receipts for charitable donations and "
    "medical expenses for seven years.",
    "bicycle.txt": "To fix a flat tyre, remove the wheel, lever the tyre off the rim, find the puncture "
    "with soapy water and glue a patch over it.",
}
PDF_PAGES = [
    ["Annual report 2023", "Revenue grew in every region."],
    ["Staff", "The company hired forty engineers."],
    ["Outlook", "Next year the lighthouse museum opens a new wing about ship wrecks."],
]


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "report.pdf").write_bytes(make_pdf(PDF_PAGES))
    return folder


def _start_app(
    qtbot: Any, folder: Path, embedder: Any, wait_indexed: int | None = None
) -> tuple[AppContext, RecordingOpener]:
    def factory() -> Engine:
        engine = Engine.open(embedder=embedder)
        engine.add_folder(folder)
        return engine

    opener = RecordingOpener()
    ctx = build_context(engine_factory=factory, opener=opener)
    with qtbot.waitSignal(ctx.bridge.model_ready, timeout=180_000):
        ctx.start()
    if wait_indexed is not None:
        qtbot.waitUntil(lambda: _indexed(ctx) == wait_indexed, timeout=180_000)
    return ctx, opener


def _indexed(ctx: AppContext) -> int:
    engine = ctx.bridge.engine
    return 0 if engine is None else int(engine.status()["files"]["indexed"])  # with every vector


@pytest.fixture
def make_app(qtbot: Any) -> Iterator[Callable[..., tuple[AppContext, RecordingOpener]]]:
    started: list[AppContext] = []

    def make(
        folder: Path, embedder: Any, wait_indexed: int | None = None
    ) -> tuple[AppContext, RecordingOpener]:
        ctx, opener = _start_app(qtbot, folder, embedder, wait_indexed)
        started.append(ctx)
        return ctx, opener

    yield make
    for ctx in started:
        ctx.shutdown()
        ctx.window.close_handler = None
        ctx.window.close()
    QApplication.setQuitOnLastWindowClosed(True)


def _tray(ctx: AppContext, **kwargs: Any) -> TrayController:
    kwargs.setdefault("tray_available", True)
    return install_tray(ctx, quit_app=lambda: None, **kwargs)


# -- the tooltip ----------------------------------------------------------------------------------


def test_status_line_shows_files_searchable_and_meaning() -> None:
    from desktop_search.gui.indexing_controller import describe

    progress = IndexProgress(
        Phase.INDEXING, 12480, 12480, chunks_done=9000, eta_s=840, meaning_done=3900, meaning_total=12480
    )
    short, details = describe(progress)
    assert short == "12,480 files searchable · meaning 3,900 / 12,480"
    assert "14 min 00 s left" in details


def test_tooltip_text() -> None:
    assert tooltip_text(IndexProgress(Phase.INDEXING, 1204, 5000)) == "Indexing 1,204 / 5,000 files"
    # keyword first, meaning next: both figures, and the time left
    both = IndexProgress(Phase.INDEXING, 12480, 12480, eta_s=840, meaning_done=3900, meaning_total=12480)
    assert tooltip_text(both) == "12,480 files searchable · meaning 3,900 / 12,480 · 14 min 00 s left"
    reading = IndexProgress(Phase.INDEXING, 200, 500, meaning_done=0, meaning_total=200)
    assert tooltip_text(reading) == "200 of 500 files searchable · meaning 0 / 200"
    assert tooltip_text(IndexProgress(Phase.DONE, 5000, 5000)) == "Up to date — 5,000 files"
    assert tooltip_text(IndexProgress(Phase.DONE, 1, 1)) == "Up to date — 1 file"  # not "1 files"
    message = "1 file waits for the next run (no worker)"
    waiting = IndexProgress(Phase.DONE, 3, 3, postponed=1, message=message)
    assert tooltip_text(waiting) == "Waiting to read 1 file"  # not "Up to date"
    from desktop_search.gui.indexing_controller import describe

    assert describe(waiting) == ("Waiting to read 1 file", message)
    # a run that goes on embedding the files the last one left keyword-only reads no file itself
    resumed = IndexProgress(
        Phase.INDEXING, 0, 0, meaning_done=26, meaning_total=4114, keyword_only_at_start=4114
    )
    assert tooltip_text(resumed) == "4,114 files searchable · meaning 26 / 4,114"
    assert describe(resumed)[0] == "4,114 files searchable · meaning 26 / 4,114"
    added = IndexProgress(Phase.INDEXING, 3, 10, meaning_total=4124, keyword_only_at_start=4114)
    assert tooltip_text(added) == "4,117 of 4,124 files searchable · meaning 0 / 4,124"
    paused_resume = replace(resumed, phase=Phase.PAUSED)
    assert tooltip_text(paused_resume) == "Indexing paused · 4,114 files searchable · meaning 26 / 4,114"
    assert describe(paused_resume)[0] == "Paused · 4,114 files searchable · meaning 26 / 4,114"
    one = IndexProgress(Phase.INDEXING, 1, 1, meaning_done=0, meaning_total=1)
    assert tooltip_text(one) == "1 file searchable · meaning 0 / 1"
    assert tooltip_text(IndexProgress(Phase.INDEXING, 3, 9), paused=True) == "Indexing paused at 3 / 9 files"
    assert (
        tooltip_text(IndexProgress(Phase.DONE, 7, 7, failed=2))
        == "Up to date — 7 files (2 could not be read)"
    )
    assert tooltip_text(IndexProgress(Phase.SCANNING, 0, 0)) == "Scanning folders…"
    assert tooltip_text(None, model_message="Loading model…") == "Loading model…"


# -- quick search through the real stack ----------------------------------------------------------


@pytest.mark.model
def test_quick_search_finds_and_opens_the_chosen_file(qtbot, make_app, docs: Path, real_embedder) -> None:
    ctx, opener = make_app(docs, real_embedder, wait_indexed=len(DOCS) + 1)
    tray = _tray(ctx, hidden=True)
    assert not ctx.window.isVisible()
    popup = tray.popup

    tray.show_quick_search()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClicks(popup.box, "repotting cacti")
    qtbot.waitUntil(lambda: popup.last_results is not None, timeout=60_000)
    names = [Path(from_key(h.path)).name for h in popup.last_results.hits]
    assert names[0] == "kakteen.txt", names  # an English query finds the German passage
    inline = sum(len(h.inline) for h in popup.last_results.hits)  # strong passages get rows of their own
    assert popup.model.rowCount() == len(names) + inline
    assert not {"sourdough.md", "taxes.txt"} & set(names)  # below the relevance floor: left out
    assert "file" in popup.status.text()

    # arrows move through the results, Enter opens the chosen one and hides the popup
    qtbot.keyClick(popup.box, Qt.Key.Key_Down)
    assert popup.results.currentIndex().row() == min(1, popup.model.rowCount() - 1)
    qtbot.keyClick(popup.box, Qt.Key.Key_Up)
    qtbot.keyClick(popup.box, Qt.Key.Key_Return)
    assert [Path(from_key(p)).name for p, _page in opener.opened] == ["kakteen.txt"]
    assert not popup.isVisible()

    # a PDF passage opens at its page
    tray.show_quick_search("lighthouse museum wing about ship wrecks")
    qtbot.waitUntil(lambda: popup.last_results.request.query.startswith("lighthouse"), timeout=60_000)
    top = popup.last_results.hits[0]
    assert Path(from_key(top.path)).name == "report.pdf" and top.page == 3
    qtbot.keyClick(popup.box, Qt.Key.Key_Enter)
    assert opener.opened[-1] == (top.path, 3)

    # Escape hides; "Show all results" opens the main window with the query
    tray.show_quick_search()
    qtbot.keyClick(popup.box, Qt.Key.Key_Escape)
    assert not popup.isVisible()
    tray.show_quick_search()
    popup.box.setText("flat tyre")
    with qtbot.waitSignal(ctx.bridge.results, timeout=60_000):
        qtbot.mouseClick(popup.show_all, Qt.MouseButton.LeftButton)
    assert ctx.window.isVisible() and not popup.isVisible()
    assert ctx.window.search_view.box.text() == "flat tyre"
    assert Path(from_key(ctx.search.last_results.hits[0].path)).name == "bicycle.txt"


def test_quick_search_and_the_window_search_apart_highlighted_off_the_ui_thread(
    qtbot, make_app, docs: Path, monkeypatch
) -> None:
    ctx, _opener = make_app(docs, HashEmbedder(), wait_indexed=len(DOCS) + 1)
    popup = _tray(ctx).popup
    on_ui_thread: list[bool] = []
    find = Highlighter.find

    def recording_find(self: Highlighter, text: str) -> Any:
        on_ui_thread.append(threading.current_thread() is threading.main_thread())
        return find(self, text)

    monkeypatch.setattr(Highlighter, "find", recording_find)
    view = ctx.window.search_view
    view.box.setText("flat tyre puncture")
    ctx.search.search_now()  # queued in the bridge's search thread ...
    popup.popup("sourdough starter")  # ... and so is this, in the popup's own stream: neither drops the other
    qtbot.waitUntil(lambda: popup.last_results is not None and ctx.search.last_results is not None)

    assert popup.last_results.request.stream == QUICK_STREAM
    assert Path(from_key(popup.last_results.hits[0].path)).name == "sourdough.md"
    assert ctx.search.last_results.request.query == "flat tyre puncture"
    assert Path(from_key(view.model.hit_at(0).path)).name == "bicycle.txt"  # not overwritten by the popup
    for model in (popup.model, view.model):
        index = model.index(0)
        assert index.data(ResultRole.HIGHLIGHTS), index.data(ResultRole.TEXT)
    assert on_ui_thread and not any(on_ui_thread)  # matched in the search thread only


@pytest.mark.model
def test_second_launch_forwards_to_the_running_app_and_exits(
    qtbot, make_app, docs: Path, real_embedder, isolated_home: Path
) -> None:
    ctx, _opener = make_app(docs, real_embedder, wait_indexed=len(DOCS) + 1)
    instance = SingleInstance(ctx.paths.data_dir)
    assert instance.claim(InstanceMessage()) is Role.PRIMARY
    tray = _tray(ctx, instance=instance, hidden=True)
    env = dict(os.environ, PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen")

    def launch(*flags: str) -> tuple[subprocess.Popen[str], float]:
        """Run a real second ``python -m desktop_search``, spinning this app's event loop meanwhile."""
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "desktop_search", "--data-dir", str(isolated_home), *flags],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=60_000)
        return proc, time.perf_counter() - started

    second, elapsed = launch("--quick-search")
    assert second.returncode == 0, second.communicate()[1]
    qtbot.waitUntil(tray.popup.isVisible, timeout=10_000)
    print(f"second launch forwarded and exited in {elapsed:.2f} s")

    tray.popup.hide()
    third, _elapsed = launch()
    assert third.returncode == 0, third.communicate()[1]
    qtbot.waitUntil(ctx.window.isVisible, timeout=10_000)
    # the second launches never opened an index of their own: one engine, one lock holder
    assert instance.listening
    instance.close()


# -- hide to tray, no tray, pause, quit -----------------------------------------------------------


def test_closing_the_window_hides_it_to_the_tray_with_a_one_time_notice(
    qtbot, make_app, docs: Path, monkeypatch
) -> None:
    ctx, _opener = make_app(docs, HashEmbedder())
    tray = _tray(ctx)
    assert tray.has_tray
    assert not QApplication.quitOnLastWindowClosed()
    messages: list[str] = []
    assert tray.tray is not None
    monkeypatch.setattr(tray.tray, "showMessage", lambda title, *_a: messages.append(title))

    assert ctx.window.isVisible()
    ctx.window.close()
    assert not ctx.window.isVisible()
    assert messages == ["Desktop Search is still running"]
    assert load_state(ctx.paths.state_file)[STATE_SECTION][NOTICE_KEY] is True

    tray.show_window()
    assert ctx.window.isVisible()
    ctx.window.close()
    assert not ctx.window.isVisible()
    assert len(messages) == 1  # once only
    assert ctx.bridge.engine is not None and not tray.quitting  # still running in the background

    ctx.shutdown()  # the window's own state save keeps the remembered notice
    assert load_state(ctx.paths.state_file)[STATE_SECTION][NOTICE_KEY] is True


def test_without_a_system_tray_the_window_stays_and_closing_it_quits(qtbot, make_app, docs: Path) -> None:
    ctx, _opener = make_app(docs, HashEmbedder())
    quits: list[bool] = []
    tray = install_tray(ctx, tray_available=False, hidden=True, quit_app=lambda: quits.append(True))
    assert not tray.has_tray
    assert ctx.window.isVisible()  # --hidden cannot hide the only way in
    qtbot.waitUntil(lambda: tray.no_tray_notice is not None and tray.no_tray_notice.isVisible())
    assert "no system tray" in tray.no_tray_notice.text()
    tray.no_tray_notice.close()

    ctx.window.close()
    assert quits == [True] and tray.quitting
    assert not ctx.window.isVisible()
    assert ctx.bridge.engine is not None and ctx.bridge._closing  # the bridge was shut down


def test_menu_pauses_and_resumes_indexing(qtbot, make_app, docs: Path) -> None:
    ctx, _opener = make_app(docs, HashEmbedder(), wait_indexed=len(DOCS) + 1)
    tray = _tray(ctx)
    qtbot.waitUntil(lambda: tray.last_progress is not None and tray.last_progress.phase == Phase.DONE)
    assert tray.status_action.text().startswith("Up to date")
    assert tray.pause_action.text() == "Pause indexing"
    tray.pause_action.trigger()
    assert ctx.bridge.engine.indexing_paused
    assert tray.pause_action.text() == "Resume indexing"
    assert tray.status_action.text().startswith("Indexing paused")
    assert "Indexing paused" in tray.tray.toolTip()
    tray.pause_action.trigger()
    assert not ctx.bridge.engine.indexing_paused
    assert tray.pause_action.text() == "Pause indexing"


@pytest.mark.model
def test_quit_during_indexing_leaves_a_consistent_index(
    qtbot, make_app, tmp_path: Path, real_embedder
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    topics = ["gardening", "astronomy", "cooking", "sailing", "chess", "pottery", "beekeeping", "rowing"]
    for i in range(60):
        topic = topics[i % len(topics)]
        text = "\n\n".join(
            f"Note {i}.{j} about {topic}: practice {topic} each week, log {j * i}." for j in range(6)
        )
        (folder / f"note_{i:03}.txt").write_text(text, encoding="utf-8")
    ctx, _opener = make_app(folder, real_embedder)
    quits: list[bool] = []
    tray = install_tray(ctx, tray_available=True, quit_app=lambda: quits.append(True))
    phases: list[Phase] = []
    ctx.bridge.progress.connect(lambda p: phases.append(p.phase))
    qtbot.waitUntil(
        lambda: tray.last_progress is not None and tray.last_progress.phase == Phase.INDEXING,
        timeout=180_000,
    )
    at_quit = tray.last_progress
    done_at_quit = at_quit.files_done  # keyword-searchable; their meaning may still be coming
    assert at_quit.meaning_done < 60, "indexing finished before the test could quit during it"
    tray.quit_action.trigger()
    assert quits == [True]
    assert not ctx.window.isVisible() and not tray.tray.isVisible()

    engine = Engine.open(embedder=real_embedder)  # as the next start would
    try:
        report = engine.check()
        assert report["consistent"], report
        indexed = engine.files(FileStatus.INDEXED)  # keyword-searchable, embedded or not yet
        assert len(indexed) >= done_at_quit  # every file reported done is in the index
        assert all(f.chunk_count > 0 for f in indexed)
    finally:
        engine.close()


def test_application_shortcut_opens_quick_search(qtbot, make_app, docs: Path) -> None:
    ctx, _opener = make_app(docs, HashEmbedder())
    tray = _tray(ctx)
    ctx.window.activateWindow()
    qtbot.waitUntil(ctx.window.isActiveWindow)
    qtbot.keyClick(
        ctx.window.search_view.box,
        Qt.Key.Key_Space,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(tray.popup.isVisible)
    assert tray.quick_action.shortcut().toString() == "Ctrl+Shift+Space"


def test_counts_are_singular_for_one() -> None:
    from desktop_search.gui.wording import counted

    assert [counted(n, "file") for n in (0, 1, 2, 12480)] == ["0 files", "1 file", "2 files", "12,480 files"]
    assert counted(1, "weaker result") == "1 weaker result"
