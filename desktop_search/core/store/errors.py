"""Store failures a user can act on: a full disk, a read-only or unwritable index folder, a locked index.

:func:`store_error` turns the low-level error (``OSError``, ``sqlite3.Error``, or chromadb's wrapped
errors, which carry only a message) into a :class:`StoreUnavailableError` that says what to do. It reads
``errno`` and SQLite's error code where the error has them, and falls back to the message text.
"""

from __future__ import annotations

import errno
import sqlite3

from desktop_search.core.errors import StoreUnavailableError, UserError

_FULL_ERRNOS = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})
_READ_ONLY_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})
_FULL_SQLITE = frozenset({sqlite3.SQLITE_FULL})
_READ_ONLY_SQLITE = frozenset({sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM})
_LOCKED_SQLITE = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


def _sqlite_code(err: BaseException) -> int | None:
    """SQLite's primary result code (the extended code's low byte), when the error came from SQLite."""
    code = getattr(err, "sqlite_errorcode", None) if isinstance(err, sqlite3.Error) else None
    return code & 0xFF if isinstance(code, int) else None


def _is_full(err: BaseException, text: str) -> bool:
    if isinstance(err, OSError) and err.errno in _FULL_ERRNOS:
        return True
    return _sqlite_code(err) in _FULL_SQLITE or ("disk" in text and "full" in text) or "no space" in text


def _is_read_only(err: BaseException, text: str) -> bool:
    if isinstance(err, OSError) and err.errno in _READ_ONLY_ERRNOS:
        return True
    return _sqlite_code(err) in _READ_ONLY_SQLITE or any(
        words in text
        for words in (
            "readonly",
            "read-only",
            "permission denied",
            "unable to open database file",  # SQLite's words for a folder it cannot write
        )
    )


def _is_locked(err: BaseException, text: str) -> bool:
    return _sqlite_code(err) in _LOCKED_SQLITE or "locked" in text


def store_error(err: BaseException) -> BaseException:
    """Disk full, read-only or locked stores become a StoreUnavailableError; other errors are returned."""
    if isinstance(err, UserError):
        return err
    text = str(err).lower()
    if _is_full(err, text):
        return StoreUnavailableError(
            "The disk holding the index is full.", "Free some space; indexing resumes by itself."
        )
    if _is_read_only(err, text):
        return StoreUnavailableError(
            "The index folder cannot be written (read-only or no permission).",
            "Check the data folder's permissions.",
        )
    if _is_locked(err, text):
        return StoreUnavailableError(
            "The index is locked by another program.", "Close other Desktop Search instances and retry."
        )
    return err
