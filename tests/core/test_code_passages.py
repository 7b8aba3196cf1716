"""Code files' passages rank as answers on the query's words, not on meaning alone (unit level)."""

from __future__ import annotations

import pytest

from desktop_search.core.search.code_passages import is_code_passage, unmatched_code
from desktop_search.core.search.fusion import Candidate
from desktop_search.core.search.unmatched import demote_unmatched
from desktop_search.core.store.ledger import ChunkRow

LATEX = "\\begin{question}{prez}\n  \\correctchoice{yes}\n  \\wrongchoice{no}\n\\end{question}"
SHELL = "# apt-get update\n# apt-get install smartmontools\n$ smartctl -a /dev/sda\nThen read it."
CSS = ":target > h5:nth-of-type(1),\n:target > h6:nth-of-type(1),\nspan:target ~ h1:nth-of-type(1),\n"
PROSE = (
    "The random seed decides how questions and answers are shuffled. Set it once, before the copies\n"
    "are produced, and every later build gives the same order (see the section on groups)."
)


def demote_unmatched_code(ranked: list[Candidate], rows: dict[str, ChunkRow], factor: float = 0.5):
    return demote_unmatched(ranked, rows, [(unmatched_code, factor)])


def _row(chunk_id: str, text: str, ext: str = "pdf") -> ChunkRow:
    return ChunkRow(
        chunk_id=chunk_id,
        path="/f",
        number=0,
        page=1,
        start=0,
        end=len(text),
        heading=None,
        text=text,
        ext=ext,
    )


@pytest.mark.parametrize(("ext", "code"), [("css", True), ("JS", True), ("json", True), ("txt", False),
                                           ("ipynb", False), ("ics", False)])  # fmt: skip
def test_a_code_files_passages_are_code_whatever_their_lines(ext: str, code: bool) -> None:
    assert is_code_passage(_row("c", CSS, ext)) is code


@pytest.mark.parametrize(
    ("path", "part", "code"),
    [
        ("/src/git/t/Makefile", None, True),
        ("/src/proj/CMakeLists.txt", None, True),
        ("/src/proj/Dockerfile", None, True),
        ("/src/proj/Makefile.am", None, True),
        ("/src/backup.zip", "backup/GNUmakefile", True),
        ("/mail/inbox.mbox", "message 2 / Makefile", True),  # a part path's names are joined by " / "
        ("/src/outer.zip", "inner.tar / build/CMakeLists.txt", True),
        ("/notes/makefile-tips.txt", None, False),
        ("/notes/lists.txt", None, False),
        ("/src/proj/README", None, False),
        ("/src/backup.zip", "backup/notes.txt", False),
    ],
)
def test_build_recipes_are_code_by_their_whole_name(path: str, part: str | None, code: bool) -> None:
    """A Makefile or a CMakeLists.txt says nothing by its extension (none, or ".txt")."""
    ext = path.rpartition(".")[2] if "." in path.rpartition("/")[2] else ""
    row = ChunkRow(chunk_id="m", path=path, number=0, text="all:\n\tcc -o app main.c", start=0, end=20,
                   ext=ext, part=part)  # fmt: skip
    assert is_code_passage(row) is code


@pytest.mark.parametrize("text", [LATEX, SHELL])
def test_a_listing_inside_a_document_is_not_a_code_passage(text: str) -> None:
    """A manual's shell session or LaTeX example sits in the section that explains it."""
    assert not is_code_passage(_row("listing", text, "pdf"))


def test_code_found_by_meaning_alone_falls_below_prose() -> None:
    rows = {"code": _row("code", CSS, "css"), "prose": _row("prose", PROSE)}
    ranked = [Candidate("code", 0.9, 1, score=0.02), Candidate("prose", 0.85, 2, score=0.015)]
    assert [c.chunk_id for c in demote_unmatched_code(ranked, rows)] == ["prose", "code"]


def test_a_documents_listing_found_by_meaning_alone_keeps_its_place() -> None:
    rows = {"listing": _row("listing", LATEX), "prose": _row("prose", PROSE)}
    ranked = [Candidate("listing", 0.9, 1, score=0.02), Candidate("prose", 0.85, 2, score=0.015)]
    assert [c.chunk_id for c in demote_unmatched_code(ranked, rows)] == ["listing", "prose"]


def test_code_that_holds_the_query_words_keeps_its_place() -> None:
    rows = {"code": _row("code", SHELL, "sh"), "prose": _row("prose", PROSE)}
    ranked = [
        Candidate("code", 0.9, 1, keyword_rank=1, content_words=frozenset({"smartctl"}), score=0.03),
        Candidate("prose", 0.85, 2, score=0.016),
    ]
    assert [c.chunk_id for c in demote_unmatched_code(ranked, rows)] == ["code", "prose"]


def test_factor_one_changes_nothing() -> None:
    rows = {"code": _row("code", CSS, "css"), "prose": _row("prose", PROSE)}
    ranked = [Candidate("code", 0.9, 1, score=0.02), Candidate("prose", 0.85, 2, score=0.015)]
    assert demote_unmatched_code(ranked, rows, factor=1.0) == ranked
