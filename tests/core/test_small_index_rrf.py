"""In a small index the RRF constant is a share of its passages, so meaning still separates them.

At k = 60 the 40th dense rank of a 40-passage folder counts three fifths of the first: the keyword leg's
coverage then decides alone, and a passage that merely names the query's subject outranks the one
that answers it (see :func:`desktop_search.core.search.fusion.index_rrf_k`). Through the real stack:
``test_shared_words_rarity.py::test_the_censorship_section_ranks_above_pages_sharing_only_common_words``
(a Spanish question over eight English pages, with the constant and without it), and below, the same
question searched in a larger index with a filter to the folder of those pages: the constant is the
size of what the search ranks, which the dense leg tells by returning fewer passages than it was asked.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core.records import SearchFilters
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


DATA = Path(__file__).resolve().parent.parent / "data"
MANUALS = (  # four excerpts beside it: 292 passages in all, an index that keeps k = 60
    "r-admin.excerpt.pdf",
    "ubuntu-packaging-guide.en.excerpt.pdf",
    "debian-reference.en.excerpt.pdf",
    "lilypond-learning.de.excerpt.pdf",
)


def test_a_search_filtered_to_a_small_folder_ranks_as_a_small_index_does(tmp_path, real_embedder) -> None:
    """The FreedomBox excerpt's folder in an index of 292 passages, asked in Spanish how to get past a
    provider that blocks Tor: filtered to that folder, the dense leg ranks its 60-odd passages alone,
    and the censorship section comes above the pages that only share "internet" and "Tor" with the
    question, as in an index of that folder alone; with the index's k = 60 it came below them."""
    from tests.support.real_search import indexed_engine

    docs = tmp_path / "docs"
    (docs / "manuals").mkdir(parents=True)
    (docs / "freedombox").mkdir()
    for name in MANUALS:
        shutil.copy(DATA / name, docs / "manuals" / name)
    shutil.copy(DATA / "freedombox-manual.en.excerpt.pdf", docs / "freedombox" / "freedombox-manual.pdf")
    query = "Mi proveedor de internet bloquea Tor, ¿cómo puedo evitarlo?"
    only = SearchFilters(folders=(str(docs / "freedombox"),))
    with indexed_engine(docs, tmp_path / "home", real_embedder) as engine:
        assert int(engine.status()["chunks"]) >= RRF_K / RRF_K_SHARE  # large enough to keep k = 60
        filtered = [h.page for h in engine.search(query, k=8, grouped=False, filters=only)]
        engine.tune_search(rrf_k_share=0)  # the constant everywhere: k = 60, as before
        before = [h.page for h in engine.search(query, k=8, grouped=False, filters=only)]
    censorship, smart_home, name_services = 7, 1, 8  # excerpt pages (manual pp. 129, 26, 170)
    assert before.index(censorship) > max(before.index(smart_home), before.index(name_services))
    assert filtered.index(censorship) < min(filtered.index(smart_home), filtered.index(name_services))
