"""The extraction-version rule: which indexed files are outdated, where the planner puts them, and the
words the progress shows while they are redone."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desktop_search.core.extract import versions
from desktop_search.core.extract.encoding import BINARY_REASON
from desktop_search.core.extract.kinds import DOCUMENT_EXTENSIONS
from desktop_search.core.index.outdated import (
    is_outdated,
    recorded_kind,
    same_build,
    stamped,
    stamped_failure,
    update_message,
)
from desktop_search.core.index.planner import diff_folder
from desktop_search.core.index.progress import RunProgress
from desktop_search.core.index.scanner import DiskFile, ScanPlan
from desktop_search.core.records import FileRecord, FileStatus, IndexProgress, Phase


def _record(
    path: str, kind: str = "", version: int = 1, chunking: int = versions.CHUNKING_VERSION, **kw
) -> FileRecord:
    status = kw.pop("status", FileStatus.INDEXED)
    return FileRecord(
        path, "/docs", status, 10, 1.0, kind=kind, extractor_version=version, chunking_version=chunking, **kw
    )


def test_every_kind_the_extractors_produce_has_a_version() -> None:
    produced = set(DOCUMENT_EXTENSIONS.values()) | {
        "html",
        "markdown",
        "rst",
        "subtitles",
        "csv",
        "code",
        "text",
    }
    assert produced <= set(versions.EXTRACTOR_VERSIONS)
    assert all(v >= versions.BASE_VERSION for v in versions.EXTRACTOR_VERSIONS.values())
    assert versions.extractor_version("some-plugin-kind") == versions.BASE_VERSION


def test_a_pdf_or_code_from_before_versions_is_outdated_a_text_file_is_not() -> None:
    assert versions.extractor_version("pdf") > versions.BASE_VERSION  # the improved PDF reader
    assert is_outdated(_record("/docs/manual.pdf"))  # a row from before versions: kind '', version 1
    assert is_outdated(_record("/docs/notes.txt"))  # text 4: terminal escapes and overstrikes read
    assert not is_outdated(_record("/docs/notes.txt", "text", versions.extractor_version("text")))
    assert is_outdated(_record("/docs/main.py"))  # code 2: minified code is skipped now
    assert not is_outdated(_record("/docs/main.py", "code", versions.extractor_version("code")))
    assert not is_outdated(_record("/docs/manual.pdf", "pdf", versions.extractor_version("pdf")))


def test_text_2_re_read_only_files_whose_name_promises_no_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text version 2 reads an extension-less e-mail message as mail; files named as text read as
    before, so version 1 read them as version 2 would have (text 3 re-reads both)."""
    monkeypatch.setattr(versions, "EXTRACTOR_VERSIONS", {**versions.EXTRACTOR_VERSIONS, "text": 2})
    assert not is_outdated(_record("/docs/notes.txt", "text"))  # version 1, named as text
    assert not is_outdated(_record("/docs/server.log"))  # a row from before versions
    assert is_outdated(_record("/docs/Mail/cur/1700000000.M1P2.host:2,S", "text"))  # may be a message
    assert is_outdated(_record("/docs/Inbox", "text"))
    assert not is_outdated(_record("/docs/Inbox", "text", 2))
    monkeypatch.undo()
    assert versions.extractor_version("text") >= 3
    assert is_outdated(_record("/docs/notes.txt", "text")) and is_outdated(_record("/docs/Inbox", "text", 2))


def test_passages_cut_by_an_older_chunker_are_outdated() -> None:
    assert versions.CHUNKING_VERSION > 1  # content-defined boundaries
    assert is_outdated(_record("/docs/notes.txt", chunking=1))


def test_only_indexed_files_are_outdated() -> None:
    for status in (FileStatus.PENDING, FileStatus.SKIPPED, FileStatus.FAILED):
        assert not is_outdated(_record("/docs/manual.pdf", status=status))


def test_an_epub_failed_as_damaged_is_tried_once_by_the_version_that_reads_it() -> None:
    reason = "The EPUB file is damaged (its contents are not recognised)."  # zipped one folder up
    failed = _record("/docs/manual.epub", status=FileStatus.FAILED, reason=reason)
    assert is_outdated(failed) and update_message([failed]) == "Updating 1 e-book to the improved reader"
    assert not is_outdated(stamped_failure(failed))  # it failed again: it waits until it changes
    assert not is_outdated(_record("/docs/manual.epub", status=FileStatus.FAILED, reason="Other reason."))


