"""The real window over the real Engine with an archive: the result names "container › member", Open
copies the member into a private temporary folder and opens that copy (at its page for a PDF), Show in
folder shows the container. Only the last OS calls (opening a URL, starting a viewer, asking the file
manager) are replaced."""

from __future__ import annotations

import stat
import subprocess
import types
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl

from desktop_search.core import from_key
from desktop_search.gui import opener as opener_module
from desktop_search.gui.engine_bridge import ModelState
from desktop_search.gui.opener import SystemOpener
from desktop_search.gui.results_model import ResultRole
from tests.core.mail_samples import OTTERS, REFERENCE_PDF, zip_of
from tests.gui.test_window_end_to_end import WAIT_MS, ProgressLog, engine_factory


class OsCalls:
    """What the opener asked of the operating system."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.commands: list[list[str]] = []
        self.revealed: list[str] = []


@pytest.fixture
def os_calls(monkeypatch: pytest.MonkeyPatch) -> OsCalls:
    calls = OsCalls()

    def open_url(url: QUrl) -> bool:
        calls.urls.append(url.toLocalFile())
        return True

    def popen(args, **_kwargs):
        calls.commands.append(list(args))

    def reveal(path: str) -> bool:
        calls.revealed.append(path)
        return True

    monkeypatch.setattr(opener_module.QDesktopServices, "openUrl", staticmethod(open_url))
    only_here = types.SimpleNamespace(
        run=subprocess.run, Popen=popen, SubprocessError=subprocess.SubprocessError
    )  # the opener's own view of subprocess: the app's other processes start as usual
    monkeypatch.setattr(opener_module, "subprocess", only_here)
    monkeypatch.setattr(SystemOpener, "_reveal_freedesktop", staticmethod(reveal))
    return calls


@pytest.fixture
def opener() -> SystemOpener:  # the real opener, for make_context
    return SystemOpener()


def _window_over(docs: Path, ctx, qtbot):
    """The window's context once the model is ready and ``docs``, added as a folder, is indexed."""
    qtbot.waitUntil(lambda: ctx.bridge.model_state == ModelState.READY, timeout=WAIT_MS)
    log = ProgressLog(ctx.bridge)
    ctx.folders.add_folder(str(docs))
    qtbot.waitUntil(lambda: log.done_with(1), timeout=WAIT_MS * 2)
    return ctx


def _search(ctx, qtbot, query: str):
    """The hits the window receives for ``query`` typed in its search box."""
    with qtbot.waitSignal(ctx.bridge.results, timeout=WAIT_MS) as got:
        ctx.window.search_view.box.setText(query)
        ctx.search.search_now()
    return got.args[0].hits


def _opened_file(calls: OsCalls) -> Path:
    if calls.commands:  # a PDF viewer that takes a page: the path is its last argument
        return Path(calls.commands[-1][-1].split("#")[0])
    return Path(calls.urls[-1])


@pytest.mark.model
def test_open_a_zip_member_from_the_window(make_context, real_embedder, tmp_path, os_calls, qtbot):
    docs = tmp_path / "docs"
    docs.mkdir()
    pdf = REFERENCE_PDF.read_bytes()
    (docs / "bundle.zip").write_bytes(
        zip_of({"manuals/reference.pdf": pdf, "notes/otters.txt": OTTERS.encode()})
    )
    ctx = _window_over(docs, make_context(engine_factory(real_embedder)), qtbot)
    view = ctx.window.search_view
    top = _search(ctx, qtbot, "otters raised cubs at the mill pond")[0]
    assert top.part == "notes/otters.txt"
    view.results.setCurrentIndex(view.model.index(0))
    assert view.model.index(0).data(ResultRole.DISPLAY_NAME) == "bundle.zip › notes/otters.txt"
    assert "bundle.zip › notes/otters.txt" in view.preview.title.text()

    ctx.preview.open_current()
    copy = _opened_file(os_calls)
    assert copy.name == "otters.txt" and copy.read_bytes() == OTTERS.encode()
    assert stat.S_IMODE(copy.parent.parent.stat().st_mode) == 0o700
    ctx.preview.reveal_current()
    assert os_calls.revealed == [from_key(top.path)]  # the container, in its folder

    hits = _search(ctx, qtbot, "basic precautions before installing packages from mixed suites")
    row, hit = next((i, h) for i, h in enumerate(hits) if h.part == "manuals/reference.pdf")
    assert hit.page is not None
    view.results.setCurrentIndex(view.model.index(row))
    ctx.preview.open_current()
    copy = _opened_file(os_calls)
    assert copy.name == "reference.pdf" and copy.read_bytes() == pdf
    if os_calls.commands:  # the default viewer takes a page: it was asked for the hit's page
        assert any(str(hit.page) in arg for arg in os_calls.commands[-1])


@pytest.mark.model
def test_a_gzipped_pdf_previews_its_page_and_opens_decompressed(
    make_context, real_embedder, tmp_path, os_calls, qtbot
):
    """Debian's gzipped bzip2 manual: the preview renders the hit's page from a decompressed copy (off
    the UI thread), and Open hands the PDF viewer that copy, not the .gz to an archive manager."""
    docs = tmp_path / "docs"
    docs.mkdir()
    manual = Path(__file__).resolve().parent.parent / "data" / "bzip2-manual.pdf.gz"
    (docs / manual.name).write_bytes(manual.read_bytes())
    ctx = _window_over(docs, make_context(engine_factory(real_embedder)), qtbot)
    view = ctx.window.search_view
    top = _search(ctx, qtbot, "recovering data from damaged files")[0]
    assert top.path.endswith("bzip2-manual.pdf.gz") and top.page == 9
    view.results.setCurrentIndex(view.model.index(0))
    pane = view.preview
    assert not pane.page_button.isHidden()  # a PDF, though its name ends in .gz
    pane.page_button.setChecked(True)
    qtbot.waitUntil(
        lambda: pane.pdf_view is not None and pane.stack.currentWidget() is pane.pdf_view, timeout=10_000
    )
    assert pane.pdf_document.pageCount() == 38
    assert pane.pdf_view.pageNavigator().currentPage() == 8  # 0-based: page 9
    # a German question shares no word with the English page: the page marks where the passage starts
    german = _search(ctx, qtbot, "Wie rette ich Daten aus einer beschädigten Datei?")[0]
    view.results.setCurrentIndex(view.model.index(0))
    qtbot.waitUntil(lambda: pane.pdf_view.pageNavigator().currentPage() == german.page - 1, timeout=10_000)
    opening = pane.pdf_search.searchString()
    assert opening and opening in german.text
    qtbot.waitUntil(lambda: len(pane.pdf_search.resultsOnPage(german.page - 1)) >= 1, timeout=10_000)

    ctx.preview.open_current()
    copy = _opened_file(os_calls)
    assert copy.name == "bzip2-manual.pdf" and copy.read_bytes()[:5] == b"%PDF-"
    assert stat.S_IMODE(copy.parent.parent.stat().st_mode) == 0o700
    if os_calls.commands:  # the default viewer takes a page: it was asked for the hit's page
        assert any("9" in arg for arg in os_calls.commands[-1])
