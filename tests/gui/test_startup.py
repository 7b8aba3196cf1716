"""Start-up: the window shows and stays responsive while the model loads; a query typed meanwhile waits."""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QTimer

from desktop_search.gui.engine_bridge import ModelState
from tests.support.fake_embedder import HashEmbedder

HEAVY_MODULES = ("torch", "sentence_transformers", "chromadb")


class SlowLoadingEmbedder(HashEmbedder):
    """A stand-in embedder whose ``load`` takes seconds, like torch and a real model do."""

    def __init__(self, delay_s: float) -> None:
        super().__init__()
        self.delay_s = delay_s
        self.loaded = False

    def load(self, progress: object = None) -> None:
        time.sleep(self.delay_s)
        self.loaded = True


def test_window_is_responsive_before_the_model_is_ready(make_context, qtbot):
    embedder = SlowLoadingEmbedder(2.5)

    def factory():
        from desktop_search.core.engine import Engine

        return Engine.open(embedder=embedder)

    ctx = make_context(factory)
    turns_while_loading = []
    ticker = QTimer()
    ticker.timeout.connect(lambda: turns_while_loading.append(not embedder.loaded))
    ticker.start(20)
    qtbot.waitExposed(ctx.window)
    assert ctx.window.isVisible() and ctx.window.windowTitle() == "Desktop Search"
    box = ctx.window.search_view.box
    qtbot.waitUntil(lambda: "loading model" in box.placeholderText().lower(), timeout=5_000)

    requests, results = [], []
    ctx.bridge.search_started.connect(requests.append)
    ctx.bridge.results.connect(results.append)
    qtbot.keyClicks(box, "tomatoes")
    box.returnPressed.emit()
    assert requests and requests[-1].query == "tomatoes"
    assert ctx.bridge.model_state == ModelState.LOADING

    with qtbot.waitSignal(ctx.bridge.model_ready, timeout=60_000):
        pass
    ticker.stop()
    assert sum(turns_while_loading) >= 20  # the event loop kept turning while the model loaded
    assert "search your files" in box.placeholderText().lower()
    # keyword matches came while loading; the same query ran in full once the model was ready
    qtbot.waitUntil(lambda: any(not r.provisional for r in results), timeout=30_000)
    assert results[0].provisional and results[0].request.query == "tomatoes"
    assert results[-1].request.query == "tomatoes" and results[-1].mode == "hybrid"


def test_gui_modules_do_not_import_heavy_libraries():
    """Importing the app (what runs before the window shows) pulls in no torch/chromadb."""
    import os
    import subprocess
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(repo) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    code = (
        "import sys, desktop_search.gui.app\n"
        f"heavy = [m for m in {HEAVY_MODULES!r} if m in sys.modules]\n"
        "print(heavy)\n"
        "sys.exit(1 if heavy else 0)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
        cwd=repo,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_command_line_options_are_accepted():
    from desktop_search.gui.app import parse_args

    args = parse_args(["--data-dir", "/tmp/x", "--hidden", "--quick-search", "-style", "fusion"])
    assert args.data_dir == "/tmp/x" and args.hidden and args.quick_search
