"""Choose the extractor for a file by its name and its first bytes, and run it in this process."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

from desktop_search.core.extract import kinds
from desktop_search.core.extract.compressed import decompress
from desktop_search.core.extract.reading import DEFAULT_MAX_BYTES, PathLike, read_bounded
from desktop_search.core.extract.results import Deadline, Extracted, ExtractionFailed, FileSkipped, NeedsOcr
from desktop_search.core.extract.subdocs import DEPTH_REASON, MAX_DEPTH, Budget, Nesting, split

log = logging.getLogger(__name__)
Extractor = Callable[[bytes, Deadline], Extracted]
UNSUPPORTED_REASON = "Unsupported file type."
_LABELS = {
    "pdf": "PDF",
    "doc": "Word document",
    "xls": "Excel workbook",
    "ppt": "PowerPoint presentation",
    "docx": "DOCX",
    "pptx": "PPTX",
    "xlsx": "XLSX",
    "odt": "ODT",
    "ods": "ODS",
    "odp": "ODP",
    "epub": "EPUB",
    "rtf": "RTF",
    "archive": "archive",
    "mail": "e-mail",
    "image": "image",
    "xmldoc": "XML document",
    "latex": "LaTeX document",
}

# Extra extractors by extension (plug-ins and tests): ext -> (kind, extractor).
_CUSTOM: dict[str, tuple[str, Extractor]] = {}


def register_extractor(ext: str, kind: str, extractor: Extractor) -> None:
    """Use ``extractor`` for files ending in ``.ext``; kinds in RISKY_KINDS run in the worker pool."""
    _CUSTOM[ext.lower().lstrip(".")] = (kind, extractor)


def unregister_extractor(ext: str) -> None:
    _CUSTOM.pop(ext.lower().lstrip("."), None)


def custom_kind(path: PathLike) -> str | None:
    entry = _CUSTOM.get(kinds.extension(path))
    return entry[0] if entry else None


def _run(
    kind: str,
    data: bytes,
    deadline: Deadline,
    name: str = "",
    nesting: Nesting | None = None,
    ocr: str = "on",
) -> Extracted:
    # Imports are local so a worker loads only the extractor it needs (pypdf costs ~0.1 s).
    if kind in kinds.CONTAINER_KINDS:
        nesting = nesting or Nesting(Budget(deadline, len(data)), extract_nested, ocr=ocr)
        if nesting.depth >= MAX_DEPTH:
            raise FileSkipped(DEPTH_REASON)
        if kind == "mail":
            from desktop_search.core.extract.mail import extract_mail

            return extract_mail(data, nesting)
        from desktop_search.core.extract.archives import extract_archive

        return extract_archive(name, data, nesting)
    if kind == "pdf":  # its attached files are sub-documents, as a container's members are
        from desktop_search.core.extract.pdf import extract_pdf

        return extract_pdf(
            data, deadline, ocr, nesting or Nesting(Budget(deadline, len(data)), extract_nested, ocr=ocr)
        )
    if kind == "image":
        from desktop_search.core.extract.images import extract_image

        return extract_image(data, deadline, ocr)
    if kind == "doc":
        from desktop_search.core.extract.word_doc import extract_doc

        return extract_doc(data, deadline)
    if kind == "xls":
        from desktop_search.core.extract.excel_xls import extract_xls

        return extract_xls(data, deadline)
    if kind == "ppt":
        from desktop_search.core.extract.powerpoint_ppt import extract_ppt

        return extract_ppt(data, deadline)
    if kind == "docx":
        from desktop_search.core.extract.ooxml import extract_docx

        return extract_docx(data, deadline)
    if kind == "pptx":
        from desktop_search.core.extract.ooxml import extract_pptx

        return extract_pptx(data, deadline)
    if kind == "xlsx":
        from desktop_search.core.extract.ooxml import extract_xlsx

        return extract_xlsx(data, deadline)
    if kind in ("odt", "ods", "odp"):
        from desktop_search.core.extract.odf import extract_odf

        return extract_odf(data, deadline, kind)
    if kind == "epub":
        from desktop_search.core.extract.epub import extract_epub

        return extract_epub(data, deadline)
    if kind == "rtf":
        from desktop_search.core.extract.rtf import extract_rtf

        return extract_rtf(data, deadline)
    if kind == "html":
        from desktop_search.core.extract.html import extract_html

        return extract_html(data, deadline)
    if kind == "markdown":
        from desktop_search.core.extract.markdown import extract_markdown

        return extract_markdown(data, deadline)
    if kind == "latex":
        from desktop_search.core.extract.latex import extract_latex

        return extract_latex(data, deadline)
    if kind == "xmldoc":
        from desktop_search.core.extract.xml_documents import extract_xml_document

        return extract_xml_document(data, deadline)
    if kind == "rst":
        from desktop_search.core.extract.rst import extract_rst

        return extract_rst(data, deadline)
    if kind == "notebook":
        from desktop_search.core.extract.notebook import extract_notebook

        return extract_notebook(data, deadline)
    if kind == "csv":
        from desktop_search.core.extract.csv_tables import extract_csv

        return extract_csv(data, deadline)
    if kind == "subtitles":
        from desktop_search.core.extract.subtitles import extract_subtitles

        return extract_subtitles(data, deadline)
    from desktop_search.core.extract.plaintext import extract_plain

    return extract_plain(data, deadline, kind if kind in ("text", "code") else "text")


def choose_kind(path: PathLike, data: bytes) -> str:
    """The extractor kind from the name, corrected by the content; FileSkipped when there is none."""
    unread = kinds.unread_format_reason(path)
    if unread is not None:  # an Outlook data file inside an archive: said, not read as binary text
        raise FileSkipped(unread)
    by_name = kinds.kind_by_name(path)
    magic = kinds.kind_by_magic(data[:8192])
    if by_name in ("doc", "xls", "ppt") and magic != "ole2":  # not 97-2003 Office: text, HTML, RTF, CSV, …
        by_name = None
    if magic == "pdf" or magic == "rtf":
        return magic
    if by_name in kinds.CONTAINER_KINDS:
        return by_name
    if magic == "image" and by_name in (None, "image"):  # a name that promises text is read as text
        return "image"
    if magic == "zip":
        found = kinds.zip_kind(data)
        if found:
            return found
        if by_name in kinds.RISKY_KINDS:
            raise ExtractionFailed(
                f"The {_LABELS[by_name]} file is damaged (its contents are not recognised)."
            )
        raise FileSkipped(UNSUPPORTED_REASON)
    if magic == "ole2":
        if kinds.extension(path) in ("doc", "dot"):  # a Word 97-2003 document or template
            return "doc"
        if kinds.extension(path) in ("xls", "xlt"):  # an Excel 97-2003 (or 5.0/95) workbook or template
            return "xls"
        if kinds.extension(path) in ("ppt", "pps", "pot"):  # a PowerPoint 97-2003 deck or template
            return "ppt"
        raise FileSkipped(UNSUPPORTED_REASON)
    if by_name in kinds.RISKY_KINDS:
        raise ExtractionFailed(f"The {_LABELS[by_name]} file is damaged (it does not start like one).")
    if by_name == "xmldoc" or (by_name == "code" and kinds.extension(path) == "xml"):
        from desktop_search.core.extract.xml_documents import is_prose_xml

        if is_prose_xml(data):
            return "xmldoc"
        by_name = "code" if by_name == "code" else "text"  # data or configuration; another ".page"
    if by_name == "text" and kinds.extension(path) in kinds.LATEX_EXTENSIONS:
        from desktop_search.core.extract.latex import is_latex

        return "latex" if is_latex(data) else "text"
    if by_name in ("html", "markdown", "rst", "subtitles", "csv", "notebook", "code", "text"):
        return by_name
    if kinds.looks_like_html(data):
        return "html"
    if by_name is None:
        from desktop_search.core.extract.mail import looks_like_mbox, looks_like_message

        if looks_like_mbox(data[:4096]):
            return "mail"  # an mbox folder without an extension (Thunderbird's "Inbox")
        if looks_like_message(data[:4096]):
            return "mail"  # a message file without an extension (a Maildir's "1700000000.M1P2.host:2,S")
    return "text"


def extract_data(
    path: PathLike, data: bytes, timeout_s: float = 60.0, ocr: str = "on", deadline: Deadline | None = None
) -> Extracted:
    """Extract already-read bytes; ``path`` only tells the name. ``ocr``: 'on', 'off' or 'defer'
    (text in images raises NeedsOcr, for the caller to do later)."""
    deadline = deadline or Deadline(timeout_s)
    return extract_nested(path, data, Nesting(Budget(deadline, len(data)), extract_nested, ocr=ocr))


def extract_nested(path: PathLike, data: bytes, nesting: Nesting) -> Extracted:
    """Extract bytes as a file named ``path`` inside ``nesting`` (a member of a container, or a file),
    in the nesting's OCR mode: OCR turned off is off for a mail's attachments and an archive's members
    too, and with 'defer' a member whose text is in images defers its whole file (NeedsOcr)."""
    deadline = nesting.budget.deadline
    ocr = nesting.ocr
    custom = _CUSTOM.get(kinds.extension(path))
    if not custom and kinds.is_compressed_document(path):  # the file inside, under its own name
        inner = os.path.join(os.path.dirname(os.fsdecode(path)), kinds.document_name(path))
        return extract_nested(inner, decompress(os.fsdecode(path), data, nesting.budget), nesting)
    if custom:
        result = custom[1](data, deadline)
    else:
        kind = choose_kind(path, data)
        try:
            result = _run(kind, data, deadline, os.fsdecode(path), nesting, ocr)
        except (ExtractionFailed, FileSkipped, NeedsOcr, MemoryError):
            raise
        except RecursionError:
            raise ExtractionFailed("The file is nested too deeply to read; it may be damaged.") from None
        except Exception as err:  # a parser bug on a hostile file must not stop indexing
            log.debug("extractor %s failed on %r", kind, path, exc_info=True)
            label = _LABELS.get(kind, "file")
            raise ExtractionFailed(
                f"The {label} could not be read ({type(err).__name__}); it may be damaged."
            ) from None
    if not result.text:
        raise FileSkipped("No text found in the file.")
    return result


def extract_file(
    path: PathLike,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout_s: float = 60.0,
    ocr: str = "on",
    deadline: Deadline | None = None,
) -> Extracted:
    """Extract a file's text in this process (see :class:`ExtractorPool` for isolation).

    Raises FileSkipped (empty, too large, binary, unsupported) or ExtractionFailed (damaged,
    encrypted, unreadable, vanished, too slow); both carry a ``reason`` for the user.
    """
    data = read_bounded(path, max_bytes)
    return extract_data(path, data, timeout_s, ocr, deadline)


def part_data(
    path: PathLike, part: str, *, max_bytes: int = DEFAULT_MAX_BYTES, timeout_s: float = 60.0
) -> tuple[str, bytes]:
    """The file name and bytes of sub-document ``part`` of the container file ``path`` (for Open).

    Raises ExtractionFailed or FileSkipped with a reason when the part cannot be found or read.
    """
    data = read_bounded(path, max_bytes)
    budget = Budget(Deadline(timeout_s), len(data))
    name = os.fsdecode(os.path.basename(os.fsdecode(path)))
    if kinds.is_compressed_document(name):
        name, data = kinds.document_name(name), decompress(name, data, budget)
    for segment in split(part):
        kind = choose_kind(name, data)
        if kind == "mail":
            from desktop_search.core.extract.mail import find_part

            name, data = find_part(data, segment, budget)
        elif kind == "archive":
            from desktop_search.core.extract.archives import find_member

            name, data = find_member(name, data, segment, budget)
        elif kind == "pdf":
            from desktop_search.core.extract.pdf import attachment_data

            name, data = attachment_data(data, segment)
        else:
            raise ExtractionFailed(f"'{segment}' is not inside a container any more.")
    return name, data
