"""The main window's layout: error banner, Search / Folders / Files pages, menus, status bar."""

from __future__ import annotations

from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QTabWidget, QVBoxLayout, QWidget

from desktop_search import APP_NAME
from desktop_search.gui.files_view import FilesView
from desktop_search.gui.folders_view import FoldersView
from desktop_search.gui.search_view import SearchView
from desktop_search.gui.status_widget import IndexStatus
from desktop_search.gui.widgets import ErrorBanner


class MainWindow(QMainWindow):
    """Holds the views; the app context wires them to controllers. ``close_handler`` may veto closing
    (the tray hides the window instead)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(APP_NAME)
        self.setObjectName("mainWindow")
        self.banner = ErrorBanner()
        self.search_view = SearchView()
        self.folders_view = FoldersView()
        self.files_view = FilesView()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.search_view, "Search")
        self.tabs.addTab(self.folders_view, "Folders")
        self.tabs.addTab(self.files_view, "Files")
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.index_status = IndexStatus()
        self.statusBar().addWidget(self.index_status, 1)
        self.statusBar().setSizeGripEnabled(True)

        file_menu = self.menuBar().addMenu("&File")
        self.add_folder_action = QAction("&Add folder…", self)
        self.settings_action = QAction("&Settings…", self)
        self.settings_action.setShortcut(QKeySequence.StandardKey.Preferences)
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        file_menu.addAction(self.add_folder_action)
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        help_menu = self.menuBar().addMenu("&Help")
        self.log_action = QAction("Open the &log folder", self)
        self.about_action = QAction(f"&About {APP_NAME}", self)
        help_menu.addAction(self.log_action)
        help_menu.addAction(self.about_action)
        self.focus_search_action = QAction("Search", self)
        self.focus_search_action.setShortcuts([QKeySequence("Ctrl+F"), QKeySequence("Ctrl+L")])
        self.addAction(self.focus_search_action)
        self.close_handler = None  # callable(event) -> bool: True when it handled (vetoed) the close
        self.resize(1100, 720)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.close_handler is not None and self.close_handler(event):
            return
        super().closeEvent(event)
