"""The preview pane's layout: file header, actions, and the passage in its surrounding text or, for
PDFs where Qt's PDF module is installed, the rendered page."""

from __future__ import annotations

import importlib.util

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)


def pdf_support() -> bool:
    """Whether QtPdf is installed (the pyside6-pdf wheel, a dependency; absent in some bundles)."""
    return (
        importlib.util.find_spec("PySide6.QtPdf") is not None
        and importlib.util.find_spec("PySide6.QtPdfWidgets") is not None
    )


class PreviewPane(QWidget):
    """Header with file name, folder and page; Open / Show in folder / Find similar; text or page view."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(280)
        self.title = QLabel("")
        self.title.setObjectName("previewTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title.setWordWrap(True)
        self.location = QLabel("")
        self.location.setObjectName("previewLocation")
        self.location.setWordWrap(True)
        self.location.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton("Open")
        self.open_button.setToolTip("Open with the default application (Enter)")
        self.reveal_button = QPushButton("Show in folder")
        self.reveal_button.setToolTip("Show the file in the file manager (Ctrl+Enter)")
        self.similar_button = QPushButton("Find similar")
        self.similar_button.setToolTip("Find passages like this one")
        self.page_button = QPushButton("Page")
        self.page_button.setCheckable(True)
        self.page_button.setToolTip("Show the rendered PDF page instead of the text")
        buttons = QHBoxLayout()
        for button in (self.open_button, self.reveal_button, self.similar_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.page_button)

        self.text = QTextBrowser()
        self.text.setObjectName("previewText")
        self.text.setOpenLinks(False)
        self.placeholder = QLabel("Select a result to preview it here.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.text)
        self.pdf_view = None
        self.pdf_document = None
        self.pdf_search = None
        self.page_button.setVisible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.location)
        layout.addLayout(buttons)
        layout.addWidget(self.stack, 1)
        self.set_actions_enabled(False)

    def ensure_pdf_view(self) -> bool:
        """Create the PDF page view on first use (imports QtPdf lazily); False when unavailable."""
        if self.pdf_view is not None:
            return True
        if not pdf_support():
            return False
        from PySide6.QtPdf import QPdfDocument, QPdfSearchModel
        from PySide6.QtPdfWidgets import QPdfView

        self.pdf_document = QPdfDocument(self)
        self.pdf_view = QPdfView(self)
        self.pdf_view.setDocument(self.pdf_document)
        # the page shows where the query's words are, as the text view paints them
        self.pdf_search = QPdfSearchModel(self)
        self.pdf_search.setDocument(self.pdf_document)
        self.pdf_view.setSearchModel(self.pdf_search)
        self.pdf_view.setPageMode(QPdfView.PageMode.SinglePage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.stack.addWidget(self.pdf_view)
        return True

    def set_actions_enabled(self, enabled: bool) -> None:
        for button in (self.open_button, self.reveal_button, self.similar_button):
            button.setEnabled(enabled)

    def show_placeholder(self, text: str = "Select a result to preview it here.") -> None:
        self.title.setText("")
        self.location.setText("")
        self.placeholder.setText(text)
        self.stack.setCurrentWidget(self.placeholder)
        self.page_button.setVisible(False)
        self.set_actions_enabled(False)
