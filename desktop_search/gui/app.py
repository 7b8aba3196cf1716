"""The GUI entry point and the object that holds the running app together.

``main()`` shows the window at once and opens the engine and the model in a worker thread (torch,
sentence-transformers and chromadb are never imported on the UI thread before the window shows).

Hooks for other parts of the app (the tray, tests): :func:`create_application` makes the
QApplication, :func:`build_context` builds the window, controllers and the engine bridge and returns
an :class:`AppContext`; ``context.start()`` starts the engine; ``context.shutdown()`` stops it.
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import logging.handlers
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_search import APP_ID, APP_NAME, __version__
from desktop_search.core import HOME_ENV, AppPaths, load_state, resolve_paths, save_state
from desktop_search.gui.engine_bridge import EngineBridge, EngineFactory, default_engine_factory
from desktop_search.gui.errors import ErrorReporter
from desktop_search.gui.files_controller import FilesController
from desktop_search.gui.folders_controller import FoldersController
from desktop_search.gui.indexing_controller import IndexingController
from desktop_search.gui.main_window import MainWindow
from desktop_search.gui.opener import SystemOpener
from desktop_search.gui.preview_controller import Opener, PreviewController
from desktop_search.gui.search_controller import SearchController
from desktop_search.gui.settings_dialog import SettingsDialog, apply_settings, apply_theme
from desktop_search.gui.single_instance import InstanceMessage, Role, SingleInstance
from desktop_search.gui.termination import QuitOnTermination
from desktop_search.gui.tray import install_tray

log = logging.getLogger(__name__)

ICON_PATH = Path(__file__).resolve().parent.parent / "resources" / "icon.svg"
STARTUP_REPORT_ENV = "DESKTOP_SEARCH_STARTUP_REPORT"  # benchmarks: write timings (JSON) to this file
STARTUP_QUERY_ENV = "DESKTOP_SEARCH_STARTUP_QUERY"  # benchmarks: type this query at once, quit on results


def app_icon() -> QIcon:
    return QIcon(str(ICON_PATH)) if ICON_PATH.exists() else QIcon()


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (reused when one exists, as under pytest-qt)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication([sys.argv[0] if sys.argv else APP_ID, *(argv or [])])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    return app


@dataclass
class AppContext:
    """Everything the running app holds; the tray and tests reach the parts through it."""

    app: QApplication
    paths: AppPaths
    state: dict[str, Any]
    errors: ErrorReporter
    bridge: EngineBridge
    opener: Opener
    window: MainWindow
    search: SearchController
    preview: PreviewController
    indexing: IndexingController
    folders: FoldersController
    files: FilesController
    shutdown_hooks: list[Callable[[], None]] = field(default_factory=list)
    _closed: bool = False

    def start(self) -> None:
        """Open the engine and load the model in the background."""
        self.bridge.start()

    def show_window(self) -> None:
        window = self.window
        window.show()
        window.raise_()
        window.activateWindow()

    def open_settings(self) -> None:
        engine = self.bridge.engine
        if engine is None:
            return
        dialog = SettingsDialog(engine.settings, self.window)
        if dialog.exec() != SettingsDialog.DialogCode.Accepted:
            return
        new = dialog.result_settings()
        apply_theme(new.theme)

        def done(changed: set[str]) -> None:
            if changed & {"model", "model_path"}:
                self.window.statusBar().showMessage(
                    "Re-indexing for the new model in the background; searches use the current index "
                    "until the new one is ready.",
                    15000,
                )
            elif changed & {"device", "batch_size"}:
                self.window.statusBar().showMessage("Device settings take effect at the next start.", 15000)
            self.folders.refresh()

        self.bridge.submit(lambda e: apply_settings(e, new), done, context="saving settings")

    def save_state(self) -> None:
        window = self.window
        self.state["window"] = {
            "geometry": base64.b64encode(bytes(window.saveGeometry().data())).decode("ascii"),
            "splitter": base64.b64encode(bytes(window.search_view.splitter.saveState().data())).decode(
                "ascii"
            ),
            "tab": window.tabs.currentIndex(),
        }
        self.state["preview"] = self.preview.state()
        try:
            save_state(self.state, self.paths.state_file)
        except OSError as exc:
            log.warning("cannot save window state: %s", exc)

    def restore_state(self) -> None:
        saved = self.state.get("window", {})
        window = self.window
        try:
            if saved.get("geometry"):
                window.restoreGeometry(base64.b64decode(saved["geometry"]))
            if saved.get("splitter"):
                window.search_view.splitter.restoreState(base64.b64decode(saved["splitter"]))
        except (ValueError, TypeError) as exc:
            log.warning("ignoring remembered window layout: %s", exc)
        self.preview.show_pdf_by_default(bool(self.state.get("preview", {}).get("pdf_pages", True)))

    def shutdown(self) -> None:
        """Save the window state, stop the indexer (finishing its batch) and close the engine."""
        if self._closed:
            return
        self._closed = True
        for hook in self.shutdown_hooks:
            try:
                hook()
            except Exception:
                log.exception("shutdown hook failed")
        self.save_state()
        self.bridge.shutdown()


def build_context(
    engine_factory: EngineFactory = default_engine_factory,
    opener: Opener | None = None,
    app: QApplication | None = None,
    background: bool = True,
) -> AppContext:
    """Build the window, its controllers and the engine bridge (nothing is started yet)."""
    app = app or create_application()
    paths = resolve_paths()
    state = load_state(paths.state_file)
    errors = ErrorReporter(app)
    bridge = EngineBridge(errors, engine_factory, background=background)
    window = MainWindow()
    window.setWindowIcon(app_icon())
    window.search_view.welcome.icon.setPixmap(app_icon().pixmap(96, 96))
    errors.problem.connect(window.banner.show_problem)
    opener = opener or SystemOpener()
    search = SearchController(bridge, window.search_view, state)
    preview = PreviewController(bridge, window.search_view, opener)
    indexing = IndexingController(bridge, window.index_status, window.folders_view.indexing)
    folders = FoldersController(bridge, window.folders_view)
    files = FilesController(bridge, window.files_view)
    context = AppContext(
        app, paths, state, errors, bridge, opener, window, search, preview, indexing, folders, files
    )
    _wire(context)
    context.restore_state()
    return context


def _wire(ctx: AppContext) -> None:
    """Connections between controllers and the window's menus and shortcuts."""
    window = ctx.window
    search_view = window.search_view

    def focus_search() -> None:
        window.tabs.setCurrentWidget(search_view)
        ctx.search.focus_box()

    def on_tab(index: int) -> None:
        if window.tabs.widget(index) is window.files_view:
            ctx.files.refresh()

    def on_progress_done(_progress: object) -> None:
        if window.tabs.currentWidget() is window.files_view:
            ctx.files.refresh()

    def add_folder() -> None:
        ctx.folders.choose_folder()

    window.focus_search_action.triggered.connect(focus_search)
    window.tabs.currentChanged.connect(on_tab)
    window.add_folder_action.triggered.connect(add_folder)
    window.settings_action.triggered.connect(ctx.open_settings)
    window.quit_action.triggered.connect(window.close)
    window.log_action.triggered.connect(
        lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(ctx.paths.log_dir)))
    )
    window.about_action.triggered.connect(
        lambda: QMessageBox.about(
            window,
            f"About {APP_NAME}",
            f"<b>{APP_NAME}</b> {__version__}<br>Search your own files by meaning, in any language, "
            "fully offline.",
        )
    )
    ctx.search.add_folder_requested.connect(add_folder)
    ctx.search.open_requested.connect(ctx.preview.open_current)
    ctx.search.reveal_requested.connect(ctx.preview.reveal_current)
    ctx.indexing.finished.connect(on_progress_done)
    ctx.bridge.engine_opened.connect(lambda: _apply_saved_theme(ctx))


