"""Drive a running Qt app through screenshot steps: wait until a condition holds, then act, in order."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

Step = tuple[str, Callable[[], bool], Callable[[], object]]  # (what, wait until true, then do this)


def run_steps(
    steps: list[Step],
    finish: Callable[[], None],
    failures: list[str],
    first_timeout_s: float = 300.0,
    timeout_s: float = 15.0,
    settle_ms: int = 600,
) -> None:
    """Schedule ``steps`` on the Qt event loop; ``finish`` is called after the last one or a timeout
    (which is appended to ``failures``). The first step may wait longer: it usually waits for indexing."""
    from PySide6.QtCore import QTimer

    state = {"step": 0, "since": time.monotonic()}

    def tick() -> None:
        if state["step"] >= len(steps):
            finish()
            return
        what, ready, action = steps[state["step"]]
        if ready():
            print(f"ok: {what}", flush=True)
            state["step"] += 1
            state["since"] = time.monotonic()
            QTimer.singleShot(400, lambda: (action(), QTimer.singleShot(settle_ms, tick)))
            return
        if time.monotonic() - state["since"] > (first_timeout_s if state["step"] == 0 else timeout_s):
            failures.append(what)
            print(f"FAILED waiting for: {what}", file=sys.stderr, flush=True)
            finish()
            return
        QTimer.singleShot(200, tick)

    QTimer.singleShot(500, tick)
