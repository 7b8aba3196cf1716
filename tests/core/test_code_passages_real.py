"""Code passages through the whole product (real model, real store, real files): a code file's passage
found by meaning alone is scored down, a listing inside a document is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_search.core import Engine
from tests.support.real_search import indexed_engine

pytestmark = pytest.mark.model

LISTING = (  # a manual's answer: the commands that bring back a deleted file a program still holds
    "Undeleting deleted but still open files\n"
    "$ echo foo > bar\n$ less bar\n$ ps aux | grep ' less[ ]'\n"
    "bozo 4775 0.0 0.0 92200 884 pts/8 S+ 00:18 0:00 less bar\n$ rm bar\n"
    "$ ls -l /proc/4775/fd | grep bar\n"
    "lr-x------ 1 bozo bozo 64 2008-05-09 00:19 4 -> /home/bozo/bar (deleted)\n"
    "$ cat /proc/4775/fd/4 >bar\n"
)
STYLESHEET = (
    ".file-list > li:nth-of-type(1),\n.file-list > li.deleted ~ li,\nspan.open-file:target ~ h1 {\n"
    "  color: #444;\n  text-decoration: line-through;\n}\n"
)
QUERY = "Gelöschte Datei wiederherstellen, die ein Programm noch geöffnet hat"  # no word in any file


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, real_embedder):
    docs = tmp_path_factory.mktemp("docs")
    (docs / "undelete.md").write_text(LISTING, encoding="utf-8")
    (docs / "files.css").write_text(STYLESHEET, encoding="utf-8")
    (docs / "garden.txt").write_text(
        "Tomato plants need deep watering two or three times a week; mulch keeps the soil moist.",
        encoding="utf-8",
    )
    with indexed_engine(docs, tmp_path_factory.mktemp("home"), real_embedder) as engine:
        yield engine


def _scores(engine: Engine, mode: str) -> dict[str, float]:
    return {Path(h.path).name: h.score for h in engine.search(QUERY, k=10, grouped=False, mode=mode)}


def test_the_listing_answers_before_the_stylesheet_meaning_put_first(engine: Engine) -> None:
    hybrid = engine.search(QUERY, k=10, grouped=False)
    assert all(h.keyword_score is None for h in hybrid)  # meaning alone found every passage
    dense = [Path(h.path).name for h in engine.search(QUERY, k=10, grouped=False, mode="dense")]
    assert dense[:2] == ["files.css", "undelete.md"]  # "deleted", "open-file": near any such query
    names = [Path(h.path).name for h in hybrid]
    assert names[0] == "undelete.md" and "files.css" in names


def test_a_code_files_passage_found_by_meaning_alone_scores_half(engine: Engine) -> None:
    hybrid = _scores(engine, "hybrid")
    engine.tune_search(code_factor=1.0)  # the score the stylesheet would have had
    try:
        plain = _scores(engine, "hybrid")
    finally:
        engine.tune_search(code_factor=0.5)
    assert hybrid["files.css"] == pytest.approx(plain["files.css"] * 0.5)
    assert hybrid["undelete.md"] == pytest.approx(plain["undelete.md"])
