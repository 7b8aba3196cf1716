"""SIGTERM (logout, ``kill``), SIGINT and SIGHUP quit the app the way the tray's Quit does.

The handler is installed first thing in ``main()``, before the single-instance socket listens: a
signal that arrives while the window is still being built must not kill the process with Python's
default action. The handler only schedules the quit; what quitting means (``target``) is read when
the event loop runs it, so the tray can take over once it exists.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

TERMINATION_SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP")


class QuitOnTermination(QObject):
    """Turns termination signals into one call of ``target`` on the Qt event loop."""

    def __init__(self, target: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.target = target
        self.requested = False
        self._ticker = QTimer(self)
        # Python runs signal handlers only when it gets control; a slow timer gives it that.
        self._ticker.timeout.connect(lambda: None)

    def install(self) -> list[str]:
        """Handle the signals still at their defaults (from the main thread only); returns their names."""
        if threading.current_thread() is not threading.main_thread():
            return []
        installed = []
        for name in TERMINATION_SIGNALS:
            signum = getattr(signal, name, None)
            if signum is None:
                continue
            if signal.getsignal(signum) in (signal.SIG_DFL, signal.default_int_handler):
                signal.signal(signum, self._on_signal)
                installed.append(name)
        if installed:
            self._ticker.start(500)
        return installed

    def _on_signal(self, _signum: int, _frame: object) -> None:
        if self.requested:
            return
        self.requested = True
        QTimer.singleShot(0, self, self._quit)  # runs once the event loop turns, even if not yet running

    def _quit(self) -> None:
        self.target()
