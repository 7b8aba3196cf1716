"""Paints one search result: file and folder, page, the passage with matched words highlighted,
the score as a percentage with a small bar, and a "more from this file" link; and, under a file, the
short rows of its inline passages (page, a snippet, the score), tied to the file by a thin guide line.

Used with :class:`desktop_search.gui.results_model.ResultsModel`. Clicking the "more" link emits
:attr:`ResultDelegate.more_clicked` with the row; the owner calls ``ResultsModel.toggle_more``. A file
with copies or near-identical passages folded into it gets a dim "also in: …" line under its passage;
the last row may be a "Show N weaker results" link (:attr:`ResultDelegate.weak_clicked`).
"""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPalette,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop_search.core import Span
from desktop_search.gui.results_model import ResultRole

ModelIndex = QModelIndex | QPersistentModelIndex

PAD = 8  # outer padding
GAP = 4  # between lines of the header and the passage
CHILD_INDENT = 28
INLINE_PAD = 3  # above and below an inline passage's row
INLINE_LABEL_GAP = 8  # between an inline row's page label and its snippet
BAR_WIDTH = 56
BAR_HEIGHT = 6
WORDS_LABEL = "words"  # in place of a strength: the hit was found by its words, its meaning not compared
MATCH_BACKGROUND = QColor(255, 196, 0, 110)  # readable on light and dark palettes


