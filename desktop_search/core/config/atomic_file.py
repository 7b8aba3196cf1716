"""Write a small file atomically: readers see the old contents or the new, never half a file.

Each writer uses its own temporary name in the target's folder, so two processes saving the same file
at once (two indexers sharing one settings file) never rename each other's temporary file away: the
last rename wins and both succeed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes, mode: int = 0o600, durable: bool = True) -> None:
    """Write ``data`` to ``path`` via a private temporary file, flushed to disk (unless not ``durable``:
    a file that may be lost in a power cut, written often), then renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