def test_a_text_file_skipped_as_binary_is_tried_once_by_the_version_that_reads_overstrikes() -> None:
    skipped = _record("/docs/ls.txt", status=FileStatus.SKIPPED, reason=BINARY_REASON)
    assert is_outdated(skipped)  # nroff's overstruck bold read as control bytes before text 4
    assert not is_outdated(stamped_failure(skipped))  # skipped again: it waits until it changes
    assert not is_outdated(_record("/docs/a.bin.pdf", status=FileStatus.SKIPPED, reason=BINARY_REASON))


def test_a_signed_document_skipped_as_binary_is_tried_once_by_the_reader_that_opens_it() -> None:
    skipped = _record("/docs/fattura.xml.p7m", status=FileStatus.SKIPPED, reason=BINARY_REASON, version=4)
    assert is_outdated(skipped)  # read as text before extract.compressed opened signatures
    assert not is_outdated(stamped_failure(skipped))  # skipped again: it waits until it changes
    for text in ("/docs/notes.txt.p7m", "/docs/report.pdf.p7m"):  # whatever the kind inside
        assert not is_outdated(stamped_failure(replace(skipped, path=text)))
    assert is_outdated(replace(skipped, path="/docs/smime.p7m"))  # a mail's signed body: now a message
    assert not is_outdated(stamped_failure(replace(skipped, path="/docs/smime.p7m")))  # then it waits


def test_subtitles_read_as_text_before_are_read_as_subtitles() -> None:
    as_text = _record("/docs/film.srt", "text", 3)
    assert is_outdated(as_text)
    assert update_message([as_text]) == "Updating 1 subtitle file to the improved reader"
    assert is_outdated(_record("/docs/film.vtt"))  # a row from before versions
    assert not is_outdated(_record("/docs/film.srt", "subtitles", versions.extractor_version("subtitles")))


def test_notebooks_read_as_code_or_skipped_as_minified_are_read_as_notebooks() -> None:
    from desktop_search.core.extract.plaintext import MINIFIED_REASON

    as_code = _record("/docs/a.ipynb", "code", versions.extractor_version("code"))
    assert is_outdated(as_code) and update_message([as_code]) == "Updating 1 notebook to the improved reader"
    assert is_outdated(_record("/docs/b.ipynb", status=FileStatus.SKIPPED, reason=MINIFIED_REASON))
    assert not is_outdated(_record("/docs/min.js", status=FileStatus.SKIPPED, reason=MINIFIED_REASON))
    assert not is_outdated(_record("/docs/a.ipynb", "notebook", versions.extractor_version("notebook")))


def test_the_recorded_kind_wins_over_the_name() -> None:
    # a PDF saved as .md was read by the PDF extractor: its version is compared with the PDF one's
    current_pdf = versions.extractor_version("pdf")
    assert recorded_kind(_record("/docs/odd.md", "pdf")) == "pdf"
    assert not is_outdated(_record("/docs/odd.md", "pdf", current_pdf))
    assert is_outdated(_record("/docs/odd.txt", "pdf", current_pdf - 1))
    # no kind recorded and a name that promises none: it was read as text
    assert recorded_kind(_record("/docs/README")) == "text"


def test_an_older_chunker_outdates_every_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(versions, "CHUNKING_VERSION", versions.CHUNKING_VERSION + 1)
    assert is_outdated(_record("/docs/notes.txt", "text"))
    fresh = stamped(_record("/docs/notes.txt", status=FileStatus.PENDING), "text")
    assert fresh.chunking_version == versions.CHUNKING_VERSION
    assert not is_outdated(replace(fresh, status=FileStatus.INDEXED))


def test_stamps_name_the_kind_and_versions_and_renames_keep_their_source_stamp() -> None:
    built = stamped(_record("/docs/a.pdf"), "pdf")
    assert (built.kind, built.extractor_version) == ("pdf", versions.extractor_version("pdf"))
    old = _record("/docs/old.pdf", "pdf", 1, 1)
    moved = same_build(_record("/docs/new.pdf", "", 7, 7), old)
    assert (moved.kind, moved.extractor_version, moved.chunking_version) == ("pdf", 1, 1)


