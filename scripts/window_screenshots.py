"""Screenshot of the main window with a PDF hit whose page is rendered in the preview (QtPdf).

Run inside the virtual desktop, from the repository root:

    ../shared/scripts/virtual-desktop.sh --size 1280x800 -- .venv/bin/python scripts/window_screenshots.py

Indexes a few sample files (a three-page PDF among them) with the real model, types a query, selects
the PDF hit, switches the preview to the rendered page and saves ``docs/screenshots/preview-pdf-page.png``.
Exits non-zero when a step fails.
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
QUERY = "how much did heating energy drop after installing heat pumps"
TEXTS = {
    "heat-pump-notes.md": "# Heat pump installers\n\nAsk every installer for the seasonal performance factor "
    "(SCOP) and whether the outdoor unit needs a permit.",
    "Wärmepumpe Angebot.txt": "Angebot für die Installation einer Luft-Wasser-Wärmepumpe mit 9 kW "
    "Heizleistung. Die Heizkosten sinken um etwa 40 Prozent gegenüber der alten Gasheizung.",
    "sourdough.md": "# Sourdough\n\nFeed the starter the evening before and bake at 240 °C with steam.",
}
PDF_PAGES = [
    ["Energy audit of municipal buildings 2024", "Prepared for the city council, March 2024."],
    [
        "Results",
        "After the old gas boilers were replaced by air-source heat pumps,",
        "the energy used for heating fell by 41 percent in the pilot buildings.",
    ],
    ["Costs", "Heating costs per square metre dropped from 14.20 to 8.35 euros a year."],
]


def _setup_home() -> Path:
    sys.path.insert(0, str(REPO))
    from tests.core.extract_samples import make_pdf

    home = Path(tempfile.mkdtemp(prefix="ds-window-shots-"))
    docs = home / "Documents"
    docs.mkdir()
    for name, text in TEXTS.items():
        (docs / name).write_text(text, encoding="utf-8")
    (docs / "Energy audit 2024.pdf").write_bytes(make_pdf(PDF_PAGES))
    os.environ["DESKTOP_SEARCH_HOME"] = str(home / "app")
    if (REPO / ".test-cache").is_dir():
        os.environ.setdefault("DESKTOP_SEARCH_CACHE_DIR", str(REPO / ".test-cache"))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from desktop_search.core.config.paths import resolve_paths
    from desktop_search.core.config.settings import Settings, save_settings

    paths = resolve_paths().ensure()
    save_settings(Settings(folders=[str(docs)]), paths.settings_file)
    return home


def _shot(name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    subprocess.run(["import", "-window", "root", str(OUT / name)], check=True, timeout=30)
    print(f"saved {OUT / name}", flush=True)


def main() -> int:
    if not os.environ.get("DISPLAY"):
        print("run me inside ../shared/scripts/virtual-desktop.sh", file=sys.stderr)
        return 2
    home = _setup_home()
    from PySide6.QtCore import QTimer

    from desktop_search.core.records import Phase
    from desktop_search.gui.app import build_context, create_application

    app = create_application()
    ctx = build_context(app=app)
    ctx.window.resize(1280, 770)
    ctx.show_window()
    view = ctx.window.search_view
    pane = view.preview
    failures: list[str] = []

    def search() -> None:
        view.box.setText(QUERY)
        ctx.search.search_now()

    def select_pdf() -> None:
        view.results.setCurrentIndex(view.model.index(0, 0))
        pane.page_button.setChecked(True)

    steps: list[tuple[str, Callable[[], bool], Callable[[], None]]] = [
        (
            "indexing finishes",
            lambda: ctx.bridge.last_progress is not None and ctx.bridge.last_progress.phase == Phase.DONE,
            search,
        ),
        ("results arrive", lambda: view.model.rowCount() > 0, select_pdf),
        (
            "the PDF page is rendered",
            lambda: pane.pdf_view is not None and pane.stack.currentWidget() is pane.pdf_view,
            lambda: (time.sleep(0.5), _shot("preview-pdf-page.png")),
        ),
    ]
    run_steps(steps, app.quit, failures, timeout_s=30, settle_ms=800)
    QTimer.singleShot(0, ctx.start)
    app.exec()
    ctx.shutdown()
    shutil.rmtree(home, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
