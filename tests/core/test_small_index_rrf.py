"""In a small index the RRF constant is a share of its passages, so meaning still separates them.

At k = 60 the 40th dense rank of a 40-passage folder counts three fifths of the first: the keyword leg's
coverage then decides alone, and a passage that merely names the query's subject outranks the one
that answers it (see :func:`desktop_search.core.search.fusion.index_rrf_k`). Through the real stack:
``test_shared_words_rarity.py::test_the_censorship_section_ranks_above_pages_sharing_only_common_words``
(a Spanish question over eight English pages, with the constant and without it).
"""

from __future__ import annotations

import pytest

from desktop_search.core.search.fusion import RRF_K, RRF_K_MIN, RRF_K_SHARE, Candidate, fuse, index_rrf_k


def test_the_constant_is_a_share_of_a_small_index_and_sixty_in_a_large_one() -> None:
    assert index_rrf_k(RRF_K, 100) == pytest.approx(RRF_K_SHARE * 100)
    assert index_rrf_k(RRF_K, 5000) == RRF_K
    assert index_rrf_k(RRF_K, int(RRF_K / RRF_K_SHARE)) == RRF_K  # where the two meet
    assert index_rrf_k(RRF_K, 7) == RRF_K_MIN  # a handful of passages: not ranked by dense order alone
    assert index_rrf_k(RRF_K, 0) == RRF_K  # size unknown (nothing embedded yet, or means failed)
    assert index_rrf_k(RRF_K, 40, share=0) == RRF_K  # 0: the constant everywhere, as before


def test_the_nearest_passage_outranks_one_that_only_names_the_subject_in_a_small_index() -> None:
    def ranked(k: float) -> list[str]:
        answer = Candidate("answer", similarity=0.81, dense_rank=1)
        words = frozenset({"ssh", "root"})
        naming = Candidate("naming", 0.50, dense_rank=20, keyword_rank=1, coverage=0.3, content_words=words)
        return [c.chunk_id for c in fuse([naming, answer], rrf_k=k)]

    assert ranked(RRF_K) == ["naming", "answer"]
    assert ranked(index_rrf_k(RRF_K, 40)) == ["answer", "naming"]
