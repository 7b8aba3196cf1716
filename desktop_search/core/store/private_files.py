"""Index files readable only by their owner (they hold the text of the user's documents)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def make_private(root: Path) -> None:
    """Make the index readable only by the user: folders 0700, files 0600 (POSIX; a no-op elsewhere).

    Chroma and SQLite create their files with the process umask (often 0644). The index holds the
    text of the user's documents, so every write batch tightens what appeared (a dozen entries: cheap).
    SQLite gives its -wal/-shm files the mode of the database file.
    """
    if os.name != "posix":
        return
    for dirpath, dirnames, filenames in os.walk(root):
        for names, mode in ((dirnames, 0o700), (filenames, 0o600)):
            for name in names:
                path = os.path.join(dirpath, name)
                with contextlib.suppress(OSError):
                    st = os.lstat(path)
                    if st.st_mode & 0o077 and not os.path.islink(path):
                        os.chmod(path, mode)
    with contextlib.suppress(OSError):
        if os.stat(root).st_mode & 0o077:
            os.chmod(root, 0o700)
