"""A file that says a process may be writing the vector index, left behind if it died doing so
(read by :mod:`desktop_search.core.store.vector_probe`)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


class WriteMarker:
    """A file that exists while this process may be writing vectors, or after it died doing so."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._set = False

    @property
    def left_behind(self) -> bool:
        """True when the marker is there and this process did not set it."""
        return not self._set and self.path.exists()

    def set(self) -> None:
        if self._set:
            return
        with contextlib.suppress(OSError):
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        self._set = True

    def clear(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)
        self._set = False
