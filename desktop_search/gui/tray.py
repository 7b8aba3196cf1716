"""Background life: the tray icon and its menu, hide-to-tray, quick search, second launches, quitting.

:class:`TrayController` wires the pieces the app already has (the engine bridge, the main window, the
opener, the single-instance server) to a ``QSystemTrayIcon``:

* menu: Quick search, Open window, Pause/Resume indexing (reflecting the state), Quit; the indexing
  state is in the tooltip ("12,480 files searchable · meaning 3,900 / 12,480 · 14 min 02 s left",
  "Up to date — 5,000 files") and on a
  disabled first menu line (some tray hosts show no tooltips);
* closing the main window hides it to the tray; a one-time notice says so (remembered in state.toml);
* Quit really quits: windows hide at once, then the indexer stops cleanly (``EngineBridge.shutdown``
  calls ``engine.stop_background()``, which finishes the batch in hand) and the app exits;
* with no system tray (``QSystemTrayIcon.isSystemTrayAvailable()`` false) it says so once and the main
  window stays the way in: closing it quits;
* ``Ctrl+Shift+Space`` within the app's windows opens quick search.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QIcon,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox, QSystemTrayIcon, QWidget

from desktop_search import APP_NAME
from desktop_search.core import IndexProgress, Phase, load_state, save_state
from desktop_search.gui.indexing_controller import done_line, format_eta, two_phases
from desktop_search.gui.quick_search import QUICK_SEARCH_SHORTCUT, Opener, QuickSearchPopup
from desktop_search.gui.single_instance import Action, InstanceMessage, SingleInstance
from desktop_search.gui.wording import counted

log = logging.getLogger(__name__)

NOTICE_KEY = "tray_hide_notice_shown"  # state.toml: the hide-to-tray notice was shown once
NO_TRAY_KEY = "no_tray_notice_shown"  # state.toml: the "no system tray" notice was shown once
STATE_SECTION = "tray"


def tooltip_text(progress: IndexProgress | None, paused: bool = False, model_message: str = "") -> str:
    """The indexing state in a few words, for the tray tooltip and the menu's first line."""
    if progress is None:
        return model_message or "Starting…"
    done, total = progress.files_done, progress.files_total
    failed = f" ({progress.failed:,} could not be read)" if progress.failed else ""
    if (paused or progress.phase == Phase.PAUSED) and progress.meaning_total:
        return f"Indexing paused · {two_phases(progress)}"
    if paused or progress.phase == Phase.PAUSED:
        return f"Indexing paused at {done:,} / {counted(total, 'file')}" if total else "Indexing paused"
    if progress.phase == Phase.LOADING_MODEL:
        return progress.message or "Loading the model…"
    if progress.phase == Phase.SCANNING:
        return f"Scanning folders… {counted(total, 'file')} found" if total else "Scanning folders…"
    if progress.phase == Phase.INDEXING and progress.meaning_total:
        eta = format_eta(progress.eta_s)
        return two_phases(progress) + failed + (f" · {eta}" if eta else "")
    if progress.phase == Phase.INDEXING:
        return f"Indexing {done:,} / {counted(total, 'file')}{failed}"
    if progress.phase == Phase.CANCELLED:
        return "Indexing stopped"
    if progress.postponed:  # DONE, with files left for later (no extraction worker could start)
        return done_line(progress) + failed
    # DONE, IDLE: watching for changes
    return f"Up to date — {counted(total, 'file')}{failed}" if total else "Up to date"


def app_icon() -> QIcon:
    """The app's icon: the packaged SVG when present, else the same drawing made here."""
    svg = Path(__file__).resolve().parent.parent / "resources" / "icon.svg"
    if svg.is_file():
        icon = QIcon(str(svg))
        if not icon.isNull():
            return icon
    icon = QIcon()
    for size in (16, 22, 24, 32, 48, 64, 128):
        icon.addPixmap(_draw_icon(size))
    return icon


