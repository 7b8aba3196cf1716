"""Re-extraction of outdated files through the real stack (real files, extractor pool, Chroma on disk,
SQLite ledger; the HashEmbedder stands in for the model): an index built by an older extractor is
brought up to date on the next ``engine.index()``, exactly the outdated files and after the user's
own changes; renames and a crash mid-write keep the recorded versions honest."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader

from desktop_search.core.config.settings import Settings
from desktop_search.core.engine import Engine
from desktop_search.core.extract import register_extractor, unregister_extractor, versions
from desktop_search.core.extract.results import Deadline, Extracted, Part, assemble
from desktop_search.core.records import FileRecord, FileStatus, IndexProgress, Phase
from desktop_search.core.store.ledger import Ledger
from desktop_search.core.store.pathkeys import from_key, to_key
from tests.core.extract_samples import make_pdf
from tests.support.fake_embedder import HashEmbedder

PDF = versions.extractor_version("pdf")


class RecordingEmbedder(HashEmbedder):
    """Remembers every text it embedded, in order."""

    def __init__(self) -> None:
        super().__init__(batch_size=4)
        self.texts: list[str] = []

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        return super().embed_documents(texts)


def _docs(folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("Lighthouse keepers log every passing ship.\n\nStorms came twice.")
    (folder / "guide.md").write_text("# Gardening\n\nTomatoes need sun.\n\n## Watering\n\nWater at dawn.\n")
    (folder / "glaciers.pdf").write_bytes(make_pdf([["Glaciers carve valleys."], ["Moraines mark ends."]]))
    (folder / "reefs.pdf").write_bytes(make_pdf([["Coral reefs need warm water."]]))


def _engine(home: Path, embedder: HashEmbedder) -> Engine:
    return Engine.open(home, embedder=embedder, settings=Settings().validate())


def _rows(engine: Engine) -> dict[str, FileRecord]:
    return {os.path.basename(from_key(r.path)): r for r in engine.files()}


def _texts(engine: Engine, record: FileRecord) -> list[str]:
    return [c.text for c in engine.store.ledger.chunks_of(record.path)]


def _age(ledger: Ledger, *names: str) -> None:
    """Make the ledger say these files were built by the extractors of before versions existed (an
    upgraded user's index; the chunker is left current, these tests are about the extractors)."""
    with ledger.transaction() as tx:
        for row in tx.execute("SELECT path FROM files").fetchall():
            if os.path.basename(from_key(row[0])) in names:
                tx.execute("UPDATE files SET kind = '', extractor_version = 1 WHERE path = ?", (row[0],))


def _forget_cached_vectors(engine: Engine) -> None:
    """Empty the vector cache, so a file that is redone shows in what gets embedded (an unchanged text
    would otherwise take its cached vector, rightly)."""
    with engine.store.ledger.transaction() as tx:
        tx.execute("DELETE FROM vector_cache")


@pytest.fixture
def indexed(tmp_path: Path):
    docs = tmp_path / "docs"
    _docs(docs)
    embedder = RecordingEmbedder()
    engine = _engine(tmp_path / "home", embedder)
    engine.add_folder(docs)
    engine.index()
    rows = _rows(engine)
    assert all(r.status == FileStatus.INDEXED for r in rows.values())
    assert (rows["glaciers.pdf"].kind, rows["glaciers.pdf"].extractor_version) == ("pdf", PDF)
    assert (rows["guide.md"].kind, rows["notes.txt"].kind) == ("markdown", "text")
    _forget_cached_vectors(engine)
    embedder.texts.clear()
    try:
        yield engine, embedder, docs
    finally:
        engine.close()


def test_a_newer_pdf_reader_redoes_exactly_the_pdfs_after_the_users_changes(
    indexed, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, embedder, docs = indexed
    before = _rows(engine)
    monkeypatch.setattr(versions, "EXTRACTOR_VERSIONS", {**versions.EXTRACTOR_VERSIONS, "pdf": PDF + 1})
    (docs / "notes.txt").write_text("Lighthouse keepers now log every passing ship and every storm.")
    (docs / "fresh.txt").write_text("A brand new file about volcanoes.")
    seen: list[IndexProgress] = []

    result = engine.index(seen.append)

    assert result.phase == Phase.DONE and result.files_total == 4 and result.message == ""
    after = _rows(engine)
    assert (after["glaciers.pdf"].extractor_version, after["reefs.pdf"].extractor_version) == (PDF + 1,) * 2
    assert after["guide.md"] == before["guide.md"]  # untouched: same row, same indexed_at
    # the user's edit and new file are embedded first, the two PDFs after them
    owners = [_owner(text) for text in embedder.texts]
    assert owners[:2] == ["fresh", "notes"] and set(owners[2:]) == {"glaciers", "reefs"}
    assert {"glaciers", "reefs"} <= set(owners)
    assert "Updating 2 PDFs to the improved reader" in {p.message for p in seen}
    # up to date now: the next scan embeds nothing
    embedder.texts.clear()
    engine.index()
    assert embedder.texts == []
    assert engine.check()["consistent"]


def _owner(text: str) -> str:
    for word, owner in (
        ("Glaciers", "glaciers"),
        ("Moraines", "glaciers"),
        ("Coral", "reefs"),
        ("volcanoes", "fresh"),
        ("Lighthouse", "notes"),
    ):
        if word in text:
            return owner
    return text


def test_an_index_from_before_versions_redoes_its_files(indexed) -> None:
    engine, embedder, _folder = indexed
    _age(engine.store.ledger, "notes.txt", "guide.md", "glaciers.pdf", "reefs.pdf")
    before = _rows(engine)
    assert before["notes.txt"].kind == "" and before["glaciers.pdf"].extractor_version == 1

    engine.index()

    after = _rows(engine)
    for name, kind in (
        ("notes.txt", "text"),
        ("guide.md", "markdown"),
        ("glaciers.pdf", "pdf"),
        ("reefs.pdf", "pdf"),
    ):
        assert (after[name].kind, after[name].extractor_version) == (kind, versions.extractor_version(kind))
        assert after[name].indexed_at > before[name].indexed_at
    # each is re-read (the fixture forgot the cached vectors that would spare re-embedding unchanged text)
    for word in ("Lighthouse", "Tomatoes", "Coral"):
        assert any(word in t for t in embedder.texts)


def test_an_outdated_file_touched_without_change_is_still_redone(indexed) -> None:
    engine, embedder, docs = indexed
    _age(engine.store.ledger, "reefs.pdf")
    os.utime(docs / "reefs.pdf", (1e9, 1e9))  # a "changed" file whose content hash is the same
    engine.index()
    assert _rows(engine)["reefs.pdf"].extractor_version == PDF
    assert any("Coral" in t for t in embedder.texts)


def test_renames_keep_current_vectors_and_redo_outdated_ones(indexed) -> None:
    engine, embedder, docs = indexed
    _age(engine.store.ledger, "reefs.pdf")
    (docs / "glaciers.pdf").rename(docs / "ice.pdf")  # current: moved, not re-embedded
    (docs / "reefs.pdf").rename(docs / "coral.pdf")  # outdated: extracted afresh under its new name

    engine.index()

    rows = _rows(engine)
    assert set(rows) == {"notes.txt", "guide.md", "ice.pdf", "coral.pdf"}
    assert (rows["ice.pdf"].kind, rows["ice.pdf"].extractor_version) == ("pdf", PDF)
    assert (rows["coral.pdf"].kind, rows["coral.pdf"].extractor_version) == ("pdf", PDF)
    assert any("Coral" in t for t in embedder.texts)
    assert not any("Glaciers" in t or "Moraines" in t for t in embedder.texts)
    assert engine.search("glaciers valleys")[0].path == str(docs / "ice.pdf")
    assert engine.check()["consistent"]


def test_a_crash_between_vectors_and_ledger_never_records_the_new_version(
    indexed, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, embedder, docs = indexed
    _age(engine.store.ledger, "reefs.pdf")
    reefs = to_key(str(docs / "reefs.pdf"))
    old_texts = _texts(engine, _rows(engine)["reefs.pdf"])
    ledger = engine.store.ledger
    real_replace = ledger.replace_files

    def killed_before_the_ledger(items: list[tuple[FileRecord, list]]) -> None:
        if any(record.path == reefs for record, _chunks in items):
            raise KeyboardInterrupt  # the process dies before the transaction
        real_replace(items)

    monkeypatch.setattr(ledger, "replace_files", killed_before_the_ledger)
    with pytest.raises(KeyboardInterrupt):
        engine.index()
    # phase 1 deleted only the vectors of passages the new version lacks; the others are the old ones
    assert set(engine.store.vectors.ids_of_path(reefs)) <= set(ledger.chunk_ids_of(reefs))
    row = ledger.get(reefs)
    assert row is not None and (row.kind, row.extractor_version) == ("", 1)  # still the old build
    assert _texts(engine, row) == old_texts

    monkeypatch.setattr(ledger, "replace_files", real_replace)
    _forget_cached_vectors(engine)  # else the redone file takes the vectors the crashed run cached
    embedder.texts.clear()
    engine.index()  # the run mark is still set: check and repair, then redo the still-outdated file
    row = ledger.get(reefs)
    assert row is not None and (row.kind, row.extractor_version) == ("pdf", PDF)
    assert any("Coral" in t for t in embedder.texts)
    assert engine.check()["consistent"]
    assert engine.store.vectors.count() == engine.store.ledger.chunk_total()


# -- a real manual: the old reader's passages replaced by the new reader's ----------------------------

MANUAL = Path(__file__).resolve().parent.parent / "data" / "debian-reference.en.excerpt.pdf"


def _old_pdf_reader(data: bytes, deadline: Deadline) -> Extracted:
    """The reader before PDF structure: pypdf's text, one section per page, headers and contents kept."""
    reader = PdfReader(io.BytesIO(data))
    return assemble([Part(p.extract_text() or "", page=n) for n, p in enumerate(reader.pages, 1)], "pdf")


def test_an_upgraded_index_of_a_real_manual_loses_its_headers_and_marks_its_contents(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "reference.pdf").write_bytes(MANUAL.read_bytes())
    (docs / "notes.txt").write_text("Notes on apt pinning.")
    embedder = RecordingEmbedder()
    engine = _engine(tmp_path / "home", embedder)
    try:
        register_extractor("pdf", "text", _old_pdf_reader)  # in this process, as the old version read it
        try:
            engine.add_folder(docs)
            engine.index()
        finally:
            unregister_extractor("pdf")
        _age(engine.store.ledger, "reference.pdf", "notes.txt")
        old = engine.store.ledger.chunks_of(_rows(engine)["reference.pdf"].path)
        # "Debian Reference 37/ 233" on every page, contents passages ranked as text
        assert any("/ 233" in c.text for c in old) and not any(c.navigation for c in old)
        embedder.texts.clear()

        engine.index()

        rows = _rows(engine)
        assert (rows["reference.pdf"].kind, rows["reference.pdf"].extractor_version) == ("pdf", PDF)
        new = engine.store.ledger.chunks_of(rows["reference.pdf"].path)
        assert not any("/ 233" in c.text or "Debian Reference" in c.text for c in new)
        assert {c.page for c in new if c.navigation} == {1}
        assert any(c.heading and "2.1.2 Basic precautions" in c.heading for c in new)
        # only the manual was embedded again (a text that repeats in it, once)
        assert 0 < len(embedder.texts) <= len(new) and not any("apt pinning" in t for t in embedder.texts)
        assert engine.check()["consistent"]
        text = [c for r in rows.values() for c in engine.store.ledger.chunks_of(r.path) if not c.navigation]
        assert engine.store.vectors.count() == len(text)  # the contents page's passages have no vector
    finally:
        engine.close()


def _as_an_older_version_left(indexed, data_name: str, name: str, reason: str, skipped: bool = False) -> None:
    """Index the test file ``data_name`` as ``name``, mark it failed (or skipped) for ``reason`` with
    nothing stored, as a version that could not read it left it, and index again."""
    engine, embedder, docs = indexed
    (docs / name).write_bytes((Path(__file__).resolve().parent.parent / "data" / data_name).read_bytes())
    engine.index()
    key = _rows(engine)[name].path
    status = FileStatus.SKIPPED if skipped else FileStatus.FAILED
    with engine.store.ledger.transaction() as tx:
        tx.execute(
            "UPDATE files SET status = ?, reason = ?, kind = '', extractor_version = 1 WHERE path = ?",
            (status.value, reason, key),
        )
    embedder.texts.clear()
    _forget_cached_vectors(engine)
    engine.index()


def test_an_epub_that_failed_as_damaged_is_read_once_the_reader_can(indexed) -> None:
    """Debian Edu's Japanese manual is zipped one folder up; versions before epub 8 failed it as damaged."""
    engine, embedder, _docs = indexed
    reason = "The EPUB file is damaged (its contents are not recognised)."
    _as_an_older_version_left(indexed, "epub-debian-edu-manual-ja-folder.epub", "manual.epub", reason)
    row = _rows(engine)["manual.epub"]
    epub_version = versions.extractor_version("epub")
    assert (row.status, row.kind, row.extractor_version) == (FileStatus.INDEXED, "epub", epub_version)
    assert any("新しいサーバー" in t for t in embedder.texts)


def test_a_manual_page_skipped_as_binary_is_read_once_the_reader_can(indexed) -> None:
    """nroff's overstruck bold (the real ls(1) page formatted to a file) looked binary before text 4."""
    engine, embedder, _docs = indexed
    binary = "Binary file (no text)."
    _as_an_older_version_left(indexed, "ls.1.overstruck.txt", "ls.txt", binary, skipped=True)
    row = _rows(engine)["ls.txt"]
    text_version = versions.extractor_version("text")
    assert (row.status, row.kind, row.extractor_version) == (FileStatus.INDEXED, "text", text_version)
    assert any("list directory contents" in t for t in embedder.texts)
    embedder.texts.clear()
    engine.index()  # read: nothing to do
    assert not embedder.texts


def test_headings_that_gain_the_section_they_are_in_keep_every_vector(tmp_path: Path) -> None:
    """Markdown 6 names the section between chapter and own title; an index from before it is brought
    up to date without embedding anything again, and the section's words now find its subsections."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "lab.md").write_text(
        "# Experiments\n\n## 2.2 Measuring Resistance\n\nUse the SEN input of the device.\n\n"
        "### 2.2.2 Procedure\n\nConnect the part between SEN and GND, then read the value.\n"
    )
    embedder = RecordingEmbedder()
    engine = _engine(tmp_path / "home", embedder)
    try:
        engine.add_folder(docs)
        engine.index()
        with engine.store.ledger.transaction() as tx:  # as markdown 5 named it
            tx.execute(
                "UPDATE chunks SET heading = 'Experiments › 2.2.2 Procedure' WHERE heading LIKE '%2.2.2%'"
            )
            tx.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild')")
        _age(engine.store.ledger, "lab.md")
        assert _heading_matches(engine, "resistance") == ["Experiments › 2.2 Measuring Resistance"]
        embedder.texts.clear()

        engine.index()

        path = _rows(engine)["lab.md"].path
        headings = [c.heading for c in engine.store.ledger.chunks_of(path)]
        assert "Experiments › 2.2 Measuring Resistance › 2.2.2 Procedure" in headings
        assert embedder.texts == []  # it embeds "Experiments › 2.2.2 Procedure" and its text, as before
        assert len(_heading_matches(engine, "resistance")) == 2  # the keyword index has the new headings
        [hit] = engine.search("read the value between SEN and GND", k=1, mode="keyword")
        assert hit.shown_section == "2.2 Measuring Resistance"  # its text opens with its own title
        assert engine.check()["consistent"]
    finally:
        engine.close()


def _heading_matches(engine: Engine, word: str) -> list[str]:
    sql = "SELECT heading FROM chunks WHERE rowid IN (SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ?)"
    return [r[0] for r in engine.store.ledger.conn.execute(sql, (f"heading: {word}",))]
