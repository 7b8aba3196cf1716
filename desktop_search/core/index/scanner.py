"""Walking the watched folders: the files on disk that may be documents, and the plan type a scan fills.

What changed against the ledger is decided in :mod:`desktop_search.core.index.planner`.

A rescan of an unchanged tree only lists folders and stats files (size + mtime): no file is read.
Content hashes are computed later, by the indexer, and only for files whose size or mtime changed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from desktop_search.core.extract.kinds import is_listed
from desktop_search.core.index.exclusions import Exclusions
from desktop_search.core.records import FileRecord
from desktop_search.core.store.pathkeys import from_key, to_key

log = logging.getLogger(__name__)
HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class DiskFile:
    """A regular file found on disk."""

    key: str  # path key (see pathkeys)
    folder: str  # key of the watched folder it belongs to
    size: int
    mtime: float

    @property
    def path(self) -> str:
        return from_key(self.key)


@dataclass
class ScanPlan:
    """What a scan found to do."""

    new: list[DiskFile] = field(default_factory=list)  # not in the ledger
    changed: list[tuple[FileRecord, DiskFile]] = field(default_factory=list)  # size/mtime differ, or pending
    # unchanged on disk, but their passages were built by an older extractor or chunker: redone last
    outdated: list[tuple[FileRecord, DiskFile]] = field(default_factory=list)
    deleted: list[FileRecord] = field(default_factory=list)  # in the ledger, gone from disk
    unchanged: int = 0
    missing_folders: list[str] = field(default_factory=list)  # watched folders that are not there
    present_folders: list[str] = field(default_factory=list)

    @property
    def work(self) -> int:
        return len(self.new) + len(self.changed) + len(self.outdated)


def walk_folder(
    folder: str, exclusions: Exclusions, on_error: Callable[[str, OSError], None]
) -> Iterator[DiskFile]:
    """Every file below ``folder`` that may be a document (see ``is_listed``); directory symlinks are
    not followed (no loops)."""
    folder_key = to_key(folder)
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError as err:
            on_error(current, err)
            continue
        for entry in entries:
            path = entry.path
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not exclusions.excludes_dir(path, folder):
                        stack.append(path)
                    continue
                if not is_listed(path) or exclusions.excludes_file(path, folder):
                    continue  # images, archives, media: not documents, never listed
                st = entry.stat(follow_symlinks=True)
            except OSError as err:  # a dangling symlink, a file that vanished, a permission problem
                if not entry.is_symlink():
                    on_error(path, err)
                continue
            if not stat.S_ISREG(st.st_mode):
                continue  # FIFOs, devices, sockets, symlinks to folders
            yield DiskFile(to_key(path), folder_key, st.st_size, st.st_mtime)


def content_hash(path: str, limit: int | None = None) -> str:
    """BLAKE2b of the file's bytes (the first ``limit`` bytes and the size when given)."""
    digest = hashlib.blake2b(digest_size=20)
    read = 0
    with open(path, "rb") as fh:
        while True:
            block = fh.read(HASH_CHUNK)
            if not block:
                break
            digest.update(block)
            read += len(block)
            if limit is not None and read >= limit:
                digest.update(str(os.fstat(fh.fileno()).st_size).encode())
                break
    return digest.hexdigest()
