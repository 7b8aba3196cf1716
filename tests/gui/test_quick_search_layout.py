"""The quick-search popup's list: rows fit its width once the vertical scroll bar is there."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop_search.core import SearchHit
from desktop_search.gui.quick_search import QuickSearchPopup
from desktop_search.gui.results_model import ResultRole


class Bridge(QObject):
    """The two signals the popup listens to (no engine)."""

    results = Signal(object)
    search_failed = Signal(object, object)


class Opener:
    def open(self, path_key: str, page: int | None = None, part: str | None = None) -> bool:
        return True


def _hit(n: int) -> SearchHit:
    text = f"passage {n} about the hive and its bees in winter, " * 6
    return SearchHit(f"c{n}", f"/docs/file{n}.txt", text, None, 0, len(text), similarity=0.85, strength=0.7)


def test_rows_fit_the_list_once_it_scrolls(qtbot) -> None:
    popup = QuickSearchPopup(Bridge(), Opener())
    qtbot.addWidget(popup)
    popup.show()
    qtbot.waitExposed(popup)
    popup.model.set_hits([_hit(n) for n in range(12)])  # more than the popup's height holds
    qtbot.waitUntil(lambda: popup.results.verticalScrollBar().isVisible())
    viewport = popup.results.viewport().width()
    qtbot.waitUntil(lambda: popup.results.visualRect(popup.model.index(0)).width() <= viewport)
    assert not popup.results.horizontalScrollBar().isVisible()
    assert popup.model.index(0).data(ResultRole.SCORE_PERCENT) == 70
