"""Show the tray icon, open its menu and the quick-search popup on a real X desktop, and take screenshots.

Run inside the virtual desktop (Xvfb with the ``trayer`` tray host), from the repository root:

    ../shared/scripts/virtual-desktop.sh -- .venv/bin/python scripts/tray_screenshots.py

It indexes a few sample files with the real model (found in ``.test-cache/`` or the user cache), then
clicks the tray icon with ``xdotool`` like a user: right button for the menu, left button for quick
search, types a query, and saves ``docs/screenshots/tray-menu.png`` and ``quick-search.png`` (and
``tray-notice.png``, the one-time hide-to-tray notice). Exits non-zero when a step fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gui_steps import run_steps

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "screenshots"
SAMPLES = {
    "Kakteen umtopfen.txt": "Kakteen topft man am besten im Frühjahr um, wenn sie aus der Winterruhe "
    "erwachen. Ziehen Sie dicke Handschuhe an und nehmen Sie durchlässige Kakteenerde.",
    "Cactus care notes.md": "# Cactus care\n\nWater a cactus sparingly in winter. Repot a cactus in spring, "
    "when it starts growing, into a pot one size larger with gritty soil.",
    "sourdough.md": "# Sourdough\n\nFeed the starter with equal parts flour and water every morning.",
    "taxes 2024.txt": "The tax return is due by April 15. Keep receipts for charitable donations.",
    "bicycle.txt": "To fix a flat tyre, remove the wheel and glue a patch over the puncture.",
    "jardinería.txt": "Los cactus se trasplantan en primavera; use guantes y un sustrato bien drenado.",
}
QUERY = "when to repot a cactus"


def _setup_home() -> Path:
    home = Path(tempfile.mkdtemp(prefix="ds-screens-"))
    docs = home / "Documents"
    docs.mkdir()
    for name, text in SAMPLES.items():
        (docs / name).write_text(text, encoding="utf-8")
    os.environ["DESKTOP_SEARCH_HOME"] = str(home / "app")
    if (REPO / ".test-cache").is_dir():
        os.environ.setdefault("DESKTOP_SEARCH_CACHE_DIR", str(REPO / ".test-cache"))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from desktop_search.core.config.paths import resolve_paths
    from desktop_search.core.config.settings import Settings, save_settings

    paths = resolve_paths().ensure()
    save_settings(Settings(folders=[str(docs)]), paths.settings_file)
    return home


def _run(*cmd: str) -> None:
    subprocess.run(cmd, check=True, timeout=30)


def _shot(name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    _run("import", "-window", "root", str(OUT / name))
    print(f"saved {OUT / name}", flush=True)


def main() -> int:
    if not os.environ.get("DISPLAY") or not shutil.which("xdotool"):
        print("run me inside ../shared/scripts/virtual-desktop.sh", file=sys.stderr)
        return 2
    sys.path.insert(0, str(REPO))  # this checkout's package, not an installed one
    home = _setup_home()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QSystemTrayIcon

    from desktop_search.core.records import Phase
    from desktop_search.gui.app import build_context, create_application
    from desktop_search.gui.tray import install_tray

    app = create_application()
    if not QSystemTrayIcon.isSystemTrayAvailable():
        print("no system tray on this display", file=sys.stderr)
        return 1
    ctx = build_context(app=app)
    tray = install_tray(ctx, hidden=True)
    assert tray.tray is not None
    failures: list[str] = []

    def click_tray(button: str) -> None:
        geometry = tray.tray.geometry()  # where the tray host put the icon
        _run("xdotool", "mousemove", str(geometry.center().x()), str(geometry.center().y()), "click", button)

    steps: list[tuple[str, Callable[[], bool], Callable[[], None]]] = [
        # (what, wait until this is true, then do this)
        (
            "indexing finishes",
            lambda: tray.last_progress is not None and tray.last_progress.phase == Phase.DONE,
            lambda: click_tray("3"),
        ),
        (
            "the tray menu opens",
            lambda: tray.menu.isVisible(),
            lambda: (_shot("tray-menu.png"), _run("xdotool", "key", "Escape")),
        ),
        ("the menu closes", lambda: not tray.menu.isVisible(), lambda: click_tray("1")),
        (
            "quick search opens",
            lambda: tray.popup.isVisible(),
            lambda: _run("xdotool", "type", "--delay", "20", QUERY),
        ),
        (
            "results arrive",
            lambda: tray.popup.last_results is not None and tray.popup.last_results.request.query == QUERY,
            lambda: (time.sleep(0.3), _shot("quick-search.png"), _run("xdotool", "key", "Escape")),
        ),
        ("the popup hides", lambda: not tray.popup.isVisible(), lambda: (ctx.show_window(), None)),
        ("the window shows", lambda: ctx.window.isVisible(), lambda: ctx.window.close()),
        (
            "the window hides to the tray",
            lambda: not ctx.window.isVisible(),
            lambda: (time.sleep(1.0), _shot("tray-notice.png")),
        ),
    ]
    run_steps(steps, tray.quit, failures, timeout_s=15, settle_ms=600)
    QTimer.singleShot(0, ctx.start)
    app.exec()
    shutil.rmtree(home, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
