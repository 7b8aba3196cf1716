"""What the rendered PDF page marks for a hit: a painted query word, else the passage's opening."""

from __future__ import annotations

from desktop_search.core import SearchHit, Span
from desktop_search.gui.preview_controller import page_search_text, passage_opening


def _hit(text: str, *words: str) -> SearchHit:
    spans = tuple(Span(text.index(w), text.index(w) + len(w)) for w in words)
    return SearchHit("c", "/docs/m.pdf", text, 3, 0, len(text), highlights=spans)


def test_the_longest_painted_word_of_the_passage() -> None:
    hit = _hit("bzip2recover takes the name of the damaged file", "damaged", "file", "the")
    assert page_search_text(hit) == "damaged"


def test_two_letters_are_a_word_in_japanese_not_in_english() -> None:
    assert page_search_text(_hit("設定ファイルの窓口", "窓口")) == "窓口"
    assert page_search_text(_hit("go to it now, please", "go", "to")) == "go to it now,"  # its opening


def test_a_passage_found_by_meaning_alone_marks_its_opening_words() -> None:
    hit = _hit("\n9.8.10 Undeleting open files\nEven if you have deleted a file, it may be kept")
    assert page_search_text(hit) == "9.8.10 Undeleting open files"
    assert passage_opening("パッケージ管理システムは多彩な歴史があります。") == "パッケージ管理シ"
    assert passage_opening("Die Datei wird gelöscht, wenn") == "Die Datei wird gelöscht,"
    assert passage_opening("a b") == ""  # too short to find only the passage
