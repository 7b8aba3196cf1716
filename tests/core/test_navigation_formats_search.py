"""Contents and indexes of DOCX, ODT, EPUB and HTML files through the whole product: real model, real
store, real files. A contents list names every section, so it sits near every query; it must never
outrank the section it points to, in any format, yet stay findable."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core import Engine
from tests.core.navigation_samples import make_docx_manual, make_epub_manual, make_odt_manual
from tests.support.real_search import indexed_engine

pytestmark = pytest.mark.model

DATA = Path(__file__).resolve().parent.parent / "data"
MANUALS = ("manual.docx", "manual.odt", "manual.epub")
POLICY = ("python-policy.html",)
QUERIES = [  # query, the section that answers it, the files that hold it
    ("when is honey ready to harvest", "2.3 Harvesting honey", MANUALS),
    ("Varroamilben im Winter mit Oxalsäure behandeln", "2.2 Treating varroa mites", MANUALS),
    ("what do bees eat in winter", "2.1 Feeding in winter", MANUALS),
    ("Wo soll der Bienenstock stehen?", "1.1 Placing the hive", MANUALS),
    ("byte-compiling Python modules at install time", "4.7. Modules Byte-Compilation", POLICY),
    ("wheel dist-info metadata", "4.2. Wheels", POLICY),
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, real_embedder):
    docs = tmp_path_factory.mktemp("manuals")
    (docs / "manual.docx").write_bytes(make_docx_manual("field"))
    (docs / "manual.odt").write_bytes(make_odt_manual())
    (docs / "manual.epub").write_bytes(make_epub_manual(3))
    shutil.copy(DATA / "python-policy.html", docs / "python-policy.html")
    with indexed_engine(docs, tmp_path_factory.mktemp("home"), real_embedder) as engine:
        yield engine


@pytest.mark.parametrize(("query", "section", "files"), QUERIES)
def test_contents_never_outrank_the_section_they_point_to(
    engine: Engine, query: str, section: str, files: tuple[str, ...]
) -> None:
    hits = engine.search(query, k=300, grouped=False)
    navigation = [h for h in hits if h.navigation]
    # contents lists have no vector: found by their words alone, never by meaning
    assert all(h.keyword_score is not None and h.similarity is None for h in navigation)
    last_text = max(h.rank for h in hits if not h.navigation)
    assert all(h.rank > last_text for h in navigation)
    for name in files:
        in_file = [h for h in hits if Path(h.path).name == name]
        answer = min(h.rank for h in in_file if (h.heading or "").endswith(section))
        assert all(h.rank > answer for h in in_file if h.navigation)


@pytest.mark.parametrize(("query", "section", "files"), QUERIES)
def test_each_file_leads_with_text_near_its_answer(
    engine: Engine, query: str, section: str, files: tuple[str, ...]
) -> None:
    """Grouped, every file shows a passage of text, never its contents; the section that answers is
    among the file's first three passages, and passages name their chapter › section."""
    hits = engine.search(query, k=10)
    assert hits and not any(h.navigation for h in hits)
    flat = engine.search(query, k=300, grouped=False)
    for name in files:
        in_file = [h for h in flat if Path(h.path).name == name]
        assert any((h.heading or "").endswith(section) for h in in_file[:3]), [h.heading for h in in_file]
        assert all(" › " in (h.heading or "") for h in in_file if section in h.text and not h.navigation)


def test_index_lines_are_listed_after_the_text_they_point_to(engine: Engine) -> None:
    hits = engine.search("nucleus", k=10, mode="keyword", grouped=False)
    by_file = {Path(h.path).name for h in hits}
    assert by_file >= set(MANUALS)
    assert all(any(not h.navigation for h in hits if Path(h.path).name == name) for name in MANUALS)
    assert hits[-1].navigation  # the index line "nucleus, 1" is listed, last
