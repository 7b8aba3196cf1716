"""Single instance: a real second process forwards to the first and exits; a stale socket is replaced."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QDir, QLockFile

from desktop_search.gui.single_instance import (
    Action,
    InstanceMessage,
    Role,
    SingleInstance,
    server_name,
)

REPO = Path(__file__).resolve().parents[2]

# A launch reduced to its single-instance step: claim, print the role, exit 0 when forwarded.
CLAIM_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from PySide6.QtCore import QCoreApplication
    from desktop_search.gui.single_instance import Action, InstanceMessage, Role, SingleInstance
    app = QCoreApplication([])
    instance = SingleInstance(sys.argv[1])
    role = instance.claim(InstanceMessage(Action(sys.argv[2]), sys.argv[3]), wait_s=3)
    print(role.value, flush=True)
    if role is Role.PRIMARY and sys.argv[4:] == ["--stay"]:
        time.sleep(60)  # killed by the test: leaves its socket behind like a crash
    sys.exit(0 if role is not Role.UNRESPONSIVE else 3)
    """
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def _launch(
    data_dir: Path, action: str = "quick-search", query: str = "", *extra: str
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CLAIM_SCRIPT, str(data_dir), action, query, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def test_second_process_forwards_to_first_and_exits(qtbot, data_dir: Path) -> None:
    first = SingleInstance(data_dir)
    assert first.claim(InstanceMessage()) is Role.PRIMARY
    assert first.listening
    try:
        with qtbot.waitSignal(first.message_received, timeout=15000) as blocker:
            second = _launch(data_dir, "quick-search", "résumé 2019")
        out, err = second.communicate(timeout=15)
        assert second.returncode == 0, err
        assert out.strip() == "forwarded"
        assert blocker.args == [InstanceMessage(Action.QUICK_SEARCH, "résumé 2019")]

        with qtbot.waitSignal(first.message_received, timeout=15000) as blocker:
            third = _launch(data_dir, "show", "")
        assert third.communicate(timeout=15)[0].strip() == "forwarded"
        assert blocker.args == [InstanceMessage(Action.SHOW)]
    finally:
        first.close()


def test_stale_socket_of_crashed_instance_is_replaced(qtbot, data_dir: Path) -> None:
    crashed = _launch(data_dir, "show", "", "--stay")
    assert crashed.stdout is not None
    assert crashed.stdout.readline().strip() == "primary"
    crashed.send_signal(signal.SIGKILL)
    crashed.wait(timeout=10)
    socket_file = Path(QDir.tempPath()) / server_name(data_dir)
    assert socket_file.exists(), "the killed instance should have left its socket behind"

    survivor = SingleInstance(data_dir)
    try:
        assert survivor.claim(InstanceMessage(), wait_s=1) is Role.PRIMARY
        assert survivor.listening
        with qtbot.waitSignal(survivor.message_received, timeout=15000) as blocker:
            client = _launch(data_dir, "quick-search", "after the crash")
        assert client.communicate(timeout=15)[0].strip() == "forwarded"
        assert blocker.args == [InstanceMessage(Action.QUICK_SEARCH, "after the crash")]
    finally:
        survivor.close()


def test_locked_but_silent_instance_is_reported(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    holder = QLockFile(str(data_dir / "instance.lock"))
    assert holder.tryLock(0)
    try:
        assert SingleInstance(data_dir).claim(InstanceMessage(), wait_s=0.3) is Role.UNRESPONSIVE
    finally:
        holder.unlock()


def test_names_differ_per_data_dir(tmp_path: Path) -> None:
    assert server_name(tmp_path / "a") != server_name(tmp_path / "b")
    assert server_name(tmp_path / "a") == server_name(tmp_path / "a")
    assert len(server_name(tmp_path / "a")) < 40


def test_message_round_trip_and_garbage() -> None:
    message = InstanceMessage(Action.QUICK_SEARCH, "naïve query")
    assert InstanceMessage.decode(message.encode().rstrip(b"\n")) == message
    assert InstanceMessage.decode(b"\xff not json") is None
    assert InstanceMessage.decode(b'{"action": "format-disk"}') is None
    assert InstanceMessage.from_flags(quick_search=True) == InstanceMessage(Action.QUICK_SEARCH)
    assert InstanceMessage.from_flags(hidden=True) == InstanceMessage(Action.HIDDEN)
    assert InstanceMessage.from_flags() == InstanceMessage(Action.SHOW)


def _app_process(home: Path, *flags: str) -> subprocess.Popen[str]:
    """The real app (``python -m desktop_search``, by way of the tests' entry that hands it the fast
    HashEmbedder), offscreen."""
    env = _env()
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.hash_cli", "--data-dir", str(home), *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _wait_listening(name: str, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    from desktop_search.gui.single_instance import _is_listening

    deadline = time.monotonic() + timeout
    while not _is_listening(name):
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, "the app never started listening"
        time.sleep(0.2)


def test_real_app_second_launch_exits_and_a_crashed_app_is_replaced(tmp_path: Path) -> None:
    home = tmp_path / "home"
    data_dir = home / "data"  # where --data-dir puts the index (and so the instance lock)
    name = server_name(data_dir)
    first = _app_process(home, "--hidden")
    try:
        _wait_listening(name, first)
        started = time.perf_counter()
        second = _app_process(home, "--quick-search")
        _out, err = second.communicate(timeout=60)
        elapsed = time.perf_counter() - started
        assert second.returncode == 0, err
        assert first.poll() is None
        print(f"a second launch forwarded its request and exited in {elapsed:.2f} s")

        first.send_signal(signal.SIGKILL)  # a crash: lock and socket are left behind
        first.wait(timeout=10)
        assert (Path(QDir.tempPath()) / name).exists()
        third = _app_process(home, "--hidden")
        try:
            _wait_listening(name, third)  # it took over the stale socket
            assert third.poll() is None
            third.send_signal(signal.SIGTERM)  # quits like the tray's Quit
            assert third.wait(timeout=60) == 0
        finally:
            if third.poll() is None:
                third.kill()
    finally:
        if first.poll() is None:
            first.kill()
