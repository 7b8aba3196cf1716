"""Whether a watched folder is there: folders that vanish and return, unplugged drives, mount points.

A folder is known by its identity, ``(st_dev, st_ino)``. When a removable or network drive is
unmounted, its mount point usually stays behind as an empty folder of *another* device: that is a
drive gone (its entries are kept, marked unavailable), not a folder emptied (its entries deleted).
:func:`is_empty_dir` is the one test of "nothing is left in it" (the engine's scan uses it too);
:class:`PresenceLoop` is the watcher's thread that polls presence and schedules the periodic rescans.
"""

from __future__ import annotations

import logging
import os
import stat
import threading
import time
from collections.abc import Callable

from desktop_search.core.watch.threads import join_thread

logger = logging.getLogger(__name__)

Identity = tuple[int, int]


def folder_identity(path: str) -> Identity | None:
    """(device, inode) of a folder, or None when it is not there, not a folder, or cannot be reached."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISDIR(info.st_mode):
        return None
    return (info.st_dev, info.st_ino)


def is_empty_dir(folder: str) -> bool:
    """Whether ``folder`` shows no entries at all; True also when it cannot be listed (OSError).

    The callers ask "is only an empty mount point left where an indexed folder was?", and the answer
    decides between keeping the folder's entries (marked unavailable) and deleting them. A folder that
    cannot be listed (permission denied on the bare mount point, EIO from a dying drive, gone
    meanwhile) shows none of its files either: reading it as "not empty" would let a rescan that
    found no files delete every entry of a drive that is merely unreachable. Keeping them is the
    safe, reversible answer; the next scan that can read the folder brings it in line.
    """
    try:
        with os.scandir(folder) as entries:
            return next(entries, None) is None
    except OSError:
        return True


def only_mount_point_left(path: str, known: Identity | None, identity: Identity) -> bool:
    """An empty folder on another device where ours (``known``) was: the drive is unmounted, not emptied."""
    return known is not None and identity[0] != known[0] and is_empty_dir(path)


class PresenceLoop:
    """A thread that calls ``check`` every ``poll_s`` (or when woken) and ``reconcile`` every
    ``reconcile_interval_s``; an exception in either is logged and the loop goes on."""

    def __init__(
        self,
        check: Callable[[], None],
        reconcile: Callable[[], None],
        poll_s: float,
        reconcile_interval_s: float,
    ) -> None:
        self._check = check
        self._reconcile = reconcile
        self._poll_s = poll_s
        self._reconcile_interval_s = reconcile_interval_s
        self._wake = threading.Event()
        self._closing = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="folder-watcher-presence", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Check presence now (a watched folder itself was reported gone)."""
        self._wake.set()

    def stop(self, timeout: float) -> None:
        self._closing = True
        self._wake.set()
        join_thread(self._thread, timeout)

    def _loop(self) -> None:
        next_reconcile = time.monotonic() + self._reconcile_interval_s
        while not self._closing:
            wait = min(self._poll_s, max(0.0, next_reconcile - time.monotonic()))
            self._wake.wait(wait)
            self._wake.clear()
            if self._closing:
                return
            try:
                self._check()
                if time.monotonic() >= next_reconcile:
                    next_reconcile = time.monotonic() + self._reconcile_interval_s
                    self._reconcile()
            except Exception:
                logger.exception("Folder presence check failed")
