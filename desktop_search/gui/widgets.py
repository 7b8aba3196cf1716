"""Small reusable widgets: the error banner and the welcome panel; :func:`enlarge_font`."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_search.gui.errors import Problem


def enlarge_font(widget: QWidget, factor: float) -> None:
    """Scale the widget's font, whether the platform sized it in points or in pixels (where
    ``pointSizeF`` is -1, and setting a point size from it would make Qt warn)."""
    font = QFont(widget.font())
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    elif font.pixelSize() > 0:
        font.setPixelSize(round(font.pixelSize() * factor))
    widget.setFont(font)


class ErrorBanner(QFrame):
    """A non-modal message across the top of the window: what happened and what to do."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#errorBanner { background: rgba(220, 60, 40, 40); border: 1px solid rgba(220, 60, 40, 140);"
            " border-radius: 4px; }"
        )
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_button = QPushButton("Copy details")
        self.dismiss_button = QPushButton("Dismiss")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.copy_button)
        layout.addWidget(self.dismiss_button)
        self.copy_button.clicked.connect(self._copy)
        self.dismiss_button.clicked.connect(self.hide)
        self._details = ""
        self.current: Problem | None = None
        self.hide()

    def show_problem(self, problem: Problem) -> None:
        self.current = problem
        text = f"<b>{_escape(problem.message)}</b>"
        if problem.hint:
            text += f"<br>{_escape(problem.hint)}"
        self.message.setText(text)
        self._details = problem.details or f"{problem.message}\n{problem.hint}".strip()
        self.copy_button.setVisible(bool(problem.details))
        self.show()

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self._details)


class WelcomePanel(QWidget):
    """Shown in place of results on first run: a clear way to add the first folder."""

    add_folder_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.icon = QLabel()
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel("<h2>Welcome to Desktop Search</h2>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body = QLabel(
            "Pick a folder with your documents. Desktop Search reads them on this computer and lets you "
            "search them by meaning, in any language. Nothing leaves your machine."
        )
        body.setWordWrap(True)
        body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body.setFixedWidth(480)
        # a wrapped label in a box layout may be given one line's height: ask for the wrapped height
        body.setMinimumHeight(body.heightForWidth(480))
        self.add_button = QPushButton("Add a folder…")
        self.add_button.setDefault(True)
        self.add_button.setMinimumHeight(36)
        self.add_button.clicked.connect(self.add_folder_clicked)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.icon)
        layout.addWidget(title)
        layout.addWidget(body, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(12)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
