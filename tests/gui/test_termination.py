"""Termination signals quit through the app's own quit, even when they come before the event loop runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# A launch that is killed while it is still starting up: the signal comes before app.exec(), and the
# quit target is replaced afterwards, as main() does once the tray exists.
EARLY_SIGNAL_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from PySide6.QtCore import QCoreApplication
    from desktop_search.gui.termination import QuitOnTermination
    app = QCoreApplication([])
    termination = QuitOnTermination(app.quit, parent=app)
    print(",".join(termination.install()), flush=True)
    os.kill(os.getpid(), signal.SIGTERM)
    os.kill(os.getpid(), signal.SIGTERM)  # a second signal asks for nothing more
    calls = []
    def tray_quit():
        calls.append(1)
        print("tray quit", flush=True)
        app.quit()
    termination.target = tray_quit
    code = app.exec()
    print(f"calls={len(calls)}", flush=True)
    sys.exit(code)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_signal_during_startup_quits_cleanly_through_the_current_target() -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["QT_QPA_PLATFORM"] = "offscreen"
    done = subprocess.run(
        [sys.executable, "-c", EARLY_SIGNAL_SCRIPT], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split()
    assert "SIGTERM" in lines[0]
    assert lines[1:] == ["tray", "quit", "calls=1"]


def test_install_leaves_handlers_someone_else_set(qtbot) -> None:
    from desktop_search.gui.termination import QuitOnTermination

    def custom(*_args: object) -> None:
        pass

    previous = {name: signal.getsignal(getattr(signal, name)) for name in ("SIGTERM", "SIGINT")}
    signal.signal(signal.SIGTERM, custom)
    try:
        termination = QuitOnTermination(lambda: None)
        installed = termination.install()
        assert "SIGTERM" not in installed
        assert signal.getsignal(signal.SIGTERM) is custom
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)
        if hasattr(signal, "SIGHUP"):
            signal.signal(signal.SIGHUP, signal.SIG_DFL)
