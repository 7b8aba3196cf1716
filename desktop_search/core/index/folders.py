"""The watched folders: the list (kept in the settings), adding and removing one, the folders that are
unavailable (an unplugged drive; kept in the ledger's meta), and the exclusion rules that apply in them.

A folder added inside a watched one is already covered; a parent added over watched folders replaces
them, and their files are reassigned to it. Removing a folder drops its entries from the index.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_search.core.config.paths import AppPaths
from desktop_search.core.config.settings import Settings
from desktop_search.core.errors import FolderUnreadableError
from desktop_search.core.index.exclusions import Exclusions
from desktop_search.core.store.pathkeys import to_key

if TYPE_CHECKING:
    from desktop_search.core.store.ledger import Ledger
    from desktop_search.core.store.store import Store

UNAVAILABLE_KEY = "unavailable_folders"  # ledger meta: JSON list of folder keys


def is_within(path: str, folder: str) -> bool:
    """``path`` is ``folder`` or below it."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def root_of(path: str, folders: Iterable[str]) -> str | None:
    """The innermost watched folder holding ``path``."""
    return max((f for f in folders if is_within(path, f)), key=len, default=None)


def absolute(folder: str | Path) -> str:
    """The folder as the settings list it: absolute, ``~`` expanded."""
    return os.path.abspath(os.path.expanduser(os.fspath(folder)))


def exclusions_for(settings: Settings, paths: AppPaths) -> Exclusions:
    """The settings' exclusion rules, plus the app's own folders (never indexed)."""
    return Exclusions(
        settings.exclusions,
        settings.include_hidden,
        private_dirs=(paths.data_dir, paths.cache_dir, paths.config_dir, paths.log_dir),
    )


def watch_filter(exclusions: Exclusions, folders: list[str]) -> Callable[[str], bool]:
    """Whether the watcher ignores a changed path (the watcher's own defaults are in Exclusions too)."""

    def excluded(path: str) -> bool:
        root = root_of(path, folders)
        return root is not None and exclusions.excludes(path, root)

    return excluded


def add_folder(settings: Settings, folder: str | Path, ledger: Ledger) -> bool:
    """Add a readable folder to ``settings.folders`` (raises FolderUnreadableError).

    False when a watched folder already covers it; otherwise the watched folders inside it are replaced
    by it and their files reassigned. The caller saves the settings.
    """
    path = absolute(folder)
    if not os.path.isdir(path):
        raise FolderUnreadableError(f"The folder {path} does not exist.", "Pick an existing folder.")
    if not os.access(path, os.R_OK | os.X_OK):
        raise FolderUnreadableError(f"The folder {path} cannot be read.", "Check its permissions.")
    if any(is_within(path, existing) for existing in settings.folders):
        return False
    inner = [f for f in settings.folders if f != path and is_within(f, path)]
    settings.folders = [f for f in settings.folders if f not in inner] + [path]
    for f in inner:
        ledger.reassign_folder(to_key(f), to_key(path))
    return True


def drop_folder(settings: Settings, folder: str | Path) -> str:
    """Take a folder off ``settings.folders``; returns its absolute path. The caller saves the settings."""
    path = absolute(folder)
    settings.folders = [f for f in settings.folders if f != path]
    return path


def forget_folder(store: Store, path: str) -> None:
    """Drop a folder's entries from the index (after :func:`drop_folder`)."""
    rows = store.ledger.files(folder=to_key(path))
    store.remove_files([r.path for r in rows])
    set_unavailable(store.ledger, to_key(path), False)


def unavailable_folders(ledger: Ledger) -> list[str]:
    """Keys of the watched folders found missing (an unplugged drive); their entries are kept."""
    raw = ledger.get_meta(UNAVAILABLE_KEY, "[]") or "[]"
    try:
        return list(json.loads(raw))
    except ValueError:
        return []


def set_unavailable(ledger: Ledger, folder_key: str, missing: bool) -> None:
    """Record that a watched folder is missing (or back)."""
    current = set(json.loads(ledger.get_meta(UNAVAILABLE_KEY, "[]") or "[]"))
    if (folder_key in current) == missing:
        return
    current = current | {folder_key} if missing else current - {folder_key}
    ledger.set_meta(UNAVAILABLE_KEY, json.dumps(sorted(current)))
