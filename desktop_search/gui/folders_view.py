"""The folders page's layout: watched folders, exclusions, and the indexing panel."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class IndexingPanel(QGroupBox):
    """Phase, a progress bar, counts, current file, speed and ETA, with pause/resume."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Indexing", parent)
        self.phase = QLabel("Waiting for the model…")
        self.phase.setObjectName("indexPhase")
        self.bar = QProgressBar()
        self.bar.setTextVisible(True)
        self.details = QLabel("")
        self.details.setWordWrap(True)
        self.current = QLabel("")
        self.current.setObjectName("currentFile")
        self.current.setTextFormat(Qt.TextFormat.PlainText)
        self.current.setMinimumWidth(100)
        self.pause_button = QPushButton("Pause")
        self.pause_button.setEnabled(False)
        row = QHBoxLayout()
        row.addWidget(self.phase, 1)
        row.addWidget(self.pause_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.bar)
        layout.addWidget(self.details)
        layout.addWidget(self.current)


class FoldersView(QWidget):
    """Folders to index (add/remove), exclusion patterns, and indexing progress."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        folders_box = QGroupBox("Folders to search")
        self.folder_list = QListWidget()
        self.folder_list.setObjectName("folderList")
        self.add_button = QPushButton("Add folder…")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setEnabled(False)
        self.empty_hint = QLabel("No folders yet. Add the folders whose files you want to search.")
        self.empty_hint.setWordWrap(True)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        folders_row = QHBoxLayout()
        folders_row.addWidget(self.folder_list, 1)
        folders_row.addLayout(buttons)
        folders_layout = QVBoxLayout(folders_box)
        folders_layout.addWidget(self.empty_hint)
        folders_layout.addLayout(folders_row)

        exclusions_box = QGroupBox("Exclusions")
        help_text = QLabel(
            "One pattern a line. A pattern ending in / skips folders of that name (node_modules/); "
            "others match file names (*.tmp)."
        )
        help_text.setWordWrap(True)
        self.exclusions = QPlainTextEdit()
        self.exclusions.setObjectName("exclusions")
        self.exclusions.setMaximumHeight(120)
        self.save_exclusions_button = QPushButton("Save exclusions")
        self.save_exclusions_button.setEnabled(False)
        ex_layout = QVBoxLayout(exclusions_box)
        ex_layout.addWidget(help_text)
        ex_layout.addWidget(self.exclusions)
        ex_layout.addWidget(self.save_exclusions_button, 0, Qt.AlignmentFlag.AlignRight)

        self.indexing = IndexingPanel()
        layout = QVBoxLayout(self)
        layout.addWidget(folders_box, 1)
        layout.addWidget(exclusions_box, 0)
        layout.addWidget(self.indexing)
