"""Which word the rendered PDF page highlights for a hit."""

from __future__ import annotations

from desktop_search.core import SearchHit, Span
from desktop_search.gui.preview_controller import page_search_word


def _hit(text: str, *words: str) -> SearchHit:
    spans = tuple(Span(text.index(w), text.index(w) + len(w)) for w in words)
    return SearchHit("c", "/docs/m.pdf", text, 3, 0, len(text), highlights=spans)


def test_the_longest_painted_word_of_the_passage() -> None:
    hit = _hit("bzip2recover takes the name of the damaged file", "damaged", "file", "the")
    assert page_search_word(hit) == "damaged"


def test_two_letters_are_a_word_in_japanese_not_in_english() -> None:
    assert page_search_word(_hit("設定ファイルの窓口", "窓口")) == "窓口"
    assert page_search_word(_hit("go to it", "go", "to")) == ""


def test_a_passage_found_by_meaning_alone_highlights_nothing() -> None:
    assert page_search_word(_hit("Die Datei wird gelöscht.")) == ""
