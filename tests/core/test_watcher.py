"""The folder watcher with real watchdog observers on real tmp folders.

Every wait is a poll with a timeout; the watchers run with short debounce and poll intervals so
the whole file stays fast.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from watchdog.observers import Observer

from desktop_search.core.watch.filters import any_of, default_is_excluded, inside_any
from desktop_search.core.watch.watcher import FolderChanges, FolderWatcher

FAST = {"debounce_s": 0.15, "max_delay_s": 1.0, "presence_poll_s": 0.1}


class Recorder:
    """The callback: keeps every delivered change set and the thread it arrived on."""

    def __init__(self) -> None:
        self.batches: list[FolderChanges] = []
        self.threads: set[str] = set()
        self.concurrent = 0
        self._busy = threading.Lock()
        self._lock = threading.Lock()

    def __call__(self, changes: FolderChanges) -> None:
        if not self._busy.acquire(blocking=False):
            self.concurrent += 1
            return
        try:
            with self._lock:
                self.batches.append(changes)
                self.threads.add(threading.current_thread().name)
        finally:
            self._busy.release()

    def union(self, field: str) -> set:
        with self._lock:
            return {item for batch in self.batches for item in getattr(batch, field)}

    def wait(self, condition: Callable[[], bool], timeout: float = 8.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; delivered so far: {self.batches}")
            time.sleep(0.02)

    def wait_for(self, field: str, *items: object, timeout: float = 8.0) -> None:
        self.wait(lambda: set(items) <= self.union(field), timeout)

    def clear(self) -> None:
        with self._lock:
            self.batches.clear()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "watched"
    folder.mkdir()
    return folder


@pytest.fixture
def make_watcher() -> Iterator[Callable[..., tuple[FolderWatcher, Recorder]]]:
    made: list[FolderWatcher] = []

    def make(*folders: Path, **options: object) -> tuple[FolderWatcher, Recorder]:
        recorder = Recorder()
        watcher = FolderWatcher(recorder, **{**FAST, **options})  # type: ignore[arg-type]
        watcher.set_folders(str(f) for f in folders)
        watcher.start()
        made.append(watcher)
        return watcher, recorder

    yield make
    for watcher in made:
        watcher.stop()


def write(path: Path, text: str = "hello", mode: str = "w") -> None:
    with open(path, mode, encoding="utf-8") as handle:
        handle.write(text)


def settle(watcher: FolderWatcher, recorder: Recorder, probe: Path) -> None:
    """Wait until everything before now has been delivered: write a probe file and wait for it."""
    write(probe, "probe")
    recorder.wait_for("changed", str(probe))


def test_triple_write_is_one_change_on_the_delivery_thread(root: Path, make_watcher) -> None:
    target = root / "notes.txt"
    write(target, "v0")
    _watcher, recorder = make_watcher(root)
    for i in range(3):
        write(target, f"version {i}\n" * 100)
    recorder.wait_for("changed", str(target))
    time.sleep(0.3)  # a second delivery, if there were one, would be due by now
    assert sum(str(target) in b.changed for b in recorder.batches) == 1
    assert recorder.threads == {"folder-watcher-delivery"}
    assert recorder.concurrent == 0


def test_delete_rename_and_move_then_modify(root: Path, make_watcher) -> None:
    doomed, old, other = root / "doomed.txt", root / "old.txt", root / "other.txt"
    for path in (doomed, old, other):
        write(path)
    _watcher, recorder = make_watcher(root)

    doomed.unlink()
    recorder.wait_for("deleted", str(doomed))

    old.rename(root / "new.txt")
    other.rename(root / "moved.txt")
    write(root / "moved.txt", " more", mode="a")
    recorder.wait_for("moved", (str(old), str(root / "new.txt")), (str(other), str(root / "moved.txt")))
    recorder.wait_for("changed", str(root / "moved.txt"))
    assert str(root / "new.txt") not in recorder.union("changed")
    assert not recorder.union("deleted") & {str(old), str(other)}


def test_create_then_delete_cancels_and_editor_save_dance_is_one_change(root: Path, make_watcher) -> None:
    doc = root / "doc.txt"
    write(doc, "first")
    _watcher, recorder = make_watcher(root, debounce_s=0.3)
    flash = root / "flash.txt"
    write(flash)
    flash.unlink()
    temp = root / "doc.txt.new"  # not excluded by name: the rename must still fold it away
    write(temp, "second")
    os.replace(temp, doc)
    gtk = root / ".goutputstream-XYZ123"
    write(gtk, "third")
    os.replace(gtk, doc)
    recorder.wait_for("changed", str(doc))
    settle(_watcher, recorder, root / "probe.txt")
    named = set().union(*(recorder.union(f) for f in ("changed", "deleted", "rescan")))
    named |= {path for move in recorder.union("moved") for path in move}
    assert named == {str(doc), str(root / "probe.txt")}


def test_directory_moved_in_is_rescanned_and_directory_deleted_is_reported(
    tmp_path: Path, root: Path, make_watcher
) -> None:
    outside = tmp_path / "outside" / "album"
    (outside / "deep").mkdir(parents=True)
    for i in range(5):
        write(outside / f"f{i}.txt")
    write(outside / "deep" / "g.txt")
    _watcher, recorder = make_watcher(root)

    shutil.move(str(outside), str(root / "album"))
    recorder.wait_for("rescan", str(root / "album"))
    assert not {p for p in recorder.union("changed") if p.startswith(str(root / "album"))}

    shutil.rmtree(root / "album")
    recorder.wait_for("deleted_dirs", str(root / "album"))
    assert not recorder.union("deleted")  # the folder's entry stands for its files


def test_vanished_folder_is_missing_never_deleted_and_its_return_is_rescanned(
    root: Path, make_watcher
) -> None:
    for i in range(3):
        write(root / f"keep{i}.txt")
    (root / "sub").mkdir()
    write(root / "sub" / "x.txt")
    watcher, recorder = make_watcher(root, debounce_s=0.3)

    shutil.rmtree(root)
    recorder.wait_for("missing", str(root))
    assert not recorder.union("deleted") and not recorder.union("deleted_dirs")
    assert watcher.unavailable_folders == [str(root)]
    time.sleep(0.4)  # several presence polls: reported once only
    assert sum(str(root) in b.missing for b in recorder.batches) == 1

    root.mkdir()
    write(root / "back.txt")
    recorder.wait_for("returned", str(root))
    recorder.wait_for("rescan", str(root))
    assert watcher.unavailable_folders == []
    write(root / "after.txt")
    recorder.wait_for("changed", str(root / "after.txt"))  # watched again


def test_folder_missing_at_start_is_reported_then_watched_when_it_appears(
    tmp_path: Path, make_watcher
) -> None:
    later = tmp_path / "usb-drive"
    watcher, recorder = make_watcher(later)
    recorder.wait_for("missing", str(later))
    assert watcher.unavailable_folders == [str(later)]
    time.sleep(0.4)  # several presence polls: reported once only
    assert sum(str(later) in b.missing for b in recorder.batches) == 1
    later.mkdir()
    recorder.wait_for("returned", str(later))
    recorder.wait_for("rescan", str(later))  # whatever it holds gets indexed
    assert watcher.unavailable_folders == []
    write(later / "a.txt")
    recorder.wait_for("changed", str(later / "a.txt"))  # and it is watched from now on
    assert not recorder.union("deleted") and not recorder.union("deleted_dirs")


def test_exclusions_at_every_level(tmp_path: Path, root: Path, make_watcher) -> None:
    data_dir = root / "app-data"
    data_dir.mkdir()
    (root / ".git").mkdir()
    rule = any_of(default_is_excluded, inside_any([data_dir]))
    _watcher, recorder = make_watcher(root, is_excluded=rule)
    for name in (".hidden", "notes.txt.swp", "~$report.docx", "draft.tmp", ".#lock", "old.txt~"):
        write(root / name)
    write(root / ".git" / "HEAD")
    write(data_dir / "chroma.sqlite3")
    write(root / "real.txt")
    recorder.wait_for("changed", str(root / "real.txt"))
    settle(_watcher, recorder, root / "probe.txt")
    assert recorder.union("changed") == {str(root / "real.txt"), str(root / "probe.txt")}
    assert not recorder.union("rescan")


def test_burst_of_2000_files_arrives_complete_in_few_callbacks(root: Path, make_watcher) -> None:
    _watcher, recorder = make_watcher(root, debounce_s=0.3, max_delay_s=2.0)
    expected = {str(root / f"file{i:05d}.txt") for i in range(2000)}
    writer = "import sys\nfor path in sys.argv[1:]:\n    open(path, 'w').write(path)"
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", writer, *sorted(expected)], check=True, timeout=60)
    written_in = time.monotonic() - started
    recorder.wait(lambda: expected <= recorder.union("changed"), timeout=20)
    # one callback per max_delay_s at most while the burst lasts, plus the tail
    assert len(recorder.batches) <= 2 + int(written_in / 2.0) + 1, (len(recorder.batches), written_in)


def test_storm_past_the_pending_limit_becomes_a_rescan(root: Path, make_watcher) -> None:
    _watcher, recorder = make_watcher(root, debounce_s=0.3, max_pending=100)
    for i in range(300):
        write(root / f"s{i}.txt")
    recorder.wait_for("rescan", str(root))
    assert len(recorder.union("changed")) <= 101


def test_moves_between_watched_folders_and_folders_set_on_the_fly(tmp_path: Path, make_watcher) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    write(first / "a.txt")
    watcher, recorder = make_watcher(first)
    watcher.set_folders([first, second])
    assert watcher.folders == [str(first), str(second)]
    write(second / "b.txt")
    recorder.wait_for("changed", str(second / "b.txt"))

    watcher.set_folders([second])
    write(first / "ignored.txt")
    write(second / "c.txt")
    recorder.wait_for("changed", str(second / "c.txt"))
    assert str(first / "ignored.txt") not in recorder.union("changed")


def test_nested_folder_vanishing_is_missing_for_the_outer_folder_too(root: Path, make_watcher) -> None:
    inner = root / "drive"
    inner.mkdir()
    write(inner / "a.txt")
    watcher, recorder = make_watcher(root, inner)
    write(inner / "b.txt")
    recorder.wait_for("changed", str(inner / "b.txt"))
    assert sum(str(inner / "b.txt") in b.changed for b in recorder.batches) == 1  # reported once
    shutil.rmtree(inner)
    recorder.wait_for("missing", str(inner))
    settle(watcher, recorder, root / "probe.txt")
    assert not recorder.union("deleted_dirs") and not recorder.union("deleted")


def test_periodic_reconciliation_and_overflow_ask_for_rescans(root: Path, make_watcher) -> None:
    _watcher, recorder = make_watcher(root, reconcile_interval_s=0.3)
    recorder.wait(lambda: sum(str(root) in b.rescan for b in recorder.batches) >= 2)
    # nothing changed on disk: the periodic rescans are the whole news, and only of the watched folder
    assert recorder.union("rescan") == {str(root)}
    assert not recorder.union("changed") and not recorder.union("deleted")

    watcher2, recorder2 = make_watcher(root)  # reconciles only every 10 minutes
    settle(watcher2, recorder2, root / "probe.txt")
    assert not recorder2.union("rescan")  # no rescan before the overflow
    # watchdog reports a kernel queue overflow only in its log; this is its exact warning
    logging.getLogger("watchdog.observers.inotify_c").warning(
        "Inotify queue overflowed; filesystem events were lost"
    )
    recorder2.wait_for("rescan", str(root))
    assert recorder2.union("rescan") == {str(root)}


def test_callback_errors_are_logged_and_watching_goes_on(
    root: Path, make_watcher, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[FolderChanges] = []

    def flaky(changes: FolderChanges) -> None:
        seen.append(changes)
        if len(seen) == 1:
            raise RuntimeError("engine hiccup")

    watcher = FolderWatcher(flaky, **FAST)  # type: ignore[arg-type]
    watcher.set_folders([root])
    watcher.start()
    try:
        write(root / "one.txt")
        deadline = time.monotonic() + 8
        while not seen and time.monotonic() < deadline:
            time.sleep(0.02)
        write(root / "two.txt")
        while len(seen) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert any(str(root / "two.txt") in c.changed for c in seen)
        assert "callback failed" in caplog.text
    finally:
        watcher.stop()


def test_flush_delivers_now(root: Path, make_watcher) -> None:
    watcher, recorder = make_watcher(root, debounce_s=30.0, max_delay_s=60.0)
    write(root / "a.txt")
    deadline = time.monotonic() + 8
    while True:  # the event must have reached the watcher before a flush can deliver it
        watcher.flush()
        if str(root / "a.txt") in recorder.union("changed") or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert str(root / "a.txt") in recorder.union("changed")


class _RefusingObserver(Observer):  # type: ignore[valid-type,misc]
    """A native observer that cannot add watches, as when the inotify watch limit is reached."""

    def schedule(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "No space left on device")


def test_falls_back_to_polling_when_a_native_watch_cannot_be_had(
    root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    class Watcher(FolderWatcher):
        _native_observer_factory = _RefusingObserver

    recorder = Recorder()
    watcher = Watcher(recorder, poll_interval_s=0.1, **FAST)  # type: ignore[arg-type]
    with caplog.at_level(logging.INFO):
        watcher.set_folders([root])
        watcher.start()
    try:
        assert "max_user_watches" in caplog.text
        write(root / "seen-by-polling.txt")
        recorder.wait_for("changed", str(root / "seen-by-polling.txt"))
    finally:
        watcher.stop()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX byte file names")
def test_non_utf8_file_name(root: Path, make_watcher) -> None:
    _watcher, recorder = make_watcher(root)
    raw = os.path.join(os.fsencode(root), b"caf\xe9.txt")
    with open(raw, "wb") as handle:
        handle.write(b"x")
    recorder.wait_for("changed", os.fsdecode(raw))
    # delivered as the one str that maps back to the very bytes on disk, so the file can be opened
    (delivered,) = recorder.union("changed")
    assert os.fsencode(delivered) == raw
    with open(delivered, "rb") as handle:
        assert handle.read() == b"x"


def test_stop_twice_leaves_no_threads(root: Path) -> None:
    before = set(threading.enumerate())
    recorder = Recorder()
    watcher = FolderWatcher(recorder, **FAST)  # type: ignore[arg-type]
    watcher.set_folders([root])
    watcher.start()
    watcher.start()  # idempotent
    write(root / "last.txt")
    time.sleep(0.05)
    watcher.stop()
    watcher.stop()
    assert str(root / "last.txt") in recorder.union("changed")  # pending news delivered on stop
    leftover = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert leftover == []
    with pytest.raises(RuntimeError):
        watcher.start()
    FolderWatcher(recorder).stop()  # never started: nothing to do
