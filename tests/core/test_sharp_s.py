"""German "ß" folds to "ss": a query word written with either finds both spellings, in the keyword
index (as Swiss German writes "Strasse", and anyone on a keyboard without "ß"; an older index is
rebuilt), painted and counted toward the keyword coverage that scales a passage's keyword vote
("Fußzeilen" in lshort's German edition went unpainted and uncounted for "Kopf- und Fußzeilen ändern")."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop_search.core.records import SearchFilters
from desktop_search.core.search.highlight import find_spans, query_terms
from desktop_search.core.search.keyword import KeywordSearch, fts_terms
from desktop_search.core.store.ledger import Ledger
from desktop_search.core.store.schema import SCHEMA_VERSION
from desktop_search.core.store.unspaced import index_form, sharp_s_as_ss
from tests.support.old_ledgers import OLD_CHUNKS, old_meta
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
    spellings through the real engine: found by both legs and painted."""
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DATA / "debian-reference.de.excerpt.pdf", docs)
    for n, query in enumerate(("Vorsichtsmaßnahmen für root", "Vorsichtsmassnahmen für root")):
        hits = search_folder(docs, tmp_path / f"home{n}", real_embedder, query)
        painted = {hit.text[s.start : s.end] for hit in hits for s in hit.highlights}
        assert "Vorsichtsmaßnahmen" in painted, query
        found_by_words = [h for h in hits if h.keyword_score is not None]
        assert any("Vorsichtsmaßnahmen" in h.text for h in found_by_words), query  # the keyword leg


def test_the_keyword_index_and_its_queries_read_sharp_s_as_ss() -> None:
    assert index_form("Die Straße ist groß") == "Die Strasse ist gross"
    assert sharp_s_as_ss("GROẞE STRASSE") == "GROSSE STRASSE"
    assert fts_terms("Fußzeilen ändern") == fts_terms("Fusszeilen ändern")


_SCHEMA_5_KEYWORDS = old_meta(5) + OLD_CHUNKS  # a keyword index as schema 5 built it: "ß" as written
ROWS = [
    ("de:0", "Die Hauptstraße ist gesperrt, bitte die Umleitung über die Bahnhofstrasse nehmen."),
    ("de:1", "Die Straße nach Basel ist frei."),
    ("ch:0", "Die Strasse nach Zürich ist gesperrt."),
]


def test_an_older_keyword_index_is_rebuilt_and_finds_both_spellings(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    conn = sqlite3.connect(db)
    conn.executescript(_SCHEMA_5_KEYWORDS)
    for cid, text in ROWS:
        conn.execute(
            "INSERT INTO chunks(chunk_id, path, number, start, end, text) VALUES (?, ?, 0, 0, 1, ?)",
            (cid, "/" + cid, text),
        )
    conn.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild')")
    conn.commit()
    assert conn.execute("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH 'strasse'").fetchone()[0] == 1
    conn.close()
    ledger = Ledger(db)
    try:
        assert ledger.get_meta("schema_version") == str(SCHEMA_VERSION)
        search = KeywordSearch(ledger)
        for query in ("Straße", "Strasse", "STRASSE"):
            assert sorted(h.chunk_id for h in search.search(query, 5)) == ["ch:0", "de:1"], query
        assert [h.chunk_id for h in search.search("Bahnhofstraße", 5)] == ["de:0"]
        quoted = SearchFilters(phrases=("Straße nach",), excluded=("Zürich",))
        assert [h.chunk_id for h in search.search("frei", 5, quoted)] == ["de:1"]
    finally:
        ledger.close()
