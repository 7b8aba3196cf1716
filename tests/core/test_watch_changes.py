"""The coalescing rules of the folder watcher, event by event (no threads, no file system)."""

from __future__ import annotations

import os

from desktop_search.core.watch.changes import ChangeCoalescer, FolderChanges
from desktop_search.core.watch.filters import any_of, default_is_excluded, inside_any, never_excluded

R = os.path.join(os.sep, "w")


def p(*parts: str) -> str:
    return os.path.join(R, *parts)


def test_repeated_writes_are_one_change() -> None:
    c = ChangeCoalescer()
    for _ in range(3):
        c.modified(p("a"))
    assert c.take() == FolderChanges(changed=frozenset({p("a")}))
    assert not c.take()


def test_create_then_delete_cancels_and_delete_then_create_is_a_change() -> None:
    c = ChangeCoalescer()
    c.created(p("tmp"))
    c.modified(p("tmp"))
    c.deleted(p("tmp"))
    c.deleted(p("b"))
    c.created(p("b"))
    assert c.take() == FolderChanges(changed=frozenset({p("b")}))
    assert len(c) == 0


def test_a_file_created_and_deleted_while_a_scan_runs_is_reported_deleted() -> None:
    """Regression: a scan listed (and indexed) a file created in the window; its deletion in the same
    window cancelled out, so the file stayed listed until the next reconciliation (10 minutes)."""
    c = ChangeCoalescer()
    c.created(p("before"))  # created before the scan began: the scan may list it too
    c.scan_began()
    c.created(p("during"))
    c.deleted(p("before"))
    c.deleted(p("during"))
    c.created(p("moved-away"))
    c.moved(p("moved-away"), p("kept"))
    assert c.take() == FolderChanges(
        changed=frozenset({p("kept")}),
        deleted=frozenset({p("before"), p("during")}),
        moved=((p("moved-away"), p("kept")),),
    )
    c.created(p("next-window"))  # the scan still runs in the next window
    c.deleted(p("next-window"))
    assert c.take() == FolderChanges(deleted=frozenset({p("next-window")}))
    c.scan_ended()
    c.created(p("tmp"))
    c.deleted(p("tmp"))
    assert not c.take()


def test_write_temp_then_rename_over_the_file_is_one_change() -> None:
    c = ChangeCoalescer()
    c.created(p(".doc.tmp"))
    c.modified(p(".doc.tmp"))
    c.moved(p(".doc.tmp"), p("doc"))
    assert c.take() == FolderChanges(changed=frozenset({p("doc")}))


def test_move_chain_is_one_move_and_a_write_on_the_way_is_a_change() -> None:
    c = ChangeCoalescer()
    c.moved(p("a"), p("b"))
    c.moved(p("b"), p("c"))
    c.modified(p("c"))
    changes = c.take()
    assert changes.moved == ((p("a"), p("c")),)
    assert changes.changed == {p("c")}
    assert p("a") not in changes.deleted


def test_moved_back_home_is_nothing_and_a_swap_is_reindexed() -> None:
    c = ChangeCoalescer()
    c.moved(p("a"), p("b"))
    c.moved(p("b"), p("a"))
    assert not c.take().moved

    c.moved(p("a"), p("t"))
    c.moved(p("b"), p("a"))
    c.moved(p("t"), p("b"))
    changes = c.take()
    assert changes.moved == ()
    assert changes.changed == {p("a"), p("b")}


def test_moved_then_deleted_reports_the_original_path() -> None:
    c = ChangeCoalescer()
    c.moved(p("a"), p("b"))
    c.deleted(p("b"))
    changes = c.take()
    assert changes.deleted >= {p("a")}
    assert not changes.moved and not changes.changed


def test_rename_away_and_write_anew_keeps_both() -> None:
    c = ChangeCoalescer()
    c.moved(p("doc"), p("doc.bak"))
    c.created(p("doc"))
    changes = c.take()
    assert changes.moved == ((p("doc"), p("doc.bak")),)
    assert changes.changed == {p("doc")}
    assert not changes.deleted


def test_folder_deleted_covers_its_files_and_releases_moved_content() -> None:
    c = ChangeCoalescer()
    c.modified(p("d", "x"))
    c.moved(p("a"), p("d", "y"))
    c.deleted(p("d", "z"))
    c.dir_deleted(p("d"))
    changes = c.take()
    assert changes.deleted_dirs == {p("d")}
    assert changes.deleted == {p("a")}  # a's content went into d and was deleted with it
    assert not changes.changed


