"""The indexer through the real stack: real files, the real model, a real on-disk store.

Fast checks of batching, renames and incremental scans use the HashEmbedder; every other test uses
the session's real embedder.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from desktop_search.core.config.settings import Settings
from desktop_search.core.engine import Engine
from desktop_search.core.index.embedding import GROUP_BATCHES
from desktop_search.core.index.jobs import JobControl
from desktop_search.core.records import FileStatus, Phase
from desktop_search.core.store.pathkeys import from_key, to_key
from tests.core.extract_samples import (
    RTF_SAMPLE,
    encrypt_pdf,
    make_docx,
    make_epub,
    make_odp,
    make_ods,
    make_odt,
    make_pdf,
    make_pptx,
    make_xlsx,
)
from tests.core.extract_samples import write as _write_file
from tests.support.fake_embedder import HashEmbedder


def write(folder: Path, name: str | bytes, data: bytes) -> Path:
    """Write a file, creating its folders."""
    rel = os.fsdecode(name)
    (folder / rel).parent.mkdir(parents=True, exist_ok=True)
    return _write_file((folder / rel).parent, os.path.basename(name), data)


def _engine(home: Path, embedder, **settings) -> Engine:
    return Engine.open(home, embedder=embedder, settings=Settings(**settings).validate())


def _statuses(engine: Engine) -> dict[str, tuple[FileStatus, str]]:
    return {os.path.basename(from_key(r.path)): (r.status, r.reason) for r in engine.files()}


def _every_format(folder: Path) -> None:
    write(folder, "notes.txt", b"The lighthouse keeper logs every passing ship.\n\nStorms came twice.")
    write(folder, "main.py", b"def reticulate_splines(n):\n    '''Reticulate n splines.'''\n    return n\n")
    write(folder, "guide.md", b"# Gardening\n\nTomatoes need sun.\n\n## Watering\n\nWater at dawn.\n")
    write(folder, "manual.rst", b"Setup\n=====\n\nInstall the telescope mount first.\n")
    write(
        folder,
        "page.html",
        b"<html><body><script>var x;</script><p>Volcanic soil is fertile.</p></body></html>",
    )
    write(
        folder,
        "paper.pdf",
        make_pdf(
            [["Page one talks about glaciers."], ["Page two is about coral reefs."], ["Page three: deserts."]]
        ),
    )
    write(folder, "report.docx", make_docx())
    write(folder, "slides.pptx", make_pptx())
    write(folder, "sheet.xlsx", make_xlsx())
    write(folder, "text.odt", make_odt())
    write(folder, "calc.ods", make_ods())
    write(folder, "show.odp", make_odp())
    write(folder, "book.epub", make_epub())
    write(folder, "letter.rtf", RTF_SAMPLE.encode() if isinstance(RTF_SAMPLE, str) else RTF_SAMPLE)


@pytest.mark.model
def test_every_format_indexed_with_pages_and_offsets(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    _every_format(docs)
    engine = _engine(tmp_path / "home", real_embedder)
    try:
        engine.add_folder(docs)
        result = engine.index()
        assert result.phase == Phase.DONE
        statuses = _statuses(engine)
        assert all(s == FileStatus.INDEXED for s, _ in statuses.values()), statuses
        assert len(statuses) == 14
        # pages and offsets: every chunk's text is its slice of the rebuilt text, PDF pages are right
        pdf_key = to_key(str(docs / "paper.pdf"))
        chunks = engine.store.ledger.chunks_of(pdf_key)
        pages = {c.page for c in chunks}
        assert pages == {1, 2, 3}
        by_page = {c.page: c.text for c in chunks}
        assert "coral reefs" in by_page[2] and "deserts" in by_page[3]
        for record in engine.files():
            text = engine.extracted_text(record.path)
            for c in engine.store.ledger.chunks_of(record.path):
                assert text[c.start : c.end] == c.text
        assert engine.check()["consistent"]
        status = engine.status()
        assert status["files"]["indexed"] == 14 and status["chunks"] == engine.store.vectors.count()
        assert status["precision"] and status["model"] == real_embedder.model_name
    finally:
        engine.close()


@pytest.mark.model
def test_bad_files_get_reasons_while_the_rest_is_indexed(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    write(docs, "good.txt", b"Migratory birds navigate by the stars and the earth's magnetic field.")
    write(docs, "corrupt.pdf", b"%PDF-1.4\n1 0 obj <<>> garbage" + os.urandom(200))
    write(docs, "secret.pdf", encrypt_pdf(make_pdf([["classified"]]), "pw"))
    write(docs, "empty.txt", b"")
    write(docs, "binary.txt", bytes(range(256)) * 64)
    write(docs, b"caf\xe9-latin1-name.txt", b"A file whose name is not UTF-8 still gets indexed.")
    vanishing = write(docs, "vanishing.txt", b"here now, gone soon")
    sparse = docs / "huge.log"
    with open(sparse, "wb") as fh:
        fh.truncate(2 * 2**30)
    with open(docs / "Outlook.pst", "wb") as fh:  # an Outlook data file: gigabytes, and not read
        fh.truncate(3 * 2**30)
    engine = _engine(tmp_path / "home", real_embedder)
    try:
        engine.add_folder(docs)
        plan = engine.scan()
        vanishing.unlink()  # between scan and read
        engine.run_plan(plan)
        s = _statuses(engine)
        assert s["good.txt"][0] == FileStatus.INDEXED
        assert s["corrupt.pdf"][0] == FileStatus.FAILED and "damaged" in s["corrupt.pdf"][1]
        assert s["secret.pdf"][0] == FileStatus.FAILED and "password" in s["secret.pdf"][1].lower()
        assert s["empty.txt"] == (FileStatus.SKIPPED, "Empty file.")
        assert s["binary.txt"][0] == FileStatus.SKIPPED and s["binary.txt"][1]
        assert s["huge.log"][0] == FileStatus.SKIPPED and "limit" in s["huge.log"][1]
        # told what to do, not that it is over a size limit no setting could raise enough
        assert s["Outlook.pst"][0] == FileStatus.SKIPPED and "drag the messages" in s["Outlook.pst"][1]
        assert s["vanishing.txt"][0] == FileStatus.FAILED and "no longer exists" in s["vanishing.txt"][1]
        latin = next(k for k in s if k.startswith("caf"))
        assert s[latin][0] == FileStatus.INDEXED
        failures = engine.status()["failures"]
        assert {os.path.basename(f["path"]) for f in failures} == {
            "corrupt.pdf",
            "secret.pdf",
            "vanishing.txt",
        }
        assert all(f["reason"] for f in failures)
        assert engine.check()["consistent"]
    finally:
        engine.close()


def test_unreadable_file_is_recorded(tmp_path: Path, hash_embedder: HashEmbedder) -> None:
    docs = tmp_path / "docs"
    write(docs, "ok.txt", b"fine text")
    locked = write(docs, "locked.txt", b"private text")
    locked.chmod(0)
    if os.access(locked, os.R_OK):
        # root reads everything: make the read fail the way a permission error would
        from desktop_search.core.extract import register_extractor, unregister_extractor
        from desktop_search.core.extract.results import ExtractionFailed

        def deny(_data: bytes, _deadline: object):
            raise ExtractionFailed("Permission denied: the file cannot be read.")

        register_extractor("txt", "text", deny)
    else:
        unregister_extractor = None  # type: ignore[assignment]
    engine = _engine(tmp_path / "home", hash_embedder)
    try:
        engine.add_folder(docs)
        engine.index()
        s = _statuses(engine)
        assert s["locked.txt"][0] == FileStatus.FAILED and "Permission denied" in s["locked.txt"][1]
    finally:
        if unregister_extractor is not None:
            unregister_extractor("txt")
        engine.close()


def test_incremental_rescan_rename_delete_and_batches(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    for i in range(30):
        write(docs, f"note{i:02}.txt", f"Note number {i} about topic {i % 7}. ".encode() * 20)
    emb = HashEmbedder(batch_size=8)
    engine = _engine(tmp_path / "home", emb)
    try:
        engine.add_folder(docs)
        engine.index()
        assert engine.status()["files"]["indexed"] == 30
        # batches span files: 30 one-chunk files are not embedded one at a time
        assert len(emb.calls) < 10 and max(emb.calls) > 1
        emb.calls.clear()
        # unchanged tree: nothing embedded
        engine.index()
        assert emb.calls == []
        # touch without change: no embedding either
        os.utime(docs / "note00.txt", (time.time() + 5, time.time() + 5))
        engine.index()
        assert emb.calls == []
        # rename: recognised by hash, not re-embedded, search finds it under the new name
        (docs / "note01.txt").rename(docs / "renamed.txt")
        engine.index()
        assert emb.calls == []
        paths = {os.path.basename(from_key(r.path)) for r in engine.files()}
        assert "renamed.txt" in paths and "note01.txt" not in paths
        # edit, delete, add
        (docs / "note02.txt").write_text("Completely new content about volcanoes.")
        (docs / "note03.txt").unlink()
        (docs / "fresh.txt").write_text("A brand new file about glaciers.")
        engine.index()
        assert sum(emb.calls) == 2
        paths = {os.path.basename(from_key(r.path)) for r in engine.files()}
        assert "note03.txt" not in paths and "fresh.txt" in paths
        assert engine.check()["consistent"]
        assert engine.store.vectors.count() == engine.store.ledger.chunk_total()
    finally:
        engine.close()


def test_exclusions_hidden_and_patterns(tmp_path: Path, hash_embedder: HashEmbedder) -> None:
    docs = tmp_path / "docs"
    write(docs, "keep.txt", b"keep me")
    write(docs, ".hidden.txt", b"hidden")
    write(docs, ".git/config", b"[core]")
    write(docs, "node_modules/pkg/readme.txt", b"dependency docs")
    write(docs, "build/out.txt", b"generated")
    write(docs, "drafts/a.tmp", b"temp")
    write(docs, "drafts/~$lock.docx", b"lock")
    engine = _engine(tmp_path / "home", hash_embedder, exclusions=["node_modules/", "build/", "*.tmp"])
    try:
        engine.add_folder(docs)
        engine.index()
        assert set(_statuses(engine)) == {"keep.txt"}
    finally:
        engine.close()


def test_missing_folder_keeps_entries_and_comes_back(tmp_path: Path, hash_embedder: HashEmbedder) -> None:
    drive = tmp_path / "usb"
    write(drive, "trip.txt", b"Photos from the mountain trip.")
    engine = _engine(tmp_path / "home", hash_embedder)
    try:
        engine.add_folder(drive)
        engine.index()
        moved = tmp_path / "usb-unplugged"
        drive.rename(moved)
        engine.index()
        assert engine.status()["files"]["indexed"] == 1  # nothing deleted
        assert engine.unavailable_folders() == [to_key(str(drive))]
        assert engine.status()["unavailable_folders"] == [str(drive)]
        moved.rename(drive)
        hash_embedder.calls.clear()
        engine.index()
        assert engine.unavailable_folders() == [] and hash_embedder.calls == []
    finally:
        engine.close()


def test_pause_resume_and_cancel(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    for i in range(60):
        write(docs, f"f{i:02}.txt", f"File {i} text. ".encode() * 30)
    control = JobControl()

    class CancelsOnThirdBatch(HashEmbedder):
        def embed_documents(self, texts):
            if len(self.calls) == 2:
                control.cancel()  # the user presses Cancel while the third batch is embedded
            return super().embed_documents(texts)

    emb = CancelsOnThirdBatch(batch_size=2)
    engine = _engine(tmp_path / "home", emb)
    try:
        engine.add_folder(docs)
        seen = []
        result = engine.index(seen.append, control)
        assert result.phase == Phase.CANCELLED
        done = engine.status()["files"]
        assert 0 < done["indexed"] < 60 and done["indexed"] + done["keyword_only"] + done["pending"] == 60
        assert engine.check()["consistent"]
        # a paused job waits; resume lets it finish
        control = JobControl()
        control.pause()
        import threading

        t = threading.Thread(target=engine.index, args=(None, control))
        t.start()
        time.sleep(0.5)
        assert t.is_alive()
        control.resume()
        t.join(60)
        assert engine.status()["files"]["indexed"] == 60
        assert any(p.files_total for p in seen)
    finally:
        engine.close()


def test_a_long_file_is_embedded_in_slices_and_can_be_cancelled(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write(docs, "a-small.txt", b"A short note about tea.")
    write(docs, "b-long.txt", "\n\n".join(f"Paragraph {i} about history. " * 12 for i in range(120)).encode())
    control = JobControl()

    class CancelsOnThirdBatch(HashEmbedder):
        def embed_documents(self, texts):
            if len(self.calls) == 2:
                control.cancel()  # the user presses Cancel while the long file is being embedded
            return super().embed_documents(texts)

    emb = CancelsOnThirdBatch(batch_size=4)  # slices of GROUP_BATCHES × 4 chunks (the file has more)
    engine = _engine(tmp_path / "home", emb, chunk_tokens=40)
    try:
        engine.add_folder(docs)
        result = engine.index(None, control)
        assert result.phase == Phase.CANCELLED
        slice_size = max(16, GROUP_BATCHES * 4)
        assert max(emb.calls) <= slice_size and len(emb.calls) == 3  # in slices, then stopped
        s = _statuses(engine)
        assert s["b-long.txt"][0] == FileStatus.INDEXED  # listed and keyword-searchable at once
        assert engine.status()["files"]["keyword_only"] >= 1  # its meaning is left for the next run
        assert engine.search("history", mode="keyword")
        assert engine.check()["consistent"]
        assert engine.index().phase == Phase.DONE
        assert _statuses(engine)["b-long.txt"][0] == FileStatus.INDEXED
        assert engine.status()["files"]["keyword_only"] == 0
    finally:
        engine.close()
