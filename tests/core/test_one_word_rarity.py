"""A passage that shares one word with a query of several counts by how rare that word is.

Over a small folder, "delivery note" listed passages that share only "note" (a common word there,
13 % by meaning) above the delivery note itself (92 %, found by meaning: "Bon de livraison"), because
every keyword vote counted alike; a rare shared name ("Frankfurt" in one OCR'd picture) must still
count fully (tests/core/test_damaged_images.py). Once contents pages had no vector (they had padded
the dense ranks), two of those "Note" passages (strength 0.02) came back above it on their dense ranks
alone, 19 and 21 of 62 passages: a dense rank at the unrelated level now counts after every
candidate's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core.search.fusion import (
    UNRELATED_STRENGTH,
    Candidate,
    demote_unrelated_dense_votes,
    fuse,
    one_word_rarity,
)
from tests.support.real_search import indexed_engine

DATA = Path(__file__).resolve().parents[1] / "data"


def test_a_common_word_counts_little_beside_a_word_no_passage_has() -> None:
    passages = {"note": 10, "delivery": 0}
    assert one_word_rarity("note", passages, 74) == pytest.approx(0.39, abs=0.01)
    assert one_word_rarity("delivery", passages, 74) == 1.0
    assert one_word_rarity("frankfurt", {"frankfurt": 1, "exchange": 2}, 40) > 0.85  # a rare name
    assert one_word_rarity("note", {"note": 10}, 74) == 1.0  # one word: nothing to weigh it against
    assert one_word_rarity("unknown", passages, 74) == 1.0 and one_word_rarity("note", passages, 0) == 1.0


def test_rarity_scales_the_keyword_vote() -> None:
    common = Candidate("common", dense_rank=40, keyword_rank=1, coverage=0.5, rarity=0.39)
    meant = Candidate("meant", dense_rank=1)
    known = {"stray_coverage_power": 1.0}  # the index knows the query's words: one shared word counts
    assert [c.chunk_id for c in fuse([common, meant], **known)] == ["meant", "common"]
    common.rarity = 1.0
    assert [c.chunk_id for c in fuse([common, meant], **known)] == ["common", "meant"]  # as before


def test_a_passage_unrelated_by_meaning_votes_after_every_candidate() -> None:
    """At the unrelated level its dense rank counts after all candidates'; the keyword vote stays."""
    related = [Candidate(f"related{r}", similarity=0.9 - r / 100, dense_rank=r) for r in range(1, 41)]
    note = Candidate("note", similarity=0.01, dense_rank=41, keyword_rank=1, coverage=0.5, rarity=0.6)
    unrelated = Candidate("unrelated", similarity=0.0, dense_rank=42)
    words_only = Candidate("words", keyword_rank=2, coverage=0.5)
    candidates = [*related, note, unrelated, words_only]
    demote_unrelated_dense_votes(candidates, strength=lambda cosine: cosine, floor=UNRELATED_STRENGTH)
    assert [c.dense_rank for c in (related[-1], note, unrelated, words_only)] == [40, 84, 85, None]
    ranked = [c.chunk_id for c in fuse(candidates)]
    assert ranked[:40] == [c.chunk_id for c in related]  # the keyword vote alone does not lift "note"
    assert all(c.score > 0 for c in candidates)


@pytest.mark.model
def test_the_delivery_note_ranks_above_passages_sharing_only_a_common_word(
    tmp_path: Path, real_embedder
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DATA / "pdf-factur-x-invoice-en16931.pdf", docs / "invoice.pdf")
    shutil.copy(DATA / "debian-reference.en.excerpt.pdf", docs / "debian-reference.pdf")  # "Note" boxes
    with indexed_engine(docs, tmp_path / "home", real_embedder) as engine:
        hits = engine.search("delivery note", k=10, grouped=False)
    places = [(Path(h.path).name, h.part) for h in hits]
    note = places.index(("invoice.pdf", "Bon_de_livraison.pdf"))
    assert all(name != "debian-reference.pdf" for name, _ in places[:note])


@pytest.mark.model
def test_a_foreign_querys_one_common_shared_word_counts_by_its_rarity_too(
    tmp_path: Path, real_embedder
) -> None:
    """A French question over English descriptions shares "collection" with many of them and no word
    with the one that answers: that word counted fully (squared by the foreign rule, but any vote
    reorders dense ranks this close) and put a collection of sampling objects above the partitioning
    utilities (Debian's package descriptions, benchmarks/crosslingual.py)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    texts = {
        "disks.txt": "Tools to partition hard disks: the classic partitioning utilities fdisk, sfdisk and "
        "cfdisk create, delete and resize the partitions of GPT and MBR partition tables.",
        "samples.txt": "A collection of sampling objects for a music patching environment: a variable-speed "
        "player, an index-driven sample player and a sample recorder.",
        "plots.txt": "A collection of web applications for plotting luminescence dating data.",
        "meshes.txt": "A collection of routines for plotting data on finite element meshes.",
        "fonts.txt": "A collection of free fonts for the desktop, with a viewer to compare them.",
        "weather.txt": "Shows the weather forecast for your town in the panel.",
    }
    for name, text in texts.items():
        (docs / name).write_text(text + "\n")
    with indexed_engine(docs, tmp_path / "home", real_embedder) as engine:
        names = [Path(h.path).name for h in engine.search("collection d'outils de partitionnement", k=6)]
    # the model itself puts two "collection" files first; the stray word no longer lifts the others
    # over the answer (it was fifth, under all four)
    assert names.index("disks.txt") < min(names.index("samples.txt"), names.index("fonts.txt"))
