"""Behaviour of the search pane: search as you type (debounced), filters, results, keyboard."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_search.core import SearchFilters, display, parse_query, without_operator
from desktop_search.gui.engine_bridge import (
    MAIN_STREAM,
    EngineBridge,
    ModelState,
    SearchRequest,
    SearchResults,
)
from desktop_search.gui.results_model import ResultRole
from desktop_search.gui.search_view import ALL_FOLDERS, SearchView
from desktop_search.gui.wording import counted

DEBOUNCE_MS = 220
MIN_QUERY_CHARS = 2


class SearchController(QObject):
    """Sends queries to the bridge and shows what comes back; remembers the filters in ``state``."""

    add_folder_requested = Signal()
    open_requested = Signal()  # Enter on a result (the preview controller opens it)
    reveal_requested = Signal()
    state_changed = Signal()

    def __init__(self, bridge: EngineBridge, view: SearchView, state: dict[str, Any]) -> None:
        super().__init__(view)
        self.bridge = bridge
        self.view = view
        self.state = state
        self.last_results: SearchResults | None = None
        self._last_request: SearchRequest | None = None
        self._engine_open = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search_now)

        view.box.textEdited.connect(self._on_text_edited)
        view.box.returnPressed.connect(self._on_return)
        view.box.escape_pressed.connect(self.clear)
        view.box.reveal_requested.connect(self.reveal_requested)
        view.results.open_requested.connect(self._open_or_show_weak)
        view.results.reveal_requested.connect(self.reveal_requested)
        view.results.doubleClicked.connect(lambda _index: self._open_or_show_weak())
        view.delegate.more_clicked.connect(view.model.toggle_more)
        view.delegate.weak_clicked.connect(view.model.show_weak)
        view.chips.removed.connect(self._on_chip_removed)
        view.sort_order.currentIndexChanged.connect(self._on_filter_changed)
        view.welcome.add_folder_clicked.connect(self.add_folder_requested)
        for combo in (view.folder_filter, view.type_filter, view.date_filter):
            combo.currentIndexChanged.connect(self._on_filter_changed)

        bridge.engine_opened.connect(self._on_engine_opened)
        bridge.model_loading.connect(self._on_model_loading)
        bridge.model_ready.connect(self._on_model_ready)
        bridge.model_failed.connect(self._on_model_failed)
        bridge.engine_failed.connect(self._on_engine_failed)
        bridge.folders_changed.connect(self.refresh_folders)
        bridge.results.connect(self._on_results)
        self._restore_filters()
        view.show_message("Opening the index…")

    # -- model and folders -----------------------------------------------------------------------

    def _on_model_loading(self, message: str) -> None:
        if self.bridge.model_state == ModelState.LOADING:
            self.view.box.setPlaceholderText("Loading model… type to search when it is ready")
            self.view.summary.setText(message)

    def _on_model_ready(self) -> None:
        self.view.box.setPlaceholderText("Search your files by meaning…")
        self.view.summary.setText("")
        if self.view.box.text().strip() and self._last_request is None:
            self.search_now()

    def _on_model_failed(self, _exc: BaseException) -> None:
        self.view.box.setPlaceholderText("Search by keywords (the model is unavailable)")
        self.view.summary.setText("The model could not be loaded: searching by keywords only.")

    def _on_engine_failed(self, _exc: BaseException) -> None:
        self.view.box.setPlaceholderText("The index could not be opened")
        self.view.box.setEnabled(False)
        self.view.show_message("The index could not be opened. See the message above.")

    def _on_engine_opened(self) -> None:
        self._engine_open = True
        self.refresh_folders()

    def refresh_folders(self) -> None:
        engine = self.bridge.engine
        if engine is None:
            return
        folders = list(engine.folders)
        combo = self.view.folder_filter
        wanted = combo.currentData() or self.state.get("filters", {}).get("folder", "")
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(ALL_FOLDERS, "")
        for folder in folders:
            combo.addItem(display(folder), folder)
            combo.setItemData(combo.count() - 1, display(folder), 3)  # tooltip role
        index = combo.findData(wanted)
        combo.setCurrentIndex(max(0, index))
        combo.blockSignals(False)
        if not folders:
            self.view.show_welcome()
        elif self.view.welcome_shown or not self.view.box.text():
            self.view.show_message("Type to search your files.")
            if self.last_results is not None and self.view.model.rowCount():
                self.view.show_results()

    # -- filters ---------------------------------------------------------------------------------

    def filters(self) -> SearchFilters:
        folder = self.view.folder_filter.currentData() or ""
        exts = self.view.type_filter.currentData() or ()
        days = self.view.date_filter.currentData()
        after = time.time() - days * 86400 if days else None
        return SearchFilters(
            folders=(folder,) if folder else (), extensions=tuple(exts), modified_after=after
        )

    def _restore_filters(self) -> None:
        saved = self.state.get("filters", {})
        view = self.view
        for combo, key in ((view.type_filter, "type"), (view.date_filter, "date"), (view.sort_order, "sort")):
            index = combo.findText(str(saved.get(key, "")))
            if index >= 0:
                combo.blockSignals(True)
                combo.setCurrentIndex(index)
                combo.blockSignals(False)

    def _on_filter_changed(self) -> None:
        self.state["filters"] = {
            "folder": self.view.folder_filter.currentData() or "",
            "type": self.view.type_filter.currentText(),
            "date": self.view.date_filter.currentText(),
            "sort": self.view.sort_order.currentText(),
        }
        self.state_changed.emit()
        self.refresh_chips()
        if self.view.box.text().strip():
            self.search_now()

    # -- searching -------------------------------------------------------------------------------

    # -- chips -----------------------------------------------------------------------------------

    def refresh_chips(self) -> None:
        """Chips for the box's operators and the menus' filters; a menu whose filter an operator
        replaces is greyed out while it does."""
        view = self.view
        parsed = parse_query(view.box.text(), self._folders())
        chips = [(f"op:{i}", op.label) for i, op in enumerate(parsed.operators)]
        keys = {op.key for op in parsed.operators}
        menus = (
            (view.folder_filter, "in", "in: "),
            (view.type_filter, "type", "type: "),
            (view.date_filter, "after", ""),
        )
        for combo, key, prefix in menus:
            replaced = key in keys
            combo.setEnabled(not replaced)
            if replaced:
                combo.setToolTip(f"Set by “{key}:” in the search box")
            elif combo.currentIndex() > 0:
                chips.append((f"menu:{key}", prefix + combo.currentText()))
        view.chips.set_chips(chips, parsed.messages)

    def _on_chip_removed(self, key: str) -> None:
        view = self.view
        kind, _sep, which = key.partition(":")
        if kind == "op":
            parsed = parse_query(view.box.text(), self._folders())
            if which.isdigit() and int(which) < len(parsed.operators):
                view.box.setText(without_operator(view.box.text(), parsed.operators[int(which)]))
            self.refresh_chips()
            if view.box.text().strip():
                self.search_now()
            else:
                self.clear(keep_focus=True)
            return
        combo = {"in": view.folder_filter, "type": view.type_filter, "after": view.date_filter}.get(which)
        if combo is not None:
            combo.setCurrentIndex(0)  # its signal searches again and refreshes the chips

    def _folders(self) -> list[str]:
        engine = self.bridge.engine
        return list(engine.folders) if engine is not None else []

    def _open_or_show_weak(self) -> None:
        current = self.view.results.currentIndex()
        if current.isValid() and current.data(ResultRole.WEAK_COUNT):
            self.view.model.show_weak()
            return
        self.open_requested.emit()

    # -- typing ----------------------------------------------------------------------------------

    def _on_text_edited(self, text: str) -> None:
        self.refresh_chips()
        if len(text.strip()) >= MIN_QUERY_CHARS:
            self._debounce.start()
        elif not text.strip():
            self.clear(keep_focus=True)

    def _on_return(self) -> None:
        query = self.view.box.text().strip()
        if (
            self.last_results is not None
            and self.last_results.request.query == query
            and self.last_results.request.similar_to is None
            and self.view.model.rowCount()
        ):
            self.open_requested.emit()
            return
        self.search_now()

    def search_now(self) -> None:
        self._debounce.stop()
        query = self.view.box.text().strip()
        if not query:
            return
        self.refresh_chips()
        sort = self.view.sort_order.currentData() or "relevance"
        self._last_request = self.bridge.search(query, self.filters(), sort=sort)
        if self.bridge.model_state == ModelState.LOADING:
            self.view.summary.setText("Waiting for the model to load; your search will run then…")

    def find_similar_shown(self, request: SearchRequest) -> None:
        self._last_request = request

    def _on_results(self, results: SearchResults) -> None:
        request = results.request
        if request.stream != MAIN_STREAM:
            return  # the quick-search popup's
        self.last_results = results
        view = self.view
        view.model.set_hits(results.hits, results.weak)
        if results.hits or results.weak:
            view.show_results()
            view.results.setCurrentIndex(view.model.index(0))
            view.results.scrollToTop()
        elif results.parsed is not None and not results.parsed.text.strip():
            view.show_message("Type some words to look for; the filters alone do not search.")
        elif request.similar_to is None:
            view.show_message(f"No passages found for “{request.query}”. Try other words or fewer filters.")
        else:
            view.show_message("No similar passages found.")
        files = len(results.hits)
        passages = files + sum(len(h.inline) + len(h.more) for h in results.hits)
        what = (
            f"Passages similar to {display(request.similar_to.path).rsplit('/', 1)[-1]}"
            if request.similar_to is not None
            else f"{counted(passages, 'passage')} in {counted(files, 'file')}"
        )
        mode = " · keywords only" if results.mode == "keyword" else ""
        if results.weak:
            mode += f" · {len(results.weak)} weaker hidden"
        if results.provisional:
            mode = " · keyword matches; meaning-based results follow when the model is ready"
        view.summary.setText(f"{what} · {results.elapsed_s * 1000:.0f} ms{mode}")

    def clear(self, keep_focus: bool = False) -> None:
        """Escape: empty the box and the results."""
        self._debounce.stop()
        self.bridge.cancel_search()
        self.view.box.clear()
        self.refresh_chips()
        self.view.model.clear()
        self.last_results = None
        self._last_request = None
        self.view.summary.setText("")
        if self.bridge.engine is not None and not self.bridge.engine.folders:
            self.view.show_welcome()
        else:
            self.view.show_message("Type to search your files.")
        self.view.preview.show_placeholder()
        self.view.box.setFocus()

    def focus_box(self) -> None:
        """Ctrl+F / Ctrl+L."""
        self.view.box.setFocus()
        self.view.box.selectAll()
