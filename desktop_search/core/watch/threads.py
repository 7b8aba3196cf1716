"""Joining the watcher's threads within a deadline, without ever joining the calling thread."""

from __future__ import annotations

import logging
import threading

logger = logging.getLogger(__name__)


def join_thread(thread: threading.Thread | None, timeout: float) -> None:
    """Wait up to ``timeout`` for ``thread`` to end; log when it does not (it is a daemon)."""
    if thread is None or thread is threading.current_thread() or not thread.is_alive():
        return
    thread.join(timeout)
    if thread.is_alive():
        logger.warning("Thread %s did not stop within the timeout", thread.name)
