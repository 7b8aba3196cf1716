"""The one query tokenizer: the keyword leg's FTS5 phrases and the highlighter's terms, pinned."""

from __future__ import annotations

import pytest

from desktop_search.core.search.highlight import query_terms
from desktop_search.core.search.keyword import fts_query
from desktop_search.core.search.query_words import QueryPiece, compound_parts, query_pieces

# (query, FTS5 MATCH expression, highlighter terms as (text, weight, phrase)) as they were before the
# two tokenizers became one
PINNED = [
    (
        'error "ERR-4021" now',
        '"ERR 4021" OR "error" OR "now"',
        [("err 4021", 3.0, True), ("error", 1.0, False), ("now", 1.0, False)],
    ),
    (
        "the cat and the hat",
        '"cat" OR "hat"',
        [("the", 0.2, False), ("cat", 1.0, False), ("and", 0.2, False), ("hat", 1.0, False)],
    ),
    ("the and of", '"the" OR "and" OR "of"', [("the", 0.2, False), ("and", 0.2, False), ("of", 0.2, False)]),
    ('"the" of', '"the" OR "of"', [("the", 3.0, False), ("of", 0.2, False)]),
    (
        "Wann war die Berliner Mauer gefallen?",
        '"war" OR "Berliner" OR "Mauer" OR "gefallen"',
        [
            ("wann", 0.2, False),
            ("war", 1.0, False),
            ("die", 0.2, False),
            ("berliner", 1.0, False),
            ("mauer", 1.0, False),
            ("gefallen", 1.0, False),
        ],
    ),
    (
        "v2.3 release notes",
        '"v2 3" OR "release" OR "notes"',
        [("v2 3", 3.0, True), ("release", 1.0, False), ("notes", 1.0, False)],
    ),
    (
        "Café crème brûlée",
        '"Café" OR "crème" OR "brûlée"',
        [("cafe", 1.0, False), ("creme", 1.0, False), ("brulee", 1.0, False)],
    ),
    (
        'naïve "exact phrase here" x',
        '"exact phrase here" OR "naïve" OR "x"',
        [("exact phrase here", 3.0, True), ("naive", 1.0, False), ("x", 0.2, False)],
    ),
    (
        "C++ foo_bar e-mail",
        '"C" OR "foo_bar" OR "e mail" OR "mail"',
        [("c", 0.2, False), ("foo_bar", 3.0, False), ("e mail", 3.0, True), ("mail", 1.0, False)],
    ),
    (  # a compound of words: the whole as a phrase, and each word of three letters or more alone
        "Gmail-Konto einrichten",
        '"Gmail Konto" OR "Gmail" OR "Konto" OR "einrichten"',
        [
            ("gmail konto", 3.0, True),
            ("gmail", 1.0, False),
            ("konto", 1.0, False),
            ("einrichten", 1.0, False),
        ],
    ),
    (  # a code stays whole, and so does a quoted compound
        'COVID-19 "Unix-Format"',
        '"Unix Format" OR "COVID 19"',
        [("unix format", 3.0, True), ("covid 19", 3.0, True)],
    ),
    (
        "東京タワー 観光",
        '"東京" OR "タワ ワー" OR "観光"',
        [("東京", 1.0, False), ("タワー", 1.0, False), ("観光", 1.0, False)],
    ),
    (  # an elided article is no code: "d'une" is the stop word "une", not a phrase of triple weight
        "l'ordre d'une question",
        '"ordre" OR "question"',
        [("ordre", 1.0, False), ("une", 0.2, False), ("question", 1.0, False)],
    ),
    (  # an English possessive stays whole, as a name's code
        "Alzheimer's disease",
        '"Alzheimer s" OR "disease"',
        [("alzheimer s", 3.0, True), ("disease", 1.0, False)],
    ),
    ("!!! ???", "", []),
    ('"unbalanced quote', '"unbalanced" OR "quote"', [("unbalanced", 1.0, False), ("quote", 1.0, False)]),
    ("Apple apple APPLE", '"Apple"', [("apple", 1.0, False)]),
]


@pytest.mark.parametrize(("query", "fts", "terms"), PINNED)
def test_fts_query_and_highlight_terms_are_pinned(query: str, fts: str, terms: list) -> None:
    assert fts_query(query) == fts
    assert [(t.text, t.weight, t.phrase) for t in query_terms(query)] == terms


