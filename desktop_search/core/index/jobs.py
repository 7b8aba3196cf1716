"""Pause, resume and cancel for long jobs, checked by the job at safe points."""

from __future__ import annotations

import threading

from desktop_search.core.errors import Cancelled


class JobControl:
    """Shared between the job (which calls :meth:`checkpoint`) and whoever controls it."""

    def __init__(self) -> None:
        self._running = threading.Event()
        self._running.set()
        self._cancelled = threading.Event()

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def cancel(self) -> None:
        self._cancelled.set()
        self._running.set()  # wake a paused job so it can see the cancel

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def checkpoint(self, on_pause: object = None) -> None:
        """Block while paused; raise :class:`Cancelled` if cancelled. Call between units of work.

        ``on_pause`` (a callable) is called once when the job is about to wait.
        """
        if self._cancelled.is_set():
            raise Cancelled
        if not self._running.is_set():
            if callable(on_pause):
                on_pause()
            self._running.wait()
            if self._cancelled.is_set():
                raise Cancelled
