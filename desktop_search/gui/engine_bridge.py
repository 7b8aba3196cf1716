"""The GUI's only way to the core: runs :class:`~desktop_search.core.Engine` work off the UI thread.

* ``start()`` opens the engine and loads the model in a worker thread (torch and chromadb are imported
  there, never on the UI thread), then starts the engine's background indexer.
* Progress from the indexer arrives as :class:`~desktop_search.core.IndexProgress` on
  :attr:`EngineBridge.progress`, at most about ten times a second (phase changes always pass).
* Searches run in one search thread, for the main window and the quick-search popup alike; each has
  its own stream (``SearchRequest.stream``), in which a newer query supersedes an older one that has
  not run yet and the results of a superseded query are dropped. A query made while the model loads
  gets keyword matches at once (``SearchResults.provisional``) and runs again in full when the model
  is ready. Hits leave the search thread with their highlights filled in.
* Other engine calls (``submit``) run in a small pool; their results come back on the UI thread.

Signals carry frozen dataclasses; no worker touches a widget.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_search.core import (
    IndexProgress,
    ParsedQuery,
    Phase,
    SearchFilters,
    SearchHit,
    parse_query,
    sort_hits,
    split_weak,
)
from desktop_search.gui.errors import ErrorReporter
from desktop_search.gui.highlighting import with_highlights
from desktop_search.gui.main_thread import install_invoker, run_on_main

if TYPE_CHECKING:
    from desktop_search.core import Engine

log = logging.getLogger(__name__)

EngineFactory = Callable[[], "Engine"]
PROGRESS_INTERVAL_S = 0.1
MAIN_STREAM = "main"  # the main window's searches
QUICK_STREAM = "quick"  # the quick-search popup's searches


class ModelState(StrEnum):
    NOT_STARTED = "not started"
    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True)
class SearchRequest:
    """A query (or a find-similar request) sent to the search thread."""

    seq: int
    query: str
    filters: SearchFilters = field(default_factory=SearchFilters)
    k: int = 30
    similar_to: SearchHit | None = None  # find passages like this one instead of running ``query``
    stream: str = MAIN_STREAM  # who asked; a newer request supersedes older ones of its stream only
    sort: str = "relevance"  # or "date": newest first


@dataclass(frozen=True)
class SearchResults:
    """The answer to a :class:`SearchRequest`."""

    request: SearchRequest
    hits: tuple[SearchHit, ...]
    elapsed_s: float
    mode: str = "hybrid"  # "keyword" while the model loads or when it is unavailable
    provisional: bool = False  # keyword matches while the model loads; full results follow
    weak: tuple[SearchHit, ...] = ()  # below the relevance floor: behind "Show N weaker results"
    parsed: ParsedQuery | None = None  # the query's text, operators and messages (see core.parse_query)


def default_engine_factory() -> Engine:
    from desktop_search.core import Engine

    return Engine.open()


class EngineBridge(QObject):
    """Owns the engine's worker threads and relays their results as signals on the UI thread."""

    engine_opened = Signal()
    engine_failed = Signal(object)  # the exception
    model_loading = Signal(str)  # a status message
    model_ready = Signal()
    model_failed = Signal(object)  # the exception (a UserError such as ModelUnavailableError)
    progress = Signal(object)  # IndexProgress
    search_started = Signal(object)  # SearchRequest
    results = Signal(object)  # SearchResults
    search_failed = Signal(object, object)  # the SearchRequest, the exception (also reported)
    folders_changed = Signal()

    def __init__(
        self,
        errors: ErrorReporter,
        engine_factory: EngineFactory = default_engine_factory,
        background: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        install_invoker()
        self.errors = errors
        self._factory = engine_factory
        self._background = background  # start the engine's indexer service once the model is ready
        self.engine: Engine | None = None
        self.model_state = ModelState.NOT_STARTED
        self.last_progress: IndexProgress | None = None
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="ds-gui-task")
        self._latest: dict[str, int] = {}
        self._seq = 0
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._pending: dict[str, SearchRequest] = {}  # per stream: the request waiting to run
        self._latest_search: dict[str, int] = {}  # per stream: the seq whose results are shown
        self._closing = False
        self._opened = threading.Event()  # the engine is open (or failed to open): searches may run
        self._provisional: dict[str, SearchRequest] = {}  # per stream: answered by keywords, to run again
        self._search_thread = threading.Thread(target=self._search_loop, name="ds-gui-search", daemon=True)
        self._search_thread.start()
        self._startup_thread: threading.Thread | None = None
        # progress throttle (worker side writes, UI side reads)
        self._progress_lock = threading.Lock()
        self._progress_pending: IndexProgress | None = None
        self._progress_sent_at = 0.0
        self._progress_phase: Phase | None = None
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.timeout.connect(self._flush_progress)

    # -- start-up --------------------------------------------------------------------------------

    def start(self) -> None:
        """Open the engine, load the model and start indexing, all in a worker thread."""
        if self._startup_thread is not None:
            return
        self.model_state = ModelState.LOADING
        self._startup_thread = threading.Thread(target=self._start_up, name="ds-gui-startup", daemon=True)
        self._startup_thread.start()

    def _start_up(self) -> None:
        try:
            run_on_main(self.model_loading.emit, "Opening the index…")
            engine = self._factory()
        except Exception as exc:
            self._opened.set()
            run_on_main(self._set_failed, exc, opening=True)
            return
        self.engine = engine
        self._opened.set()
        run_on_main(self.engine_opened.emit)
        if self._closing:
            return
        if self._background:  # keyword first: files become searchable while the model loads
            try:
                engine.start_background(progress=self._on_progress, watch=engine.settings.watch)
            except Exception as exc:
                self.errors.report(exc, "starting the indexer")
        try:
            run_on_main(self.model_loading.emit, "Loading model…")
            engine.load_model(lambda p: run_on_main(self.model_loading.emit, p.message))
        except Exception as exc:
            self.model_state = ModelState.FAILED  # searches from now on use keywords only
            run_on_main(self._set_failed, exc, opening=False)
            return
        self.model_state = ModelState.READY
        run_on_main(self._set_ready)

    def _set_ready(self) -> None:
        self.model_state = ModelState.READY
        self.model_ready.emit()
        provisional, self._provisional = self._provisional, {}
        for request in provisional.values():
            if self._is_latest(request):
                self._run_again(request)  # now in full

    def _set_failed(self, exc: BaseException, opening: bool) -> None:
        self.model_state = ModelState.FAILED
        self.errors.report(exc, "opening the index" if opening else "loading the model")
        (self.engine_failed if opening else self.model_failed).emit(exc)

    # -- progress --------------------------------------------------------------------------------

    def _on_progress(self, progress: IndexProgress) -> None:
        """Called by the engine's indexer thread; forwards at most ~10 reports a second."""
        now = time.monotonic()
        with self._progress_lock:
            urgent = progress.phase != self._progress_phase
            due = now - self._progress_sent_at >= PROGRESS_INTERVAL_S
            if urgent or due:
                self._progress_phase = progress.phase
                self._progress_sent_at = now
                self._progress_pending = None
                send = True
            else:
                scheduled = self._progress_pending is not None
                self._progress_pending = progress
                send = False
        if send:
            run_on_main(self._deliver_progress, progress)
        elif not scheduled:
            run_on_main(self._schedule_flush)

    def _schedule_flush(self) -> None:
        if not self._progress_timer.isActive():
            self._progress_timer.start(int(PROGRESS_INTERVAL_S * 1000))

    def _flush_progress(self) -> None:
        with self._progress_lock:
            progress, self._progress_pending = self._progress_pending, None
            if progress is not None:
                self._progress_sent_at = time.monotonic()
        if progress is not None:
            self._deliver_progress(progress)

    def _deliver_progress(self, progress: IndexProgress) -> None:
        if self._closing:
            return
        self.last_progress = progress
        self.progress.emit(progress)

    # -- searching -------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        filters: SearchFilters | None = None,
        k: int = 30,
        stream: str = MAIN_STREAM,
        sort: str = "relevance",
    ) -> SearchRequest:
        """Queue a search (``query`` as typed: its operators are read here, see ``core.parse_query``); a
        newer one of the same stream supersedes it. Results arrive on :attr:`results`."""
        return self._queue(query=query, filters=filters or SearchFilters(), k=k, stream=stream, sort=sort)

    def find_similar(self, hit: SearchHit, k: int = 20) -> SearchRequest:
        return self._queue(query="", filters=SearchFilters(), k=k, similar_to=hit)

    def _queue(self, **fields: Any) -> SearchRequest:
        with self._lock:
            self._seq += 1
            request = SearchRequest(seq=self._seq, **fields)
            self._pending[request.stream] = request
            self._latest_search[request.stream] = request.seq
            self._wake.notify()
        self.search_started.emit(request)
        return request

    def _run_again(self, request: SearchRequest) -> SearchRequest:
        return self._queue(
            query=request.query,
            filters=request.filters,
            k=request.k,
            stream=request.stream,
            sort=request.sort,
        )

    def _is_latest(self, request: SearchRequest) -> bool:
        return request.seq == self._latest_search.get(request.stream)

    def cancel_search(self, stream: str = MAIN_STREAM) -> None:
        """Drop a queued search of ``stream`` and the results of one in flight (the box was cleared)."""
        with self._lock:
            self._seq += 1
            self._latest_search[stream] = self._seq
            self._pending.pop(stream, None)

    def _next_request(self) -> SearchRequest | None:
        """The oldest waiting request (called with the lock held)."""
        if not self._pending:
            return None
        request = min(self._pending.values(), key=lambda r: r.seq)
        del self._pending[request.stream]
        return request

    def _search_loop(self) -> None:
        while True:
            with self._lock:
                while not self._pending and not self._closing:
                    self._wake.wait()
                if self._closing:
                    return
            self._opened.wait()
            with self._lock:
                request = self._next_request()
            if request is None or self._closing:
                continue
            engine = self.engine
            if engine is None:  # opening failed
                continue
            started = time.perf_counter()
            state = self.model_state
            mode = "hybrid" if state == ModelState.READY else "keyword"
            provisional = state in (ModelState.LOADING, ModelState.NOT_STARTED) and request.similar_to is None
            if request.similar_to is not None and state != ModelState.READY:
                continue  # find-similar needs the model; its button is only enabled on results
            parsed: ParsedQuery | None = None
            weak: list[SearchHit] = []
            try:
                if request.similar_to is not None:
                    hits = engine.find_similar(chunk_id=request.similar_to.chunk_id, k=request.k)
                else:
                    parsed = parse_query(request.query, engine.folders)
                    filters = parsed.filters(request.filters)
                    hits = engine.search(parsed.text, k=request.k, filters=filters, mode=mode)
                    hits, weak = split_weak(hits)
                    hits, weak = sort_hits(hits, request.sort), sort_hits(weak, request.sort)
                text = parsed.text if parsed is not None else request.query
                # here, so the UI thread never runs the matcher
                hits, weak = with_highlights(hits, text), with_highlights(weak, text)
            except Exception as exc:
                if not self._closing:
                    self.errors.report(exc, "searching")
                    run_on_main(self.search_failed.emit, request, exc)
                continue
            took = time.perf_counter() - started
            result = SearchResults(request, tuple(hits), took, mode, provisional, tuple(weak), parsed)
            run_on_main(self._deliver_results, result)

    def _deliver_results(self, result: SearchResults) -> None:
        if self._closing or not self._is_latest(result.request):
            return  # superseded by a newer query
        if result.provisional:
            if self.model_state == ModelState.READY:  # the model came while this ran: run it in full
                self._run_again(result.request)
            else:
                self._provisional[result.request.stream] = result.request
        self.results.emit(result)

    # -- other engine calls ----------------------------------------------------------------------

    def submit(
        self,
        job: Callable[[Engine], Any],
        on_done: Callable[[Any], None] | None = None,
        key: str | None = None,
        context: str = "",
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``job(engine)`` in a worker; ``on_done(result)`` runs on the UI thread.

        With a ``key``, only the newest job of that key delivers its result (older ones are dropped).
        Errors go to the error reporter (and ``on_error`` if given).
        """
        if self.engine is None or self._closing:
            return
        engine = self.engine
        seq = 0
        if key is not None:
            self._seq += 1
            seq = self._latest[key] = self._seq

        def run() -> None:
            try:
                result = job(engine)
            except Exception as exc:
                if not self._closing:
                    self.errors.report(exc, context)
                    if on_error is not None:
                        run_on_main(on_error, exc)
                return
            if on_done is not None:
                run_on_main(deliver, result)

        def deliver(result: Any) -> None:
            if self._closing or (key is not None and self._latest.get(key) != seq):
                return
            on_done(result)  # type: ignore[misc]

        self._pool.submit(run)

    # folders (the background service scans what was added)
    def add_folder(self, folder: str) -> None:
        self.submit(
            lambda e: e.add_folder(folder), lambda _r: self.folders_changed.emit(), context="adding a folder"
        )

    def remove_folder(self, folder: str) -> None:
        self.submit(
            lambda e: e.remove_folder(folder),
            lambda _r: self.folders_changed.emit(),
            context="removing a folder",
        )

    # indexing control (quick calls; safe from any thread)
    def pause_indexing(self) -> None:
        if self.engine is not None:
            self.engine.pause_indexing()

    def resume_indexing(self) -> None:
        if self.engine is not None:
            self.engine.resume_indexing()

    @property
    def indexing_paused(self) -> bool:
        return self.engine is not None and self.engine.indexing_paused

    # -- shutdown --------------------------------------------------------------------------------

    def shutdown(self, timeout: float = 30.0) -> None:
        """Stop the indexer (finishing its batch), the workers, and close the engine."""
        if self._closing:
            return
        self._closing = True
        self._progress_timer.stop()
        with self._lock:
            self._pending.clear()
            self._wake.notify_all()
        self._opened.set()
        if self._startup_thread is not None:
            self._startup_thread.join(timeout)
        engine = self.engine
        if engine is not None:
            try:
                engine.stop_background(timeout)
            except Exception:
                log.exception("stopping the indexer")
        self._search_thread.join(timeout)
        self._pool.shutdown(wait=True, cancel_futures=True)
        if engine is not None:
            try:
                engine.close()
            except Exception:
                log.exception("closing the engine")