def test_pieces_are_phrases_first_then_tokens_with_words() -> None:
    assert query_pieces('a "b c" d-e !!') == [
        QueryPiece("b c", ("b", "c"), quoted=True),
        QueryPiece("a", ("a",), quoted=False),
        QueryPiece("d-e", ("d", "e"), quoted=False),
    ]


def test_a_decomposed_accent_stays_inside_its_word_for_both_legs() -> None:
    decomposed = "cafe\u0301x"  # FTS5's unicode61 keeps the mark inside the token too
    assert fts_query(decomposed) == f'"{decomposed}"'
    assert [t.text for t in query_terms(decomposed)] == ["cafex"]


def test_compound_parts_are_the_words_of_a_hyphenated_compound_of_letters() -> None:
    def parts(token: str) -> tuple[str, ...]:
        return compound_parts(query_pieces(token)[0])

    assert parts("Windows-Zeilenenden") == ("Windows", "Zeilenenden")
    assert parts("E-Mail") == ("Mail",)  # one letter alone is no word
    assert parts("ERR-4021") == () and parts("COVID-19") == ()  # codes stay whole
    assert parts("Alzheimer's") == () and parts("foo_bar") == ()  # not hyphenated
    assert compound_parts(query_pieces('"Gmail-Konto"')[0]) == ()  # quoted: as typed


@pytest.mark.parametrize(
    ("token", "words"),
    [
        ("puis-je", ["puis", "je"]),
        ("peut-on", ["peut", "on"]),
        ("existe-t-il", ["existe", "il"]),  # the euphonic "t" goes
        ("qu'est-ce", ["est", "ce"]),  # and an elided word
        ("add-on", ["add-on"]),  # "on" ends English compounds: only after a verb that inverts
        ("plug-in", ["plug-in"]),
        ("Gmail-Konto", ["Gmail-Konto"]),
    ],
)
def test_a_french_verb_and_its_inverted_pronoun_are_words_not_a_code(token: str, words: list) -> None:
    assert [p.raw for p in query_pieces(token)] == words


def test_a_french_question_searches_its_content_words_not_its_inversion() -> None:
    query = "Où puis-je discuter avec d'autres développeurs ?"
    assert fts_query(query) == '"discuter" OR "autres" OR "développeurs"'
    weights = {t.text: t.weight for t in query_terms(query, language="fr")}
    assert weights["puis"] == weights["je"] == 0.2 and "puis je" not in weights


@pytest.mark.parametrize(
    ("token", "words"),
    [
        ("d'une", ["une"]),
        ("l’authentification,", ["authentification"]),  # typographic apostrophe, trailing comma
        ("qu'il", ["il"]),
        ("jusqu'à", ["à"]),
        ("dell'archivio", ["archivio"]),
        ("l'IA", ["IA"]),  # the elided article goes, a short word after it stays
        ("O'Reilly", ["Reilly"]),
        ("aujourd'hui", ["aujourd'hui"]),  # no elided word: one word, kept whole
        ("Alzheimer's", ["Alzheimer's"]),
        ("don't", ["don't"]),
        ("d'une-fois", ["d'une-fois"]),  # other joiners too: kept whole
        ("5'10", ["5'10"]),
    ],
)
def test_an_elided_article_or_pronoun_is_left_out_and_the_word_stands_alone(token: str, words: list) -> None:
    assert [p.raw for p in query_pieces(token)] == words


@pytest.mark.parametrize(
    ("query", "weak"),
    [
        ("如何给软件包签名", "如何"),  # "how to sign a package": 如何 frames the question, like "how"
        ("怎样阻止安装推荐的软件包", "怎样"),
        ("最適なMTUを見つける方法", "方法"),  # "…を見つける方法": the way to find …
    ],
)
def test_words_that_frame_a_chinese_or_japanese_question_are_weak(query: str, weak: str) -> None:
    terms = {t.text: t.weight for t in query_terms(query)}
    assert terms[weak] == 0.2
    assert f'"{weak[0]} {weak[1]}"' not in fts_query(query)  # the keyword leg leaves it out
    assert any(w == 1.0 for w in terms.values())


def test_a_question_word_typed_alone_is_a_word() -> None:
    assert [(t.text, t.weight) for t in query_terms("方法")] == [("方法", 1.0)]