def _draw_icon(size: int) -> QPixmap:
    """A magnifying glass over a page, readable at 16 px on light and dark panels."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 64.0
    page = QPainterPath()
    page.addRoundedRect(QRectF(8 * s, 4 * s, 38 * s, 50 * s), 5 * s, 5 * s)
    p.fillPath(page, QColor("#f4f6fb"))
    p.setPen(QPen(QColor("#2b5cab"), max(1.0, 3 * s)))
    p.drawPath(page)
    p.setPen(QPen(QColor("#9fb3d6"), max(1.0, 3 * s), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    for y in (16, 25, 34):
        p.drawLine(QPointF(16 * s, y * s), QPointF(36 * s, y * s))
    p.setPen(QPen(QColor("#1f4f9e"), max(1.5, 7 * s), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.drawLine(QPointF(46 * s, 46 * s), QPointF(58 * s, 58 * s))
    p.setBrush(QColor(255, 255, 255, 220))
    p.setPen(QPen(QColor("#1f4f9e"), max(1.5, 5 * s)))
    p.drawEllipse(QPointF(38 * s, 38 * s), 12 * s, 12 * s)
    p.end()
    return pixmap


class TrayController(QObject):
    """The tray icon, its menu, the quick-search popup and the app's background lifecycle.

    ``show_window(query)`` shows and raises the main window (with ``query`` in its search box when not
    empty); ``shutdown()`` stops the indexer and workers (``EngineBridge.shutdown``); ``quit_app`` ends
    the event loop. The controller receives these callables, never the window's internals.
    """

    quit_started = Signal()

    def __init__(
        self,
        bridge: Any,
        window: QWidget,
        opener: Opener,
        state_file: Path,
        state: dict[str, Any] | None = None,
        show_window: Callable[[str], None] | None = None,
        shutdown: Callable[[], None] | None = None,
        quit_app: Callable[[], None] | None = None,
        tray_available: bool | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.window = window
        self.state_file = state_file
        self.state = state if state is not None else load_state(state_file)  # shared with the window
        self._show_window = show_window or self._default_show_window
        self._shutdown = shutdown or bridge.shutdown
        self._quit_app = quit_app or QApplication.quit
        self.quitting = False
        self.notice_shown = False  # the hide-to-tray notice was shown in this run
        self.no_tray_notice: QMessageBox | None = None
        self.last_progress: IndexProgress | None = getattr(bridge, "last_progress", None)
        self._model_message = ""
        self.popup = QuickSearchPopup(bridge, opener)
        self.popup.show_all_requested.connect(self.show_window)

        available = QSystemTrayIcon.isSystemTrayAvailable() if tray_available is None else tray_available
        self.tray: QSystemTrayIcon | None = None
        self.menu = QMenu()
        self.menu.setObjectName("trayMenu")
        self.status_action = QAction("Starting…", self.menu)
        self.status_action.setEnabled(False)
        self.quick_action = QAction("Quick search", self.menu)
        self.quick_action.setShortcut(QKeySequence(QUICK_SEARCH_SHORTCUT))
        self.quick_action.setShortcutVisibleInContextMenu(True)
        self.open_action = QAction(f"Open {APP_NAME}", self.menu)
        self.pause_action = QAction("Pause indexing", self.menu)
        self.quit_action = QAction("Quit", self.menu)
        self.quick_action.triggered.connect(lambda: self.show_quick_search())
        self.open_action.triggered.connect(lambda: self.show_window(""))
        self.pause_action.triggered.connect(self.toggle_pause)
        self.quit_action.triggered.connect(self.quit)
        self.menu.addAction(self.status_action)
        self.menu.addSeparator()
        self.menu.addActions([self.quick_action, self.open_action])
        self.menu.addSeparator()
        self.menu.addAction(self.pause_action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.menu.aboutToShow.connect(self._refresh)

        if available:
            self.tray = QSystemTrayIcon(app_icon(), self)
            self.tray.setContextMenu(self.menu)
            self.tray.activated.connect(self._on_activated)
            self.tray.setToolTip(APP_NAME)
            self.tray.show()
            QApplication.setQuitOnLastWindowClosed(False)
        else:
            QApplication.setQuitOnLastWindowClosed(True)

        # Ctrl+Shift+Space in any of the app's windows; pressed in the popup itself, it hides it.
        self.shortcut = QShortcut(QKeySequence(QUICK_SEARCH_SHORTCUT), window, self.toggle_quick_search)
        self.shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        if hasattr(window, "close_handler"):
            window.close_handler = self._on_window_close  # MainWindow's hook
        else:
            window.installEventFilter(self)

        bridge.progress.connect(self.on_progress)
        if hasattr(bridge, "model_loading"):
            bridge.model_loading.connect(self._on_model_message)
        self._refresh()

    @property
    def has_tray(self) -> bool:
        return self.tray is not None

    # -- state -----------------------------------------------------------------------------------

    def on_progress(self, progress: IndexProgress) -> None:
        self.last_progress = progress
        self._refresh()

    def _on_model_message(self, message: str) -> None:
        self._model_message = message
        if self.last_progress is None:
            self._refresh()

    def _refresh(self) -> None:
        paused = bool(self.bridge.indexing_paused)
        text = tooltip_text(self.last_progress, paused, self._model_message)
        self.status_action.setText(text)
        self.pause_action.setText("Resume indexing" if paused else "Pause indexing")
        self.pause_action.setEnabled(getattr(self.bridge, "engine", True) is not None)
        if self.tray is not None:
            self.tray.setToolTip(f"{APP_NAME}\n{text}")

    def toggle_pause(self) -> None:
        if self.bridge.indexing_paused:
            self.bridge.resume_indexing()
        else:
            self.bridge.pause_indexing()
        self._refresh()

    def _remember(self, key: str) -> bool:
        """Record in state.toml that ``key`` happened; False when it already had."""
        section = self.state.setdefault(STATE_SECTION, {})
        if not isinstance(section, dict):
            section = self.state[STATE_SECTION] = {}
        if section.get(key):
            return False
        section[key] = True
        try:
            save_state(self.state, self.state_file)
        except OSError as exc:
            log.warning("cannot remember %s in %s: %s", key, self.state_file, exc)
        return True

    # -- showing ---------------------------------------------------------------------------------

    def show_window(self, query: str = "") -> None:
        self.popup.hide()
        self._show_window(query)

    def _default_show_window(self, _query: str) -> None:
        window = self.window
        if window.isMinimized():
            window.showNormal()
        window.show()
        window.raise_()
        window.activateWindow()

    def show_quick_search(self, query: str = "") -> None:
        near = self.tray.geometry() if self.tray is not None else None
        self.popup.popup(query, near)

    def toggle_quick_search(self) -> None:
        if self.popup.isVisible() and self.popup.isActiveWindow():
            self.popup.hide()
        else:
            self.show_quick_search()

    def handle_message(self, message: InstanceMessage) -> None:
        """A second launch asked for something (see :mod:`desktop_search.gui.single_instance`)."""
        if message.action == Action.QUICK_SEARCH:
            self.show_quick_search(message.query)
        elif message.action == Action.SHOW:
            self.show_window("")

    def announce_no_tray(self) -> None:
        """Say once that there is no system tray, so the window is the way in (closing it quits)."""
        if self.has_tray or not self._remember(NO_TRAY_KEY):
            return
        box = QMessageBox(
            QMessageBox.Icon.Information,
            APP_NAME,
            "This desktop has no system tray, so Desktop Search keeps its window open: closing it quits "
            "the app and stops indexing until the next start.\n\nQuick search: Ctrl+Shift+Space in the "
            "window, or bind “desktop-search --quick-search” to a key in your desktop's settings.",
            QMessageBox.StandardButton.Ok,
            self.window,
        )
        box.setObjectName("noTrayNotice")
        box.setModal(False)  # never block start-up
        box.show()
        self.no_tray_notice = box

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger and sys.platform != "darwin":
            # (macOS opens the menu on a click; quick search is its first entry there)
            if self.popup.isVisible():
                self.popup.hide()
            else:
                self.show_quick_search()
        elif reason == QSystemTrayIcon.ActivationReason.DoubleClick:
            self.show_window("")
        elif reason == QSystemTrayIcon.ActivationReason.MiddleClick:
            self.toggle_pause()

    # -- hide to tray and quit -------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            return self._on_window_close(event)
        return super().eventFilter(watched, event)

    def _on_window_close(self, event: QEvent) -> bool:
        """The main window is closing: hide it to the tray (True: the close was handled, vetoed)."""
        if self.quitting:
            return False
        event.ignore()
        if self.tray is None:  # no tray: closing the window is quitting, cleanly
            self.quit()
            return True
        self.window.hide()
        if self._remember(NOTICE_KEY):
            self.notice_shown = True
            self.tray.showMessage(
                f"{APP_NAME} is still running",
                "It keeps your index up to date in the background. Search from the tray icon "
                "(or Ctrl+Shift+Space); choose Quit there to stop it.",
                app_icon(),
                8000,
            )
        return True

    def quit(self) -> None:
        """Hide everything at once, stop the indexer cleanly (its batch is finished), then exit."""
        if self.quitting:
            return
        self.quitting = True
        self.quit_started.emit()
        self.popup.hide()
        self.window.hide()
        if self.tray is not None:
            self.tray.hide()
        QApplication.processEvents()  # let the windows disappear before the (short) wait
        try:
            self._shutdown()
        except Exception:  # never keep a user from quitting
            log.exception("stopping the indexer at quit")
        self.window.close()
        self._quit_app()


def install_tray(
    ctx: Any,
    instance: SingleInstance | None = None,
    hidden: bool = False,
    quick_search: bool = False,
    tray_available: bool | None = None,
    quit_app: Callable[[], None] | None = None,
) -> TrayController:
    """Give the running app (an ``AppContext``) its tray, quick search and background life.

    Shows what the launch asked for: the window, the quick-search popup (``--quick-search``) or
    nothing (``--hidden``, the tray only). Without a system tray the window always shows.
    """
    window = ctx.window

    def show_window(query: str) -> None:
        if window.isMinimized():
            window.showNormal()
        ctx.show_window()
        if query:
            window.tabs.setCurrentWidget(window.search_view)
            window.search_view.box.setText(query)
            ctx.search.search_now()

    controller = TrayController(
        ctx.bridge,
        window,
        ctx.opener,
        ctx.paths.state_file,
        state=ctx.state,
        show_window=show_window,
        shutdown=ctx.shutdown,
        quit_app=quit_app,
        tray_available=tray_available,
        parent=ctx.app,
    )
    # File > Quit quits the app; closing the window only hides it to the tray.
    with contextlib.suppress(RuntimeError, TypeError):
        window.quit_action.triggered.disconnect(window.close)
    window.quit_action.triggered.connect(controller.quit)
    if instance is not None:
        instance.message_received.connect(controller.handle_message)
        ctx.shutdown_hooks.append(instance.close)
    if not controller.has_tray:
        ctx.show_window()
        QTimer.singleShot(0, controller.announce_no_tray)
    elif not (hidden or quick_search):
        ctx.show_window()
    if quick_search:
        QTimer.singleShot(0, controller.show_quick_search)
    return controller
