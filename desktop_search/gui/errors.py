"""One place for problems: user errors (a message and what to do) apart from bugs (logged, shown once).

Workers and controllers call :meth:`ErrorReporter.user_error` or :meth:`ErrorReporter.bug` from any
thread; the main window's :class:`desktop_search.gui.widgets.ErrorBanner` shows what it emits.
"""

from __future__ import annotations

import logging
import sys
import traceback
from dataclasses import dataclass
from types import TracebackType

from PySide6.QtCore import QObject, Signal

from desktop_search.core import UserError
from desktop_search.gui.main_thread import on_main_thread, run_on_main

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Problem:
    """What the banner shows."""

    message: str
    hint: str = ""
    details: str = ""  # traceback of a bug, for "Copy details"
    is_bug: bool = False


class ErrorReporter(QObject):
    """Turns exceptions into :class:`Problem` reports on the GUI thread."""

    problem = Signal(object)  # Problem

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._seen_bugs: set[str] = set()
        self.history: list[Problem] = []  # every problem reported (tests read it)

    def report(self, exc: BaseException, context: str = "") -> None:
        """Report any exception: a UserError as a message, anything else as a bug."""
        if isinstance(exc, UserError):
            self.user_error(exc)
        else:
            self.bug(exc, context)

    def user_error(self, err: UserError) -> None:
        log.info("user error: %s", err)
        self._emit(Problem(err.message, err.hint))

    def bug(self, exc: BaseException, context: str = "") -> None:
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        log.error("unexpected error%s\n%s", f" ({context})" if context else "", details)
        frames = traceback.extract_tb(exc.__traceback__)
        where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""
        key = f"{type(exc).__name__}@{where}"
        if key in self._seen_bugs:
            return  # shown once; the log has every occurrence
        self._seen_bugs.add(key)
        message = "Something went wrong" + (f" while {context}" if context else "") + f": {exc}"
        hint = "The details are in the log file. Please report them."
        self._emit(Problem(message, hint, details, is_bug=True))

    def _emit(self, problem: Problem) -> None:
        if on_main_thread():
            self._deliver(problem)
        else:
            run_on_main(self._deliver, problem)

    def _deliver(self, problem: Problem) -> None:
        self.history.append(problem)
        self.problem.emit(problem)

    def install_excepthook(self) -> None:
        """Route uncaught exceptions (in slots and callbacks) here instead of crashing."""
        previous = sys.excepthook

        def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
            if issubclass(kind, KeyboardInterrupt):
                previous(kind, exc, tb)
                return
            self.report(exc.with_traceback(tb))

        sys.excepthook = hook
