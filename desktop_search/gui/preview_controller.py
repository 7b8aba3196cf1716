"""Behaviour of the preview: show the selected passage in its surrounding text (or its PDF page; for
a picture, the picture above its recognised text), open the file, reveal it, find similar passages."""

from __future__ import annotations

import html
import os
from typing import Any, Protocol

from PySide6.QtCore import QBuffer, QByteArray, QModelIndex, QObject, QPointF, QSize, Qt, QUrl
from PySide6.QtGui import QImage, QImageReader, QTextDocument

from desktop_search.core import (
    Engine,
    SearchHit,
    Span,
    decompressed_copy,
    display,
    document_extension,
    from_key,
    is_picture,
    picture_data,
)
from desktop_search.gui.engine_bridge import EngineBridge
from desktop_search.gui.highlighting import query_highlights
from desktop_search.gui.preview_view import PreviewPane, pdf_support
from desktop_search.gui.reflow import KEEP_LINES, reflowed
from desktop_search.gui.results_model import ResultRole, part_title, split_path
from desktop_search.gui.search_view import SearchView

CONTEXT_CHARS = 2500  # text shown before and after the passage
PICTURE_MAX_SIDE = 1600  # a picture is decoded at most this wide or tall for the preview
PICTURE_URL = QUrl("preview-picture:current")
PASSAGE_BACKGROUND = "rgba(255, 196, 0, 0.22)"
MATCH_BACKGROUND = "rgba(255, 196, 0, 0.55)"


class Opener(Protocol):
    def open(self, path_key: str, page: int | None = None, part: str | None = None) -> bool: ...

    def reveal(self, path_key: str) -> bool: ...


def passage_html(full_text: str, hit: SearchHit, query: str = "") -> str:
    """HTML of the passage with its surroundings; the passage shaded, matched words marked.

    ``full_text`` is the file's extracted text; when the passage is not found at its offsets there,
    the passage alone is shown. The hit's highlights are used where the passage is its text; otherwise
    the ``query``'s words are matched, so with a query this runs in a worker thread.
    """
    start, end = hit.start, hit.end
    if not (0 <= start < end <= len(full_text)) or _squash(full_text[start:end]) != _squash(hit.text):
        found = full_text.find(hit.text) if hit.text else -1
        if found >= 0:
            start, end = found, found + len(hit.text)
        else:
            full_text, start, end = hit.text, 0, len(hit.text)
    before_start = max(0, start - CONTEXT_CHARS)
    after_end = min(len(full_text), end + CONTEXT_CHARS)
    passage = full_text[start:end]
    spans = hit.highlights if hit.text == passage else ()
    spans = spans or query_highlights(passage, query)
    # wrapped lines flow to the pane's width; offsets are carried over to the reflowed text
    window = full_text[before_start:after_end]
    shown, where = (window, list(range(len(window) + 1))) if _keeps_lines(hit) else reflowed(window)
    offset = start - before_start
    shown_start, shown_end = where[offset], where[offset + len(passage)]
    shown_spans = tuple(
        Span(where[offset + s.start] - shown_start, where[offset + s.end] - shown_start)
        for s in spans
        if 0 <= s.start < s.end <= len(passage)
    )
    marked = _mark(shown[shown_start:shown_end], shown_spans)
    parts = [
        "<div style='white-space: pre-wrap;'>",
        "… " if before_start > 0 else "",
        html.escape(shown[:shown_start]),
        f"<a name='passage'></a><span style='background: {PASSAGE_BACKGROUND};'>{marked}</span>",
        html.escape(shown[shown_end:]),
        " …" if after_end < len(full_text) else "",
        "</div>",
    ]
    return "".join(parts)


def _keeps_lines(hit: SearchHit) -> bool:
    """A hit of a file whose line breaks are its content (code, a log, a table) or whose lines are
    whole paragraphs (a web page, a word processor's document): not reflowed."""
    name = hit.part or hit.path
    return os.path.splitext(name)[1].lower().lstrip(".") in KEEP_LINES


def preview_picture(data: bytes | None) -> QImage | None:
    """A picture decoded for the preview, scaled down while decoding (a 10,000-pixel scan does not
    become a 300 MB image); None when there is none or Qt cannot read it (the text is shown alone)."""
    if not data:
        return None
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    reader = QImageReader(buffer)
    size = reader.size()
    if size.isValid() and max(size.width(), size.height()) > PICTURE_MAX_SIDE:
        reader.setScaledSize(
            size.scaled(QSize(PICTURE_MAX_SIDE, PICTURE_MAX_SIDE), Qt.AspectRatioMode.KeepAspectRatio)
        )
    image = reader.read()
    return None if image.isNull() else image


