"""The results model and delegate on their own (no engine)."""

from __future__ import annotations

from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QListView

from desktop_search.core.records import SearchHit, Span
from desktop_search.gui.highlighting import with_highlights
from desktop_search.gui.result_delegate import ResultDelegate
from desktop_search.gui.results_model import PAGE_SIZE, ResultRole, ResultsModel, snippet


def hit(n: int, text: str = "alpha beta gamma", more: int = 0, sim: float = 0.5) -> SearchHit:
    extra = tuple(hit(n * 100 + i, "more text here", sim=sim - 0.1) for i in range(more))
    return SearchHit(
        f"c:{n}",
        f"/docs/sub/file{n}.pdf",
        text,
        page=n + 1,
        start=0,
        end=len(text),
        similarity=sim,
        more=extra,
    )


def test_snippet_collapses_whitespace_and_moves_highlights():
    text = "one\n\n  two   three four"
    out, spans = snippet(text, (Span(text.index("three"), text.index("three") + 5),))
    assert out == "one two three four"
    assert [out[s.start : s.end] for s in spans] == ["three"]


def test_snippet_trims_around_a_late_match():
    text = "filler " * 200 + "needle" + " tail" * 100
    out, spans = snippet(text, (Span(text.index("needle"), text.index("needle") + 6),), max_chars=200)
    assert out.startswith("… ") and out.endswith(" …")
    assert len(out) <= 210
    assert [out[s.start : s.end] for s in spans] == ["needle"]


def test_roles_expansion_and_paging(qtbot):
    model = ResultsModel()
    hits = [hit(0, more=2, sim=0.873), *[hit(i) for i in range(1, PAGE_SIZE + 10)]]
    model.set_hits(with_highlights(hits, "beta"))  # as the bridge's search thread sends them
    assert model.rowCount() == PAGE_SIZE
    index = model.index(0)
    assert index.data(ResultRole.DISPLAY_NAME) == "file0.pdf"
    assert index.data(ResultRole.FOLDER) == "/docs/sub"
    assert index.data(ResultRole.PAGE) == 1
    assert index.data(ResultRole.SCORE_PERCENT) == 87
    assert index.data(ResultRole.MORE_COUNT) == 2
    text = index.data(ResultRole.TEXT)
    assert [text[s.start : s.end] for s in index.data(ResultRole.HIGHLIGHTS)] == ["beta"]  # from the query
    assert b"scorePercent" in [bytes(v) for v in model.roleNames().values()]

    model.toggle_more(0)
    assert model.rowCount() == PAGE_SIZE + 2
    assert model.index(1).data(ResultRole.IS_CHILD) and model.index(0).data(ResultRole.EXPANDED)
    model.toggle_more(2)  # a child row collapses its parent
    assert model.rowCount() == PAGE_SIZE

    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == PAGE_SIZE + 10 and not model.canFetchMore()


def test_delegate_paints_rows_and_toggles_more(qtbot):
    view = QListView()
    qtbot.addWidget(view)
    model = ResultsModel(view)
    delegate = ResultDelegate(view)
    view.setModel(model)
    view.setItemDelegate(delegate)
    view.resize(600, 400)
    model.set_hits(with_highlights([hit(0, "a long passage " * 40, more=1, sim=0.91), hit(1)], "passage"))
    view.show()
    qtbot.waitExposed(view)
    pixmap = QPixmap(view.viewport().size())
    view.viewport().render(pixmap)
    assert not pixmap.isNull()
    first = view.visualRect(model.index(0))
    second = view.visualRect(model.index(1))
    assert first.height() > second.height()  # three passage lines and the "more" link
    with qtbot.waitSignal(delegate.more_clicked) as clicked:
        delegate.more_clicked.emit(0)
    model.toggle_more(clicked.args[0])
    assert model.rowCount() == 3
