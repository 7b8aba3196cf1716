"""One writer per index: an advisory lock file held while a process may index.

Chroma and the ledger tolerate readers in other processes, but two indexers writing the same
store would interleave their crash-safe write orders. The lock is released by the OS when the
process dies, so a crash never leaves it behind. The writer publishes where its run is for the other
processes (:mod:`~desktop_search.core.index.beacon`), and stops when it releases the lock.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from desktop_search.core.errors import StoreUnavailableError
from desktop_search.core.index.beacon import ProgressBeacon
from desktop_search.core.records import IndexProgress


class WriterLock:
    """An exclusive, non-blocking lock on ``path`` (flock on POSIX, msvcrt on Windows)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._beacon = ProgressBeacon(path.with_name("indexing.json"))

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _lock(fd)
        except OSError as err:
            os.close(fd)
            raise StoreUnavailableError(
                "The index is being updated by another Desktop Search process.",
                "Close the other window or command, or use another --data-dir.",
            ) from err
        self._fd = fd

    def publish(self, progress: IndexProgress) -> None:
        """Tell the other processes where this one's run is (only the writer's is published)."""
        if self._fd is not None:
            self._beacon.publish(progress)

    def progress_elsewhere(self) -> IndexProgress | None:
        """Where another process's run is, when this process is not the writer and another one is."""
        return None if self._fd is not None else self._beacon.read()

    def release(self) -> None:
        if self._fd is None:
            return
        self._beacon.clear()
        try:
            _unlock(self._fd)
        finally:
            os.close(self._fd)
            self._fd = None


if sys.platform == "win32":  # pragma: no cover - exercised on Windows
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
