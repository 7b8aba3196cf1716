"""Where the indexing process's run is, for the other processes on the same index.

``desktop-search status`` typed in a terminal while the window indexes runs in a process of its own: its
engine has no run, and it said "idle" while thousands of files were being read. The process that indexes
(the one holding the writer lock, :mod:`~desktop_search.core.index.writerlock`) publishes its progress to
a small file beside the index (``indexing.json``): at most once a second, and at once when the phase
changes or a phase's files are all done (the report before a long batch must not be a stale one), and
removes it when it closes. Another process reads it while the writer's process is alive;
a file left by a killed process is ignored (and replaced by the next writer).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

from desktop_search.core.config.atomic_file import write_atomic
from desktop_search.core.records import IndexProgress, Phase

log = logging.getLogger(__name__)

PUBLISH_EVERY_S = 1.0
_FIELDS = ("phase", "files_done", "files_total", "meaning_done", "meaning_total", "eta_s", "message")


class ProgressBeacon:
    """Publishes this process's indexing progress (:meth:`publish`) and reads another's (:meth:`read`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._last_milestone: tuple[object, ...] = ()  # empty: nothing published
        self._last_at = float("-inf")

    def publish(self, progress: IndexProgress) -> None:
        """Write ``progress`` when its phase changed, a phase's files are all done, or a second has passed
        (a failure is only logged: the run goes on without it)."""
        now = time.monotonic()
        milestone = (
            progress.phase,
            progress.files_done >= progress.files_total,
            progress.meaning_done >= progress.meaning_total,
        )
        if milestone == self._last_milestone and now - self._last_at < PUBLISH_EVERY_S:
            return
        self._last_milestone, self._last_at = milestone, now
        fields = {k: v for k, v in asdict(progress).items() if k in _FIELDS}
        record = {**fields, "phase": str(progress.phase), "pid": os.getpid(), "updated_at": time.time()}
        try:
            write_atomic(self.path, json.dumps(record).encode("utf-8"), durable=False)  # no fsync: news
        except OSError as err:
            log.debug("cannot publish the indexing progress: %s", err)

    def clear(self) -> None:
        """This process no longer indexes (it closes): remove what it published."""
        if not self._last_milestone:
            return
        self._last_milestone, self._last_at = (), float("-inf")
        try:
            self.path.unlink(missing_ok=True)
        except OSError as err:
            log.debug("cannot remove %s: %s", self.path, err)

    def read(self) -> IndexProgress | None:
        """Another process's last published progress, or None when none is published or its process is
        gone."""
        try:
            record = json.loads(self.path.read_text(encoding="utf-8"))
            pid = int(record["pid"])
            progress = IndexProgress(
                Phase(record["phase"]),
                **{k: record[k] for k in _FIELDS if k != "phase" and k in record},
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not process_alive(pid):
            return None
        return progress


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs (never signals it)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: alive
    return True


def _windows_process_alive(pid: int) -> bool:  # pragma: no cover - exercised on Windows
    """OpenProcess + GetExitCodeProcess (``os.kill(pid, 0)`` would send a Ctrl-C on Windows)."""
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    query_limited_information, still_active = 0x1000, 259
    handle = kernel32.OpenProcess(query_limited_information, False, pid)
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == still_active
    finally:
        kernel32.CloseHandle(handle)
