"""Translations of a result in other language editions, folded under it: the editions' paths, the
rule, and the whole product over the Debian Reference's English, German and Japanese excerpts."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from desktop_search.cli import _hit_json
from desktop_search.core import Engine, SearchHit
from desktop_search.core.search.translations import (
    edition_key,
    fold_translations,
    language_name,
    room_for,
    section_number,
)
from tests.support.real_search import indexed_engine

DATA = Path(__file__).resolve().parents[1] / "data"
EDITIONS = [DATA / f"debian-reference.{lang}.excerpt.pdf" for lang in ("en", "de", "ja")]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("/d/debian-reference.en.pdf", "/d/debian-reference.fr.pdf"),
        ("/d/manual.pdf", "/d/manual_de.pdf"),  # the original often carries no tag
        ("/d/guide.zh_CN.pdf", "/d/guide.pt-BR.pdf"),
        ("/usr/share/help/C/gnome-help/net.page", "/usr/share/help/de/gnome-help/net.page"),
        ("/b/ref.en/ref.en.pdf", "/b/ref.ja/ref.ja.pdf"),  # a folder per edition
    ],
)  # fmt: skip
def test_editions_share_a_key(one: str, other: str) -> None:
    assert edition_key(one)[0] == edition_key(other)[0]
    assert edition_key(one)[1] or edition_key(other)[1]


@pytest.mark.parametrize("path", ["/d/it-security.pdf", "/d/report-2024.pdf", "/d/notes.txt"])
def test_names_without_a_language_tag(path: str) -> None:
    assert edition_key(path)[1] is False


def test_more_results_are_read_only_where_editions_may_fold() -> None:
    assert room_for(5, ["/d/a.pdf", "/d/b.pdf", "/d/c.en.pdf"]) == 5
    assert room_for(5, ["/d/a.pdf", "/d/a_de.pdf"]) == 10


def _hit(chunk: str, path: str, heading: str | None, page: int = 1) -> SearchHit:
    return SearchHit(chunk_id=chunk, path=path, text=chunk, page=page, start=0, end=1, heading=heading)


def _unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


VECTORS = {
    "en": _unit(1.0, 0.1, 0.0),
    "de": _unit(1.0, 0.2, 0.0),  # cosine 0.995 to "en"
    "ja": _unit(1.0, 0.15, 0.05),
    "other": _unit(0.2, 1.0, 0.0),  # cosine 0.3
    "de-next": _unit(1.0, 0.25, 0.0),  # close, but the next section
}
LANGUAGES = {"en": "en", "de": "de", "ja": "ja", "other": "de", "de-next": "de", "en-copy": "en"}


def _fold(hits: list[SearchHit]) -> list[SearchHit]:
    return fold_translations(hits, lambda ids: {i: VECTORS[i] for i in ids if i in VECTORS}, LANGUAGES.get)


def test_a_translation_folds_under_the_better_result_and_the_rest_move_up() -> None:
    hits = [
        _hit("en", "/d/ref.en.pdf", "2 Packages › 2.7.6 Tracking testing", 100),
        _hit("de", "/d/ref.de.pdf", "2 Pakete › 2.7.6 Testing verfolgen", 104),
        _hit("other", "/d/ref.de.pdf", "2 Pakete › 2.1.4 Archiv", 70),
        _hit("ja", "/d/ref.ja.pdf", None, 105),  # no section number: the stricter cosine, met
        _hit("de-next", "/d/ref.de.pdf", "2 Pakete › 2.7.7 Notfall", 106),  # another section
    ]
    folded = _fold(hits)
    assert [h.chunk_id for h in folded] == ["en", "other", "de-next"]
    assert [h.rank for h in folded] == [1, 2, 3]
    assert [(t.chunk_id, t.language, t.page) for t in folded[0].translations] == [
        ("de", "de", 104),
        ("ja", "ja", 105),
    ]
    assert folded[0].language == "en"


def test_same_language_other_documents_and_far_passages_stay() -> None:
    hits = [
        _hit("en", "/d/ref.en.pdf", "2.7.6 Tracking testing"),
        _hit("en-copy", "/d/ref.fr.pdf", "2.7.6 Suivre testing"),  # guessed English: not a translation
        _hit("de", "/d/other-book.pdf", "2.7.6 Testing verfolgen"),  # no edition of the same document
    ]
    assert [h.chunk_id for h in _fold(hits)] == ["en", "en-copy", "de"]
    calls: list[list[str]] = []
    unrelated = [_hit("en", "/d/a.pdf", None), _hit("de", "/d/b.pdf", None)]
    fold_translations(unrelated, lambda ids: calls.append(ids) or {}, LANGUAGES.get)
    assert calls == []  # no two results are editions: no vectors read


def test_a_folded_files_strong_pages_are_listed_after_every_editions_best() -> None:
    de_inline = (_hit("de-p33", "/d/ref.de.pdf", "2 Pakete › 2.7.6 Testing verfolgen", 33),)
    hits = [
        _hit("en", "/d/ref.en.pdf", "2.7.6 Tracking testing", 31),
        replace(_hit("de", "/d/ref.de.pdf", "2.7.6 Testing verfolgen", 31), inline=de_inline),
        _hit("ja", "/d/ref.ja.pdf", "2.7.6 testing", 32),
    ]
    [best] = _fold(hits)
    assert [(t.chunk_id, t.page, t.language) for t in best.translations] == [
        ("de", 31, "de"), ("ja", 32, "ja"), ("de-p33", 33, "de")
    ]  # fmt: skip
    assert all(not t.inline for t in best.translations)


def test_a_passages_section_number_is_its_innermost_sections() -> None:
    assert section_number("Experiments › 2.2 Measuring Resistance › 2.2.2 Procedure") == "2.2.2"
    assert section_number("Tips › 9.8.10 Undeleting open files") == "9.8.10"
    assert section_number("Introduction") is None


def test_language_names() -> None:
    assert language_name("fr") == "French" and language_name("pt_BR") == "Portuguese"
    assert language_name(None) == "another language" and language_name("xx") == "xx"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, real_embedder):
    docs = tmp_path_factory.mktemp("editions")
    for edition in EDITIONS:
        shutil.copy(edition, docs / edition.name)
    with indexed_engine(docs, tmp_path_factory.mktemp("home"), real_embedder) as engine:
        yield engine


@pytest.mark.model
def test_a_question_in_a_fourth_language_answers_once_with_its_translations(engine: Engine) -> None:
    query = "Qu'est-ce que les composants main, contrib et non-free de l'archive Debian ?"
    rows = engine.search(query, k=5, grouped=False)
    best = rows[0]
    assert best.heading is not None and best.heading.endswith("2.1.4 Debian archive basics")
    assert {Path(t.path).name for t in best.translations} == {EDITIONS[1].name, EDITIONS[2].name}
    assert all(t.page is not None and t.language in ("de", "ja") for t in best.translations)
    # no row below repeats the section in another edition (its other pages in the same one may follow)
    assert all(r.path == best.path for r in rows if "2.1.4" in (r.heading or ""))
    listed = _hit_json(best)["translations"]
    assert {item["language"] for item in listed} == {"de", "ja"}


@pytest.mark.model
def test_one_row_per_document_in_grouped_results(engine: Engine) -> None:
    rows = engine.search("Debian archive main contrib non-free", k=5, grouped=True)
    assert len(rows) == 1
    editions = [Path(t.path).name for t in rows[0].translations]
    assert set(editions) == {e.name for e in EDITIONS} - {Path(rows[0].path).name}
    assert len(set(editions[:2])) == 2  # each edition's best page first, then their other strong pages