def test_the_planner_lists_outdated_files_apart_and_a_changed_one_as_changed() -> None:
    known = {
        "/docs/a.pdf": _record("/docs/a.pdf"),  # outdated, unchanged on disk
        "/docs/b.pdf": _record("/docs/b.pdf"),  # outdated and edited: a user's change comes first
        "/docs/c.pdf": _record("/docs/c.pdf", "pdf", versions.extractor_version("pdf")),
        "/docs/d.txt": _record("/docs/d.txt", "text", versions.extractor_version("text")),
    }
    disk = {
        "/docs/a.pdf": DiskFile("/docs/a.pdf", "/docs", 10, 1.0),
        "/docs/b.pdf": DiskFile("/docs/b.pdf", "/docs", 99, 2.0),
        "/docs/c.pdf": DiskFile("/docs/c.pdf", "/docs", 10, 1.0),
        "/docs/d.txt": DiskFile("/docs/d.txt", "/docs", 10, 1.0),
    }
    plan = ScanPlan()
    diff_folder(known, disk, plan)
    assert [f.key for _, f in plan.outdated] == ["/docs/a.pdf"]
    assert [f.key for _, f in plan.changed] == ["/docs/b.pdf"]
    assert plan.unchanged == 2 and plan.work == 2


def test_the_update_message_names_the_kind() -> None:
    pdfs = [_record(f"/docs/{i}.pdf") for i in range(12)]
    assert update_message(pdfs) == "Updating 12 PDFs to the improved reader"
    assert update_message(pdfs[:1]) == "Updating 1 PDF to the improved reader"
    sheets = [_record("/docs/a.xlsx"), _record("/docs/b.ods")]
    assert update_message(sheets) == "Updating 2 spreadsheets to the improved reader"
    assert update_message([*pdfs, _record("/docs/c.md")]) == "Updating 13 files to the improved reader"
    assert update_message([]) == ""


def test_progress_shows_the_message_while_outdated_files_are_redone_and_at_once() -> None:
    seen: list[IndexProgress] = []
    progress = RunProgress(seen.append, 3, interval_s=3600)
    progress.set_refresh(frozenset({"/docs/a.pdf"}), "Updating 1 PDF to the improved reader")
    progress.report(force=True)
    progress.working_on("/docs/new.txt")
    progress.report()  # within the interval, same (empty) message: not sent
    progress.working_on("/docs/a.pdf")
    progress.report()  # the message changed: sent at once
    assert [p.message for p in seen] == ["", "Updating 1 PDF to the improved reader"]
    assert progress.report(Phase.PAUSED).message == "Updating 1 PDF to the improved reader"
    assert progress.report(Phase.DONE, force=True).message == ""


def test_mail_read_as_plain_text_before_mail_was_read_is_outdated() -> None:
    assert is_outdated(_record("/docs/Inbox.mbox", "text"))
    assert is_outdated(_record("/docs/letter.eml"))  # from before versions: read as text
    assert not is_outdated(_record("/docs/letter.eml", "mail", versions.extractor_version("mail")))
    assert not is_outdated(_record("/docs/notes.txt", "text", versions.extractor_version("text")))
    assert (
        update_message([_record("/docs/Inbox.mbox", "text")]) == "Updating 1 mailbox to the improved reader"
    )


def test_xml_files_code_read_before_are_read_again_and_no_other_code() -> None:
    """code 3 read prose XML (DocBook, TEI) as documents: only .xml files are re-read."""
    assert is_outdated(_record("/docs/book.xml", "code", 2, status=FileStatus.INDEXED))
    assert not is_outdated(_record("/docs/tool.py", "code", 2))
    assert not is_outdated(_record("/docs/book.xml", "code", 3))


def test_latex_files_text_read_before_are_read_again() -> None:
    """text 6 read LaTeX as documents (.tex and .ltx files, also compressed); text 7 re-reads every
    text (AsciiDoc's one-line listings are no titles)."""
    assert is_outdated(_record("/docs/paper.tex", "text", 5))
    assert is_outdated(_record("/docs/manual.tex.gz", "text", 5))
    assert is_outdated(_record("/docs/notes.txt", "text", 6))
    assert not is_outdated(_record("/docs/notes.txt", "text", 7))
    assert not is_outdated(_record("/docs/paper.tex", "latex", versions.extractor_version("latex")))
