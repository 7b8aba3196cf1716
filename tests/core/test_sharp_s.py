"""German "ß" folds to "ss": a query word written with either finds both spellings, painted and counted
toward the keyword coverage that scales a passage's keyword vote ("Fußzeilen" in lshort's German
edition went unpainted and uncounted for the query "Kopf- und Fußzeilen ändern")."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core.search.highlight import find_spans, query_terms
from tests.support.real_search import search_folder

DATA = Path(__file__).resolve().parents[1] / "data"


def test_sharp_s_is_found_as_ss_and_ss_as_sharp_s() -> None:
    text = "6.1. Kopf- und Fußzeilen. Die FUSSZEILEN der Straße; die Strasse ist groß"
    both = ["Fußzeilen", "FUSSZEILEN"]
    for query, found in [("Fußzeilen", both), ("Fusszeilen", both), ("Straße", ["Straße", "Strasse"]),
                         ("gross", ["groß"])]:  # fmt: skip
        spans, matched = find_spans(text, query_terms(query))
        assert [text[s.start : s.end] for s in spans] == found, query
        assert matched
    assert find_spans("Fußball", query_terms("fuss"))[1] == set()  # a short word: its inflections only


@pytest.mark.model
def test_a_word_with_sharp_s_is_painted_in_results(tmp_path: Path, real_embedder) -> None:
    """The German Debian Reference's precautions for root ("Vorsichtsmaßnahmen"), asked for in both
    spellings."""
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DATA / "debian-reference.de.excerpt.pdf", docs)
    for n, query in enumerate(("Vorsichtsmaßnahmen für root", "Vorsichtsmassnahmen für root")):
        hits = search_folder(docs, tmp_path / f"home{n}", real_embedder, query)
        painted = {hit.text[s.start : s.end] for hit in hits for s in hit.highlights}
        assert "Vorsichtsmaßnahmen" in painted, query
