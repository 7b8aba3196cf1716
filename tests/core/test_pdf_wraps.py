"""A listing's lines that the typesetter wrapped and marked read whole again: dblatex's "← -",
Sphinx's "˓→" (with "␣" for a space at the break), Doxygen's "←˓"; on small texts and on the real
Debian Reference excerpt."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_search.core.extract.pdf import extract_pdf
from desktop_search.core.extract.pdf_wraps import join_marked_wraps
from desktop_search.core.extract.results import Deadline

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        (
            "bookworm main non-free-firmware ← -\ncontrib non-free",
            "bookworm main non-free-firmware contrib non-free",
        ),
        ("main contrib non- ← -\nfree", "main contrib non-free"),  # broken after a hyphen
        ("x-scheme-handler/ ← -\nhttps;", "x-scheme-handler/https;"),  # and after a slash
        ("> 1-1.0-1ubuntu1.\n\u02d3\u2192debdiff\nThe format", "> 1-1.0-1ubuntu1.debdiff\nThe format"),
        ('to improve the program\u2423\n\u02d3\u2192description"', 'to improve the program description"'),
        (
            "Parameters\nmessage\u2190 \u02d3\n_in\nthe error message",
            "Parameters\nmessage_in\nthe error message",
        ),
        ("message\u2190 \u0593\n_in", "message_in"),  # a font that maps the hook elsewhere
        ("left ← right\nnext line", "left ← right\nnext line"),  # an arrow in text is no mark
    ],
)
def test_a_marked_wrap_is_joined_and_its_mark_dropped(text: str, joined: str) -> None:
    assert join_marked_wraps(text) == joined


def test_the_real_debian_reference_reads_its_sources_list_lines_whole() -> None:
    text = extract_pdf((DATA / "debian-reference.en.excerpt.pdf").read_bytes(), Deadline(60)).text
    assert "bullseye-security main non-free-firmware contrib non-free" in text
    assert "\u2190" not in text
