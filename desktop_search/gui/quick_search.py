"""The quick-search popup: a small frameless window with a query box and the top results as you type.

It reuses the main window's pieces: the same :class:`~desktop_search.gui.engine_bridge.EngineBridge`
(searches run in its search thread like the main window's, in a stream of their own so neither
overwrites the other's results), :class:`~desktop_search.gui.results_model.ResultsModel` and
:class:`~desktop_search.gui.result_delegate.ResultDelegate` (compact), and the app's replaceable opener.
Arrows move through the results, Enter opens the chosen file, Escape hides the popup, and "Show all
results" (or Ctrl+Enter) hands the query to the main window.
"""

from __future__ import annotations

import subprocess
from typing import Any, Protocol

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_search.gui.engine_bridge import (
    QUICK_STREAM,
    EngineBridge,
    ModelState,
    SearchRequest,
    SearchResults,
)
from desktop_search.gui.result_delegate import ResultDelegate
from desktop_search.gui.results_model import ResultsModel
from desktop_search.gui.widgets import enlarge_font
from desktop_search.gui.wording import counted

QUICK_RESULTS = 8  # results asked for per query
DEBOUNCE_MS = 150
MIN_QUERY_CHARS = 2
POPUP_SIZE = QSize(640, 460)
# Within the app's windows; a system-wide key is bound to ``desktop-search --quick-search`` (README).
QUICK_SEARCH_SHORTCUT = "Ctrl+Shift+Space"


class Opener(Protocol):
    """What the popup needs of the app's opener (``desktop_search.gui.opener.SystemOpener``)."""

    def open(self, path_key: str, page: int | None = None, part: str | None = None) -> bool: ...


