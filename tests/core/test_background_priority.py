"""The model's background processes (calibration, int8 export) run below the app's priority, so a
first start's keyword indexing gets the cores first."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from desktop_search.core.model.priority import BACKGROUND_NICENESS, lower_this_process


def _report_niceness(queue) -> None:  # type: ignore[no-untyped-def]
    lower_this_process()
    queue.put(os.nice(0))


@pytest.mark.skipif(not hasattr(os, "nice"), reason="POSIX niceness")
def test_a_background_process_runs_at_a_lower_priority_and_the_app_does_not() -> None:
    before = os.nice(0)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_report_niceness, args=(queue,))
    child.start()
    niceness = queue.get(timeout=60)
    child.join(60)
    assert niceness == min(19, before + BACKGROUND_NICENESS)
    assert os.nice(0) == before  # only the child was lowered
