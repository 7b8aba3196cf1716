"""Stop words in the languages users search in: left out of the keyword leg, weighed low and not
painted by the highlighter, with their accents ("für" is one, "fur" is not)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core import SearchHit
from desktop_search.core.search.highlight import query_terms
from desktop_search.core.search.keyword import fts_terms
from desktop_search.core.search.stopwords import STOPWORDS
from tests.support.real_search import indexed_engine, search_folder

DATA = Path(__file__).resolve().parents[1] / "data"


def _search_excerpt(tmp_path: Path, embedder, name: str, query: str) -> list[SearchHit]:
    """The top 5 passages (flat) for ``query`` from the real engine over one excerpt of tests/data."""
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DATA / name, docs)
    return search_folder(docs, tmp_path / "home", embedder, query)


@pytest.mark.parametrize(
    ("query", "content"),
    [
        (
            "Wie kann ich mich per SSH mit einem Schlüssel statt mit Passworteingabe anmelden?",
            ["SSH", "Schlüssel", "Passworteingabe", "anmelden"],
        ),
        ("Welchen Wert muss ich über umask setzen?", ["Wert", "umask", "setzen"]),
        ("Pourquoi mon écran devient noir tout seul sous X ?", ["écran", "devient", "noir", "seul", "X"]),
        ("¿Qué hago si /tmp no tiene suficiente espacio?", ["hago", "tmp", "suficiente", "espacio"]),
        ("voorkomen dat een pakket wordt bijgewerkt", ["voorkomen", "pakket", "bijgewerkt"]),
        (
            "какие пакеты нужны, чтобы собирать программы из исходников",
            ["пакеты", "нужны", "собирать", "программы", "исходников"],
        ),
        (
            "общий кэш для всех машин в сети, чтобы не качать одно и то же",
            ["общий", "кэш", "машин", "сети", "качать", "одно"],
        ),
    ],
)
def test_keyword_leg_keeps_only_the_content_words(query: str, content: list[str]) -> None:
    assert fts_terms(query) == [f'"{word}"' for word in content]


def test_english_content_words_that_are_function_words_elsewhere_stay_content() -> None:
    # "comment" (French "how"), "hat" and "war" (German "has", "was"), "als" (ALS, the disease)
    for word in ("comment", "hat", "war", "als", "man", "come", "son", "plus", "sin", "door", "over"):
        assert word not in STOPWORDS
    assert fts_terms("comment out a line") == ['"comment"', '"out"', '"line"']


def test_accented_stop_words_weigh_low_and_their_folded_lookalikes_do_not() -> None:
    weights = {t.text: t.weight for t in query_terms("für Öle über")}
    assert weights["fur"] < 1.0 and weights["uber"] < 1.0 and weights["ole"] == 1.0
    assert {t.text: t.weight for t in query_terms("fur seal")}["fur"] == 1.0  # English fur is a word


@pytest.mark.model
def test_german_function_words_are_not_painted_in_results(tmp_path: Path, real_embedder) -> None:
    """The German Debian Reference (chapter 2, package management) through the engine: a German
    question's function words ("welche", "muss", "über", "durch") light up nothing in the results, its
    content words do."""
    hits = _search_excerpt(
        tmp_path,
        real_embedder,
        "debian-reference.de.excerpt.pdf",
        "Welche Pakete muss ich über das Netz durch apt aktualisieren?",
    )
    assert hits
    painted = {hit.text[s.start : s.end].lower() for hit in hits for s in hit.highlights}
    assert painted & {"pakete", "paket", "apt", "aktualisieren"}
    assert not painted & {"welche", "muss", "über", "durch", "ich", "das"}


def test_a_function_word_of_the_querys_own_language_is_a_stop_word_only_there() -> None:
    german = "Wann war die Berliner Mauer gefallen, und warum?"
    assert fts_terms(german, language="de") == ['"berlin" *', '"mauer" *', '"gefall" *']
    assert '"war"' in fts_terms(german)  # language unknown: "war" may be the English word
    assert fts_terms("cold war museum", language="en") == ['"cold"', '"war"', '"museum"']
    assert {t.text: t.weight for t in query_terms("Comment changer le son", language="fr")}["son"] < 1.0
    assert {t.text: t.weight for t in query_terms("comment on the son", language="en")}["son"] == 1.0


def test_the_searcher_takes_the_language_only_when_sure() -> None:
    from desktop_search.core.search.language import LanguageGuesser

    guesser = LanguageGuesser()
    assert guesser.sure("Wann war die Berliner Mauer gefallen, und warum?") == "de"
    assert guesser.sure("cold war museum") is None
    assert guesser.sure("apt pinning") is None


@pytest.mark.model
def test_japanese_particles_and_endings_are_not_painted_in_results(tmp_path: Path, real_embedder) -> None:
    """The Japanese Debian Reference (chapter 2) through the engine: a typed question's particles and
    kana endings ("を", "する", "には") light up nothing alone; its words do."""
    hits = _search_excerpt(
        tmp_path,
        real_embedder,
        "debian-reference.ja.excerpt.pdf",
        "パッケージを管理してアップグレードするには",
    )
    assert hits
    painted = {hit.text[s.start : s.end] for hit in hits for s in hit.highlights}
    assert {"パッケージ", "管理"} <= painted  # "を管" and "理し" paint their kanji only
    assert not painted & {"を", "する", "には", "るに", "して", "を管理", "管理し"}


@pytest.mark.model
def test_russian_function_words_find_nothing_by_themselves(tmp_path: Path, real_embedder) -> None:
    """A Russian question through the engine: its keyword leg searches the content words, so a note
    that shares only "что", "делать", "если" and "в" with it is not a keyword match, and they are not
    painted where the answer is."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "gpg.txt").write_text(
        "Срок действия ключа GPG истёк. Продлите ключ командой gpg --edit-key и expire, "
        "затем отправьте обновлённый ключ на сервер ключей.",
        encoding="utf-8",
    )
    (docs / "кухня.txt").write_text(
        "Что делать, если в холодильнике нет молока? Купить молоко в магазине и не забыть хлеб.",
        encoding="utf-8",
    )
    with indexed_engine(docs, tmp_path / "home", real_embedder) as engine:
        keyword = engine.search("Что делать, если ключ GPG просрочен?", k=5, mode="keyword")
        hybrid = engine.search("Что делать, если ключ GPG просрочен?", k=5)
    assert [Path(h.path).name for h in keyword] == ["gpg.txt"]
    assert Path(hybrid[0].path).name == "gpg.txt"
    painted = {hybrid[0].text[s.start : s.end].lower() for s in hybrid[0].highlights}
    assert "gpg" in painted and not painted & {"что", "если", "в", "и"}
