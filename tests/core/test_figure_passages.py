"""A drawing's labels (a printed score's lyrics and parts, one per line) are told from prose, code and
tables, and rank on the query's own words (the real stack: tests/core/test_texinfo_pdf.py)."""

from __future__ import annotations

from desktop_search.core.search.figure_passages import is_figure_text, unmatched_figure
from desktop_search.core.search.fusion import Candidate
from desktop_search.core.store.ledger import ChunkRow

SCORE = "ics\nics\nah\nics\nLyr\n\nLyr\n8\nAh\nLyr\nAlto II\nAlto I\nSoprano\nPiano\nPercussion\nTrumpet in C"
PROSE = (
    "Man schreibt einen Bindebogen, indem man eine Tilde an die erste der beiden zu\n"
    "verbindenden Noten hängt. Ein Legatobogen ist ein Bogen, der sich über mehrere Noten\n"
) * 5
CODE = '\\relative {\n\\clef bass\n\\new Voice = "tenors" {\n\\voiceOne\n<< \\global \\tenorMusic >>\n}\n' * 2
TABLE = "package\npopcon\nsize\ndescription\nvim\nV:15\n3741\nVi IMproved\nnano\nV:90\n2707\nsmall editor\n"
JAPANESE = "\n".join(["パッケージ", "説明", "エディタ", "小さい", "設定", "端末", "文字", "変換", "画面"])


def test_a_scores_labels_are_figure_text_and_prose_code_tables_are_not() -> None:
    assert is_figure_text(SCORE)
    assert is_figure_text("that\nthat\nlamb\nlamb\nwas\nwas\nslain\nslain\nWor\nthy\nPiano\nBass")
    for text in (PROSE, CODE, TABLE, JAPANESE, "ics\nah\nLyr"):  # the last: too few lines to tell
        assert not is_figure_text(text), text


def test_a_figure_found_by_meaning_alone_is_unmatched_and_one_the_query_names_is_not() -> None:
    row = ChunkRow(chunk_id="c", path="/docs/learning.pdf", number=0, text=SCORE, start=0, end=1)
    assert unmatched_figure(Candidate("c", 0.8, dense_rank=1), row)
    assert not unmatched_figure(Candidate("c", 0.8, dense_rank=1, content_words=frozenset({"soprano"})), row)