def _apply_saved_theme(ctx: AppContext) -> None:
    engine = ctx.bridge.engine
    if engine is not None and engine.settings.theme != "system":
        apply_theme(engine.settings.theme)


def setup_logging(paths: AppPaths) -> None:
    """Log to a rotating file in the log folder (and warnings to stderr)."""
    root = logging.getLogger()
    if any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        return
    try:
        paths.log_dir.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            paths.log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=APP_ID, description=f"{APP_NAME}: search your files by meaning.")
    parser.add_argument("--data-dir", help="keep settings, index and logs in this folder")
    parser.add_argument("--quick-search", action="store_true", help="open the quick-search popup")
    parser.add_argument("--hidden", action="store_true", help="start in the tray without showing the window")
    args, _unknown = parser.parse_known_args(argv)  # Qt's own options (-style, -platform) pass through
    return args


def main(argv: list[str] | None = None) -> int:
    """Start the desktop app; returns the exit code."""
    import multiprocessing

    multiprocessing.freeze_support()  # the extraction pool spawns workers; a frozen app must say so first
    started = time.time()
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.data_dir:
        os.environ[HOME_ENV] = str(Path(args.data_dir).expanduser().resolve())
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    app = create_application()
    paths = resolve_paths().ensure()
    setup_logging(paths)
    termination = QuitOnTermination(app.quit, parent=app)  # before the socket listens: see its module
    termination.install()
    instance = SingleInstance(paths.data_dir)  # one app per data folder; a second launch forwards
    role = instance.claim(InstanceMessage.from_flags(args.quick_search, args.hidden))
    if role is not Role.PRIMARY:
        if role is Role.UNRESPONSIVE:
            print(f"{APP_NAME} is running but does not answer; quit it and try again.", file=sys.stderr)
        return 0 if role is Role.FORWARDED else 1
    context = build_context(app=app)
    context.errors.install_excepthook()
    app.aboutToQuit.connect(context.shutdown)
    tray = install_tray(context, instance, hidden=args.hidden, quick_search=args.quick_search)
    termination.target = tray.quit
    _startup_probe(context, started)
    QTimer.singleShot(0, context.start)  # after the first paint
    return app.exec()


