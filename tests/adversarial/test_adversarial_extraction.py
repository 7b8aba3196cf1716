"""Every hostile kind through the extraction pool: the expected failure or skip, a reason, no hang.

This is the extraction half of the end-to-end test (``test_adversarial_engine.py``): it runs without
the model, so a regression in one extractor shows here with the kind's name.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_search.core.extract import ExtractionFailed, ExtractorPool, FileSkipped
from desktop_search.core.extract.results import WALL_FACTOR
from tests.adversarial import hostile_files as hf

TIMEOUT_S = 3.0


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[hf.Written]]]:
    folder = tmp_path_factory.mktemp("hostile")
    written, _left_out = hf.write_all(folder, hf.capabilities() - {"hooks"})
    yield folder, written


def test_there_are_at_least_30_kinds() -> None:
    assert len({k.name for k in hf.hostile_kinds()}) >= 66  # image kinds (OCR), archives and mail joined


@pytest.mark.timeout(240)
def test_every_kind_ends_as_expected_in_the_pool(hostile: tuple[Path, list[hf.Written]]) -> None:
    _folder, written = hostile
    wrong: list[str] = []
    with ExtractorPool(workers=1) as pool:
        for w in written:
            start = time.monotonic()
            try:
                result = pool.extract(w.path, timeout_s=TIMEOUT_S)
                got, reason = "indexed", ""
                if w.marker and w.marker not in result.text:
                    wrong.append(f"{w.kind}: text lacks {w.marker!r}")
            except FileSkipped as err:
                got, reason = "skipped", err.reason
            except ExtractionFailed as err:
                got, reason = "failed", err.reason
            took = time.monotonic() - start
            # the limit counts processor time; wall time is bounded by WALL_FACTOR times it (a busy machine)
            assert took < TIMEOUT_S * WALL_FACTOR + 3, f"{w.kind} took {took:.1f} s"
            if w.outcome == "absent":
                continue  # the scan never offers these to extraction; reading them must not hang
            if not w.allows(got):
                wrong.append(f"{w.kind}: expected {w.outcome}, got {got} ({reason})")
            elif got != "indexed" and not re.search(w.reason, reason, re.I):
                wrong.append(f"{w.kind}: reason {reason!r} does not match {w.reason!r}")
            if "Traceback" in reason or "\n" in reason:
                wrong.append(f"{w.kind}: reason is not a sentence: {reason!r}")
        # the slow PDFs end 'failed' with the time-limit reason (checked above), whether the worker's own
        # deadline answered or the pool had to kill it: which one wins depends on the machine's load
    assert not wrong, "\n".join(wrong)
