"""A passage that shares several words with a query counts by how rare those words are, too.

A Spanish question over the English FreedomBox manual, "Mi proveedor de internet bloquea Tor, ¿cómo
puedo evitarlo?", shares "internet" and "Tor" with most sections of the Tor chapter and only "Tor"
with "Circumventing Tor censorship", the one that answers. Two common words counted as fully as two
rare ones, and the passages that said both ranked above the answer, the nearest by meaning.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core.search.fusion import (
    SHARED_RARITY_MIN_PASSAGES,
    SHARED_RARITY_POWER,
    Candidate,
    fuse,
    one_word_rarity,
    shared_words_rarity,
)
from tests.support.real_search import indexed_engine

DATA = Path(__file__).resolve().parents[1] / "data"
COUNTS = {"internet": 300, "tor": 120, "proveedor": 5, "bloquea": 2}  # passages with each query word
PASSAGES = 5000


def test_several_common_words_count_by_the_root_of_their_mean_rarity() -> None:
    shared = shared_words_rarity({"internet", "tor"}, COUNTS, PASSAGES)
    mean = (one_word_rarity("internet", COUNTS, PASSAGES) + one_word_rarity("tor", COUNTS, PASSAGES)) / 2
    assert shared == pytest.approx(mean**SHARED_RARITY_POWER)
    assert 0.6 < shared < 0.7
    # a word no passage has beside them lifts the mean; rare words count fully
    assert shared_words_rarity({"internet", "tor", "proveedor"}, COUNTS, PASSAGES) > shared
    assert shared_words_rarity({"bloquea"}, COUNTS, PASSAGES) == 1.0
    # every word of the query: its common ones still weigh
    assert shared < shared_words_rarity(set(COUNTS), COUNTS, PASSAGES) < 1.0


def test_one_word_counts_by_its_own_rarity_and_power_zero_counts_every_word_fully() -> None:
    assert shared_words_rarity({"tor"}, COUNTS, PASSAGES) == one_word_rarity("tor", COUNTS, PASSAGES)
    assert shared_words_rarity({"internet", "tor"}, COUNTS, PASSAGES, power=0.0) == 1.0
    assert shared_words_rarity(set(), COUNTS, PASSAGES) == 1.0
    assert shared_words_rarity({"internet", "tor"}, {}, PASSAGES) == 1.0  # one-term query: nothing to weigh


def test_several_words_count_fully_in_a_small_index() -> None:
    """Among a few hundred passages a word's count is too coarse to tell common from rare."""
    small = SHARED_RARITY_MIN_PASSAGES - 1
    assert shared_words_rarity({"internet", "tor"}, COUNTS, small) == 1.0
    assert shared_words_rarity({"tor"}, COUNTS, small) == one_word_rarity("tor", COUNTS, small)  # as before
    assert shared_words_rarity({"internet", "tor"}, COUNTS, small, min_passages=0) < 1.0


def test_common_shared_words_no_longer_outvote_the_nearest_passage() -> None:
    """The answer is first by meaning and shares one word; the other shares two common ones."""
    rarity = shared_words_rarity({"internet", "tor"}, COUNTS, PASSAGES)
    both = Candidate(
        "both", dense_rank=20, keyword_rank=1, coverage=0.34, content_words=frozenset({"internet", "tor"})
    )
    answer = Candidate(
        "answer", dense_rank=1, keyword_rank=6, coverage=0.17, content_words=frozenset({"tor"})
    )
    answer.rarity = shared_words_rarity({"tor"}, COUNTS, PASSAGES)
    known = {"stray_coverage_power": 1.0}
    assert [c.chunk_id for c in fuse([both, answer], **known)] == ["both", "answer"]  # counted fully
    both.rarity = rarity
    assert [c.chunk_id for c in fuse([both, answer], **known)] == ["answer", "both"]


@pytest.mark.model
def test_the_censorship_section_ranks_above_pages_sharing_only_common_words(
    tmp_path: Path, real_embedder
) -> None:
    """Eight pages of the FreedomBox manual (a few dozen passages): the answer is nearest by meaning
    and shares only "Tor"; other sections share "internet" and "Tor" too. Either rule puts it above
    them: the shared words' rarity (in a large index) or the small index's RRF constant
    (``fusion.index_rrf_k``, the default here)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DATA / "freedombox-manual.en.excerpt.pdf", docs / "freedombox-manual.pdf")
    with indexed_engine(docs, tmp_path / "home", real_embedder) as engine:
        query = "Mi proveedor de internet bloquea Tor, ¿cómo puedo evitarlo?"

        def pages(**tuned: float) -> list[int | None]:
            engine.tune_search(**tuned)
            return [h.page for h in engine.search(query, k=8, grouped=False)]

        shown = pages()  # the defaults: a small index's RRF constant
        # shared words count fully in so small an index; at k = 60 they outvote meaning
        before = pages(rrf_k_share=0, shared_rarity_min_passages=SHARED_RARITY_MIN_PASSAGES)
        after = pages(rrf_k_share=0, shared_rarity_min_passages=0)  # as in the whole manual (1,500)
    censorship, smart_home, name_services = 7, 1, 8  # excerpt pages (manual pp. 129, 26, 170)
    # both pages say "internet" and "Tor" and are further by meaning than the answer
    assert before.index(censorship) > max(before.index(smart_home), before.index(name_services))
    assert after.index(censorship) < min(after.index(smart_home), after.index(name_services))
    assert shown.index(censorship) < min(shown.index(smart_home), shown.index(name_services))
