"""What a page of results shows first, and what it hides: the relevance floor and the sort order.

The floor is on a hit's match strength (:mod:`desktop_search.core.search.match_strength`), measured by
``benchmarks/floor.py`` (hybrid search, k=30: share of the relevant results, and of the irrelevant
top-10 results, below each candidate floor; SciFact's 300 claims grouped by file; the questions of
``benchmarks/data/realdocs_questions.json`` over the two English manuals, passages on a gold page
relevant; the strength of a query in another language reads the similarity it was ranked by, after
its language's shift):

=====  ==========================  =============================  ==============================
floor  SciFact (311 relevant):     manuals, questions in English  manuals, questions in de/fr/ja/es
       relevant / irrelevant top10 (12): relevant / irrelevant    (42): relevant / irrelevant
=====  ==========================  =============================  ==============================
0.35   0.0 % / 0.0 %               0.0 % / 0.0 %                  0.0 % / 2.6 %
0.40   0.0 % / 0.0 %               0.0 % / 0.0 %                  0.0 % / 5.1 %
0.45   0.0 % / 0.0 %               0.0 % / 0.0 %                  2.4 % / 10.9 %
0.50   0.0 % / 0.0 %               0.0 % / 0.8 %                  14.3 % / 21.9 %
0.55   0.3 % / 0.3 %               0.0 % / 1.6 %                  19.0 % / 38.1 %
=====  ==========================  =============================  ==============================

The weakest relevant results seen were 0.545 (SciFact), 0.925 (English questions) and 0.441 (other
languages), so :data:`RELEVANCE_FLOOR` is 0.40: no relevant result measured falls below it, while 0.45
would already hide 2.4 % of the other languages' (over the 2 % allowed). (With the plain cosine's
strength, before a shifted query's strength read its ranking similarity, the floor was 0.45 and hid
2.8 % of the other languages' irrelevant top 10; now 5.1 %.) What it removes is mostly the clearly
unrelated file of a small index. The window hides the weaker results behind a "Show N weaker results"
row, quick search leaves them out, the CLI takes ``--min-strength``.

A passage the keyword leg found (a word of the query is in it) is never weak, whatever its strength:
the strength measures meaning only, and a name or a rare word is the surest sign there is. Found on
real mail: "Aktienkurs Börse Frankfurt" over a folder of mail and documents ranked the spam picture
that reads "Frankfurt Stock Exchange" first, at strength 0.449, and the window hid it as weaker
under a page of Lorem ipsum at 0.55. The CLI's ``--min-strength`` stays a plain threshold.
"""

from __future__ import annotations

from collections.abc import Sequence

from desktop_search.core.records import SearchHit

RELEVANCE_FLOOR = 0.40  # measured: see the module docstring and benchmarks/floor.py
SORTS = ("relevance", "date")


def split_weak(
    hits: Sequence[SearchHit], floor: float = RELEVANCE_FLOOR, keep_word_matches: bool = True
) -> tuple[list[SearchHit], list[SearchHit]]:
    """``hits`` split into those at or above ``floor`` and the weaker ones (order kept). A hit with no
    strength (keyword-only search) is never weak, nor, with ``keep_word_matches`` (the window and quick
    search), one the keyword leg found: a word of the query is in it. The CLI's ``--min-strength`` is
    a plain threshold for scripts (``keep_word_matches=False``)."""
    strong: list[SearchHit] = []
    weak: list[SearchHit] = []
    for hit in hits:
        matched = keep_word_matches and hit.keyword_score is not None
        below = hit.strength is not None and hit.strength < floor and not matched
        (weak if below else strong).append(hit)
    return strong, weak


def sort_hits(hits: Sequence[SearchHit], sort: str = "relevance") -> list[SearchHit]:
    """``hits`` by relevance (as they come) or ``date``: newest modified first, relevance breaking ties."""
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
    if sort == "relevance":
        return list(hits)
    return sorted(hits, key=lambda h: -h.modified)
