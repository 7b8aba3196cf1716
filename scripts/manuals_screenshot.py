"""Screenshot of the window answering a question over real manuals in another language.

Uses the index that ``benchmarks/realdocs.py`` built (its ``home`` folder, copied so the benchmark's
stays untouched), types the question, selects the first result and saves the shot. A German question
about the Auto Multiple Choice manual (which has no German edition) is a cross-language one. Run
inside the virtual desktop:

    ../shared/scripts/virtual-desktop.sh --size 1280x800 -- .venv/bin/python scripts/manuals_screenshot.py \
        --home benchmarks/.cache/realdocs/home --query "Wie mische ich die Reihenfolge der Antworten?"
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gui_steps import run_steps

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, required=True, help="the benchmark's app home (its index)")
    parser.add_argument("--query", required=True)
    parser.add_argument(
        "--out", type=Path, default=REPO / "docs" / "screenshots" / "manuals-cross-language.png"
    )
    args = parser.parse_args()
    if not os.environ.get("DISPLAY"):
        print("run me inside ../shared/scripts/virtual-desktop.sh", file=sys.stderr)
        return 2
    home = Path(tempfile.mkdtemp(prefix="ds-manuals-shot-")) / "home"
    shutil.copytree(args.home, home)
    os.environ["DESKTOP_SEARCH_HOME"] = str(home)
    if (REPO / ".test-cache").is_dir():
        os.environ.setdefault("DESKTOP_SEARCH_CACHE_DIR", str(REPO / ".test-cache"))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from PySide6.QtCore import QTimer

    from desktop_search.core.records import Phase
    from desktop_search.gui.app import build_context, create_application

    app = create_application()
    ctx = build_context(app=app)
    ctx.window.resize(1280, 770)
    ctx.show_window()
    view = ctx.window.search_view
    failures: list[str] = []

    def search() -> None:
        view.box.setText(args.query)
        ctx.search.search_now()

    def shot() -> None:
        time.sleep(0.5)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["import", "-window", "root", str(args.out)], check=True, timeout=30)
        print(f"saved {args.out}", flush=True)

    steps = [
        (
            "the index is up to date",
            lambda: ctx.bridge.last_progress is not None and ctx.bridge.last_progress.phase == Phase.DONE,
            search,
        ),
        (
            "results arrive",
            lambda: view.model.rowCount() > 0,
            lambda: view.results.setCurrentIndex(view.model.index(0, 0)),
        ),
        ("the first result is shown", lambda: True, shot),
    ]
    run_steps(steps, app.quit, failures, timeout_s=60, settle_ms=1500)
    QTimer.singleShot(0, ctx.start)
    app.exec()
    ctx.shutdown()
    shutil.rmtree(home.parent, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
