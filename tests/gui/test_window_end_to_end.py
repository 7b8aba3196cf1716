"""The real window over the real Engine: indexing, searching, preview, open, pause, failures, errors."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop_search.core.config.settings import Settings
from desktop_search.core.records import FileStatus, IndexProgress, Phase
from desktop_search.gui.engine_bridge import ModelState
from desktop_search.gui.results_model import ResultRole
from tests.core.extract_samples import make_pdf
from tests.support.fake_embedder import LoadOnReleaseEmbedder

WAIT_MS = 120_000

DOCS = {
    "bikes.txt": (
        "Repairing a bicycle. To fix a flat tyre, take the wheel off, find the puncture by dipping the inner "
        "tube in soapy water, roughen the spot, glue a patch over it and pump the tyre up again."
    ),
    "garden.md": (
        "# Tomatoes\n\nTomatoes want full sun and steady watering. Tie the stems to a stake and pinch out "
        "the side shoots every week so the plant puts its strength into the fruit."
    ),
    "bread.txt": (
        "Sourdough bread: feed the starter the evening before, mix flour, water and salt in the morning, "
        "fold the dough four times and bake it in a hot oven with steam."
    ),
}


def write_docs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "trip.pdf").write_bytes(
        make_pdf(
            [
                ["Travel notes, page one.", "We took the night train to Vienna."],
                ["The hotel in Lisbon is close to the sea.", "Trams leave every ten minutes."],
            ]
        )
    )
    return folder


class ProgressLog:
    """Collects the progress reports the window received."""

    def __init__(self, bridge) -> None:
        self.reports: list[IndexProgress] = []
        bridge.progress.connect(self.reports.append)

    def done_with(self, files: int) -> bool:
        return any(p.phase == Phase.DONE and p.files_done >= files for p in self.reports)


def engine_factory(embedder, settings: Settings | None = None):
    def factory():
        from desktop_search.core.engine import Engine

        return Engine.open(embedder=embedder, settings=settings)

    return factory


@pytest.mark.model
def test_index_search_preview_open(make_context, real_embedder, tmp_path, opener, qtbot):
    docs = write_docs(tmp_path / "docs")
    ctx = make_context(engine_factory(real_embedder))
    qtbot.waitUntil(lambda: ctx.bridge.model_state == ModelState.READY, timeout=WAIT_MS)
    view = ctx.window.search_view
    assert view.welcome_shown  # first run: no folders yet

    log = ProgressLog(ctx.bridge)
    ctx.folders.add_folder(str(docs))
    qtbot.waitUntil(lambda: log.done_with(len(DOCS) + 1), timeout=WAIT_MS)
    assert "Up to date" in ctx.window.index_status.label.text()
    assert not view.welcome_shown
    assert ctx.window.folders_view.folder_list.count() == 1

    view.box.setFocus()
    query = "how do I mend a punctured bike tire"
    # typing slowed by a busy machine may pause past the debounce and search a prefix first: wait for
    # the results of the whole query
    with qtbot.waitSignal(
        ctx.bridge.results, timeout=WAIT_MS, check_params_cb=lambda r: r.request.query == query
    ) as got:
        qtbot.keyClicks(view.box, query)
    top = got.args[0].hits[0]
    assert top.path.endswith("bikes.txt")
    index = view.model.index(0)
    assert index.data(ResultRole.DISPLAY_NAME) == "bikes.txt"
    assert 0 < index.data(ResultRole.SCORE_PERCENT) <= 100
    assert "puncture" in index.data(ResultRole.TEXT)
    assert view.results.currentIndex().row() == 0

    pane = view.preview
    qtbot.waitUntil(lambda: "soapy water" in pane.text.toPlainText(), timeout=10_000)
    assert "bikes.txt" in pane.title.text()

    view.results.setFocus()
    qtbot.keyClick(view.results, Qt.Key.Key_Return)
    assert opener.opened == [(top.path, None)]
    qtbot.keyClick(view.results, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert opener.revealed == [top.path]

    # a PDF hit carries its page, and opening asks for that page
    with qtbot.waitSignal(ctx.bridge.results, timeout=WAIT_MS) as got:
        view.box.setText("hotel near the ocean in Portugal")
        ctx.search.search_now()
    pdf_hit = got.args[0].hits[0]
    assert pdf_hit.path.endswith("trip.pdf") and pdf_hit.page == 2
    ctx.preview.open_current()
    assert opener.opened[-1] == (pdf_hit.path, 2)
    # the preview renders that page of the PDF (QtPdf)
    view.results.setCurrentIndex(view.model.index(0, 0))
    pane.page_button.setChecked(True)
    qtbot.waitUntil(
        lambda: pane.pdf_view is not None and pane.stack.currentWidget() is pane.pdf_view, timeout=10_000
    )
    assert pane.pdf_document.pageCount() == 2
    assert pane.pdf_view.pageNavigator().currentPage() == 1  # 0-based: page 2
    # ... and highlights the query's word that the passage matched, on that page
    assert pane.pdf_search.searchString() == "hotel"
    qtbot.waitUntil(lambda: len(pane.pdf_search.resultsOnPage(1)) == 1, timeout=10_000)

    qtbot.keyClick(view.box, Qt.Key.Key_Escape)
    assert view.box.text() == "" and view.model.rowCount() == 0


def test_pause_and_resume(make_context, hash_embedder, tmp_path, qtbot):
    docs = tmp_path / "many"
    docs.mkdir()
    for i in range(300):
        (docs / f"note{i:03}.txt").write_text(f"Note {i}: " + f"some words about topic {i}. " * 30)
    ctx = make_context(engine_factory(hash_embedder))
    qtbot.waitUntil(lambda: ctx.bridge.model_state == ModelState.READY, timeout=WAIT_MS)
    log = ProgressLog(ctx.bridge)
    ctx.folders.add_folder(str(docs))
    qtbot.waitUntil(lambda: any(p.phase == Phase.INDEXING for p in log.reports), timeout=WAIT_MS)

    button = ctx.window.index_status.pause_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert ctx.bridge.indexing_paused
    assert button.text() == "Resume"
    qtbot.wait(600)
    done_at_pause = max(p.files_done for p in log.reports)
    qtbot.wait(600)
    assert max(p.files_done for p in log.reports) <= done_at_pause + 32  # at most the batch in hand
    assert not log.done_with(300)

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not ctx.bridge.indexing_paused
    assert button.text() == "Pause"
    qtbot.waitUntil(lambda: log.done_with(300), timeout=WAIT_MS)


def test_indexing_can_be_paused_before_the_model_has_loaded(make_context, tmp_path, qtbot):
    """Files become keyword-searchable before the model loads (at start-up the load waits for them):
    the Pause button works from the moment the index is open."""
    embedder = LoadOnReleaseEmbedder()
    ctx = make_context(engine_factory(embedder))
    try:
        button = ctx.window.index_status.pause_button
        qtbot.waitUntil(button.isEnabled, timeout=WAIT_MS)
        assert ctx.bridge.model_state == ModelState.LOADING
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert ctx.bridge.indexing_paused and button.text() == "Resume"
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert not ctx.bridge.indexing_paused and button.text() == "Pause"
    finally:
        embedder.release.set()
    qtbot.waitUntil(lambda: ctx.bridge.model_state == ModelState.READY, timeout=WAIT_MS)


def test_failed_file_is_listed_with_its_reason(make_context, hash_embedder, tmp_path, qtbot):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text("A perfectly readable note about lighthouses.")
    (docs / "broken.docx").write_bytes(b"this is not a zip archive at all")
    ctx = make_context(engine_factory(hash_embedder))
    qtbot.waitUntil(lambda: ctx.bridge.model_state == ModelState.READY, timeout=WAIT_MS)
    log = ProgressLog(ctx.bridge)
    ctx.folders.add_folder(str(docs))
    qtbot.waitUntil(lambda: log.done_with(2), timeout=WAIT_MS)

    window = ctx.window
    window.tabs.setCurrentWidget(window.files_view)  # loads the ledger
    files = window.files_view
    qtbot.waitUntil(lambda: files.model.rowCount() == 2, timeout=10_000)
    ctx.files.show_status(FileStatus.FAILED)
    assert files.proxy.rowCount() == 1
    assert files.proxy.index(0, 0).data() == "broken.docx"
    reason = files.proxy.index(0, 2).data()
    assert "damaged" in reason.lower()
    assert files.retry_button.isEnabled()
    files.text_filter.setText("lighthouse")
    assert files.proxy.rowCount() == 0  # the failed filter and the text filter both apply


def test_a_file_no_worker_could_read_is_shown_waiting_then_read(
    make_context, hash_embedder, tmp_path, qtbot, monkeypatch
):
    """The status says the run left a file for later (not "Up to date"), and the service reads it by
    itself once a worker starts."""
    from desktop_search.core.extract import ExtractorPool, WorkerUnavailable, pool
    from desktop_search.core.index.service import BackgroundService

    # the worker is refused until the window has shown the waiting state: a loaded machine may run
    # the folder's scan twice (the add and a watcher's event), and a quick second run would read the
    # file before the window ever painted the first run's report
    monkeypatch.setattr(BackgroundService, "RETRY_POSTPONED_S", 1.0)
    monkeypatch.setattr(pool, "RETRY_START_S", 0.2)
    seen_waiting = threading.Event()
    start = ExtractorPool._start

    def refuse_until_seen(self):
        if not seen_waiting.is_set():
            raise WorkerUnavailable("The extraction worker could not start: fork refused.")
        return start(self)

    monkeypatch.setattr(ExtractorPool, "_start", refuse_until_seen)
    docs = write_docs(tmp_path / "docs")
    ctx = make_context(engine_factory(hash_embedder))
    qtbot.waitUntil(lambda: ctx.bridge.model_state == ModelState.READY, timeout=WAIT_MS)
    log = ProgressLog(ctx.bridge)
    ctx.folders.add_folder(str(docs))
    label = ctx.window.index_status.label
    qtbot.waitUntil(lambda: "Waiting to read 1 file" in label.text(), timeout=WAIT_MS)
    assert "1 file waits for the next run (The extraction worker could not start" in label.text()
    seen_waiting.set()
    # the run's last report, then the totals the window asks for after it
    totals = f"Up to date · {len(DOCS) + 1} files indexed"
    qtbot.waitUntil(lambda: label.text().startswith(totals), timeout=30_000)
    assert [p.postponed for p in log.reports if p.phase == Phase.DONE][-1] == 0


def test_model_loading_error_is_shown_not_raised(make_context, tmp_path, qtbot):
    settings = Settings(model="no-such-org/no-such-model", model_path=str(tmp_path / "missing-model"))
    ctx = make_context(engine_factory(None, settings))
    qtbot.waitUntil(lambda: ctx.bridge.model_state == ModelState.FAILED, timeout=WAIT_MS)
    banner = ctx.window.banner
    qtbot.waitUntil(banner.isVisible, timeout=5_000)
    assert banner.current is not None and not banner.current.is_bug
    assert "model" in banner.message.text().lower()
    assert "keywords" in ctx.window.search_view.box.placeholderText().lower()
