"""Lists of people's names (a book's acknowledgements, a release's contributors) are told from prose,
change logs and lists of other things, and rank on the query's own words, not on meaning alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core.search.fusion import Candidate
from desktop_search.core.search.name_lists import is_name, is_name_list, unmatched_name_list
from desktop_search.core.store.ledger import ChunkRow
from tests.support.real_search import indexed_engine

EXCERPT = Path(__file__).resolve().parent.parent / "data" / "lshort-en.excerpt.pdf"

# The Not So Short Introduction to LaTeX, page iv (real text, as pypdf reads it)
THANKS = """Jasper Loy, Johan Lundberg, Martin Maechler, Alexander Mai, Claus Malten,
Kevin Van Maren, Pablo Markin, I. J. Vera Marún, Hendrik Maryns,
Chris McCormack, Aleksandar S. Milosevic, Henrik Mitsch, Stefan M. Moser,
Armin Müller, Philipp Nagele, Richard Nagy, Manuel Oetiker, Urs Oswald,
Hubert Partl, Marcelo Pasin, Martin Pfister, Lan Thuy Pham, Breno Pietracci,"""
# systemd's NEWS: an entry's contributors after its changes
CONTRIBUTORS = """        Contributions from: Auke Kok, Colin Walters, Cristian
        Rodríguez, Daniel Buch, Dave Reisner, Frederic Crozat, Hannes
        Reinecke, Harald Hoyer, Jan Alexander Steffens, Jan Engelhardt,
        Kay Sievers, Lennart Poettering, Lukas Nykryn, Mantas Mikulėnas"""
CHANGES = """        * journalctl gained a new --local switch to only interleave
          locally generated journal files, and the notify socket is in the
          abstract namespace again, which fixes booting in containers where
          the socket directory is not writable by the service manager.

        * We can now load the IMA policy at boot automatically, and the
          binary is built when the headers for it are present.

        Contributions from: Auke Kok, Colin Walters, Harald Hoyer,
        Kay Sievers, Lennart Poettering, Lukas Nykryn, Michal Schmidt, Tom Gundersen"""
LANGUAGES = (
    "locale: Update translations for Chinese (Simplified), Chinese (Traditional), Dutch, French, "
    "German, Hungarian, Indonesian, Japanese, Norwegian Bokmål, Polish, Portuguese, Russian, Swedish"
)
DEVICES = (
    "A20 OLinuXino Lime2\nA20 OLinuXino MICRO\nPC Engines APU\nCubietruck\nCubieboard2\nBeagleBone Black\n"
)
PROSE = (
    "To get a straight right margin in the output, LaTeX inserts varying amounts of space between "
    "the words, slightly more at the end of a sentence, after periods, question marks and exclamation "
    "marks, and less after an uppercase letter, where a period usually ends an abbreviation, as in "
    "Mr. Smith, Dr. Watson, Prof. Moriarty, Mrs. Hudson and St. Paul's, which LaTeX cannot tell apart."
)


def test_names_are_two_to_five_capitalised_words_initials_or_particles() -> None:
    for name in (
        "Eric Abrahamsen",
        "Lenimar Nunes de Andrade",
        "I. J. Vera Marún",
        "Peter D'Hoye",
        "Jean-Michel Dubois",
    ):
        assert is_name(name), name
    for item in (
        "Frank",
        "Chinese (Simplified)",
        "the words",
        "A20 OLinuXino Lime2",
        "I. J.",
        "Hubert Partl, Urs",
        "Émile zola",
        "élan Vital",
        "J. von K.",
    ):
        assert not is_name(item), item


def test_lists_of_names_are_told_from_prose_change_logs_and_other_lists() -> None:
    assert is_name_list(THANKS)
    assert is_name_list(CONTRIBUTORS)
    for text in (CHANGES, LANGUAGES, DEVICES, PROSE, "Hubert Partl, Urs Oswald, Martin Pfister"):
        assert not is_name_list(text), text


def test_a_name_list_found_by_meaning_alone_is_unmatched_and_one_the_query_names_is_not() -> None:
    row = ChunkRow(chunk_id="c", path="/docs/lshort.pdf", number=0, text=THANKS, start=0, end=1)
    assert unmatched_name_list(Candidate("c", 0.8, dense_rank=1), row)
    assert not unmatched_name_list(Candidate("c", 0.8, dense_rank=1, content_words=frozenset({"partl"})), row)


@pytest.mark.model
def test_acknowledgements_found_by_meaning_alone_keep_half_their_score(tmp_path: Path, real_embedder) -> None:
    """The excerpt's page 2 thanks 130 people by name; pages 3 and 4 are section 2.6, the space
    between words, which the Spanish question asks about."""
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(EXCERPT, docs / EXCERPT.name)
    query = "¿Cómo evito un salto de línea entre dos palabras?"
    with indexed_engine(docs, tmp_path / "home", real_embedder) as engine:
        hits = engine.search(query, k=20, grouped=False)
        scored = {p.chunk_id: p.score for h in hits for p in (h, *h.inline, *h.more)}
        engine.tune_search(names_factor=1.0)
        plain = [p for h in engine.search(query, k=20, grouped=False) for p in (h, *h.inline, *h.more)]
    names = [p for p in plain if is_name_list(p.text)]
    assert len(names) >= 3 and all(p.page == 2 and p.keyword_score is None for p in names)
    for p in names:
        assert scored[p.chunk_id] == pytest.approx(p.score * 0.5)
    assert hits[0].heading is not None and "2.6 The Space Between Words" in hits[0].heading
