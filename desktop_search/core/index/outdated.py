"""Files whose passages an older extractor or chunker built: the rule, the stamp, and what the user reads.

An indexed file is outdated when the ledger's recorded extractor version is older than the current
one for its kind, or its chunking version older than the chunker's, or it is mail that was read as
plain text before mail was read (see :mod:`desktop_search.core.extract.versions`); a file named as
text that text version 1 read is current (version 2 changed only files whose name promises no kind).
While OCR is on and can run, a file whose scanned text was left unread (OCR was off or missing, or the
file predates OCR) is outdated too. The planner lists outdated files apart from new and changed ones;
the indexer re-extracts them last, as background work, under a progress message of their own
("Updating 12 PDFs to the improved reader") rather than as a storm of changed files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from desktop_search.core.extract import versions
from desktop_search.core.extract.encoding import BINARY_REASON
from desktop_search.core.extract.kinds import (
    PLAIN_EXTENSIONS,
    document_extension,
    extension,
    is_compressed_document,
    kind_by_name,
)
from desktop_search.core.extract.ocr_reasons import lifted_by_ocr
from desktop_search.core.extract.plaintext import MINIFIED_REASON
from desktop_search.core.records import FileRecord, FileStatus
from desktop_search.core.store.pathkeys import from_key


def recorded_kind(record: FileRecord) -> str:
    """The extractor kind that built the record's passages; for rows from before versions existed,
    the kind its name promises (a name that promises none was read as text)."""
    return record.kind or kind_by_name(from_key(record.path)) or "text"


# Kinds of their own that files were read as something else before: the kinds recorded then ('' is a
# row from before kinds were recorded).
READ_BEFORE_AS = {
    "mail": ("", "text"),  # .eml, .mbox
    "archive": ("", "text"),
    "subtitles": ("", "text"),  # .srt, .vtt, …
    "csv": ("", "text"),
    "notebook": ("", "text", "code"),  # .ipynb
}


def _read_as_text_before(record: FileRecord) -> str | None:
    """The kind a file's name calls for now when an earlier version read it as text or code
    (:data:`READ_BEFORE_AS`: an .eml as text, an .ipynb as code), else None."""
    by_name = kind_by_name(from_key(record.path))
    return by_name if by_name and record.kind in READ_BEFORE_AS.get(by_name, ()) else None


def _version_read(record: FileRecord) -> int:
    """The extractor version that read the record's file, as far as its text goes: text version 2
    changed only files whose name promises no kind (which may be mail), so a file named as text (.txt,
    .log, …) that version 1 read reads as version 2 did; code version 3 changed only ".xml" files. (Text
    version 6 changed only ".tex" and ".ltx" files, but text 7 re-reads every text.)"""
    kind = recorded_kind(record)
    named_text = kind == "text" and kind_by_name(from_key(record.path)) == "text"
    if named_text and record.extractor_version == 1:
        return 2
    if (
        kind == "code"
        and record.extractor_version == 2
        and document_extension(from_key(record.path)) != "xml"
    ):
        return 3  # code 3 changed only ".xml" files (a document of prose is read as one)
    return record.extractor_version


# Why files were skipped by versions that could not read them, and the extensions a later version reads:
# such a file is read again at the next scan, as an outdated one, instead of waiting until it changes.
SKIPS_NOW_READ: dict[str, frozenset[str]] = {
    # Outlook .msg, before extract/outlook.py
    "Outlook .msg files are not read (the maintained reader, extract-msg, is GPL-licensed); "
    "save the message as .eml.": frozenset({"msg"}),
    # Word, Excel and PowerPoint 97-2003, before word_doc.py, excel_xls.py and powerpoint_ppt.py
    "Old Microsoft Office format (.doc/.xls/.ppt) is not supported; save it as .docx.": frozenset(
        {"doc", "dot", "xls", "xlt", "ppt", "pps"}
    ),
    # Jupyter notebooks read as code: their pictures' base64 lines made them "minified"
    MINIFIED_REASON: frozenset({"ipynb"}),
}


# Why files failed or were skipped under versions that could not read them: the extensions and the
# kind's version that reads them. Such a file is tried again once; a failure or skip is stamped with the
# version that tried (:func:`stamped_failure`), so a file that fails again waits until it changes.
FAILURES_NOW_READ: dict[str, tuple[frozenset[str], int]] = {
    # an EPUB zipped one folder up (Debian Edu's manuals), before extract.kinds.book_folder
    "The EPUB file is damaged (its contents are not recognised).": (frozenset({"epub"}), 8),
    # a manual page formatted to a file (nroff's overstruck bold and underline), before extract.terminal
    BINARY_REASON: (PLAIN_EXTENSIONS, 4),
}


# A signed document ("contract.pdf.p7m", "fattura.xml.p7m") was read as text, and skipped as binary,
# before extract.compressed opened its signature; text's version then stamped the skip. It is read again
# once: a skip or failure of one now is stamped above that version, so it waits until the file changes.
SIGNED_READ_AS_TEXT = 4


def _signed_document(path: str) -> bool:
    return extension(path) == "p7m" and is_compressed_document(path)


def now_read(record: FileRecord) -> bool:
    """A file skipped or failed for a reason a later version lifts by reading such files
    (:data:`SKIPS_NOW_READ`, :data:`FAILURES_NOW_READ`, :data:`SIGNED_READ_AS_TEXT`)."""
    if (
        record.status == FileStatus.SKIPPED
        and record.reason == BINARY_REASON
        and record.extractor_version <= SIGNED_READ_AS_TEXT
        and _signed_document(from_key(record.path))
    ):
        return True
    if record.status in (FileStatus.FAILED, FileStatus.SKIPPED) and record.reason in FAILURES_NOW_READ:
        extensions, version = FAILURES_NOW_READ[record.reason]
        return extension(from_key(record.path)) in extensions and record.extractor_version < version
    if record.status != FileStatus.SKIPPED or record.reason not in SKIPS_NOW_READ:
        return False
    return extension(from_key(record.path)) in SKIPS_NOW_READ[record.reason]


def stamped_failure(record: FileRecord) -> FileRecord:
    """A failed or skipped ``record`` marked with the version of the extractor its name calls for,
    which tried."""
    version = versions.extractor_version(recorded_kind(record))
    if _signed_document(from_key(record.path)):  # tried by the reader that opens signatures
        version = max(version, SIGNED_READ_AS_TEXT + 1)
    return replace(record, extractor_version=version)


def awaits_ocr(record: FileRecord) -> bool:
    """A file whose text in images was left unread for a reason OCR lifts (OCR off or not installed,
    or skipped as a scan before OCR existed); see :mod:`desktop_search.core.extract.ocr_reasons`."""
    if record.status not in (FileStatus.SKIPPED, FileStatus.INDEXED):
        return False
    return lifted_by_ocr(record.reason, indexed=record.status == FileStatus.INDEXED)


def is_outdated(record: FileRecord, ocr: bool = False) -> bool:
    """An indexed file whose passages an older extractor or chunker built; with ``ocr`` (OCR is on
    and can run), also a file that :func:`awaits_ocr`.

    Otherwise only indexed files count, and skipped or failed ones that a later version reads
    (:func:`now_read`): skipped and failed files have no passages, and are tried again when they change.
    """
    if (ocr and awaits_ocr(record)) or now_read(record):
        return True
    if record.status != FileStatus.INDEXED:
        return False
    if _read_as_text_before(record):
        return True
    older_extractor = _version_read(record) < versions.extractor_version(recorded_kind(record))
    return older_extractor or (record.chunking_version < versions.CHUNKING_VERSION)


def stamped(record: FileRecord, kind: str) -> FileRecord:
    """``record`` marked as built now by the ``kind`` extractor and the current chunker."""
    return replace(
        record,
        kind=kind,
        extractor_version=versions.extractor_version(kind),
        chunking_version=versions.CHUNKING_VERSION,
    )


def same_build(record: FileRecord, source: FileRecord) -> FileRecord:
    """``record`` marked as built like ``source`` (a renamed file keeps its passages, so their stamp)."""
    return replace(
        record,
        kind=source.kind,
        extractor_version=source.extractor_version,
        chunking_version=source.chunking_version,
    )


# How the progress message names a kind: (one, several).
_NAMES = {
    "pdf": ("PDF", "PDFs"),
    "docx": ("Word document", "Word documents"),
    "odt": ("text document", "text documents"),
    "xlsx": ("spreadsheet", "spreadsheets"),
    "ods": ("spreadsheet", "spreadsheets"),
    "xls": ("spreadsheet", "spreadsheets"),
    "pptx": ("presentation", "presentations"),
    "odp": ("presentation", "presentations"),
    "ppt": ("presentation", "presentations"),
    "epub": ("e-book", "e-books"),
    "html": ("web page", "web pages"),
    "markdown": ("Markdown file", "Markdown files"),
    "rst": ("reStructuredText file", "reStructuredText files"),
    "subtitles": ("subtitle file", "subtitle files"),
    "csv": ("CSV file", "CSV files"),
    "notebook": ("notebook", "notebooks"),
    "mail": ("mailbox", "mailboxes"),
    "doc": ("Word document", "Word documents"),
}


def _kind_now(record: FileRecord) -> str:
    """The kind that reads the record's file now: a skipped file has no recorded kind of its own."""
    if now_read(record):
        return kind_by_name(from_key(record.path)) or "file"
    return recorded_kind(record)


def update_message(records: Iterable[FileRecord]) -> str:
    """What the progress shows while outdated files are re-extracted; '' when there are none.

    "Updating 12 PDFs to the improved reader" when they share a name, else "Updating 15 files …".
    """
    records = list(records)
    if records and all(awaits_ocr(r) for r in records):
        what = "scanned file" if len(records) == 1 else "scanned files"
        return f"Recognising the text of {len(records):,} {what}"
    names = Counter(_NAMES.get(_read_as_text_before(r) or _kind_now(r), ("file", "files")) for r in records)
    total = sum(names.values())
    if not total:
        return ""
    one, several = next(iter(names)) if len(names) == 1 else ("file", "files")
    return f"Updating {total:,} {one if total == 1 else several} to the improved reader"