def test_folder_created_is_a_rescan_covering_its_files_and_recreated_folder_too() -> None:
    c = ChangeCoalescer()
    c.dir_created(p("d"))
    c.created(p("d", "x"))
    c.dir_created(p("d", "e"))
    c.created(p("d", "e", "y"))
    assert c.take() == FolderChanges(rescan=frozenset({p("d")}))
    assert len(c) == 0

    c.dir_deleted(p("d"))
    c.dir_created(p("d"))
    assert c.take() == FolderChanges(rescan=frozenset({p("d")}))


def test_folder_moved_inside_keeps_file_moves_and_rescans_the_new_place() -> None:
    c = ChangeCoalescer()
    c.dir_moved(p("d"), p("e"))
    c.moved(p("d", "x"), p("e", "x"))
    changes = c.take()
    assert changes.moved == ((p("d", "x"), p("e", "x")),)
    assert changes.deleted_dirs == {p("d")}
    assert changes.rescan == {p("e")}


def test_missing_folder_drops_its_pending_news_and_return_means_rescan() -> None:
    c = ChangeCoalescer()
    c.deleted(p("a"))
    c.modified(os.path.join(os.sep, "other", "b"))
    c.folder_missing(R)
    changes = c.take()
    assert changes.missing == {R}
    assert changes.deleted == set()
    assert changes.changed == {os.path.join(os.sep, "other", "b")}

    c.folder_returned(R)
    assert c.take() == FolderChanges(returned=frozenset({R}), rescan=frozenset({R}))


def test_collapse_trades_entries_for_a_rescan_and_stays_small() -> None:
    c = ChangeCoalescer()
    for i in range(100):
        c.created(p(f"f{i}"))
    c.collapse([R])
    assert len(c) == 0
    for i in range(100):
        c.modified(p(f"g{i}"))
    assert len(c) == 0  # covered by the pending rescan
    assert c.take() == FolderChanges(rescan=frozenset({R}))


def test_default_exclusions() -> None:
    excluded = [
        ".hidden",
        ".git",
        ".#notes.txt",
        ".goutputstream-ABC123",
        ".~lock.report.odt#",
        "~$report.docx",
        "notes.txt.swp",
        "draft.TMP",
        "backup.txt~",
        "#autosave#",
        "movie.mkv.part",
        "setup.exe.crdownload",
        "Thumbs.db",
    ]
    kept = ["notes.txt", "report.docx", "4913", "tmp", "swp.txt", "a~b.txt", "#hashtag.md"]
    for name in excluded:
        assert default_is_excluded(p(name)), name
    for name in kept:
        assert not default_is_excluded(p(name)), name

    data_dir = p("data")
    rule = any_of(default_is_excluded, inside_any([data_dir]), None)
    assert rule(p("data")) and rule(p("data", "chroma.sqlite3")) and rule(p("x", ".h"))
    assert not rule(p("database.txt"))
    assert not never_excluded(p(".hidden"))


def test_a_run_of_some_paths_reports_only_their_deletions() -> None:
    """A run of the paths the watcher reported stats them again: one deleted and created anew in the
    meantime is indexed, so its deletion in the same window must reach the index too."""
    c = ChangeCoalescer()
    c.created(p("again"))
    c.scan_began([p("again")])
    c.created(p("other"))
    c.deleted(p("again"))
    c.deleted(p("other"))  # not looked at by the run: nothing happened
    assert c.take() == FolderChanges(deleted=frozenset({p("again")}))
    c.scan_ended()
    c.created(p("again"))
    c.deleted(p("again"))
    assert not c.take()


def test_the_scan_counts_as_running_for_a_grace_after_its_end() -> None:
    """Events reach the coalescer late (watchdog's inotify buffer, a polling interval): a file the scan
    listed may be reported created after the scan's end."""
    import time

    from desktop_search.core.watch.delivery import Delivery

    delivered: list[FolderChanges] = []
    delivery = Delivery(
        delivered.append,
        debounce_s=0.0,
        max_delay_s=0.0,
        max_pending=100,
        present_roots=list,
        scan_grace_s=0.3,
    )
    delivery.scan_began()
    delivery.scan_ended()
    delivery.report(lambda pending: pending.created(p("late")))
    delivery.report(lambda pending: pending.deleted(p("late")))
    delivery.flush()
    assert delivered == [FolderChanges(deleted=frozenset({p("late")}))]
    time.sleep(0.35)
    delivery.report(lambda pending: pending.created(p("tmp")))
    delivery.report(lambda pending: pending.deleted(p("tmp")))
    delivery.flush()
    assert len(delivered) == 1
