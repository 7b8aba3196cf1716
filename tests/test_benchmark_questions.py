"""The real-manual question sets of ``benchmarks/realdocs.py`` are well formed: a mistyped edition or page
would quietly count a right answer as wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "benchmarks" / "data"
SETS = sorted(p for p in DATA.glob("*_questions.json") if p.name != "cjk_questions.json")
LANGUAGES = {"en", "de", "fr", "es", "it", "nl", "pt", "ru", "ja"}


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.stem)
def test_every_question_has_gold_pages_in_every_edition_of_its_document(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    documents, questions = data["documents"], data["questions"]
    ids = [q["id"] for q in questions]
    assert len(ids) == len(set(ids))
    for question in questions:
        editions = documents[question["doc"]]
        assert question["lang"] in LANGUAGES and question["question"].strip()
        assert set(question["gold"]) == set(editions), question["id"]
        for pages in question["gold"].values():
            assert pages and all(isinstance(p, int) and p >= 1 for p in pages), question["id"]
    located = data.get("located", {})
    names = {name for editions in documents.values() for name in editions.values()}
    assert set(located.values()) <= names


def test_the_sets_are_all_found() -> None:
    expected = {"realdocs_questions", "debian_faq_questions", "developers_reference_questions"}
    assert {p.stem for p in SETS} >= expected
