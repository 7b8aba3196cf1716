"""In a small index the RRF constant is a share of its passages, so meaning still separates them.

At k = 60 the 40th dense rank of a 40-passage folder counts three fifths of the first: the keyword leg's
coverage then decides alone, and a passage that merely names the query's subject outranks the one
that answers it (see :func:`desktop_search.core.search.fusion.index_rrf_k`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core.search.fusion import RRF_K, RRF_K_MIN, RRF_K_SHARE, Candidate, fuse, index_rrf_k
from tests.support.real_search import indexed_engine

DATA = Path(__file__).resolve().parents[1] / "data"


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


@pytest.mark.model
def test_a_spanish_question_finds_the_answer_in_an_eight_page_english_excerpt(
    tmp_path: Path, real_embedder
) -> None:
    """Eight pages of the FreedomBox manual (a few dozen passages): the answer is nearest by meaning
    and shares only "Tor"; other sections share "internet" and "Tor" too."""
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DATA / "freedombox-manual.en.excerpt.pdf", docs / "freedombox-manual.pdf")
    query = "Mi proveedor de internet bloquea Tor, ¿cómo puedo evitarlo?"
    censorship, smart_home, name_services = 7, 1, 8  # excerpt pages (manual pp. 129, 26, 170)
    with indexed_engine(docs, tmp_path / "home", real_embedder) as engine:
        shown = [h.page for h in engine.search(query, k=8, grouped=False)]
        engine.tune_search(rrf_k_share=0)
        before = [h.page for h in engine.search(query, k=8, grouped=False)]
    assert shown.index(censorship) < min(shown.index(smart_home), shown.index(name_services))
    assert before.index(censorship) > max(before.index(smart_home), before.index(name_services))