def _squash(text: str) -> str:
    return " ".join(text.split())


def _mark(text: str, spans: tuple[Span, ...]) -> str:
    out: list[str] = []
    pos = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < pos or span.end > len(text):
            continue
        out.append(html.escape(text[pos : span.start]))
        out.append(
            f"<b style='background: {MATCH_BACKGROUND};'>{html.escape(text[span.start : span.end])}</b>"
        )
        pos = span.end
    out.append(html.escape(text[pos:]))
    return "".join(out)


class PreviewController(QObject):
    """Follows the current result; owns the Open / Show in folder / Find similar actions."""

    def __init__(self, bridge: EngineBridge, view: SearchView, opener: Opener) -> None:
        super().__init__(view)
        self.bridge = bridge
        self.view = view
        self.pane: PreviewPane = view.preview
        self.opener = opener
        self.hit: SearchHit | None = None
        self._pdf_path = ""
        self._picture: QImage | None = None  # the current hit's picture, once read
        self._body = ""  # the current hit's text, as last shown
        view.results.selectionModel().currentChanged.connect(self._on_current_changed)
        view.model.modelReset.connect(self._on_reset)
        self.pane.open_button.clicked.connect(self.open_current)
        self.pane.reveal_button.clicked.connect(self.reveal_current)
        self.pane.similar_button.clicked.connect(self.find_similar)
        self.pane.page_button.toggled.connect(self._on_page_toggled)

    def _on_reset(self) -> None:
        self.hit = None
        self.pane.show_placeholder()

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        hit = current.data(ResultRole.HIT) if current.isValid() else None
        if hit is None:
            self._on_reset()
        else:
            self.show_hit(hit)

    def current_hit(self) -> SearchHit | None:
        index = self.view.results.currentIndex()
        hit = index.data(ResultRole.HIT) if index.isValid() else None
        if hit is None and self.view.model.rowCount():
            hit = self.view.model.hit_at(0)
        return hit

    # -- showing ---------------------------------------------------------------------------------

    def show_hit(self, hit: SearchHit) -> None:
        self.hit = hit
        self._picture = None
        pane = self.pane
        name, folder = split_path(hit.path)
        pane.title.setText(f"<b>{html.escape(part_title(name, hit.part))}</b>")
        where = [folder]
        if hit.page:
            where.append(f"page {hit.page}")
        if hit.heading:
            where.append(hit.heading)
        pane.location.setText(html.escape(" · ".join(where)))
        pane.set_actions_enabled(True)
        is_pdf = document_extension(from_key(hit.path)) == "pdf"  # manual.pdf.gz too
        pane.page_button.setVisible(is_pdf and pdf_support())
        query = self.view.box.text()
        # the passage at once (its own highlights), then its surroundings when the text has been read
        self._show_text(passage_html(hit.text, hit), hit)

        def surroundings(engine: Engine) -> str:
            text = engine.extracted_text(hit.path)
            return passage_html(text, hit, query) if text else ""

        self.bridge.submit(
            surroundings,
            lambda body: self._on_text(hit, body),
            key="preview",
            context="reading the file for the preview",
        )
        if is_pdf and pane.page_button.isVisible() and pane.page_button.isChecked():
            self._show_pdf_page(hit)
        if is_picture(from_key(hit.path), hit.part):
            self.bridge.submit(
                lambda _engine: preview_picture(picture_data(from_key(hit.path), hit.part)),
                lambda image: self._on_picture(hit, image),
                key="preview-picture",
                context="reading the picture for the preview",
            )

    def _on_picture(self, hit: SearchHit, image: QImage | None) -> None:
        if hit is not self.hit or image is None:
            return
        self._picture = image
        self._show_text(self._body, hit)

    def _on_text(self, hit: SearchHit, body: str) -> None:
        if hit is not self.hit or not body:
            return
        self._show_text(body, hit)

    def _show_text(self, body: str, hit: SearchHit) -> None:
        pane = self.pane
        self._body = body
        if self._picture is not None:  # the picture the text was recognised from, above it
            document = pane.text.document()
            document.addResource(QTextDocument.ResourceType.ImageResource, PICTURE_URL, self._picture)
            width = min(self._picture.width(), max(64, pane.text.viewport().width() - 24))
            body = f"<p><img src='{PICTURE_URL.toString()}' width='{width}'></p>{body}"
        pane.text.setHtml(body)
        if not (pane.page_button.isVisible() and pane.page_button.isChecked()):
            pane.stack.setCurrentWidget(pane.text)
        bar = pane.text.verticalScrollBar()
        if self._picture is not None:  # the picture first: the text was read from it
            bar.setValue(0)
            return
        pane.text.scrollToAnchor("passage")
        if bar.value() > 0:  # leave some context above the passage
            bar.setValue(max(0, bar.value() - pane.text.viewport().height() // 4))

    def _on_page_toggled(self, checked: bool) -> None:
        if self.hit is None:
            return
        if checked:
            self._show_pdf_page(self.hit)
        else:
            self.pane.stack.setCurrentWidget(self.pane.text)

    def _show_pdf_page(self, hit: SearchHit) -> None:
        pane = self.pane
        if not pane.ensure_pdf_view():
            return
        path = from_key(hit.path)
        if self._pdf_path != path:
            if not path.lower().endswith(".pdf"):
                # a compressed PDF: its decompressed copy, made off the UI thread, is what is shown
                self.bridge.submit(
                    lambda _engine: decompressed_copy(path),
                    lambda copy: self._on_pdf_copy(hit, path, copy),
                    key="preview-pdf",
                    context="decompressing the PDF for the preview",
                )
                return
            pane.pdf_document.load(path)
            self._pdf_path = path
        self._jump_to_page(hit)

    def _on_pdf_copy(self, hit: SearchHit, path: str, copy: object) -> None:
        if hit is not self.hit or copy is None or not self.pane.page_button.isChecked():
            return
        self.pane.pdf_document.load(str(copy))
        self._pdf_path = path
        self._jump_to_page(hit)

    def _jump_to_page(self, hit: SearchHit) -> None:
        pane = self.pane
        navigator = pane.pdf_view.pageNavigator()
        page = max(0, (hit.page or 1) - 1)
        navigator.jump(page, QPointF(), navigator.currentZoom())
        pane.pdf_search.setSearchString(page_search_text(hit))
        pane.stack.setCurrentWidget(pane.pdf_view)

    def show_pdf_by_default(self, enabled: bool) -> None:
        self.pane.page_button.setChecked(enabled and pdf_support())

    # -- actions ---------------------------------------------------------------------------------

    def open_current(self) -> None:
        hit = self.current_hit()
        if hit is None:
            return
        if not os.path.exists(from_key(hit.path)):
            self.view.summary.setText(f"{display(hit.path)} is no longer there.")
            return
        if not self.opener.open(hit.path, hit.page, hit.part) and hit.part:
            self.view.summary.setText(f"Could not open {hit.part} from {display(hit.path)}.")

    def reveal_current(self) -> None:
        hit = self.current_hit()
        if hit is not None:
            self.opener.reveal(hit.path)

    def find_similar(self) -> None:
        hit = self.current_hit()
        if hit is not None:
            self.bridge.find_similar(hit)

    def state(self) -> dict[str, Any]:
        return {"pdf_pages": self.pane.page_button.isChecked()}


def page_search_text(hit: SearchHit) -> str:
    """What the rendered PDF page marks: the longest of the query's words painted in the hit's passage
    (three letters at least, two in Chinese or Japanese), so the page shows where the passage matched;
    for a passage found by meaning alone (in another language than the query, say), its opening words,
    so the page shows where the passage starts (found on their page for every one of 173 passages
    sampled from six real manuals in five languages)."""
    found = {hit.text[span.start : span.end].strip() for span in hit.highlights}
    words = sorted(
        (w for w in found if len(w) >= (3 if w.isascii() else 2)), key=lambda w: (-len(w), w.lower())
    )
    return words[0] if words else passage_opening(hit.text)


def passage_opening(text: str) -> str:
    """The first words of a passage's first line: four (at most 40 characters), or the first eight
    letters of a line written without spaces (Chinese, Japanese); "" for a line too short to tell."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    words = line.split()
    if not words:
        return ""
    if not words[0].isascii() and len(words[0]) >= 8:
        return words[0][:8]
    opening = words[0]
    for word in words[1:4]:
        if len(opening) + 1 + len(word) > 40:
            break
        opening += " " + word
    return opening if len(opening) >= 6 else ""
