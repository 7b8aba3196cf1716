"""Deciding what an index run does: a full scan of the watched folders, or a plan for single paths
(what the watcher saw change). Both judge a known file by one rule, :func:`is_changed`, and list an
unchanged file whose passages an older extractor built as outdated (see
:mod:`desktop_search.core.index.outdated`), to be redone after the new and changed files.

A scan walks each folder (see :mod:`~desktop_search.core.index.scanner`) and diffs it against the
ledger; a missing folder, or an empty mount point where files used to be, keeps its entries and is
marked unavailable. A path plan stats just the given paths; a path that is gone, or now excluded,
drops its entry, and a folder that is gone drops every entry below it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from desktop_search.core.extract.kinds import is_listed
from desktop_search.core.extract.ocr import installed as ocr_installed
from desktop_search.core.index.exclusions import Exclusions
from desktop_search.core.index.folders import root_of, set_unavailable
from desktop_search.core.index.outdated import is_outdated
from desktop_search.core.index.scanner import DiskFile, ScanPlan, walk_folder
from desktop_search.core.records import FileRecord, FileStatus
from desktop_search.core.store.pathkeys import to_key
from desktop_search.core.watch.presence import is_empty_dir

if TYPE_CHECKING:
    from desktop_search.core.store.ledger import Ledger

log = logging.getLogger(__name__)

# mtimes closer than this are equal: the float seconds of a stat can differ in the last bits from
# the value stored in the ledger (ns-precision filesystems, copies, float rounding)
MTIME_TOLERANCE_S = 1e-6


def is_changed(record: FileRecord, found: DiskFile) -> bool:
    """The ledger's entry needs (re-)indexing: still pending, or the size or mtime differ."""
    return (
        record.status == FileStatus.PENDING
        or record.size != found.size
        or abs(record.mtime - found.mtime) > MTIME_TOLERANCE_S
    )


def scan_folders(
    folders: Iterable[str], ledger: Ledger, exclusions: Exclusions, ocr: bool = False
) -> ScanPlan:
    """Diff the folders against the ledger; missing folders keep their entries and are marked unavailable.

    With ``ocr`` (the setting), files whose scanned text was left unread are planned again when OCR can
    run here."""
    plan = ScanPlan()
    ocr = ocr and ocr_installed()
    for folder in folders:
        key = to_key(folder)
        if not os.path.isdir(folder):
            plan.missing_folders.append(key)
            set_unavailable(ledger, key, True)
            continue
        known = ledger.snapshot(key)
        disk = {f.key: f for f in walk_folder(folder, exclusions, _log_walk_error)}
        if known and not disk and is_empty_dir(folder):
            # an unmounted drive leaves its empty mount point behind: keep the entries
            plan.missing_folders.append(key)
            set_unavailable(ledger, key, True)
            continue
        plan.present_folders.append(key)
        set_unavailable(ledger, key, False)
        diff_folder(known, disk, plan, ocr)
    return plan


def diff_folder(
    known: dict[str, FileRecord], disk: dict[str, DiskFile], plan: ScanPlan, ocr: bool = False
) -> None:
    """Add a folder's differences between disk and ledger (``known``) to ``plan``."""
    for key, found in disk.items():
        record = known.get(key)
        if record is None:
            plan.new.append(found)
        elif is_changed(record, found):
            plan.changed.append((record, found))
        elif is_outdated(record, ocr):
            plan.outdated.append((record, found))
        else:
            plan.unchanged += 1
    for key, record in known.items():
        if key not in disk:
            plan.deleted.append(record)


def plan_paths(
    paths: Iterable[str], folders: list[str], ledger: Ledger, exclusions: Exclusions, ocr: bool = False
) -> ScanPlan:
    """What to do for just these paths (files or folders, present or gone) below the watched folders."""
    ocr = ocr and ocr_installed()
    plan = ScanPlan()
    seen: set[str] = set()
    listings: dict[str, list[FileRecord]] = {}  # a root's rows, read once per call
    for path in paths:
        path = os.path.abspath(path)
        root = root_of(path, folders)
        if root is None or path in seen:
            continue
        seen.add(path)
        key = to_key(path)
        record = ledger.get(key)
        try:
            st = os.stat(path)
        except OSError:
            st = None
        if st is None or not os.path.isfile(path) or not is_listed(path) or exclusions.excludes(path, root):
            if record is not None:
                plan.deleted.append(record)
                if st is None:
                    continue  # a deleted file; only a path the ledger does not know may be a folder
            # a folder that went away: forget everything below it
            prefix = key.rstrip(os.sep) + os.sep
            if root not in listings:
                listings[root] = ledger.files(folder=to_key(root))
            for row in listings[root]:
                if row.path.startswith(prefix) and row.path not in seen:
                    seen.add(row.path)
                    plan.deleted.append(row)
            continue
        found = DiskFile(key, to_key(root), st.st_size, st.st_mtime)
        if record is None:
            plan.new.append(found)
        elif is_changed(record, found):
            plan.changed.append((record, found))
        elif is_outdated(record, ocr):
            plan.outdated.append((record, found))
    return plan


def _log_walk_error(path: str, err: OSError) -> None:
    log.warning("cannot read %r: %s", path, err)
