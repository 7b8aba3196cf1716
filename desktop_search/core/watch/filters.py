"""Which paths the folder watcher ignores.

A predicate takes an absolute path and says whether to ignore it. The watcher asks it about every
folder level below the watched root as well as the path itself, so a rule on names (``.git``)
also hides everything inside that folder.

:func:`default_is_excluded` hides what no one searches: hidden files and folders, editors' and
office suites' temporary, swap, lock and backup files, half-finished downloads (the one rule for
those is :func:`desktop_search.core.extract.kinds.is_temporary_name`) and the system folders of
removable drives. The engine composes its own rules (its data folder, the user's
patterns) with it::

    is_excluded = any_of(default_is_excluded, inside_any(paths.data_dir), user_patterns)
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterable

from desktop_search.core.extract.kinds import is_temporary_name

PathPredicate = Callable[[str], bool]

# Whole names that are never content.
_EXCLUDED_NAMES = frozenset(
    {
        "Thumbs.db",
        "desktop.ini",
        "$RECYCLE.BIN",
        "System Volume Information",
    }
)

_WINDOWS_HIDDEN = getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 2) | getattr(stat, "FILE_ATTRIBUTE_SYSTEM", 4)


def is_temporary_or_hidden_name(name: str) -> bool:
    """Whether a bare file or folder name is hidden, temporary, a lock, a backup or system clutter."""
    if not name:
        return False
    # hidden: also .DS_Store and hidden temporary names (.#foo, .goutputstream-*, .~lock.foo#)
    if name in _EXCLUDED_NAMES or name.startswith("."):
        return True
    return is_temporary_name(name)


def _has_windows_hidden_attribute(path: str) -> bool:
    try:
        attributes = os.lstat(path).st_file_attributes  # type: ignore[attr-defined]
    except (OSError, AttributeError):
        return False
    return bool(attributes & _WINDOWS_HIDDEN)


def default_is_excluded(path: str) -> bool:
    """The watcher's default rule: hidden (dot names; the hidden attribute on Windows) or temporary."""
    if is_temporary_or_hidden_name(os.path.basename(path)):
        return True
    return sys.platform == "win32" and _has_windows_hidden_attribute(path)


def inside_any(folders: Iterable[str | os.PathLike[str]]) -> PathPredicate:
    """A rule that excludes the given folders and everything inside them (e.g. the app's data dir)."""
    roots = tuple(os.path.abspath(os.fspath(folder)) for folder in folders)
    prefixes = tuple(root.rstrip(os.sep) + os.sep for root in roots)

    def excluded(path: str) -> bool:
        return path in roots or path.startswith(prefixes)

    return excluded


def any_of(*predicates: PathPredicate | None) -> PathPredicate:
    """A rule that excludes what any of ``predicates`` excludes (``None`` entries are skipped)."""
    active = tuple(p for p in predicates if p is not None)

    def excluded(path: str) -> bool:
        return any(predicate(path) for predicate in active)

    return excluded


def never_excluded(path: str) -> bool:
    """A rule that excludes nothing (to watch hidden files too)."""
    return False