class ResultDelegate(QStyledItemDelegate):
    """Card-like painting of a result row; ``passage_lines`` limits the passage's height."""

    more_clicked = Signal(int)
    weak_clicked = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        passage_lines: int = 3,
        compact: bool = False,
        inline_lines: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.passage_lines = passage_lines
        self.compact = compact  # the quick-search popup: no folder line, fewer passage lines
        self.inline_lines = inline_lines if inline_lines is not None else (1 if compact else 2)

    # -- geometry --------------------------------------------------------------------------------

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont]:
        base = QFont(option.font)
        title = QFont(base)
        title.setBold(True)
        small = QFont(base)
        small.setPointSizeF(max(7.0, base.pointSizeF() * 0.9))
        return title, base, small

    def _indent(self, index: ModelIndex) -> int:
        return CHILD_INDENT if index.data(ResultRole.IS_CHILD) else 0

    def _passage_layout(
        self,
        text: str,
        spans: tuple[Span, ...],
        font: QFont,
        width: int,
        palette: QPalette,
        max_lines: int | None = None,
    ) -> tuple[QTextLayout, int, bool]:
        """Lay out the passage in at most ``max_lines`` (default ``passage_lines``) lines; return
        (layout, height, truncated)."""
        max_lines = self.passage_lines if max_lines is None else max_lines
        layout = QTextLayout(text, font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        formats = []
        for span in spans:
            rng = QTextLayout.FormatRange()
            rng.start = span.start
            rng.length = span.end - span.start
            fmt = QTextCharFormat()
            fmt.setFontWeight(QFont.Weight.Bold)
            fmt.setBackground(MATCH_BACKGROUND)
            fmt.setForeground(palette.color(QPalette.ColorRole.Text))
            rng.format = fmt
            formats.append(rng)
        layout.setFormats(formats)
        ellipsis_w = QFontMetrics(font).horizontalAdvance(" …") + 2
        layout.beginLayout()
        height = 0.0
        lines = 0
        consumed = 0
        while lines < max_lines:
            line = layout.createLine()
            if not line.isValid():
                break
            last = lines == max_lines - 1
            line.setLineWidth(max(10, width - (ellipsis_w if last else 0)))
            line.setPosition(QPointF(0, height))
            height += line.height()
            consumed = line.textStart() + line.textLength()
            lines += 1
        layout.endLayout()
        truncated = consumed < len(text.rstrip())
        return layout, int(height + 0.999), truncated

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        title, base, small = self._fonts(option)
        width = option.rect.width()
        viewport = getattr(option.widget, "viewport", None)
        if callable(viewport):
            width = viewport().width()
        if width <= 0:
            width = 600
        text_width = width - 2 * PAD - self._indent(index)
        if index.data(ResultRole.IS_INLINE):
            return self._inline_size(option, index, width, text_width)
        if index.data(ResultRole.WEAK_COUNT):
            return QSize(width, 2 * PAD + QFontMetrics(base).height())
        height = PAD + QFontMetrics(title).height() + GAP
        _layout, passage_h, _t = self._passage_layout(
            index.data(ResultRole.TEXT) or "",
            index.data(ResultRole.HIGHLIGHTS) or (),
            base,
            text_width,
            option.palette,
        )
        height += passage_h
        if index.data(ResultRole.ALSO_IN):
            height += GAP + QFontMetrics(small).height()
        if index.data(ResultRole.MORE_COUNT):
            height += GAP + QFontMetrics(small).height()
        return QSize(width, height + PAD)

    # -- inline passages -------------------------------------------------------------------------

    def _inline_columns(self, option: QStyleOptionViewItem, text_width: int) -> tuple[int, int, int]:
        """(label width, snippet width, score width) of an inline row."""
        _title, _base, small = self._fonts(option)
        fm = QFontMetrics(small)
        label_w = fm.horizontalAdvance("MM p. 0000")  # a translation's language and page
        score_w = fm.horizontalAdvance("100%")
        snippet_w = max(40, text_width - label_w - 2 * INLINE_LABEL_GAP - score_w)
        return label_w, snippet_w, score_w

    def _inline_size(
        self, option: QStyleOptionViewItem, index: ModelIndex, width: int, text_width: int
    ) -> QSize:
        _title, base, small = self._fonts(option)
        _label_w, snippet_w, _score_w = self._inline_columns(option, text_width)
        _layout, passage_h, _t = self._passage_layout(
            index.data(ResultRole.TEXT) or "",
            index.data(ResultRole.HIGHLIGHTS) or (),
            base,
            snippet_w,
            option.palette,
            self.inline_lines,
        )
        height = INLINE_PAD + passage_h
        if index.data(ResultRole.MORE_COUNT):
            return QSize(width, height + GAP + QFontMetrics(small).height() + PAD)
        return QSize(width, height + INLINE_PAD)

    def _paint_inline(
        self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex, text_color: QColor
    ) -> None:
        """An inline passage: a guide line back to its file, the page, a highlighted snippet, the score."""
        _title, base_font, small_font = self._fonts(option)
        rect = option.rect.adjusted(PAD + CHILD_INDENT, INLINE_PAD, -PAD, -INLINE_PAD)
        label_w, snippet_w, score_w = self._inline_columns(option, rect.width())
        base_h = QFontMetrics(base_font).height()
        guide = QColor(text_color)
        guide.setAlphaF(0.3)
        painter.setPen(guide)
        x = option.rect.left() + PAD + CHILD_INDENT // 2 - 2
        painter.drawLine(x, option.rect.top(), x, rect.top() + base_h // 2)
        painter.drawLine(x, rect.top() + base_h // 2, x + CHILD_INDENT // 2 - 4, rect.top() + base_h // 2)
        page = index.data(ResultRole.PAGE)
        label = QFont(small_font)
        label.setBold(True)
        painter.setFont(label)
        painter.setPen(text_color)
        painter.drawText(
            QRect(rect.left(), rect.top(), label_w, base_h),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            index.data(ResultRole.INLINE_LABEL) or (f"p. {page}" if page else "also"),
        )
        left = rect.left() + label_w + INLINE_LABEL_GAP
        layout, _height, truncated = self._passage_layout(
            index.data(ResultRole.TEXT) or "",
            index.data(ResultRole.HIGHLIGHTS) or (),
            base_font,
            snippet_w,
            option.palette,
            self.inline_lines,
        )
        painter.setFont(base_font)
        layout.draw(painter, QPointF(left, rect.top()))
        if truncated and layout.lineCount():
            last = layout.lineAt(layout.lineCount() - 1)
            painter.drawText(
                QPointF(left + last.naturalTextWidth() + 2, rect.top() + last.y() + last.ascent()), "…"
            )
        painter.setFont(small_font)
        dim = QColor(text_color)
        dim.setAlphaF(0.7)
        painter.setPen(dim)
        painter.drawText(
            QRect(rect.right() - score_w + 1, rect.top(), score_w, base_h),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            _score_text(index),
        )

    def _more_rect(self, option: QStyleOptionViewItem, index: ModelIndex) -> QRect:
        _title, _base, small = self._fonts(option)
        fm = QFontMetrics(small)
        rect = option.rect.adjusted(PAD + self._indent(index), 0, -PAD, -PAD)
        label = self._more_label(index)
        return QRect(
            rect.left(), rect.bottom() - fm.height() + 1, fm.horizontalAdvance(label) + 4, fm.height()
        )

    @staticmethod
    def _more_label(index: ModelIndex) -> str:
        count = int(index.data(ResultRole.MORE_COUNT) or 0)
        if index.data(ResultRole.EXPANDED):
            return "▾ Hide more from this file"
        return f"▸ {count} more from this file"

    # -- painting --------------------------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        self.initStyleOption(option, index)
        painter.save()
        widget = option.widget
        style = widget.style() if widget is not None else None
        # background, selection and focus as the platform style draws them, without the text
        option.text = ""
        option.icon = option.icon.__class__()
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        if not self._continues(index):  # a file and its inline passages read as one block
            separator = QColor(palette.color(QPalette.ColorRole.Text))
            separator.setAlphaF(0.12)
            painter.setPen(separator)
            painter.drawLine(option.rect.bottomLeft(), option.rect.bottomRight())
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        text_color = palette.color(text_role)
        dim_color = QColor(text_color)
        dim_color.setAlphaF(0.7)
        if index.data(ResultRole.IS_INLINE):
            self._paint_inline(painter, option, index, text_color)
            self._paint_more_link(painter, option, index, selected)
            painter.restore()
            return
        if index.data(ResultRole.WEAK_COUNT):
            self._paint_weak_link(painter, option, index, selected)
            painter.restore()
            return

        title_font, base_font, small_font = self._fonts(option)
        indent = self._indent(index)
        rect = option.rect.adjusted(PAD + indent, PAD, -PAD, -PAD)
        title_fm = QFontMetrics(title_font)
        small_fm = QFontMetrics(small_font)
        is_child = bool(index.data(ResultRole.IS_CHILD))

        # right side: score percentage and bar ("words" alone for a hit found by its words only)
        percent = index.data(ResultRole.SCORE_PERCENT)
        score_text = _score_text(index)
        score_w = max(small_fm.horizontalAdvance("100%"), small_fm.horizontalAdvance(score_text))
        right = rect.right()
        bar = QRectF(
            right - BAR_WIDTH + 1, rect.top() + (title_fm.height() - BAR_HEIGHT) / 2, BAR_WIDTH, BAR_HEIGHT
        )
        score_rect = QRect(int(bar.left()) - 6 - score_w, rect.top(), score_w, title_fm.height())
        painter.setFont(small_font)
        if percent is None:  # the label takes the bar's place too
            painter.setPen(dim_color)
            words_rect = score_rect.adjusted(0, 0, int(bar.right()) - score_rect.right(), 0)
            painter.drawText(
                words_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, score_text
            )
        else:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(Qt.PenStyle.NoPen)
            track = QColor(text_color)
            track.setAlphaF(0.18)
            painter.setBrush(track)
            painter.drawRoundedRect(bar, 3, 3)
            fill = QColor(
                palette.color(
                    QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Highlight
                )
            )
            painter.setBrush(fill)
            painter.drawRoundedRect(
                QRectF(bar.left(), bar.top(), bar.width() * int(percent) / 100, bar.height()), 3, 3
            )
            painter.setPen(text_color)
            painter.drawText(
                score_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, score_text
            )

        # left side: file name (or "page N" for a child row), page, section, folder
        header_right = score_rect.left() - 12
        x = rect.left()

        def header_text(left: int, width: int, text: str, color: QColor) -> None:
            painter.setPen(color)
            painter.drawText(
                QRect(left, rect.top(), width, title_fm.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                text,
            )

        page = index.data(ResultRole.PAGE)
        page_text = f"page {page}" if page else ""
        if is_child:
            painter.setFont(small_font)
            room = max(0, header_right - x)
            label = small_fm.elidedText(page_text or "also in this file", Qt.TextElideMode.ElideRight, room)
            header_text(x, header_right - x, label, dim_color)
        else:
            name = index.data(ResultRole.DISPLAY_NAME) or ""
            folder = "" if self.compact else (index.data(ResultRole.FOLDER) or "")
            page_w = small_fm.horizontalAdvance(page_text) + 12 if page_text else 0
            name_room = max(40, header_right - x - page_w)
            name_text = title_fm.elidedText(
                name, Qt.TextElideMode.ElideMiddle, int(name_room * (0.6 if folder else 1))
            )
            painter.setFont(title_font)
            header_text(x, name_room, name_text, text_color)
            x += title_fm.horizontalAdvance(name_text) + 10
            painter.setFont(small_font)
            if page_text:
                header_text(x, page_w, page_text, text_color)
                x += page_w
            section = index.data(ResultRole.SECTION) or ""
            if section and header_right - x > 60:  # the section says more than the folder: it comes first
                room = header_right - x
                section_text = small_fm.elidedText(section, Qt.TextElideMode.ElideRight, room)
                header_text(x, room, section_text, text_color)
                x += small_fm.horizontalAdvance(section_text) + 12
            if folder and header_right - x > 60:
                room = header_right - x
                header_text(x, room, small_fm.elidedText(folder, Qt.TextElideMode.ElideLeft, room), dim_color)

        # the passage with highlighted matches
        top = rect.top() + title_fm.height() + GAP
        layout, passage_h, truncated = self._passage_layout(
            index.data(ResultRole.TEXT) or "",
            index.data(ResultRole.HIGHLIGHTS) or (),
            base_font,
            rect.width(),
            palette,
        )
        painter.setPen(text_color)
        painter.setFont(base_font)
        layout.draw(painter, QPointF(rect.left(), top))
        if truncated and layout.lineCount():
            last = layout.lineAt(layout.lineCount() - 1)  # no line is laid out past the limit
            painter.drawText(
                QPointF(rect.left() + last.naturalTextWidth() + 2, top + last.y() + last.ascent()), "…"
            )
        also = index.data(ResultRole.ALSO_IN)
        if also:  # identical copies and near-identical passages folded into this file
            painter.setFont(small_font)
            painter.setPen(dim_color)
            line = QRect(rect.left(), top + passage_h + GAP, rect.width(), small_fm.height())
            painter.drawText(
                line,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                small_fm.elidedText(also, Qt.TextElideMode.ElideMiddle, rect.width()),
            )

        self._paint_more_link(painter, option, index, selected)
        painter.restore()

    def _paint_more_link(
        self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex, selected: bool
    ) -> None:
        """The "more from this file" link, on the file's row or its last inline row."""
        if not index.data(ResultRole.MORE_COUNT):
            return
        more = self._more_rect(option, index)
        link = option.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Link
        )
        painter.setFont(self._fonts(option)[2])
        painter.setPen(link)
        painter.drawText(
            more, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self._more_label(index)
        )

    def _paint_weak_link(
        self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex, selected: bool
    ) -> None:
        """The "Show N weaker results" row: a link, centred."""
        link = option.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Link
        )
        painter.setFont(self._fonts(option)[1])
        painter.setPen(link)
        label = f"▾ {index.data(Qt.ItemDataRole.DisplayRole)}"
        painter.drawText(option.rect, Qt.AlignmentFlag.AlignCenter, label)

    @staticmethod
    def _continues(index: ModelIndex) -> bool:
        """Whether the next row is an inline passage of the same file."""
        following = index.siblingAtRow(index.row() + 1)
        return following.isValid() and bool(following.data(ResultRole.IS_INLINE))

    # -- interaction -----------------------------------------------------------------------------

    def editorEvent(self, event: QEvent, model, option: QStyleOptionViewItem, index: ModelIndex) -> bool:
        if (
            event.type() == QEvent.Type.MouseButtonRelease
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
            and index.data(ResultRole.WEAK_COUNT)
        ):
            self.weak_clicked.emit()
            return True
        if (
            event.type() == QEvent.Type.MouseButtonRelease
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
            and index.data(ResultRole.MORE_COUNT)
            and self._more_rect(option, index).contains(event.position().toPoint())
        ):
            self.more_clicked.emit(index.row())
            return True
        return super().editorEvent(event, model, option, index)


def _score_text(index: ModelIndex) -> str:
    """A row's match strength as shown ("87%"), or "words" for a hit found by its words alone."""
    percent = index.data(ResultRole.SCORE_PERCENT)
    return WORDS_LABEL if percent is None else f"{int(percent)}%"
