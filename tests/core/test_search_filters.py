"""The one filter definition: both legs (Chroma's where, the keyword leg's SQL) keep the same passages."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_search.core.records import FileRecord, FileStatus, SearchFilters
from desktop_search.core.search.filters import FilterSpec, chroma_where, folder_key, normalise
from desktop_search.core.search.keyword import KeywordSearch
from desktop_search.core.store.ledger import ChunkRow
from desktop_search.core.store.pathkeys import chunk_id, to_key
from desktop_search.core.store.store import Store
from tests.support.fake_embedder import HashEmbedder

FILES = {  # path: (watched folder, mtime)
    "/docs/report.pdf": ("/docs", 100.0),
    "/docs/sub/notes.md": ("/docs", 200.0),
    "/docs/sub/deeper/plan.txt": ("/docs", 300.0),
    "/docs_old/report.txt": ("/docs_old", 150.0),
    "/Docs/upper.md": ("/Docs", 250.0),
    "/usb/music/lyrics.txt": ("/usb", 400.0),
    "/d%c/odd_name.TXT": ("/d%c", 500.0),
}
QUERY = "shared words"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    s = Store(tmp_path_factory.mktemp("filters") / "index", "test/hash-embedder")
    emb = HashEmbedder()
    for path, (folder, mtime) in FILES.items():
        key = to_key(path)
        text = f"{QUERY} in {Path(path).stem}"
        ext = Path(path).suffix.lstrip(".").lower()
        row = ChunkRow(chunk_id(key, 0), key, 0, text, 0, len(text), ext=ext, mtime=mtime)
        record = FileRecord(key, folder, FileStatus.PENDING, size=1, mtime=mtime)
        s.write_file(record, [row], emb.embed_documents([text]))
    yield s
    s.close()


def _dense(store: Store, filters: SearchFilters | None, unavailable: list[str]) -> set[str]:
    vector = HashEmbedder().embed_query(QUERY)
    hits = store.vectors.query(vector, 50, chroma_where(normalise(filters, unavailable)))
    return {store.ledger.get_chunks([h.chunk_id])[h.chunk_id].path for h in hits}


def _keyword(store: Store, filters: SearchFilters | None, unavailable: list[str]) -> set[str]:
    hits = KeywordSearch(store.ledger).search(QUERY, 50, filters, unavailable)
    return {store.ledger.get_chunks([h.chunk_id])[h.chunk_id].path for h in hits}


CASES = [
    (None, [], set(FILES)),
    (
        SearchFilters(folders=("/docs",)),
        [],
        {"/docs/report.pdf", "/docs/sub/notes.md", "/docs/sub/deeper/plan.txt"},
    ),
    (SearchFilters(folders=("/docs/sub/",)), [], {"/docs/sub/notes.md", "/docs/sub/deeper/plan.txt"}),
    (
        SearchFilters(folders=("/Docs",)),
        [],
        {"/Docs/upper.md"},
    ),  # case counts, "/docs_old" is not below "/docs"
    (SearchFilters(folders=("/d%c",)), [], {"/d%c/odd_name.TXT"}),  # LIKE's wildcards are plain text
    (SearchFilters(folders=("/",)), [], set(FILES)),
    (
        SearchFilters(folders=("/docs/sub/deeper", "/usb")),
        [],
        {"/docs/sub/deeper/plan.txt", "/usb/music/lyrics.txt"},
    ),
    (
        SearchFilters(extensions=(".MD", "txt")),
        [],
        {
            "/docs/sub/notes.md",
            "/docs/sub/deeper/plan.txt",
            "/docs_old/report.txt",
            "/Docs/upper.md",
            "/usb/music/lyrics.txt",
            "/d%c/odd_name.TXT",
        },
    ),
    (
        SearchFilters(modified_after=200.0, modified_before=300.0),
        [],
        {"/docs/sub/notes.md", "/docs/sub/deeper/plan.txt", "/Docs/upper.md"},
    ),
    (None, ["/usb", "/d%c"], set(FILES) - {"/usb/music/lyrics.txt", "/d%c/odd_name.TXT"}),
    (SearchFilters(include_unavailable=True), ["/usb"], set(FILES)),
    (
        SearchFilters(folders=("/docs",), extensions=("txt",), modified_after=250.0),
        ["/usb"],
        {"/docs/sub/deeper/plan.txt"},
    ),
    (SearchFilters(folders=("/nowhere",)), [], set()),
]


@pytest.mark.parametrize(("filters", "unavailable", "expected"), CASES)
def test_both_legs_keep_the_same_passages(store: Store, filters, unavailable, expected) -> None:
    assert _dense(store, filters, unavailable) == expected
    assert _keyword(store, filters, unavailable) == expected


def test_nothing_to_restrict_is_no_filter_at_all() -> None:
    assert normalise(None) is None and normalise(SearchFilters(include_unavailable=True), ["/usb"]) is None
    assert chroma_where(None) is None
    spec = normalise(SearchFilters(folders=("/docs/",), extensions=(".PDF",)), ["/usb"])
    assert spec == FilterSpec(folders=("/docs",), extensions=("pdf",), excluded_roots=("/usb",))
    assert folder_key("/") == "/"
