"""The search pane's layout: search box and filters, results list, preview. Behaviour lives in
:mod:`desktop_search.gui.search_controller` and :mod:`desktop_search.gui.preview_controller`."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_search.gui.preview_view import PreviewPane
from desktop_search.gui.query_chips import SEARCH_TIPS, ChipBar
from desktop_search.gui.result_delegate import ResultDelegate
from desktop_search.gui.results_model import ResultsModel
from desktop_search.gui.widgets import WelcomePanel, enlarge_font

# file-type filter: label -> extensions (lower case, no dot)
TYPE_FILTERS: dict[str, tuple[str, ...]] = {
    "All types": (),
    "PDF": ("pdf",),
    "Documents": (
        "docx", "doc", "odt", "rtf", "epub", "fb2", "docbook", "dbk", "page", "pptx", "ppt", "odp", "xlsx",
        "xls", "ods",
    ),
    "Text and Markdown": ("txt", "md", "markdown", "rst", "org", "text", "log", "tex"),
    "Web pages": ("html", "htm", "xhtml"),
    "Code": (
        "py", "js", "ts", "tsx", "jsx", "java", "c", "h", "cpp", "hpp", "cs", "go", "rs", "rb", "php",
        "sh", "swift", "kt", "scala", "sql", "json", "yaml", "yml", "toml", "ini", "css",
    ),
}  # fmt: skip

# date filter: label -> maximum age in days (None: any time)
DATE_FILTERS: dict[str, int | None] = {
    "Any time": None,
    "Past day": 1,
    "Past week": 7,
    "Past month": 31,
    "Past year": 365,
}

ALL_FOLDERS = "All folders"
SORTS = {"Most relevant": "relevance", "Newest first": "date"}


class TipsPopup(QLabel):
    """The "Search tips" popup: the query syntax, in a few lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(SEARCH_TIPS, parent, Qt.WindowType.Popup)
        self.setObjectName("searchTips")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setMargin(12)
        self.setFixedWidth(560)
        self.setFrameShape(QLabel.Shape.StyledPanel)
        self.setAutoFillBackground(True)

    def show_under(self, anchor: QWidget) -> None:
        self.adjustSize()
        bottom_right = anchor.mapToGlobal(anchor.rect().bottomRight())
        self.move(bottom_right.x() - self.width(), bottom_right.y() + 2)
        self.show()


class ResultsList(QListView):
    """The results list: Enter opens, Ctrl+Enter reveals (as signals), arrows move as usual."""

    open_requested = Signal()
    reveal_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.reveal_requested.emit()
            else:
                self.open_requested.emit()
            return
        super().keyPressEvent(event)


class SearchBox(QLineEdit):
    """The query box; Down moves into the results, Escape clears (signals)."""

    move_down = Signal()
    escape_pressed = Signal()
    reveal_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.move_down.emit()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.escape_pressed.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.reveal_requested.emit()
            return
        super().keyPressEvent(event)


class SearchView(QWidget):
    """Search box and filters above a splitter with the results list and the preview."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box = SearchBox()
        self.box.setObjectName("searchBox")
        self.box.setClearButtonEnabled(True)
        self.box.setPlaceholderText("Loading model…")
        enlarge_font(self.box, 1.25)
        self.box.setMinimumHeight(34)
        self.folder_filter = QComboBox()
        self.folder_filter.addItem(ALL_FOLDERS, "")
        self.folder_filter.setToolTip("Search only in this folder")
        self.folder_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.folder_filter.setMaximumWidth(260)
        self.type_filter = QComboBox()
        for label, exts in TYPE_FILTERS.items():
            self.type_filter.addItem(label, exts)
        self.type_filter.setToolTip("Search only files of this type")
        self.date_filter = QComboBox()
        for label, days in DATE_FILTERS.items():
            self.date_filter.addItem(label, days)
        self.date_filter.setToolTip("Search only files modified recently")
        self.sort_order = QComboBox()
        for label, sort in SORTS.items():
            self.sort_order.addItem(label, sort)
        self.sort_order.setToolTip("Order of the results")
        self.tips_button = QToolButton()
        self.tips_button.setText("?")
        self.tips_button.setToolTip("Search tips: phrases, -words, type:, in:, after:, before:")
        self.tips_button.setAccessibleName("Search tips")
        self.tips = TipsPopup(self)
        self.tips_button.clicked.connect(lambda: self.tips.show_under(self.tips_button))
        self.chips = ChipBar()

        top = QHBoxLayout()
        top.addWidget(self.box, 1)
        top.addWidget(self.tips_button)
        top.addWidget(self.folder_filter)
        top.addWidget(self.type_filter)
        top.addWidget(self.date_filter)
        top.addWidget(self.sort_order)

        self.model = ResultsModel(self)
        self.results = ResultsList()
        self.results.setObjectName("results")
        self.delegate = ResultDelegate(self.results)
        self.results.setItemDelegate(self.delegate)
        self.results.setModel(self.model)
        self.results.setResizeMode(QListView.ResizeMode.Adjust)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setUniformItemSizes(False)
        self.results.setWordWrap(True)
        self.summary = QLabel("")
        self.summary.setObjectName("summary")
        self.message = QLabel("")  # "no results", "model is loading", …
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.welcome = WelcomePanel()

        self.results_stack = QStackedWidget()
        self.results_stack.addWidget(self.results)  # 0
        self.results_stack.addWidget(self.message)  # 1
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.results_stack, 1)
        left_layout.addWidget(self.summary)

        self.preview = PreviewPane()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.preview)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        self.body_stack = QStackedWidget()  # the results and preview, or the first-run welcome
        self.body_stack.addWidget(self.splitter)
        self.body_stack.addWidget(self.welcome)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(top)
        layout.addWidget(self.chips)
        layout.addWidget(self.body_stack, 1)

        self.box.move_down.connect(self._focus_results)
        self.results.installEventFilter(self)

    def show_results(self) -> None:
        self.body_stack.setCurrentWidget(self.splitter)
        self.results_stack.setCurrentWidget(self.results)

    def show_message(self, text: str) -> None:
        self.body_stack.setCurrentWidget(self.splitter)
        self.message.setText(text)
        self.results_stack.setCurrentWidget(self.message)

    def show_welcome(self) -> None:
        self.body_stack.setCurrentWidget(self.welcome)

    @property
    def welcome_shown(self) -> bool:
        return self.body_stack.currentWidget() is self.welcome

    def _focus_results(self) -> None:
        if self.model.rowCount() and self.results_stack.currentWidget() is self.results:
            self.results.setFocus()
            if not self.results.currentIndex().isValid():
                self.results.setCurrentIndex(self.model.index(0))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Up on the first result goes back to the box; typing in the list goes to the box
        if watched is self.results and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_Escape:
                self.box.escape_pressed.emit()
                return True
            if event.key() == Qt.Key.Key_Up and self.results.currentIndex().row() <= 0:
                self.box.setFocus()
                return True
            if (
                event.text().isprintable()
                and event.text().strip()
                and not event.modifiers()
                & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
            ):
                self.box.setFocus()
                self.box.insert(event.text())
                return True
        return super().eventFilter(watched, event)
