"""Fixtures for GUI tests (pytest-qt, offscreen).

Qt warnings fail the test that caused them (``qt_log_level_fail`` in pyproject.toml).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


@dataclass
class RecordingOpener:
    """Stands in for the system opener: records what the app asked to open or reveal."""

    opened: list[tuple[str, int | None]] = field(default_factory=list)
    revealed: list[str] = field(default_factory=list)

    parts: list[str | None] = field(default_factory=list)  # the sub-document of each open, in order

    def open(self, path_key: str, page: int | None = None, part: str | None = None) -> bool:
        self.opened.append((path_key, page))
        self.parts.append(part)
        return True

    def reveal(self, path_key: str) -> bool:
        self.revealed.append(path_key)
        return True


@pytest.fixture
def opener() -> RecordingOpener:
    return RecordingOpener()


@pytest.fixture
def make_context(qtbot, opener):
    """Build the real app context with an engine factory; shut it down after the test."""
    from desktop_search.gui.app import build_context

    made = []

    def make(engine_factory, background: bool = True, start: bool = True):
        ctx = build_context(engine_factory=engine_factory, opener=opener, background=background)
        qtbot.addWidget(ctx.window)
        made.append(ctx)
        ctx.show_window()
        if start:
            ctx.start()
        return ctx

    yield make
    for ctx in made:
        ctx.shutdown()
