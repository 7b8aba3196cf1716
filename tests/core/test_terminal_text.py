"""Text a program formatted for a terminal reads as the terminal shows it: man-db's manual as groff
wrote it into /usr/share/doc (colour and style escapes around words), and the real ls(1) manual page
as nroff formats it to a file (overstruck bold and underline), which was skipped as binary before."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core import Engine, Settings
from desktop_search.core.extract import extract_file
from desktop_search.core.extract.encoding import looks_binary
from desktop_search.core.extract.terminal import terminal_text
from desktop_search.core.records import FileStatus

DATA = Path(__file__).resolve().parent.parent / "data"
MAN_DB = DATA / "man-db-manual.txt"  # groff's SGR escapes, as packaged
LS_PAGE = DATA / "ls.1.overstruck.txt"  # GROFF_NO_SGR=1 MAN_KEEP_FORMATTING=1 man -P cat ls


def test_escapes_and_overstrikes_read_as_the_letters_shown() -> None:
    assert terminal_text("\x1b[1;31mFAILED\x1b[0m tests/a.py") == "FAILED tests/a.py"
    assert terminal_text("\x1b[4mGraeme\x1b[24m \x1b[4mW.\x1b[24m") == "Graeme W."
    assert terminal_text("see \x1b]8;;https://x.org/\x1b\\the site\x1b]8;;\x1b\\ now") == "see the site now"
    assert terminal_text("\x1b(Bplain\x1b=") == "plain"
    assert terminal_text("N\bNA\bAM\bME\bE") == "NAME"  # bold
    assert terminal_text("_\bf_\bi_\bl_\be") == "file"  # underlined
    assert terminal_text("_\bX\bX") == "X"  # both
    assert terminal_text("‐\b‐a\bal\bll\bl") == "‐all"  # a letter of several bytes
    assert terminal_text("plain text\n") == "plain text\n"


def test_an_overstruck_manual_page_is_text_and_binary_data_is_not() -> None:
    assert not looks_binary(LS_PAGE.read_bytes())
    assert looks_binary(bytes(range(1, 32)) * 40)


def test_the_real_files_read_without_escapes_and_the_manual_keeps_its_sections() -> None:
    page = extract_file(LS_PAGE)
    assert "\b" not in page.text and "list directory contents" in page.text
    assert "-a, --all\n" in page.text and "SEE ALSO" in page.text
    manual = extract_file(MAN_DB)
    assert "\x1b" not in manual.text and "[1m" not in manual.text
    assert "Graeme W. Wilford" in manual.text
    # its section titles were bold (escapes around them): now they cut the text
    headings = [s.heading or "" for s in manual.sections]
    assert any(h.endswith("1.1 man-db") for h in headings)
    assert any(h.endswith("3.6 Cat pages") for h in headings)


@pytest.mark.model
def test_both_are_indexed_and_found_by_their_words(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(MAN_DB, docs / "man-db-manual.txt")
    shutil.copy(LS_PAGE, docs / "ls.txt")
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        statuses = {Path(r.path).name: r.status for r in engine.store.ledger.files()}
        assert statuses == {"man-db-manual.txt": FileStatus.INDEXED, "ls.txt": FileStatus.INDEXED}
        [first] = engine.search("Graeme Wilford", k=1, grouped=False)
        assert first.path.endswith("man-db-manual.txt") and "Graeme W. Wilford" in first.text
        [first] = engine.search("sort entries by modification time", k=1, grouped=False)
        assert first.path.endswith("ls.txt") and "\b" not in first.text
    finally:
        engine.close()
