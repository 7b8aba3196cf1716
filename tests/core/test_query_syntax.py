"""The search box's syntax: each operator, combinations, malformed input, non-Latin text, quotes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from desktop_search.core import SearchFilters, parse_query, without_operator
from desktop_search.core.search.query_syntax import TYPE_FAMILIES


def test_plain_text_passes_through() -> None:
    p = parse_query("how do bees survive winter")
    assert p.text == "how do bees survive winter"
    assert p.operators == () and p.messages == ()
    assert p.filters() == SearchFilters()


def test_phrase_is_required_and_still_text() -> None:
    p = parse_query('budget "heat pump" costs')
    assert p.phrases == ("heat pump",)
    assert p.text == 'budget "heat pump" costs'
    assert p.filters().phrases == ("heat pump",)


def test_exclusions_word_and_phrase() -> None:
    p = parse_query('report -quarterly -"draft version" ERR-4021')
    assert p.excluded == ("quarterly", "draft version")
    assert p.text == "report ERR-4021"  # a hyphen inside a word is not an exclusion


@pytest.mark.parametrize(
    ("value", "exts"),
    [
        ("pdf", ("pdf",)),
        ("doc", TYPE_FAMILIES["doc"]),
        ("Word", TYPE_FAMILIES["doc"]),
        ("md", ("md", "markdown")),
        ("mail", TYPE_FAMILIES["mail"]),
        ("image", TYPE_FAMILIES["image"]),
        ("subtitles", ("srt", "vtt", "sbv", "ass", "ssa", "lrc", "sub")),
        ("captions", TYPE_FAMILIES["subtitles"]),
        ("jupyter", ("ipynb",)),
        ("csv", ("csv",)),
        (".PDF", ("pdf",)),
    ],
)
def test_type(value: str, exts: tuple[str, ...]) -> None:
    p = parse_query(f"invoice type:{value}")
    assert p.text == "invoice"
    assert p.extensions == exts
    assert p.filters().extensions == exts


def test_in_absolute_home_and_relative(tmp_path: Path) -> None:
    (tmp_path / "watched" / "Notes" / "2024").mkdir(parents=True)
    watched = [str(tmp_path / "watched")]
    assert parse_query(f"x in:{tmp_path}", watched).folders == (str(tmp_path),)
    assert parse_query("x in:~/Notes", watched).folders == (str(Path.home() / "Notes"),)
    assert parse_query("x in:Notes/2024", watched).folders == (str(tmp_path / "watched" / "Notes" / "2024"),)
    assert parse_query("x in:watched", watched).folders == (
        str(tmp_path / "watched"),
    )  # a watched folder's name
    bad = parse_query("x in:Nowhere", watched)
    assert bad.folders == () and "no such folder" in bad.messages[0] and bad.text == "x"


def test_in_with_a_quoted_folder(tmp_path: Path) -> None:
    (tmp_path / "My Documents").mkdir()
    p = parse_query('taxes in:"My Documents"', [str(tmp_path)])
    assert p.folders == (str(tmp_path / "My Documents"),) and p.text == "taxes" and p.phrases == ()


@pytest.mark.parametrize(
    ("value", "start"),
    [
        ("2024", datetime(2024, 1, 1)),
        ("2024-03", datetime(2024, 3, 1)),
        ("2024-03-31", datetime(2024, 3, 31)),
    ],
)
def test_dates(value: str, start: datetime) -> None:
    after = parse_query(f"x after:{value}")
    assert after.modified_after == start.timestamp()
    before = parse_query(f"x before:{value}")
    assert before.modified_before is not None and before.modified_before < start.timestamp()
    assert before.modified_before > start.timestamp() - 1


def test_everything_together(tmp_path: Path) -> None:
    p = parse_query('budget "heat pump" -quarterly type:md in:~/Notes after:2024-01-01 before:2025')
    assert p.text == 'budget "heat pump"'
    f = p.filters(SearchFilters(extensions=("pdf",), include_unavailable=True))
    assert f.extensions == ("md", "markdown")  # the operator replaces the menu's type
    assert f.folders == (str(Path.home() / "Notes"),)
    assert f.phrases == ("heat pump",) and f.excluded == ("quarterly",)
    assert f.modified_after == datetime(2024, 1, 1).timestamp()
    assert f.modified_before is not None and f.include_unavailable
    assert [o.key for o in p.operators] == ["phrase", "exclude", "type", "in", "after", "before"]


@pytest.mark.parametrize(
    ("query", "text", "fragment"),
    [
        ("budget after:yesterdayish", "budget", "not a date"),
        ("budget before:2024-13", "budget", "not a date"),
        ("budget after:2024-02-30", "budget", "not a date"),
        ("budget type:xyz", "budget", "unknown type"),
        ("budget type:", "budget", "needs a value"),
        ("budget in:", "budget", "needs a value"),
    ],
)
def test_bad_values_give_a_message_and_search_the_rest(query: str, text: str, fragment: str) -> None:
    p = parse_query(query)
    assert p.text == text
    assert len(p.messages) == 1 and fragment in p.messages[0]
    assert p.filters() == SearchFilters()


def test_unclosed_quote_closes_at_the_end() -> None:
    p = parse_query('budget "heat pump')
    assert p.phrases == ("heat pump",) and p.text == 'budget "heat pump"'
    assert parse_query('x -"never closed').excluded == ("never closed",)


def test_operators_inside_quotes_stay_text() -> None:
    p = parse_query('"type:pdf -draft after:2024" notes')
    assert p.phrases == ("type:pdf -draft after:2024",)
    assert p.extensions == () and p.excluded == () and p.modified_after is None


@pytest.mark.parametrize(
    "query",
    [
        "会議の議事録 type:pdf 予算",
        "type：pdf 会議の議事録 予算",  # full-width colon
        "会議の議事録\u3000type:pdf\u3000予算",  # ideographic spaces
    ],
)
def test_non_latin_text_around_operators(query: str) -> None:
    p = parse_query(query)
    assert p.text == "会議の議事録 予算"
    assert p.extensions == ("pdf",)


def test_non_latin_phrases_and_exclusions() -> None:
    p = parse_query('Тепловой "тепловой насос" -квартальный «x» after:2023')
    assert p.phrases == ("тепловой насос",) and p.excluded == ("квартальный",)
    assert p.modified_after == datetime(2023, 1, 1).timestamp()


@pytest.mark.parametrize(
    "query",
    [
        "",
        " ",
        '"',
        '""',
        "-",
        '-"',
        "in:",
        "type:",
        ":",
        "after:",
        '""""',
        '-""',
        "\x00type:pdf",
        "\ud800 x",
        'in:"',
        "a" * 5000 + " type:pdf",
        "TYPE:PDF",
        "-type:pdf",
        "type:pdf:pdf",
        "after:0000",
        "after:9999-99",
    ],
)
def test_nothing_raises(query: str) -> None:
    p = parse_query(query)
    assert isinstance(p.text, str)
    p.filters()


def test_operator_keys_are_case_insensitive_and_unknown_keys_are_text() -> None:
    p = parse_query("TYPE:PDF site:example.com")
    assert p.extensions == ("pdf",) and p.text == "site:example.com"


def test_removing_an_operator_keeps_the_rest() -> None:
    query = 'budget "heat pump" type:md -quarterly'
    p = parse_query(query)
    type_op = next(o for o in p.operators if o.key == "type")
    assert without_operator(query, type_op) == 'budget "heat pump" -quarterly'
    phrase = next(o for o in p.operators if o.key == "phrase")
    assert without_operator(query, phrase) == "budget type:md -quarterly"