class QuickSearchPopup(QWidget):
    """Frameless search box with live results. ``show_all_requested(query)`` asks for the main window."""

    show_all_requested = Signal(str)
    file_opened = Signal(str)  # the path key of the file opened

    def __init__(self, bridge: EngineBridge, opener: Opener, parent: QWidget | None = None) -> None:
        flags = Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
        super().__init__(parent, flags)
        self.setObjectName("quickSearch")
        self.setWindowTitle("Desktop Search — Quick search")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.bridge = bridge
        self.opener = opener
        self.hide_on_focus_loss = True
        self._request: SearchRequest | None = None  # the query whose results the popup shows
        self.last_results: SearchResults | None = None
        self._was_active = False

        frame = QFrame(self)
        frame.setObjectName("quickSearchFrame")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        frame.setStyleSheet(
            "#quickSearchFrame { border: 1px solid palette(mid); border-radius: 8px;"
            " background: palette(window); }"
        )
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(10, 10, 10, 8)
        layout.setSpacing(6)

        self.box = QLineEdit(frame)
        self.box.setPlaceholderText("Search your files…")
        self.box.setClearButtonEnabled(True)
        self.box.setAccessibleName("Quick search query")
        enlarge_font(self.box, 1.25)
        self.box.setMinimumHeight(34)
        layout.addWidget(self.box)

        self.model = ResultsModel(self)
        self.delegate = ResultDelegate(self, passage_lines=2, compact=True)
        self.results = QListView(frame)
        self.results.setModel(self.model)
        self.results.setItemDelegate(self.delegate)
        self.results.setUniformItemSizes(False)
        # rows wrap to the list's width, laid out again when it changes (as the vertical scroll bar
        # appears): never a horizontal scroll bar that cuts off the strengths
        self.results.setResizeMode(QListView.ResizeMode.Adjust)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay in the box
        self.results.setAccessibleName("Quick search results")
        layout.addWidget(self.results, 1)

        bottom = QHBoxLayout()
        self.status = QLabel("Type to search your files.", frame)
        self.status.setObjectName("quickSearchStatus")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.show_all = QPushButton("Show all results", frame)
        self.show_all.setToolTip("Open the main window with this query (Ctrl+Enter)")
        self.show_all.setAutoDefault(False)
        self.show_all.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.show_all)
        layout.addLayout(bottom)
        self.resize(POPUP_SIZE)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search_now)

        self.box.textEdited.connect(self._on_text_edited)
        self.box.installEventFilter(self)
        self.results.activated.connect(lambda index: self.open_row(index.row()))
        self.results.clicked.connect(lambda index: self.results.setCurrentIndex(index))
        self.results.doubleClicked.connect(lambda index: self.open_row(index.row()))
        self.delegate.more_clicked.connect(self.model.toggle_more)
        self.show_all.clicked.connect(self._show_all)
        bridge.results.connect(self._on_results)
        bridge.search_failed.connect(self._on_search_failed)
        # Escape anywhere in the popup hides it (the box also handles it, to keep focus logic simple).
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.hide)

    # -- showing ---------------------------------------------------------------------------------

    def popup(self, query: str = "", near: QRect | None = None) -> None:
        """Show the popup (near ``near``, the tray icon's geometry, or at the screen's centre)."""
        self.move(self._position(near))
        self.show()
        self.raise_()
        self.activateWindow()
        self.box.setFocus(Qt.FocusReason.PopupFocusReason)
        if query:
            self.box.setText(query)
            self.search_now()
        self.box.selectAll()

    def _position(self, near: QRect | None) -> QPoint:
        screen = None
        if near is not None and near.isValid() and not near.isEmpty():
            screen = QGuiApplication.screenAt(near.center())
        screen = screen or QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 800)
        size = self.size()
        if near is not None and near.isValid() and not near.isEmpty() and area.contains(near.center()):
            # next to the tray icon, on the side of the screen it sits on
            x = near.center().x() - size.width() // 2
            y = near.bottom() + 8 if near.center().y() < area.center().y() else near.top() - size.height() - 8
        else:
            x = area.center().x() - size.width() // 2
            y = area.top() + area.height() // 5
        margin = 8  # keep clear of the screen's edges
        x = max(area.left() + margin, min(x, area.right() - size.width() - margin))
        y = max(area.top() + margin, min(y, area.bottom() - size.height() - margin))
        return QPoint(x, y)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ActivationChange:
            if self.isActiveWindow():
                self._was_active = True
            elif self._was_active and self.hide_on_focus_loss and self.isVisible():
                self._was_active = False
                self.hide()  # like a menu: clicking elsewhere dismisses it
        super().changeEvent(event)

    def hideEvent(self, event: Any) -> None:
        self._debounce.stop()
        self._was_active = False
        super().hideEvent(event)

    # -- searching -------------------------------------------------------------------------------

    def _on_text_edited(self, text: str) -> None:
        if len(text.strip()) >= MIN_QUERY_CHARS:
            self._debounce.start()
        elif not text.strip():
            self._debounce.stop()
            self._request = None
            self.bridge.cancel_search(QUICK_STREAM)
            self.model.clear()
            self.status.setText("Type to search your files.")

    def search_now(self) -> None:
        """Search for the box's text now (in the bridge's search thread; the newest query wins)."""
        self._debounce.stop()
        query = self.box.text().strip()
        if not query:
            return
        self._request = self.bridge.search(query, k=QUICK_RESULTS, stream=QUICK_STREAM)
        if self.bridge.engine is None:  # still opening: the search runs when it is open
            self.status.setText("Opening the index…")
        elif self.bridge.model_state == ModelState.LOADING:
            self.status.setText("Loading the model; results come as soon as it is ready…")
        else:
            self.status.setText("Searching…")

    def _on_search_failed(self, request: SearchRequest, exc: BaseException) -> None:
        if request.stream == QUICK_STREAM and self._request is not None:
            self.status.setText(f"Search failed: {exc}")

    def _on_results(self, results: SearchResults) -> None:
        if results.request.stream != QUICK_STREAM or self._request is None:
            return  # the main window's, or the box was cleared meanwhile
        hits = list(results.hits)[:QUICK_RESULTS]
        self.model.set_hits(hits)
        self.last_results = results
        if hits:
            self.results.setCurrentIndex(self.model.index(0))
            self.results.scrollToTop()
            files = counted(len(hits), "file")
            keywords = " · keyword matches while the model loads" if results.provisional else ""
            self.status.setText(
                f"{files} · {results.elapsed_s * 1000:.0f} ms{keywords}"
                "   —   ↑↓ choose · Enter opens · Esc closes"
            )
        else:
            self.status.setText(f"Nothing found for “{results.request.query}”.")
        if results.parsed is not None and results.parsed.messages:
            self.status.setText(" ".join(results.parsed.messages))

    # -- keys and actions ------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.box and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
                self._move(key)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                    self._show_all()
                elif self._debounce.isActive() or self._request is None:
                    self.search_now()  # typed faster than the debounce: search first
                else:
                    self.open_row(self.results.currentIndex().row())
                return True
            if key == Qt.Key.Key_Escape:
                self.hide()
                return True
        return super().eventFilter(watched, event)

    def _move(self, key: int) -> None:
        rows = self.model.rowCount()
        if not rows:
            return
        row = self.results.currentIndex().row()
        step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 4, Qt.Key.Key_PageUp: -4}[key]
        row = max(0, min(rows - 1, (row if row >= 0 else -1) + step))
        index = self.model.index(row)
        self.results.setCurrentIndex(index)
        self.results.scrollTo(index)

    def open_row(self, row: int) -> bool:
        """Open the file of result ``row`` (at its page) with the app's opener and hide the popup."""
        hit = self.model.hit_at(row if row >= 0 else 0)
        if hit is None:
            return False
        opened = self.opener.open(hit.path, hit.page, hit.part)
        if opened:
            self.file_opened.emit(hit.path)
            self.hide()
        else:
            self.status.setText("Could not open the file; is there an application for it?")
        return opened

    def _show_all(self) -> None:
        query = self.box.text().strip()
        self.hide()
        self.show_all_requested.emit(query)


def offer_quick_search_shortcut(parent: QWidget | None = None) -> str | None:
    """Create the desktop launcher for ``desktop-search --quick-search`` and say how to bind a key.

    For the settings dialog's "Create quick-search shortcut" button. Returns the launcher's path.
    """
    from desktop_search.core.system import autostart

    try:
        path = autostart.create_quick_search_shortcut()
    except (OSError, subprocess.SubprocessError) as exc:
        QMessageBox.warning(parent, "Quick-search shortcut", f"Could not create the shortcut: {exc}")
        return None
    QMessageBox.information(
        parent, "Quick-search shortcut", f"Created {path}.\n\n{autostart.shortcut_hint()}"
    )
    return str(path)
