"""Paths as storable text.

SQLite and Chroma need valid UTF-8, but file names on POSIX are bytes: a name that is not UTF-8
reaches Python as a ``str`` with lone surrogates. :func:`to_key` turns any path into a string that can
be stored and turned back exactly by :func:`from_key`; :func:`display` gives a readable form.
"""

from __future__ import annotations

import base64
import hashlib
import os

_RAW_PREFIX = "\x00fsraw:"


def to_key(path: str) -> str:
    """A storable, reversible form of ``path`` (unchanged when it is valid UTF-8)."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return _RAW_PREFIX + base64.urlsafe_b64encode(os.fsencode(path)).decode("ascii")


def from_key(key: str) -> str:
    """The real path for a key made by :func:`to_key`."""
    if key.startswith(_RAW_PREFIX):
        return os.fsdecode(base64.urlsafe_b64decode(key[len(_RAW_PREFIX) :]))
    return key


def display(key_or_path: str) -> str:
    """A readable form of a path for messages and the UI (undecodable bytes shown as \\xNN)."""
    path = from_key(key_or_path)
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def path_digest(key: str) -> str:
    """Short stable digest of a path key, the stem of its chunk ids."""
    return hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()[:20]


def chunk_id(key: str, number: int) -> str:
    """The id of chunk ``number`` of the file ``key``: re-indexing a file replaces, never duplicates."""
    return f"{path_digest(key)}:{number}"


def parent_dirs(path: str) -> list[str]:
    """Every ancestor folder of ``path`` (for folder filters), nearest last."""
    parts: list[str] = []
    current = os.path.dirname(path)
    while True:
        parts.append(current)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    return [to_key(p) for p in reversed(parts)]
