"""The results model and delegate on their own (no engine)."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPixmap
from PySide6.QtWidgets import QListView

from desktop_search.core import RELEVANCE_FLOOR, Engine, SearchHit, Settings, Span
from desktop_search.gui.highlighting import with_highlights
from desktop_search.gui.result_delegate import CHILD_INDENT, PAD, ResultDelegate
from desktop_search.gui.results_model import (
    PAGE_SIZE,
    WORDS_KEPT_TIP,
    WORDS_ONLY_TIP,
    ResultRole,
    ResultsModel,
    snippet,
)


def hit(
    n: int, text: str = "alpha beta gamma", more: int = 0, sim: float = 0.5, inline: tuple[int, ...] = ()
) -> SearchHit:
    extra = tuple(hit(n * 100 + i, "more text here", sim=sim - 0.1) for i in range(more))
    beside = tuple(
        SearchHit(f"c:{n}:{page}", f"/docs/sub/file{n}.pdf", f"the passage on page {page} about beta " * 4,
                  page=page, start=page * 1000, end=page * 1000 + 150, similarity=sim - 0.02)
        for page in inline
    )  # fmt: skip
    return SearchHit(
        f"c:{n}",
        f"/docs/sub/file{n}.pdf",
        text,
        page=n + 1,
        start=0,
        end=len(text),
        similarity=sim,
        more=extra,
        inline=beside,
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


def test_a_trimmed_japanese_snippet_starts_and_ends_between_words():
    text = (
        "パッケージ管理システムは多彩な歴史があります。" * 12
        + "アップグレード"
        + "次に示すように設定します。" * 20
    )
    out, spans = snippet(
        text, (Span(text.index("アップグレード"), text.index("アップグレード") + 7),), max_chars=200
    )
    assert out.startswith("… パッケージ") and out.endswith("。 …")  # after and at a sentence's end
    assert [out[s.start : s.end] for s in spans] == ["アップグレード"]


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

    delegate.more_clicked.connect(model.toggle_more)  # as the search controller and the popup wire it
    with qtbot.assertNotEmitted(delegate.more_clicked):  # a click elsewhere in the row is no link click
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=first.center())
    with qtbot.waitSignal(delegate.more_clicked) as clicked:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=more_link(view, first))
    assert clicked.args == [0]
    assert model.rowCount() == 3
    assert model.index(1).data(ResultRole.IS_CHILD) and model.index(0).data(ResultRole.EXPANDED)

    with qtbot.waitSignal(delegate.more_clicked) as clicked:  # the same link now hides them again
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=more_link(view, first))
    assert clicked.args == [0]
    assert model.rowCount() == 2


def test_a_hit_found_by_its_words_alone_shows_words_not_zero_percent(qtbot):
    """While the model loads or a passage waits for its vector, a keyword hit has no strength: the row
    says "words" (no bar), its tooltip why, its accessible text "found by its words"."""
    view = QListView()
    qtbot.addWidget(view)
    model = ResultsModel(view)
    delegate = ResultDelegate(view)  # kept: a delegate Python let go of would crash the paint
    view.setModel(model)
    view.setItemDelegate(delegate)
    view.resize(600, 300)
    words = replace(hit(0), similarity=None, inline=(replace(hit(2), similarity=None),))
    model.set_hits(with_highlights([words, hit(1, sim=0.9)], "beta"))
    first, second = model.index(0), model.index(1 + (model.rowCount() - 2))
    assert first.data(ResultRole.SCORE_PERCENT) is None
    assert second.data(ResultRole.SCORE_PERCENT) == 90
    assert "found by its words" in first.data(Qt.ItemDataRole.AccessibleTextRole)
    assert WORDS_ONLY_TIP in first.data(Qt.ItemDataRole.ToolTipRole)
    assert WORDS_ONLY_TIP not in second.data(Qt.ItemDataRole.ToolTipRole)
    view.show()
    qtbot.waitExposed(view)
    pixmap = QPixmap(view.viewport().size())
    view.viewport().render(pixmap)  # the "words" label and the inline row's paint without a strength
    assert not pixmap.isNull()


def test_a_hit_kept_for_its_words_below_the_floor_shows_words_not_its_strength(qtbot):
    """A passage shown for a painted query word though its meaning is far (strength below the floor)
    reads "words", with a tooltip saying why, where it read "3%" over highlighted words."""
    model = ResultsModel()
    far = replace(hit(0, sim=0.3), strength=RELEVANCE_FLOOR - 0.3, keyword_score=4.0)
    near = replace(hit(1, sim=0.9), strength=0.9, keyword_score=4.0)
    model.set_hits(with_highlights([far, near], "beta"))
    first, second = model.index(0), model.index(model.rowCount() - 1)
    assert first.data(ResultRole.SCORE_PERCENT) is None and second.data(ResultRole.SCORE_PERCENT) == 90
    assert WORDS_KEPT_TIP in first.data(Qt.ItemDataRole.ToolTipRole)
    assert "found by its words" in first.data(Qt.ItemDataRole.AccessibleTextRole)


def test_a_word_match_whose_ranked_strength_is_nil_shows_words_not_0_percent(qtbot):
    """A German question ranked a German page first for its keywords: plain strength 0.89, but 0.00 on
    the scale it was ranked by (the query's language offset taken out). It read "0%" at the top."""
    model = ResultsModel()
    top = replace(hit(0, sim=0.86), strength=0.89, ranked_strength=0.001, keyword_score=4.3)
    dense = replace(hit(1, sim=0.8), strength=0.43, ranked_strength=0.40)
    meaning_only = replace(hit(2, sim=0.7), strength=0.5, ranked_strength=0.0)  # no words: its number
    model.set_hits(with_highlights([top, dense, meaning_only], "beta"))
    rows = [model.index(r) for r in range(model.rowCount())]
    assert [r.data(ResultRole.SCORE_PERCENT) for r in rows] == [None, 40, 0]
    assert WORDS_KEPT_TIP in rows[0].data(Qt.ItemDataRole.ToolTipRole)


def test_a_similar_attachment_of_the_same_message_is_named_by_its_part() -> None:
    model = ResultsModel()
    doc = replace(hit(0), path="/mail/news.eml", part="news.doc")
    other = replace(hit(1), path="/mail/old.eml", part="news.pdf")
    model.set_hits([replace(doc, similar=(replace(doc, part="news.htm"), other))])
    assert model.index(0).data(ResultRole.ALSO_IN) == "+2 similar (news.htm, old.eml › news.pdf)"


def more_link(view: QListView, row: QRect, indent: int = 0) -> QPoint:
    """A point inside the "more from this file" link: the start of the row's last line (smaller font)."""
    small = QFont(view.font())
    small.setPointSizeF(max(7.0, small.pointSizeF() * 0.9))
    height = QFontMetrics(small).height()
    return QPoint(row.left() + PAD + indent + 6, row.bottom() - PAD - height // 2)


@pytest.fixture
def real_hits(tmp_path: Path, hash_embedder: Any) -> list[SearchHit]:
    """Hits from a real engine search (HashEmbedder): more files than a page, several passages each."""
    folder = tmp_path / "notes"
    folder.mkdir()
    vocabulary = [
        f"{a}{b}" for a in ("bri", "sto", "wen", "gal", "mor", "tif") for b in ("an", "el", "orn", "ix")
    ]
    for i in range(PAGE_SIZE + 5):
        words = random.Random(i).sample(vocabulary * 3, 36)  # distinct logs: no two fold as copies
        paragraphs = [
            f"Logbook {i}, part {j}: the lighthouse keeper wrote {' '.join(words[9 * j : 9 * j + 9])}."
            for j in range(4)
        ]
        (folder / f"log_{i:03}.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    settings = Settings(folders=[str(folder)], chunk_tokens=32, chunk_overlap_tokens=0)
    engine = Engine.open(tmp_path / "home", embedder=hash_embedder, settings=settings)
    try:
        engine.index()
        hits = engine.search("lighthouse keeper tide", k=PAGE_SIZE + 5)
    finally:
        engine.close()
    return with_highlights(hits, "lighthouse keeper tide")  # as the bridge's search thread sends them


def test_model_passes_qt_model_tester_with_real_hits(qtmodeltester, real_hits: list[SearchHit]) -> None:
    assert len(real_hits) > PAGE_SIZE and any(h.more for h in real_hits)
    model = ResultsModel()
    model.set_hits(real_hits)
    qtmodeltester.check(model)  # the tester stays attached: the changes below are checked too
    with_more = next(row for row in range(model.rowCount()) if model.index(row).data(ResultRole.MORE_COUNT))
    file_hit = model.hit_at(model.top_level_row(with_more))
    assert file_hit is not None
    shown = model.rowCount()
    model.toggle_more(with_more)
    assert model.rowCount() == shown + len(file_hit.more)
    model.toggle_more(with_more + 1)  # a child row collapses its parent
    assert model.rowCount() == shown
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == sum(1 + len(h.inline) for h in real_hits)
    model.set_hits(real_hits[:3])
    model.clear()
    assert model.rowCount() == 0


def test_inline_passages_are_short_rows_under_their_file_and_select_for_the_preview(qtbot):
    view = QListView()
    qtbot.addWidget(view)
    model = ResultsModel(view)
    delegate = ResultDelegate(view)
    view.setModel(model)
    view.setItemDelegate(delegate)
    view.resize(640, 600)
    first = hit(0, "the best passage about beta " * 20, more=1, sim=0.9, inline=(42, 57))
    model.set_hits(with_highlights([first, hit(1)], "beta"))
    assert model.rowCount() == 4  # the file, its two inline passages, the next file
    assert [model.index(r).data(ResultRole.IS_INLINE) for r in range(4)] == [False, True, True, False]
    assert [model.index(r).data(ResultRole.PAGE) for r in range(3)] == [1, 42, 57]
    # the "more" link moves to the file's last inline row, so it reads after everything shown
    assert [model.index(r).data(ResultRole.MORE_COUNT) for r in range(4)] == [0, 0, 1, 0]
    text = model.index(1).data(ResultRole.TEXT)
    assert [text[s.start : s.end] for s in model.index(1).data(ResultRole.HIGHLIGHTS)][:1] == ["beta"]
    view.show()
    qtbot.waitExposed(view)
    pixmap = QPixmap(view.viewport().size())
    view.viewport().render(pixmap)  # paints inline rows (Qt warnings fail the test)
    assert not pixmap.isNull()

    rects = [view.visualRect(model.index(r)) for r in range(4)]
    assert rects[1].height() < rects[0].height()  # a short row: page, snippet, score
    lines = QFontMetrics(view.font()).height()
    assert rects[1].height() >= 2 * lines  # two snippet lines, not clipped
    assert rects[2].height() > rects[1].height()  # ... and the "more" link under the last one
    assert rects[0].bottom() < rects[1].top() and rects[1].bottom() < rects[2].top()

    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rects[1].center())
    assert view.currentIndex().row() == 1  # the preview shows the current row's passage
    assert view.currentIndex().data(ResultRole.HIT) == model.hit_at(1)
    assert model.hit_at(1).page == 42 and model.top_level_row(1) == 0

    delegate.more_clicked.connect(model.toggle_more)
    with qtbot.waitSignal(delegate.more_clicked) as clicked:
        qtbot.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=more_link(view, rects[2], CHILD_INDENT)
        )
    assert clicked.args == [2]
    assert model.rowCount() == 5  # the further passage comes after the inline rows
    assert model.index(3).data(ResultRole.IS_CHILD) and not model.index(3).data(ResultRole.IS_INLINE)
    assert model.index(2).data(ResultRole.EXPANDED) and model.index(0).data(ResultRole.EXPANDED)
    model.toggle_more(3)
    assert model.rowCount() == 4


def test_quick_search_delegate_keeps_inline_rows_to_one_line(qtbot):
    view = QListView()
    qtbot.addWidget(view)
    model = ResultsModel(view)
    view.setModel(model)
    view.setItemDelegate(ResultDelegate(view, passage_lines=2, compact=True))
    view.resize(640, 460)
    model.set_hits(with_highlights([hit(0, "beta " * 50, sim=0.9, inline=(42, 57))], "beta"))
    view.show()
    qtbot.waitExposed(view)
    inline = view.visualRect(model.index(1))
    lines = QFontMetrics(view.font()).height()
    assert lines <= inline.height() < 2 * lines


@pytest.mark.parametrize(
    ("heading", "text", "shown"),
    [
        (
            "System tips › 9.8.10 Undeleting open files",
            "$ ls -l /proc/4775/fd | grep bar",
            "9.8.10 Undeleting open files",
        ),
        ("System tips › 9.8.10 Undeleting open files", "9.8.10 Undeleting open files\nEven if you", ""),
        (
            "Packages › 2.1.1 Package configuration",
            "2.1 Prerequisites\n2.1.1 Package  configuration\nHere",
            "",
        ),
        ("Introduction", "Some text in the middle of the introduction.", "Introduction"),
        (None, "Some text.", ""),
        (  # a generic title says what it is about through the section it is in
            "School Level Experiments › 2.2 Measuring Resistance › 2.2.2 Procedure",
            "Connect the resistor between SEN and GND.",
            "2.2 Measuring Resistance › 2.2.2 Procedure",
        ),
        (
            "Experiments › 2.2 Measuring Resistance › 2.2.2 Procedure",
            "2.2.2 Procedure\nConnect",
            "2.2 Measuring Resistance",
        ),
    ],
)
def test_a_passage_shows_its_section_unless_it_opens_with_it(heading, text, shown) -> None:
    assert SearchHit("c", "/m.pdf", text, page=3, start=0, end=9, heading=heading).shown_section == shown


def test_the_section_is_on_the_files_row_not_on_its_inline_rows(qtbot) -> None:
    head = replace(hit(0, "$ ls -l /proc", inline=(7,)), heading="Tips › 9.8.10 Undeleting")
    model = ResultsModel()
    model.set_hits([replace(head, inline=tuple(replace(h, heading=head.heading) for h in head.inline))])
    assert model.index(0).data(ResultRole.SECTION) == "9.8.10 Undeleting"
    assert model.index(1).data(ResultRole.IS_INLINE) and model.index(1).data(ResultRole.SECTION) == ""
    assert "section 9.8.10 Undeleting" in model.index(0).data(Qt.ItemDataRole.AccessibleTextRole)


@pytest.mark.model
def test_a_manuals_passage_from_mid_section_names_its_section_in_the_window(
    qtbot, tmp_path: Path, real_embedder
) -> None:
    """Real model, real store, a real manual's excerpt: the answer sits under its section's title."""
    docs = tmp_path / "manuals"
    docs.mkdir()
    excerpt = Path(__file__).resolve().parent.parent / "data" / "debian-reference.en.excerpt.pdf"
    (docs / excerpt.name).write_bytes(excerpt.read_bytes())
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        hits = engine.search("effects that may leave the package management system unusable", k=5)
    finally:
        engine.close()
    model = ResultsModel()
    model.set_hits(hits)
    assert (
        hits[0].heading
        == "Debian package management › 2.1 Debian package management prerequisites › 2.1.2 Basic precautions"
    )
    assert not hits[0].text.startswith("2.1.2")  # the passage is the section's second
    assert model.index(0).data(ResultRole.SECTION) == (
        "2.1 Debian package management prerequisites › 2.1.2 Basic precautions"
    )
    view = QListView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegate(ResultDelegate(view))
    view.resize(640, 480)
    view.grab()  # paints every visible row, the section in the file's header line


def test_the_preview_and_rows_leave_the_query_languages_function_words_unpainted():
    """A German question's "war" (was) is no content word, so the preview and the rows the core sent
    without spans do not paint it; "cold war museum" (language unsure) keeps "war" as a word."""
    from desktop_search.gui.highlighting import query_highlights

    text = "Die Berliner Mauer war ein Grenzwall; sie fiel 1989, und der Kalte Krieg war vorbei."
    german = "Wann war die Berliner Mauer gefallen, und warum?"
    painted = [text[s.start : s.end] for s in query_highlights(text, german)]
    assert "Berliner" in painted and "Mauer" in painted and "war" not in painted
    row = with_highlights([SearchHit("c:1", "/docs/mauer.txt", text, None, 0, len(text))], german)[0]
    assert "war" not in [text[s.start : s.end] for s in row.highlights]
    english = "The cold war museum opened; the war ended in 1989."
    assert "war" in [english[s.start : s.end] for s in query_highlights(english, "cold war museum")]


def test_translations_are_rows_under_their_result_labelled_by_language_and_page(qtbot) -> None:
    view = QListView()
    qtbot.addWidget(view)
    model = ResultsModel(view)
    view.setModel(model)
    view.setItemDelegate(ResultDelegate(view))
    view.resize(640, 600)
    french = SearchHit("c:fr", "/docs/ref.fr.pdf", "Convertir les fins de ligne (EOL) " * 6, page=232,
                       start=0, end=10, similarity=0.8, language="fr")  # fmt: skip
    best = replace(
        hit(0, "EOL conversion " * 20, more=1, sim=0.9, inline=(42,)), language="en", translations=(french,)
    )
    model.set_hits([best, hit(1)])
    assert model.rowCount() == 4  # the result, its inline passage, its translation, the next result
    labels = [model.index(r).data(ResultRole.INLINE_LABEL) for r in range(3)]
    assert labels[1:] == ["p. 42", "FR p. 232"]
    assert model.index(2).data(Qt.ItemDataRole.ToolTipRole).startswith("French edition: ")
    assert model.index(2).data(ResultRole.MORE_COUNT) == 1  # the "more" link under the last row shown
    assert model.hit_at(2).path == "/docs/ref.fr.pdf" and model.top_level_row(2) == 0
    model.toggle_more(2)
    assert model.rowCount() == 5 and model.index(3).data(ResultRole.IS_CHILD)
    view.show()
    qtbot.waitExposed(view)
    pixmap = QPixmap(view.viewport().size())
    view.viewport().render(pixmap)  # paints the translation's row (Qt warnings fail the test)
