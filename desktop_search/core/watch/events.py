"""What each watchdog event means for the pending changes of one watched folder.

Owns the events the watcher asks watchdog for (:data:`EVENT_FILTER`; opening and reading files, as
our own indexer does, raise none), which paths of a folder are ignored (:func:`is_ignored`), and the
translation of one file or folder event into an update of the
:class:`~desktop_search.core.watch.changes.ChangeCoalescer` (:func:`update_for`). A move across the
ignore line is a creation or a deletion.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
)

from desktop_search.core.watch.changes import ChangeCoalescer, is_within
from desktop_search.core.watch.filters import PathPredicate

Update = Callable[[ChangeCoalescer], object]

EVENT_FILTER: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]
_WRITE_EVENTS = (FileModifiedEvent, FileAttribEvent, FileClosedEvent)


def event_paths(event: FileSystemEvent) -> tuple[str, str]:
    """The event's source path and its destination (``""`` unless a move), as ``str``."""
    return os.fsdecode(event.src_path), os.fsdecode(getattr(event, "dest_path", "") or "")


def is_ignored(path: str, root: str, nested: Sequence[str], is_excluded: PathPredicate) -> bool:
    """Excluded at some level below the watched folder ``root``, outside it, or another watched
    folder's (one of ``nested``, which reports it and knows when it is missing)."""
    if path == root or not is_within(path, root):
        return True
    if nested and any(is_within(path, inner) for inner in nested):
        return True
    current = root.rstrip(os.sep)
    for part in path[len(current) :].strip(os.sep).split(os.sep):
        current = current + os.sep + part
        if is_excluded(current):
            return True
    return False


def update_for(event: FileSystemEvent, src: str, dest: str, ignored: Callable[[str], bool]) -> Update | None:
    """The coalescer update that ``event`` stands for, or None when it changes nothing we watch."""
    if event.is_directory:
        return _dir_update(event, src, dest, ignored)
    return _file_update(event, src, dest, ignored)


def _file_update(
    event: FileSystemEvent, src: str, dest: str, ignored: Callable[[str], bool]
) -> Update | None:
    if isinstance(event, FileMovedEvent):
        src_out, dest_out = ignored(src), ignored(dest)
        if src_out and dest_out:
            return None
        if src_out:
            return lambda pending: pending.created(dest)
        if dest_out:
            return lambda pending: pending.deleted(src)
        return lambda pending: pending.moved(src, dest)
    if ignored(src):
        return None
    if isinstance(event, FileCreatedEvent):
        return lambda pending: pending.created(src)
    if isinstance(event, _WRITE_EVENTS):
        return lambda pending: pending.modified(src)
    if isinstance(event, FileDeletedEvent):
        return lambda pending: pending.deleted(src)
    return None


def _dir_update(event: FileSystemEvent, src: str, dest: str, ignored: Callable[[str], bool]) -> Update | None:
    if isinstance(event, DirMovedEvent):
        src_out, dest_out = ignored(src), ignored(dest)
        if src_out and dest_out:
            return None
        if src_out:
            return lambda pending: pending.dir_created(dest)
        if dest_out:
            return lambda pending: pending.dir_deleted(src)
        return lambda pending: pending.dir_moved(src, dest)
    if ignored(src):
        return None
    if isinstance(event, DirCreatedEvent):
        return lambda pending: pending.dir_created(src)
    if isinstance(event, DirDeletedEvent):
        return lambda pending: pending.dir_deleted(src)
    return None
