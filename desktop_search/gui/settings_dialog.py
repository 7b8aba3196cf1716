"""The settings dialog (layout), :func:`apply_settings` (hands the changes to the engine; autostart) and
:func:`apply_theme`."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_search.core import DEFAULT_MODEL, Settings
from desktop_search.gui.quick_search import offer_quick_search_shortcut

if TYPE_CHECKING:
    from desktop_search.core import Engine


DEVICE_CHOICES = (
    ("Automatic (GPU when available)", "auto"),
    ("CPU", "cpu"),
    ("NVIDIA GPU (CUDA)", "cuda"),
    ("Apple GPU (MPS)", "mps"),
)
THEME_CHOICES = (("Follow the system", "system"), ("Light", "light"), ("Dark", "dark"))


class SettingsDialog(QDialog):
    """Edits a copy of the settings; :meth:`result_settings` returns the edited copy."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(520)
        self._original = settings
        self.model = QComboBox()
        self.model.setEditable(True)
        self.model.addItem(DEFAULT_MODEL)
        if settings.model != DEFAULT_MODEL:
            self.model.addItem(settings.model)
        self.model.setCurrentText(settings.model)
        self.model_warning = QLabel(
            "Changing the model re-indexes every file in the background; searches keep using the current "
            "index until the new one is ready. Other models may need a download."
        )
        self.model_warning.setWordWrap(True)
        self.model_warning.setVisible(False)
        self.model.currentTextChanged.connect(
            lambda t: self.model_warning.setVisible(t.strip() != settings.model)
        )
        self.model_path = QLineEdit(settings.model_path)
        self.model_path.setPlaceholderText("optional: a local model folder")
        self.device = QComboBox()
        for label, value in DEVICE_CHOICES:
            self.device.addItem(label, value)
        self.device.setCurrentIndex(max(0, self.device.findData(settings.device)))
        self.chunk_tokens = QSpinBox()
        self.chunk_tokens.setRange(32, 500)
        self.chunk_tokens.setSuffix(" tokens")
        self.chunk_tokens.setValue(settings.chunk_tokens)
        self.batch_size = QSpinBox()
        self.batch_size.setRange(0, 1024)
        self.batch_size.setSpecialValueText("Automatic")
        self.batch_size.setValue(settings.batch_size)
        self.exclusions = QPlainTextEdit("\n".join(settings.exclusions))
        self.exclusions.setMaximumHeight(110)
        self.start_with_system = QCheckBox("Start Desktop Search when I log in")
        self.start_with_system.setChecked(settings.start_with_system)
        self.ocr = QCheckBox("Read text in images and scanned PDF pages (OCR)")
        self.ocr.setToolTip("Recognised offline, after the other files; a page takes a few seconds")
        self.ocr.setChecked(settings.ocr)
        self.theme = QComboBox()
        for label, value in THEME_CHOICES:
            self.theme.addItem(label, value)
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.theme)))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Model:", self.model)
        form.addRow("", self.model_warning)
        form.addRow("Model folder:", self.model_path)
        form.addRow("Device:", self.device)
        form.addRow("Passage size:", self.chunk_tokens)
        form.addRow("Batch size:", self.batch_size)
        form.addRow("Exclusions:", self.exclusions)
        form.addRow("", self.ocr)
        form.addRow("", self.start_with_system)
        self.quick_search_shortcut = QPushButton("Create quick-search shortcut…")
        self.quick_search_shortcut.setToolTip("A launcher for “desktop-search --quick-search”, to bind a key")
        self.quick_search_shortcut.clicked.connect(lambda: offer_quick_search_shortcut(self))
        form.addRow("Quick search:", self.quick_search_shortcut)
        form.addRow("Theme:", self.theme)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def result_settings(self) -> Settings:
        patterns = [line.strip() for line in self.exclusions.toPlainText().splitlines() if line.strip()]
        return dataclasses.replace(
            self._original,
            model=self.model.currentText().strip() or DEFAULT_MODEL,
            model_path=self.model_path.text().strip(),
            device=self.device.currentData(),
            chunk_tokens=self.chunk_tokens.value(),
            batch_size=self.batch_size.value(),
            exclusions=patterns,
            start_with_system=self.start_with_system.isChecked(),
            ocr=self.ocr.isChecked(),
            theme=self.theme.currentData(),
            folders=list(self._original.folders),
        ).validate()


def changed_fields(old: Settings, new: Settings) -> set[str]:
    return {f.name for f in dataclasses.fields(Settings) if getattr(old, f.name) != getattr(new, f.name)}


def apply_settings(engine: Engine, new: Settings) -> set[str]:
    """Hand what changed in ``new`` to the engine, which validates, saves and starts what the changes need
    (a new model's index, a rescan); register start at login when that changed. Runs in a worker thread.

    Returns the names of the changed fields.
    """
    changes = {name: getattr(new, name) for name in changed_fields(engine.settings, new)}
    changed = engine.update_settings(**changes)
    if "start_with_system" in changed:
        set_autostart(new.start_with_system)
    return changed


def set_autostart(enabled: bool) -> None:
    """Register or unregister start at login."""
    from desktop_search.core.system import autostart

    autostart.set_enabled(enabled)


def apply_theme(theme: str) -> None:
    """Follow the system's light/dark scheme, or force one (Qt 6.8+)."""
    app = QGuiApplication.instance()
    hints = app.styleHints() if isinstance(app, QGuiApplication) else None
    if hints is None or not hasattr(hints, "setColorScheme"):
        return
    scheme = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(theme, Qt.ColorScheme.Unknown)
    hints.setColorScheme(scheme)
