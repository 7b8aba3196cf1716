"""Help written in XML, through the whole product (real model, real store, real files): KDE's Okular
handbook (DocBook) and GNOME's help pages (Mallard) answer by their sections, in any language, above
a settings schema (XML data) about the same thing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core import Engine
from tests.core.test_xml_documents import MAGNIFIER_DE, OKULAR, SCHEMA, SHORTCUTS
from tests.support.real_search import indexed_engine

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, real_embedder):
    docs = tmp_path_factory.mktemp("help")
    for source in (OKULAR, SHORTCUTS, MAGNIFIER_DE, SCHEMA):
        shutil.copy(source, docs / source.name)
    with indexed_engine(docs, tmp_path_factory.mktemp("home"), real_embedder) as engine:
        yield engine


def test_a_german_question_finds_the_english_handbooks_section(engine: Engine) -> None:
    hits = engine.search("Wie unterschreibe ich ein PDF-Dokument digital?", k=5, grouped=False)
    assert Path(hits[0].path).name == OKULAR.name
    assert "Digital Signature" in (hits[0].heading or "")
    assert "okular Advanced Features › Signatures › Adding Digital Signatures" in [
        h.heading for h in hits[:3]
    ]
    assert all("<" not in h.text for h in hits)


def test_the_help_page_outranks_the_settings_schema_about_the_same(engine: Engine) -> None:
    hits = engine.search("Bildschirmlupe einschalten", k=5, grouped=True)
    assert Path(hits[0].path).name == MAGNIFIER_DE.name
    assert hits[0].heading == "Einen Bildschirmbereich vergrößern"
    names = [Path(h.path).name for h in hits]
    assert SCHEMA.name not in names or names.index(SCHEMA.name) > names.index(SHORTCUTS.name)


def test_a_shortcut_is_found_by_its_keys(engine: Engine) -> None:
    [best, *_] = engine.search('"Alt+Super+8"', k=3, grouped=False)
    assert Path(best.path).name == SHORTCUTS.name
    assert "Turn zoom on or off \tAlt+Super+8" in best.text
