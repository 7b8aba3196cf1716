"""Coalescing file-system events into one net change set.

:class:`ChangeCoalescer` folds a stream of events (created, modified, deleted, moved, for files and
folders) into the net effect since the last :meth:`ChangeCoalescer.take`, per path, and hands it
out as a :class:`FolderChanges`. It is plain data, no threads and no watchdog: the watcher feeds it
under its own lock.

The net effect per file path, relative to the start of the window:

- written any number of times → one ``changed``; created then deleted → nothing, unless a scan
  of the folders, or a run of that very path, was under way meanwhile (it may have indexed the file:
  :meth:`ChangeCoalescer.scan_began`) → ``deleted``; deleted then created → ``changed``;
- a pre-existing file moved (possibly several times) → one ``moved`` (first path, last path), plus
  ``changed`` of the last path if it was written on the way; moved back where it was → nothing;
- a file created in the window and then renamed (the editor's write-temp-then-rename) → ``changed``
  of the final name only;
- a moved file that is then deleted → ``deleted`` of its original path.

Folders: one deleted (or moved out of sight) → ``deleted_dirs``; one created or moved in →
``rescan``, which also stands for every file event below it. A folder that is deleted and
created again in one window becomes a ``rescan``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FolderChanges:
    """The net changes to the watched folders since the last delivery.

    Apply them in this order: ``moved`` (rename the old path's entries to the new path; an old path
    that is not indexed means the new one is simply ``changed``), then ``deleted`` and
    ``deleted_dirs`` (forget those files, and every file below those folders), then ``changed``
    (index; a path that is gone by then is forgotten), then ``rescan`` (bring everything below each
    folder in line with the disk: index new and changed files, forget those that are gone).
    ``missing`` and ``returned`` are states of watched folders, not changes of files: the entries
    of a missing folder are kept and marked unavailable, never deleted; a returned folder is also
    listed in ``rescan``. Paths are absolute ``str`` (non-UTF-8 names carry surrogates).
    No path appears both in ``deleted`` and in ``moved``, and no path is the old path of one move
    and the new path of another.
    """

    changed: frozenset[str] = frozenset()
    deleted: frozenset[str] = frozenset()
    moved: tuple[tuple[str, str], ...] = ()
    rescan: frozenset[str] = frozenset()
    missing: frozenset[str] = frozenset()
    returned: frozenset[str] = frozenset()
    deleted_dirs: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(
            self.changed
            or self.deleted
            or self.moved
            or self.rescan
            or self.missing
            or self.returned
            or self.deleted_dirs
        )

    @property
    def size(self) -> int:
        """How many paths this change set names."""
        return (
            len(self.changed)
            + len(self.deleted)
            + len(self.moved)
            + len(self.rescan)
            + len(self.missing)
            + len(self.returned)
            + len(self.deleted_dirs)
        )


def is_within(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or lies below it."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _ancestors(path: str) -> Iterable[str]:
    """``path`` and every folder above it."""
    current = path
    while True:
        yield current
        parent = os.path.dirname(current)
        if parent == current:
            return
        current = parent


def _top_level(paths: set[str]) -> set[str]:
    """The paths of ``paths`` that are not below another one of them."""
    return {p for p in paths if not any(a in paths for a in _ancestors(os.path.dirname(p)) if a != p)}


@dataclass
class _Entry:
    """What happened to one file path in the current window."""

    present: bool
    existed_before: bool | None  # False: known new in this window; None: unknown (a move, or a scan saw it)
    origin: str | None = None  # the pre-window path whose content now lives here (set by moves)
    dirty: bool = False  # written since it arrived here
    moved_out: bool = False  # this path's own pre-window content left by a move (reported as that move)


@dataclass
class ChangeCoalescer:
    """Folds events into net changes; :meth:`take` returns them and starts a new window."""

    _entries: dict[str, _Entry] = field(default_factory=dict)
    _by_dir: dict[str, set[str]] = field(default_factory=dict)
    _rescan: set[str] = field(default_factory=set)
    _deleted_dirs: set[str] = field(default_factory=set)
    _missing: set[str] = field(default_factory=set)
    _returned: set[str] = field(default_factory=set)
    _scanning: bool = False  # a scan may list files created now: they are not known to be new
    _observed: set[str] = field(default_factory=set)  # ... and so may a run of just these paths

    # --- state -------------------------------------------------------------------------------

    def __len__(self) -> int:
        """Pending file entries (the coalescer's memory is proportional to this)."""
        return len(self._entries)

    def has_pending(self) -> bool:
        return bool(self._entries or self._rescan or self._deleted_dirs or self._missing or self._returned)

    def covered_by_rescan(self, path: str) -> bool:
        """Whether a pending rescan already covers ``path``."""
        return bool(self._rescan) and any(a in self._rescan for a in _ancestors(path))

    # --- file events -------------------------------------------------------------------------

    def scan_began(self, paths: Iterable[str] | None = None) -> None:
        """A scan of the folders begins (or, with ``paths``, a run that looks at just these): it may
        list and index the files created in this window so far and until :meth:`scan_ended`, so their
        deletion must be reported, not cancelled out."""
        if paths is None:
            self._scanning = True
        else:
            self._observed.update(paths)
        for path, entry in self._entries.items():
            if entry.existed_before is False and self._may_be_seen(path):
                entry.existed_before = None

    def scan_ended(self) -> None:
        """The scans are over (and their late events are in): files created from now on are new again."""
        self._scanning = False
        self._observed.clear()

    def _may_be_seen(self, path: str) -> bool:
        return self._scanning or path in self._observed

    def created(self, path: str) -> None:
        if self.covered_by_rescan(path):
            return
        entry = self._entries.get(path)
        if entry is None:
            self._put(path, _Entry(present=True, existed_before=None if self._may_be_seen(path) else False))
        elif entry.present:
            entry.dirty = True
        else:
            self._replace_content(path, entry)

    def modified(self, path: str) -> None:
        if self.covered_by_rescan(path):
            return
        entry = self._entries.get(path)
        if entry is None:
            self._put(path, _Entry(present=True, existed_before=True))
        elif entry.present:
            entry.dirty = True
        else:
            self._replace_content(path, entry)

    def deleted(self, path: str) -> None:
        if not self.covered_by_rescan(path):
            self._delete(path)

    def _delete(self, path: str) -> None:
        entry = self._entries.get(path)
        if entry is None:
            self._put(path, _Entry(present=False, existed_before=True))
            return
        self._release_origin(path, entry)
        entry.present = False
        entry.dirty = False
        self._drop_if_void(path, entry)

    def moved(self, src: str, dst: str) -> None:
        if src == dst:
            return
        source = self._entries.get(src)
        lineage: tuple[str, bool] | None  # (origin, dirty) of the content that travels
        if source is None:
            lineage = (src, False)
            source = self._put(src, _Entry(present=False, existed_before=True))
        elif not source.present:
            lineage = None  # we thought it gone: the destination is simply new content
        elif source.origin is not None:
            lineage = (source.origin, source.dirty)
        elif source.existed_before is False:
            lineage = None  # created in this window: never indexed, nothing to carry over
        else:
            lineage = (src, True)  # written in this window: keep its identity, index it again
        source.present = False
        source.origin = None
        source.dirty = False
        if lineage is not None and lineage[0] == src:
            source.moved_out = True
        self._drop_if_void(src, source)

        target = self._entries.get(dst)
        if target is None:
            target = self._put(dst, _Entry(present=True, existed_before=None))
        else:
            self._release_origin(dst, target)
            target.present = True
        if lineage is None:
            target.origin, target.dirty = None, True
        else:
            target.origin, target.dirty = lineage
            if target.origin == dst:  # moved back home
                target.moved_out = False

    # --- folder events -----------------------------------------------------------------------

    def dir_created(self, folder: str) -> None:
        """A folder was created or moved in: rescan it (this covers whatever was written inside)."""
        self._deleted_dirs -= {d for d in self._deleted_dirs if is_within(d, folder)}
        self.rescan(folder)

    def dir_deleted(self, folder: str) -> None:
        """A folder was deleted or moved out of sight: every file below it is gone."""
        for path in self._paths_within(folder):
            self._delete(path)
        self._rescan -= {r for r in self._rescan if is_within(r, folder)}
        self._deleted_dirs -= {d for d in self._deleted_dirs if is_within(d, folder)}
        self._deleted_dirs.add(folder)

    def dir_moved(self, src: str, dst: str) -> None:
        """A folder moved inside the watched tree.

        The files' own move events (which watchdog sends for each file) carry their identity; the
        old folder is listed as deleted (applied after the moves, it only removes stragglers) and
        the new one is rescanned, so a backend that sends no per-file events still ends right.
        """
        self._deleted_dirs.add(src)
        self.dir_created(dst)

    def rescan(self, folder: str) -> None:
        if not self.covered_by_rescan(folder):
            self._rescan.add(folder)

    # --- watched folders ---------------------------------------------------------------------

    def folder_missing(self, root: str) -> None:
        """A watched folder disappeared: drop what is pending below it, report it missing."""
        self.forget(lambda p: is_within(p, root))
        self._returned.discard(root)
        self._missing.add(root)

    def folder_returned(self, root: str) -> None:
        """A missing watched folder is back: report it and rescan it (the last state wins)."""
        self._missing.discard(root)
        self._returned.add(root)
        self.rescan(root)

    def drop_folder(self, root: str) -> None:
        """A folder is no longer watched: drop its missing/returned state (see also :meth:`forget`)."""
        self._missing.discard(root)
        self._returned.discard(root)

    def forget(self, predicate: Callable[[str], bool]) -> None:
        """Drop everything pending for paths that ``predicate`` selects (a folder no longer watched)."""
        for path in [p for p in self._entries if predicate(p)]:
            entry = self._entries.get(path)
            if entry is not None:
                self._release_origin(path, entry)
                self._remove(path)
        self._rescan = {r for r in self._rescan if not predicate(r)}
        self._deleted_dirs = {d for d in self._deleted_dirs if not predicate(d)}

    def collapse(self, roots: Iterable[str]) -> None:
        """Trade every pending file entry for a rescan of its watched folder (bounds memory in storms)."""
        for root in roots:
            if any(is_within(p, root) for p in self._entries):
                self.rescan(root)
        self._entries.clear()
        self._by_dir.clear()

    # --- output ------------------------------------------------------------------------------

    def take(self) -> FolderChanges:
        """The net changes of this window; the coalescer starts empty again."""
        rescan = _top_level(self._rescan)
        deleted_dirs = _top_level(self._deleted_dirs)
        covering = rescan | deleted_dirs

        def covered(path: str) -> bool:
            return any(a in covering for a in _ancestors(os.path.dirname(path)))

        changed: set[str] = set()
        deleted: set[str] = set()
        moves: list[tuple[str, str]] = []
        present: set[str] = set()
        for path, entry in self._entries.items():
            if entry.present:
                present.add(path)
                if entry.origin is None:
                    if not covered(path):
                        changed.add(path)
                elif entry.origin == path:
                    if entry.dirty and not covered(path):
                        changed.add(path)
                else:
                    moves.append((entry.origin, path))
                    if entry.dirty and not covered(path):
                        changed.add(path)
            elif entry.existed_before is not False and not entry.moved_out and not covered(path):
                deleted.add(path)

        # Chains that swap names (a→b, b→a) cannot be applied one move at a time: index them afresh.
        olds = {old for old, _ in moves}
        tangled = olds & {new for _, new in moves}
        if tangled:
            kept = []
            for old, new in moves:
                if old in tangled or new in tangled:
                    changed.add(new)
                    if old not in present:
                        deleted.add(old)
                else:
                    kept.append((old, new))
            moves = kept

        changes = FolderChanges(
            changed=frozenset(changed),
            deleted=frozenset(deleted - changed),
            moved=tuple(sorted(moves)),
            rescan=frozenset(rescan),
            missing=frozenset(self._missing),
            returned=frozenset(self._returned),
            deleted_dirs=frozenset(deleted_dirs),
        )
        self._entries = {}
        self._by_dir = {}
        self._rescan = set()
        self._deleted_dirs = set()
        self._missing = set()
        self._returned = set()
        return changes

    # --- internals ---------------------------------------------------------------------------

    def _put(self, path: str, entry: _Entry) -> _Entry:
        self._entries[path] = entry
        self._by_dir.setdefault(os.path.dirname(path), set()).add(path)
        return entry

    def _remove(self, path: str) -> None:
        if self._entries.pop(path, None) is None:
            return
        parent = os.path.dirname(path)
        siblings = self._by_dir.get(parent)
        if siblings is not None:
            siblings.discard(path)
            if not siblings:
                del self._by_dir[parent]

    def _paths_within(self, folder: str) -> list[str]:
        return [p for d, paths in self._by_dir.items() if is_within(d, folder) for p in paths]

    def _replace_content(self, path: str, entry: _Entry) -> None:
        """New content appeared at ``path`` (created or written after it was gone or moved away)."""
        self._release_origin(path, entry)
        entry.present = True
        entry.dirty = True

    def _release_origin(self, path: str, entry: _Entry) -> None:
        """The content that a move brought to ``path`` is gone: its original path reports a deletion."""
        origin = entry.origin
        entry.origin = None
        if origin is None:
            return
        home = self._entries.get(origin)
        if home is not None:
            home.moved_out = False
            self._drop_if_void(origin, home)

    def _drop_if_void(self, path: str, entry: _Entry) -> None:
        """Forget an entry whose net effect is nothing (created and deleted in this window)."""
        void = not entry.present and entry.existed_before is False
        if void and not entry.moved_out and entry.origin is None:
            self._remove(path)
