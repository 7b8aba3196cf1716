"""Accents drawn as glyphs of their own over letters (TeX's OT1 fonts: "f¨ur", "d´efaut") joined back:
on strings, in a real PDF whose text layer reads so, and through the real stack (keyword and meaning)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_search.core import Engine, Settings
from desktop_search.core.extract.pdf import extract_pdf
from desktop_search.core.extract.pdf_accents import compose_accents
from desktop_search.core.extract.results import Deadline
from tests.core.extract_samples import make_pdf

# as LilyPond's German and French manuals (Texinfo) read in pypdf
GERMAN = "Optionen f¨ur lilypond: globale ¨Anderungen m¨ussen eingef¨ugt werden."
FRENCH = "Le r´epertoire par d´efaut o`u le syst`eme g´en`ere la mˆeme, `a la fa¸con du franc¸ais."


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        (GERMAN, "Optionen für lilypond: globale Änderungen müssen eingefügt werden."),
        (FRENCH, "Le répertoire par défaut où le système génère la même, à la façon du français."),
        ("c’est-`a-dire jusqu’`a na¨ıve chaˆıne", "c’est-à-dire jusqu’à naïve chaîne"),  # dotless ı: i
        ("a˜no, Dvoˇr´ak", "año, Dvořák"),
    ],
)
def test_accents_join_the_letter_they_were_drawn_over(read: str, meant: str) -> None:
    assert compose_accents(read) == meant


def test_backticks_of_code_and_tex_quotes_and_lone_accents_stay() -> None:
    for text in ("`make' and `alle'", "CPU_CORES=`cat /proc/cpuinfo`", "x¨ 3´ `9", "plain text"):
        assert compose_accents(text) == text


def test_a_combining_grave_before_a_word_is_the_backtick_the_page_shows() -> None:
    # the Debian FAQ's text layer: "the \u00a0\u0300stable\u2019 distribution"; Debian Reference's shell
    assert compose_accents("the \u00a0\u0300stable\u2019 one") == "the \u00a0`stable\u2019 one"
    chroot = "in a \u00a0\u0300chroot\u00a0\u0300ed place"
    assert compose_accents(chroot) == "in a \u00a0`chroot\u00a0`ed place"
    assert compose_accents("to \u0300--install\u2019") == "to `--install\u2019"
    kept = "\u0300x at the start, e\u0300 and a \u0300 alone"
    assert compose_accents(kept) == kept


def test_a_pdf_whose_text_layer_reads_tex_accents_extracts_whole_words() -> None:
    extracted = extract_pdf(make_pdf([[GERMAN, FRENCH]]), Deadline(60))
    assert "globale Änderungen müssen eingefügt" in extracted.text
    assert "par défaut où le système" in extracted.text
    assert not any(accent in extracted.text for accent in "¨´ˆ¸")


@pytest.mark.model
def test_words_with_tex_accents_are_found_by_keyword_and_meaning(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    lines = ["Nicht alle Syntax-¨Anderungen werden konvertiert.", "Die Datei wird f¨ur LilyPond ge¨offnet."]
    (docs / "handbuch.pdf").write_bytes(make_pdf([lines]))
    (docs / "notes.txt").write_text("Shopping list: bread, milk, eggs. Call the plumber on Monday.")
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        keyword = engine.search("Änderungen geöffnet", k=5, mode="keyword")
        meaning = engine.search("Welche Änderungen der Syntax werden konvertiert?", k=2, mode="dense")
    finally:
        engine.close()
    assert [Path(h.path).name for h in keyword] == ["handbuch.pdf"]
    assert "Syntax-Änderungen" in keyword[0].text
    assert Path(meaning[0].path).name == "handbuch.pdf"