def _startup_probe(ctx: AppContext, started: float) -> None:
    """For benchmarks/startup.py: record when the window shows and when the first results arrive."""
    report = os.environ.get(STARTUP_REPORT_ENV)
    if not report:
        return
    timings: dict[str, float] = {"process_start": started}

    def write() -> None:
        Path(report).write_text(json.dumps(timings), encoding="utf-8")

    def shown() -> None:
        timings["window_shown"] = time.time()
        write()

    QTimer.singleShot(0, shown)  # runs once the event loop has turned with the window shown
    query = os.environ.get(STARTUP_QUERY_ENV)
    if not query:
        return
    box = ctx.window.search_view.box
    box.setText(query)
    ctx.search.search_now()
    ctx.bridge.model_ready.connect(lambda: timings.__setitem__("model_ready", time.time()))

    def on_results(results: object) -> None:
        now = time.time()
        timings.setdefault("first_result", now)  # keyword matches may come before the model is ready
        if getattr(results, "provisional", False):
            timings.setdefault("first_result_hits", float(len(getattr(results, "hits", ()))))
            write()
            return
        timings["full_result"] = now
        timings["hits"] = float(len(getattr(results, "hits", ())))
        write()
        QTimer.singleShot(0, ctx.app.quit)

    ctx.bridge.results.connect(on_results)
    ctx.bridge.model_failed.connect(lambda _e: ctx.app.quit())


__all__ = ["AppContext", "build_context", "create_application", "main"]


if __name__ == "__main__":
    raise SystemExit(main())
