"""Code and markup passages rank as answers on the query's words, not on meaning alone (unit level)."""

from __future__ import annotations

import pytest

from desktop_search.core.search.code_passages import demote_unmatched_code, is_code
from desktop_search.core.search.fusion import Candidate
from desktop_search.core.store.ledger import ChunkRow

LATEX = "\\begin{question}{prez}\n  \\correctchoice{yes}\n  \\wrongchoice{no}\n\\end{question}"
SHELL = "# apt-get update\n# apt-get install smartmontools\n$ smartctl -a /dev/sda\nThen read it."
CONFIG = "[Unit]\nDescription=Backup\nAfter=network.target\nExecStart=/usr/bin/backup --all"
PROSE = (
    "The random seed decides how questions and answers are shuffled. Set it once, before the copies\n"
    "are produced, and every later build gives the same order (see the section on groups)."
)
PROSE_WITH_A_COMMAND = "To check a disk's health, install smartmontools and run\n$ smartctl -a /dev/sda\n" + (
    "as root; the report lists the attributes the drive keeps about itself and their thresholds."
)


@pytest.mark.parametrize("text", [LATEX, SHELL, CONFIG])
def test_listings_are_code(text: str) -> None:
    assert is_code(text)


@pytest.mark.parametrize("text", [PROSE, PROSE_WITH_A_COMMAND, "", "   \n "])
def test_prose_is_not_code(text: str) -> None:
    assert not is_code(text)


def _row(chunk_id: str, text: str) -> ChunkRow:
    return ChunkRow(
        chunk_id=chunk_id, path="/f", number=0, page=1, start=0, end=len(text), heading=None, text=text
    )


def test_code_found_by_meaning_alone_falls_below_prose() -> None:
    rows = {"code": _row("code", LATEX), "prose": _row("prose", PROSE)}
    ranked = [Candidate("code", 0.9, 1, score=0.02), Candidate("prose", 0.85, 2, score=0.015)]
    assert [c.chunk_id for c in demote_unmatched_code(ranked, rows)] == ["prose", "code"]


def test_code_that_holds_the_query_words_keeps_its_place() -> None:
    rows = {"code": _row("code", SHELL), "prose": _row("prose", PROSE)}
    ranked = [
        Candidate("code", 0.9, 1, keyword_rank=1, content_terms=1, score=0.03),
        Candidate("prose", 0.85, 2, score=0.016),
    ]
    assert [c.chunk_id for c in demote_unmatched_code(ranked, rows)] == ["code", "prose"]


def test_factor_one_changes_nothing() -> None:
    rows = {"code": _row("code", LATEX), "prose": _row("prose", PROSE)}
    ranked = [Candidate("code", 0.9, 1, score=0.02), Candidate("prose", 0.85, 2, score=0.015)]
    assert demote_unmatched_code(ranked, rows, factor=1.0) == ranked
