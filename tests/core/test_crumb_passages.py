"""Crumbs (a few words a page or heading cut off from their text) rank on the query's own words, not
on meaning alone; a file's first passage, a message's and Chinese or Japanese text never count as one.
The real stack: tests/core/test_texinfo_pdf.py."""

from __future__ import annotations

from desktop_search.core.search.crumb_passages import is_crumb, unmatched_crumb
from desktop_search.core.search.fusion import Candidate
from desktop_search.core.store.ledger import ChunkRow


def _row(text: str, number: int = 7, part: str | None = None) -> ChunkRow:
    return ChunkRow(
        chunk_id="c", path="/docs/learning.pdf", number=number, text=text, start=0, end=1, part=part
    )


def test_a_title_alone_or_a_scores_marks_are_crumbs_and_a_sentence_is_not() -> None:
    assert is_crumb(_row("5.6 Collisions of objects"))
    assert is_crumb(_row("5.7 Further tweaking\n5.7.1 Other uses for tweaks"))
    assert is_crumb(_row("p\nmp\nf\n\nmf"))
    assert is_crumb(_row("Violin 1\nViolin 2\nViola\nCello"))
    assert not is_crumb(_row("And we see this too removes all the bar lines, as the example shows."))
    assert not is_crumb(_row("The \\once prefix may be used with \\override, \\revert, \\set and \\unset."))


def test_a_files_first_passage_a_message_and_unspaced_text_are_never_crumbs() -> None:
    assert not is_crumb(_row("Buy milk tomorrow", number=0))  # a short note is the whole file
    assert not is_crumb(_row("Tuesday at three works for me.", part="message 4"))
    assert not is_crumb(_row("パッケージの設定"))


def test_a_crumb_found_by_meaning_alone_is_unmatched_and_one_the_query_names_is_not() -> None:
    row = _row("5.6 Collisions of objects")
    assert unmatched_crumb(Candidate("c", 0.8, dense_rank=1), row)
    assert not unmatched_crumb(
        Candidate("c", 0.8, dense_rank=1, content_words=frozenset({"collisions"})), row
    )
