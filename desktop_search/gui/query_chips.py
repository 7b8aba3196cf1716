"""The filters a search applies, as removable chips under the search box, and the "Search tips" popup.

:class:`ChipBar` shows one chip per operator typed in the box (``type:pdf``, ``"a phrase"``, ``-word``…)
and per filter menu set to something other than "all", plus the parser's messages ("after:yesterdayish
is not a date…"). A chip's × emits :attr:`ChipBar.removed` with its key; the search controller takes
the operator out of the box or resets the menu, so the chips, the box and the menus stay in sync.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

SEARCH_TIPS = """<b>Search tips</b><br>
Type what you are looking for in your own words, in any language. You can add:
<table cellspacing="4">
<tr><td><code>"heat pump"</code></td><td>only passages containing this exact phrase</td></tr>
<tr><td><code>-quarterly</code></td><td>leave out passages containing a word
 (<code>-"a phrase"</code> too)</td></tr>
<tr><td><code>type:pdf</code></td><td>only this kind of file: pdf, doc (Word, ODF), text, md, html,
 epub, sheet, slides, mail, image, subtitles, notebook, code, or an extension such as
 <code>type:csv</code></td></tr>
<tr><td><code>in:Notes</code></td><td>only in this folder: absolute, <code>~/…</code>, or inside a
 watched folder</td></tr>
<tr><td><code>after:2024-01</code></td><td>modified from this year, month or day on
 (<code>after:2024</code>, <code>after:2024-03-31</code>)</td></tr>
<tr><td><code>before:2025</code></td><td>modified before this year, month or day</td></tr>
</table>
Example: <code>budget "heat pump" -quarterly type:md after:2024</code><br>
The filters you type show as chips under the box; click × to drop one."""


class Chip(QFrame):
    """One filter: its label and a × button."""

    removed = Signal(str)

    def __init__(self, key: str, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName("chip")
        self.setStyleSheet(
            "#chip { background: palette(alternate-base); border: 1px solid palette(mid);"
            " border-radius: 10px; }"
        )
        self.label = QLabel(label)
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip(f"Remove {label}")
        self.close_button.setAccessibleName(f"Remove filter {label}")
        self.close_button.clicked.connect(lambda: self.removed.emit(self.key))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 0, 2, 0)
        layout.setSpacing(2)
        layout.addWidget(self.label)
        layout.addWidget(self.close_button)


class ChipBar(QWidget):
    """A row of chips and a message; hidden when there is neither."""

    removed = Signal(str)  # the key of the chip whose × was clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chipBar")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 2, 0, 0)
        self._layout.setSpacing(6)
        self.message = QLabel("")
        self.message.setObjectName("queryMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b05000;")
        self._layout.addWidget(self.message, 1)
        self.chips: list[Chip] = []
        self.setVisible(False)

    def set_chips(self, chips: list[tuple[str, str]], messages: tuple[str, ...] = ()) -> None:
        """Show ``(key, label)`` chips and the messages (replacing what was shown)."""
        for chip in self.chips:
            self._layout.removeWidget(chip)
            chip.deleteLater()
        self.chips = []
        for position, (key, label) in enumerate(chips):
            chip = Chip(key, label, self)
            chip.removed.connect(self.removed)
            self._layout.insertWidget(position, chip, 0, Qt.AlignmentFlag.AlignLeft)
            self.chips.append(chip)
        self.message.setText(" ".join(messages))
        self.setVisible(bool(chips or messages))

    def labels(self) -> list[str]:
        return [chip.label.text() for chip in self.chips]
