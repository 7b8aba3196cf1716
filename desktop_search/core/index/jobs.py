"""Pause, resume and cancel for long jobs, checked by the job at safe points."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

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


class RunsInFlight:
    """The controls of the blocking index runs now in progress, so closing can stop them first.

    A run called from a thread of the caller's (the CLI's worker, a test's) is not the background
    service's: without this, closing the store under it would pull SQLite from under a running query.
    """

    def __init__(self) -> None:
        self._controls: list[JobControl] = []
        self._changed = threading.Condition()

    @contextmanager
    def track(self, control: JobControl | None) -> Iterator[JobControl]:
        """Run under ``control`` (a new one when None), counted as in flight until the block ends."""
        control = control if control is not None else JobControl()
        with self._changed:
            self._controls.append(control)
        try:
            yield control
        finally:
            with self._changed:
                self._controls.remove(control)
                self._changed.notify_all()

    def cancel_and_wait(self, timeout: float) -> bool:
        """Cancel every run in flight and wait for them to end; False when one outlived ``timeout``."""
        with self._changed:
            for control in self._controls:
                control.cancel()
            return self._changed.wait_for(lambda: not self._controls, timeout)
