"""What a page of results shows first, and what it hides: the relevance floor and the sort order.

The floor is on a hit's match strength (:mod:`desktop_search.core.search.match_strength`), measured by
``benchmarks/floor.py`` (hybrid search, k=30: share of the relevant results, and of the irrelevant
top-10 results, below each candidate floor; SciFact's 300 claims grouped by file; the 51 questions of
``benchmarks/data/realdocs_questions.json`` over the two English manuals, passages on a gold page
relevant):

=====  ==========================  =============================  ==============================
floor  SciFact (310 relevant):     manuals, questions in English  manuals, questions in de/fr/ja/es
       relevant / irrelevant top10 (29): relevant / irrelevant    (83): relevant / irrelevant
=====  ==========================  =============================  ==============================
0.40   0.0 % / 0.0 %               0.0 % / 0.0 %                  0.0 % / 0.0 %
0.45   0.0 % / 0.0 %               0.0 % / 0.0 %                  0.0 % / 0.0 %
0.50   0.0 % / 0.1 %               3.4 % / 2.0 %                  1.2 % / 1.8 %
0.55   0.3 % / 0.3 %               3.4 % / 2.0 %                  6.0 % / 13.0 %
0.60   1.0 % / 1.3 %               3.4 % / 7.1 %                  22.9 % / 28.8 %
0.65   2.3 % / 2.9 %               3.4 % / 14.3 %                 38.6 % / 47.3 %
=====  ==========================  =============================  ==============================

The weakest relevant results seen were 0.494 (English questions) and 0.471 (other languages), so
:data:`RELEVANCE_FLOOR` is 0.45: no relevant result measured falls below it, while 0.50 would already
hide 3.4 % of the English ones (over the 2 % allowed). On these sets it hides few irrelevant results
(their passages are on-topic technical text); what it removes is the clearly unrelated file of a
small index. The window hides the weaker results behind a "Show N weaker results" row, quick search
leaves them out, the CLI takes ``--min-strength``.

A passage the keyword leg found with a word of the query painted in it is never weak, whatever its
strength: the strength measures meaning only, and a name or a rare word is the surest sign there is.
Found on real mail: "Aktienkurs Börse Frankfurt" over a folder of mail and documents ranked the spam
picture that reads "Frankfurt Stock Exchange" first, at strength 0.449, and the window hid it as
weaker under a page of Lorem ipsum at 0.55. Such a row shows "words" in place of its strength
(:func:`kept_for_its_words`): "0 %" over painted words read as a broken row. Words the highlighter
does not paint (stop words: "will", "to", "in") are no such sign: a compression manual found for
"When will hotel rooms be hard to get in Stockholm?" by those three stayed above the floor, at 0 %.
The CLI's ``--min-strength`` stays a plain threshold.
"""

from __future__ import annotations

from collections.abc import Sequence

from desktop_search.core.records import SearchHit

RELEVANCE_FLOOR = 0.45  # measured: see the module docstring and benchmarks/floor.py
SORTS = ("relevance", "date")


def split_weak(
    hits: Sequence[SearchHit], floor: float = RELEVANCE_FLOOR, keep_word_matches: bool = True
) -> tuple[list[SearchHit], list[SearchHit]]:
    """``hits`` split into those at or above ``floor`` and the weaker ones (order kept). A hit with no
    strength (keyword-only search) is never weak, nor, with ``keep_word_matches`` (the window and quick
    search), one the keyword leg found with a word of the query painted in it. The CLI's ``--min-strength`` is
    a plain threshold for scripts (``keep_word_matches=False``)."""
    strong: list[SearchHit] = []
    weak: list[SearchHit] = []
    for hit in hits:
        below = hit.strength is not None and hit.strength < floor
        kept = keep_word_matches and _words_found(hit)
        (weak if below and not kept else strong).append(hit)
    return strong, weak


def _words_found(hit: SearchHit) -> bool:
    """The keyword leg found it and words of the query are painted in it (not stop words alone)."""
    return hit.keyword_score is not None and bool(hit.highlights)


def kept_for_its_words(hit: SearchHit, floor: float = RELEVANCE_FLOOR) -> bool:
    """Whether a hit the window shows is there for the query's words in it, its meaning below the floor
    or the strength it was ranked by at 0 %: it shows "words" in place of a strength that would read
    near 0 %. (A German question over German and English manuals ranked a German page first for its
    keywords, plain strength 0.89 but 0.00 once the query's language offset was taken out; the window
    showed "0 %" on its best result.)"""
    if not _words_found(hit):
        return False
    below_floor = hit.strength is not None and hit.strength < floor
    ranked_nil = hit.ranked_strength is not None and round(hit.ranked_strength * 100) == 0
    return below_floor or ranked_nil


def sort_hits(hits: Sequence[SearchHit], sort: str = "relevance") -> list[SearchHit]:
    """``hits`` by relevance (as they come) or ``date``: newest modified first, relevance breaking ties."""
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
    if sort == "relevance":
        return list(hits)
    return sorted(hits, key=lambda h: -h.modified)
