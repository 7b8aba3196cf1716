"""Behaviour of the folders page: add and remove folders, edit exclusions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QListWidgetItem, QMessageBox, QWidget

from desktop_search.core import display
from desktop_search.gui.engine_bridge import EngineBridge
from desktop_search.gui.folders_view import FoldersView

if TYPE_CHECKING:
    from desktop_search.core import Engine

FOLDER_ROLE = 0x0100 + 1  # Qt.UserRole + 1: the folder's path key


class FoldersController(QObject):
    def __init__(self, bridge: EngineBridge, view: FoldersView) -> None:
        super().__init__(view)
        self.bridge = bridge
        self.view = view
        view.add_button.clicked.connect(self.choose_folder)
        view.remove_button.clicked.connect(self._remove_selected)
        view.folder_list.itemSelectionChanged.connect(
            lambda: view.remove_button.setEnabled(bool(view.folder_list.selectedItems()))
        )
        view.exclusions.textChanged.connect(lambda: view.save_exclusions_button.setEnabled(True))
        view.save_exclusions_button.clicked.connect(self.save_exclusions)
        bridge.engine_opened.connect(self.refresh)
        bridge.folders_changed.connect(self.refresh)
        view.add_button.setEnabled(False)

    def refresh(self) -> None:
        engine = self.bridge.engine
        if engine is None:
            return
        view = self.view
        view.add_button.setEnabled(True)
        view.folder_list.clear()
        for folder in engine.folders:
            item = QListWidgetItem(display(folder))
            item.setData(FOLDER_ROLE, folder)
            item.setToolTip(display(folder))
            view.folder_list.addItem(item)
        view.empty_hint.setVisible(not engine.folders)
        view.remove_button.setEnabled(False)
        if not view.exclusions.hasFocus():
            view.exclusions.blockSignals(True)
            view.exclusions.setPlainText("\n".join(engine.settings.exclusions))
            view.exclusions.blockSignals(False)
            view.save_exclusions_button.setEnabled(False)

    def choose_folder(self) -> None:
        """Ask for a folder and add it (the first-run "Add a folder" path leads here too)."""
        parent = self.view.window() if isinstance(self.view.window(), QWidget) else None
        folder = QFileDialog.getExistingDirectory(parent, "Add a folder to search")
        if folder:
            self.add_folder(folder)

    def add_folder(self, folder: str) -> None:
        self.bridge.add_folder(folder)

    def _remove_selected(self) -> None:
        items = self.view.folder_list.selectedItems()
        if not items:
            return
        folder = items[0].data(FOLDER_ROLE)
        answer = QMessageBox.question(
            self.view,
            "Remove folder",
            f"Stop searching {display(folder)}?\n\n"
            "Its files stay on disk; only their index entries are removed.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.remove_folder(folder)

    def remove_folder(self, folder: str) -> None:
        self.bridge.remove_folder(folder)

    def save_exclusions(self) -> None:
        patterns = [line.strip() for line in self.view.exclusions.toPlainText().splitlines() if line.strip()]

        def job(engine: Engine) -> None:
            engine.update_settings(exclusions=patterns)  # saves, and rescans when they changed

        self.bridge.submit(
            job, lambda _r: self.view.save_exclusions_button.setEnabled(False), context="saving exclusions"
        )
