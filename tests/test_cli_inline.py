"""The CLI's grouped output of inline passages: the JSON contract and the text listing."""

from __future__ import annotations

import json

from desktop_search import cli
from desktop_search.core import SearchHit


def _hit(n: int, page: int, **extra) -> SearchHit:
    return SearchHit(f"c{n}", "/docs/manual.pdf", f"passage {n} text", page, n * 100, n * 100 + 16, **extra)


def test_json_lists_inline_passages_and_keeps_every_key() -> None:
    inline = (_hit(1, 42, score=0.015, strength=0.81), _hit(2, 57, score=0.0149, strength=None))
    best = _hit(0, 12, score=0.0164, strength=0.85, similarity=0.86, inline=inline, more=(_hit(3, 80),))
    obj = json.loads(json.dumps(cli._hit_json(best)))
    assert {"path", "page", "score", "similarity", "strength", "text", "start", "end", "chunk_id"} <= set(obj)
    assert obj["inline"] == [
        {"page": 42, "heading": None, "text": "passage 1 text", "start": 100, "end": 116, "chunk_id": "c1",
         "score": 0.015, "strength": 0.81},
        {"page": 57, "heading": None, "text": "passage 2 text", "start": 200, "end": 216, "chunk_id": "c2",
         "score": 0.0149, "strength": None},
    ]  # fmt: skip
    assert cli._hit_json(_hit(4, 1))["inline"] == []  # flat results and files with none: an empty list


def test_text_output_lists_inline_passages_under_their_file(capsys) -> None:
    best = _hit(0, 12, rank=1, strength=0.85, inline=(_hit(1, 42, strength=0.8),), more=(_hit(3, 80),))
    cli._print_hits("query", [best])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("/docs/manual.pdf p.12")
    assert lines[2].strip() == "↳ p.42 80%  passage 1 text"
    assert lines[3].strip() == "+ 1 more from this file"


def test_a_passage_names_its_section_in_json_and_text_unless_it_opens_with_it(capsys) -> None:
    mid = _hit(0, 199, rank=1, strength=0.65, heading="System tips › 9.8.10 Undeleting open files")
    opening = SearchHit("c5", "/docs/manual.pdf", "9.8.10 Undeleting open files\nEven if", 196, 0, 30, rank=2,
                        heading="System tips › 9.8.10 Undeleting open files")  # fmt: skip
    assert cli._hit_json(mid)["heading"] == "System tips › 9.8.10 Undeleting open files"
    cli._print_hits("query", [mid, opening])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("/docs/manual.pdf p.199 · 9.8.10 Undeleting open files")
    assert lines[2].endswith("/docs/manual.pdf p.196")  # its text shows the title already


def test_a_hit_found_by_its_words_alone_shows_words_not_zero_percent(capsys) -> None:
    """No strength to show (the model still loading, ``--mode keyword``): "words", as the window says."""
    best = _hit(0, 12, rank=1, inline=(_hit(1, 42),))
    cli._print_hits("query", [best])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("  1. words  ")
    assert lines[2].strip() == "↳ p.42 words  passage 1 text"
