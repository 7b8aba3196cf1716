"""Calling back into the GUI thread from worker threads (workers never touch widgets)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot


class _Invoker(QObject):
    """Lives in the GUI thread; a queued signal carries callables to it."""

    invoke = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.invoke.connect(self._run, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _run(self, call: Callable[[], Any]) -> None:
        call()


_invoker: _Invoker | None = None


def install_invoker() -> None:
    """Create the GUI-thread invoker (idempotent; call from the GUI thread once a QApplication exists)."""
    global _invoker
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("install_invoker needs a QApplication")
    if _invoker is None or _invoker.thread() is not app.thread():
        _invoker = _Invoker()
        _invoker.moveToThread(app.thread())


def run_on_main(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run ``fn(*args, **kwargs)`` soon in the GUI thread (always queued, even from the GUI thread)."""
    if _invoker is None:
        raise RuntimeError("run_on_main before install_invoker")
    _invoker.invoke.emit(functools.partial(fn, *args, **kwargs))


def on_main_thread() -> bool:
    app = QCoreApplication.instance()
    return app is not None and QThread.currentThread() is app.thread()
