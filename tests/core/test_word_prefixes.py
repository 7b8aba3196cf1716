"""German query words reach their inflected forms in the keyword leg, and the verb that frames a German
question ("Wie *schreibe* ich …?") counts like a stop word."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_search.core.search.keyword import fts_terms
from desktop_search.core.search.stopwords import framing_verbs
from desktop_search.core.search.word_prefixes import prefix_stem
from tests.support.real_search import indexed_engine


@pytest.mark.parametrize(
    ("word", "language", "prefix"),
    [
        ("Dateien", "de", "datei"),  # an inflection taken off: "Datei" and "Dateien" alike
        ("gelöscht", "de", "geloscht"),  # as FTS5 compares: lower case, no accents
        ("Größe", "de", "große"),  # FTS5 keeps "ß"
        ("Seiten", "de", "seiten"),  # a stem of four letters would be another word ("seit")
        ("Festplatten", "de", "festplatt"),
        ("Wert", "de", None),  # short words stay whole
        ("SSH2", "de", None),  # not a word of letters
        ("deleted", "en", None),  # Porter stems English in the index already
        ("Dateien", None, None),  # a language not known: as typed
    ],
)
def test_a_german_word_is_searched_by_its_prefix(word: str, language: str | None, prefix: str | None) -> None:
    assert prefix_stem(word, language) == prefix


@pytest.mark.parametrize(
    ("query", "verbs"),
    [
        ("Wie schreibe ich Akkorde?", {"schreibe"}),
        ("Wie richte ich den Versand per E-Mail ein?", {"richte"}),
        ("Welches Paket installiere ich dafür?", {"installiere"}),
        ("Schreibe ich das so?", {"schreibe"}),
        ("Ich habe eine Datei gelöscht", set()),  # "habe" is a stop word; no question frames it
        ("Welchen Wert muss ich setzen?", set()),  # "muss" a stop word, "setzen" after "ich"
        ("Ich weiß nicht, welche Datei ich brauche", set()),  # a noun before "ich", capitalised
    ],
)
def test_the_verb_before_ich_frames_a_german_question(query: str, verbs: set[str]) -> None:
    assert framing_verbs(query, "de") == verbs
    assert framing_verbs(query, "en") == frozenset()


def test_german_keyword_terms_are_prefixes_without_the_framing_verb() -> None:
    assert fts_terms("Wie schreibe ich einen Auftakt?", language="de") == ['"auftakt" *']
    assert fts_terms("Wie schreibe ich?", language="de")  # nothing else: the verb is searched after all
    assert fts_terms("Gmail-Konto", language="de") == ['"Gmail Konto"', '"gmail" *', '"konto" *']
    assert fts_terms("deleted files", language="en") == ['"deleted"', '"files"']  # English as before


def test_german_questions_find_inflected_words_and_skip_the_question_verb(
    tmp_path: Path, real_embedder: object
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    texts = {
        "wiederherstellen.txt": "Wiederherstellen von gelöschten, aber noch geöffneten Dateien\n\nWenn Sie "
        "versehentlich eine Datei löschen, die ein Prozess noch offen hält, liegt ihr Inhalt weiter unter "
        "/proc/PID/fd.\n",
        "optionen.txt": "Optionen des Befehls\n\n--log-file=DATEI: Schreibe die Ausgabe in die angegebene "
        "Protokolldatei.\n--jobs=ANZAHL: Bearbeite mehrere Eingaben gleichzeitig.\n",
        "rhythmus.txt": "Rhythmische Befehle\n\nEin Auftakt wird mit dem Befehl \\partial eingegeben, "
        "gefolgt von der Dauer.\n",
    }
    for name, text in texts.items():
        (docs / name).write_text(text, encoding="utf-8")
    with indexed_engine(docs, tmp_path / "home", real_embedder) as engine:
        deleted = "Ich habe eine Datei gelöscht, die noch geöffnet ist"
        found = engine.search(deleted, k=5, grouped=False, mode="keyword")
        assert found and Path(found[0].path).name == "wiederherstellen.txt"  # "gelöschten", "geöffneten"
        assert found[0].highlights

        upbeat = engine.search("Wie schreibe ich einen Auftakt?", k=5, grouped=False, mode="keyword")
        assert [Path(h.path).name for h in upbeat] == ["rhythmus.txt"]  # not the help that says "Schreibe"

        hybrid = engine.search("Wie schreibe ich einen Auftakt?", k=3, grouped=False)
        assert Path(hybrid[0].path).name == "rhythmus.txt"
