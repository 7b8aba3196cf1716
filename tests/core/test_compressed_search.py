"""Compressed documents through the whole product: real model, real store, Debian's gzipped manuals
(tests/data) in a watched folder beside a plain text. A gzipped PDF is found at its page and section,
answers ``type:pdf``, and is listed as indexed like any other file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core import Engine, FileStatus, parse_query
from tests.support.real_search import indexed_engine

pytestmark = pytest.mark.model

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, real_embedder):
    docs = tmp_path_factory.mktemp("docs")
    for name in ("bzip2-manual.pdf.gz", "zlib-algorithm.txt.gz", "openssh-README.Debian.txt"):
        shutil.copy(DATA / name, docs / name)
    (docs / "ls.1.gz").write_bytes((DATA / "zlib-algorithm.txt.gz").read_bytes())  # a manual page: not listed
    with indexed_engine(docs, tmp_path_factory.mktemp("home"), real_embedder) as engine:
        yield engine


def _search(engine: Engine, query: str, k: int = 5):
    parsed = parse_query(query, engine.folders)
    return engine.search(parsed.text, k=k, filters=parsed.filters(None))


def test_gzipped_documents_are_indexed_and_manual_pages_are_not_listed(engine: Engine) -> None:
    records = {Path(r.path).name: r for r in engine.store.ledger.files()}
    assert set(records) == {"bzip2-manual.pdf.gz", "zlib-algorithm.txt.gz", "openssh-README.Debian.txt"}
    assert all(r.status == FileStatus.INDEXED for r in records.values())
    assert records["bzip2-manual.pdf.gz"].kind == "pdf"


def test_a_gzipped_manual_answers_at_its_page_and_section(engine: Engine) -> None:
    top = _search(engine, "how do I get data back out of a damaged compressed file?")[0]
    assert Path(top.path).name == "bzip2-manual.pdf.gz"
    assert top.page == 9 and top.heading == "2 How to use bzip2 › 2.6 RECOVERING DATA FROM DAMAGED"


def test_type_filters_read_what_a_compressed_file_holds(engine: Engine) -> None:
    pdfs = _search(engine, "type:pdf compression algorithm", k=10)
    assert pdfs and {Path(h.path).name for h in pdfs} == {"bzip2-manual.pdf.gz"}
    texts = _search(engine, "type:text compression algorithm", k=10)
    assert {Path(h.path).name for h in texts} <= {"zlib-algorithm.txt.gz", "openssh-README.Debian.txt"}
    assert Path(texts[0].path).name == "zlib-algorithm.txt.gz"
