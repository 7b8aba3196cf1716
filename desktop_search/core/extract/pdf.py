"""PDF through pypdf: sections per page (1-based ``page``), word gaps and ligatures repaired.

Accents that TeX's older fonts draw over a letter are put back on it ("f¨ur" → "für",
:mod:`.pdf_accents`). The pages' text then loses its running headers and footers and has hyphenated
words joined (:mod:`.pdf_layout`); tables of contents and indexes are marked as navigation
(:mod:`.pdf_navigation`); the labels of figures drawn from files of their own are left out
(:mod:`.pdf_figures`); pages are cut where sections begin, each piece with its heading from the
outline or from numbered titles (:mod:`.pdf_outline`, :mod:`.pdf_headings`). The notes a reader wrote
on a page end its text (:mod:`.pdf_annotations`), and so do the answers typed into its form fields
(:mod:`.pdf_forms`).

pypdf decides that a gap in a ``TJ`` array is a word space when it exceeds half the font's space
width. Some embedded fonts (subset TrueType/CID fonts from LaTeX and office suites) report a space
width of a wide glyph (≈0.84 em), so every gap looks too small and words run together
("Inclusiondefichiersannexes"). :func:`_patch_fonts` caps a proportional font's space width at
a third of an em, the usual word space, which restores the gaps without splitting kerned words.

A symbol font whose encoding names its glyphs with names Unicode has no character for (a music font's
"noteheads.s2", "clefs.G") makes pypdf write the names themselves into the text: LilyPond's manuals
read "/timesig.C44/clefs.G /noteheads.s2" wherever an example is printed (about 5,000 such names on
half the passages of its German Learning Manual). Such glyphs read as nothing.

A Japanese, Chinese or Korean font that names its glyphs by a standard collection's numbers and has no
Unicode map reads through the collection's table (:mod:`.pdf_cid_fonts`).

LaTeX's picture environment draws lines, arrows and circles with pieces of fonts of its own (``line10``,
``lcircle10`` and their thick twins), whose codes pypdf reads as letters: lshort's pages on drawing
read "bej &% ’$ &% ’$ behjm" beside their examples, and its page-layout figure "i8 - i7 ? 6 i1" amid
the labels. Text in those fonts reads as nothing.
"""

from __future__ import annotations

import io
import logging
import threading
from dataclasses import replace
from typing import Any

from desktop_search.core.extract.cjk_text import close_letter_spacing, join_cjk_wraps
from desktop_search.core.extract.ocr_reasons import PDF_OCR_MISSING, PDF_OCR_OFF
from desktop_search.core.extract.pdf_accents import compose_accents
from desktop_search.core.extract.pdf_annotations import page_notes, with_notes
from desktop_search.core.extract.pdf_attachments import find_attachment, read_attachments
from desktop_search.core.extract.pdf_cid_fonts import collection_characters
from desktop_search.core.extract.pdf_figures import page_text
from desktop_search.core.extract.pdf_forms import page_fields
from desktop_search.core.extract.pdf_headings import split_by_numbered_titles, split_by_outline
from desktop_search.core.extract.pdf_layout import (
    hyphenated_words,
    join_across_pages,
    join_hyphenated,
    strip_running_lines,
)
from desktop_search.core.extract.pdf_navigation import list_chapter, navigation_spans
from desktop_search.core.extract.pdf_outline import outline_navigation_pages, read_outline
from desktop_search.core.extract.pdf_wraps import join_marked_wraps
from desktop_search.core.extract.results import (
    Deadline,
    Extracted,
    ExtractionFailed,
    FileSkipped,
    NeedsOcr,
    Part,
    assemble,
)
from desktop_search.core.extract.subdocs import Gathered, Nesting

logging.getLogger("pypdf").setLevel(logging.ERROR)  # font and xref warnings are noise to a user

MAX_SPACE_WIDTH = 333.0  # in thousandths of an em
# LaTeX's picture fonts (slopes of lines and arrows, quarter circles), by base name after a subset tag
DRAWING_FONTS = frozenset({"LINE10", "LINEW10", "LCIRCLE10", "LCIRCLEW10"})
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
_patch_lock = threading.Lock()
_patched = False


def _patch_fonts() -> None:
    """Cap absurd space widths that pypdf reads from some embedded fonts and drop glyph names from
    encodings (see the module docstring)."""
    global _patched
    with _patch_lock:
        if _patched:
            return
        _patched = True
        try:
            from pypdf.generic import _font
        except ImportError:  # pragma: no cover - another pypdf layout: keep its behaviour
            return
        font_cls = getattr(_font, "Font", None)
        original = getattr(font_cls, "from_font_resource", None)
        if font_cls is None or original is None:  # pragma: no cover
            return
        original_func = original.__func__

        def from_font_resource(cls, *args, **kwargs):
            font = original_func(cls, *args, **kwargs)
            try:
                fixed_pitch = bool(font.font_descriptor.flags & 1)
                if not fixed_pitch and font.space_width > MAX_SPACE_WIDTH * 1.2:
                    font.space_width = MAX_SPACE_WIDTH
            except (AttributeError, TypeError):  # pragma: no cover
                pass
            resource = args[0] if args else kwargs.get("pdf_font_dict")
            if isinstance(font.encoding, dict):
                if is_drawing_font(resource):
                    font.encoding = dict.fromkeys(range(256), "")
                    font.character_map = {}
                drop_glyph_names(font.encoding)
            if not any(key != -1 for key in font.character_map):
                characters = collection_characters(resource)
                if characters is not None:
                    font.character_map = characters  # read-only from here on (shared between fonts)
            return font

        font_cls.from_font_resource = classmethod(from_font_resource)


def is_drawing_font(resource: Any) -> bool:
    """Whether a font dictionary is one of LaTeX's picture fonts (:data:`DRAWING_FONTS`)."""
    try:
        name = str(resource.get_object().get("/BaseFont", ""))
    except AttributeError:
        return False
    return name.lstrip("/").rpartition("+")[2].upper() in DRAWING_FONTS


def drop_glyph_names(encoding: dict[int, str]) -> None:
    """Make the codes that a simple font's encoding maps to a bare glyph name ("/noteheads.s2": pypdf's
    stand-in for a glyph with no Unicode character) read as nothing."""
    for code, text in encoding.items():
        if len(text) > 1 and text.startswith("/"):
            encoding[code] = ""


def structured_parts(pages: list[str | None], reader: Any = None) -> list[Part]:
    """Parts from the pages' raw text (``None``: a page that could not be read): furniture stripped,
    words joined, navigation marked, pages cut at their sections with headings."""
    readable = [i for i, text in enumerate(pages) if text is not None]
    texts = strip_running_lines([compose_accents((pages[i] or "").translate(_LIGATURES)) for i in readable])
    texts = [join_marked_wraps(t) for t in texts]  # a listing's lines the typesetter wrapped
    keep = hyphenated_words(texts)
    texts = [
        close_letter_spacing(join_cjk_wraps(join_hyphenated(t, keep))) for t in join_across_pages(texts, keep)
    ]  # a spread line's width counts its spaces: wraps are joined first
    position = {page: i for i, page in enumerate(readable)}  # page number -> index in texts
    entries = read_outline(reader, len(pages)) if reader is not None else []
    outline_nav = outline_navigation_pages(entries, len(pages))
    spans = navigation_spans(texts, frozenset(position[p] for p in outline_nav if p in position))
    # each page as segments: the text before its navigation, the navigation, the text after it
    segments: list[tuple[int, str, bool]] = []  # (index in texts, text, navigation)
    last_text: dict[int, int] = {}  # index in texts -> its last segment of text (its outline entries')
    for i, (text, (start, end)) in enumerate(zip(texts, spans, strict=True)):
        pieces = [(text[:start], False), (text[start:end], True), (text[end:], False)]
        kept = [(t, nav) for t, nav in pieces if t.strip()] or [(text, False)]
        for t, nav in kept:
            if not nav or i not in last_text:
                last_text[i] = len(segments)
            segments.append((i, t, nav))
    bodies = [t for _, t, _ in segments]
    skip = [nav for *_, nav in segments]
    if entries:
        entries = [replace(e, page=last_text[position[e.page]]) for e in entries if e.page in position]
        pieces_of = split_by_outline(bodies, entries, skip)
    else:
        openings = {  # the text after a contents list: the chapter the list opens, if it names one
            n: list_chapter(bodies[n - 1])
            for n in range(1, len(segments))
            if skip[n - 1] and not skip[n] and segments[n - 1][0] == segments[n][0]
        }
        pieces_of = split_by_numbered_titles(bodies, skip, openings)
    return [
        Part(text, page=readable[segments[n][0]] + 1, heading=heading, navigation=skip[n])
        for n, pieces in enumerate(pieces_of)
        for text, heading in pieces
    ]


def _open(data: bytes):
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except DependencyError:
                raise ExtractionFailed(
                    "The PDF is encrypted with AES, which needs the 'cryptography' package to read."
                ) from None
            if not ok:
                raise ExtractionFailed("The PDF is encrypted and needs a password.")
        pages = reader.pages
        count = len(pages)
    except ExtractionFailed:
        raise
    except FileNotDecryptedError:
        raise ExtractionFailed("The PDF is encrypted and needs a password.") from None
    except (
        PdfReadError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
        OSError,
    ):
        raise ExtractionFailed("The PDF is damaged and cannot be read.") from None
    return reader, pages, count


def extract_pdf(
    data: bytes, deadline: Deadline, ocr_mode: str = "on", nesting: Nesting | None = None
) -> Extracted:
    """A PDF's text by page; pages without a usable text layer are recognised unless ``ocr_mode`` is
    'off' ('defer': raise NeedsOcr so the caller can do them later). With ``nesting``, the files
    attached to it are read as its sub-documents (:mod:`.pdf_attachments`)."""
    _patch_fonts()
    reader, pages, count = _open(data)
    texts: list[str | None] = []
    notes: dict[int, list[str]] = {}  # page number -> its notes and filled-in fields (pdf_annotations/_forms)
    for number in range(count):
        deadline.check()
        try:
            texts.append(page_text(pages[number]))
        except MemoryError:
            raise
        except Exception:  # pypdf raises many types on damaged content streams; a page is not fatal
            texts.append(None)
        notes[number + 1] = page_notes(pages[number]) + page_fields(pages[number])
    if count and all(t is None for t in texts):
        raise ExtractionFailed("The PDF is damaged: no page could be read.")
    deadline.check()
    recognised, unread = _recognise_scans(data, pages, texts, deadline, ocr_mode)
    parts = with_notes(structured_parts(texts, reader), notes)
    attached = read_attachments(reader, pages, nesting) if nesting is not None else Gathered()
    result = assemble(
        parts + attached.parts,
        "pdf",
        page_count=count,
        ocr_pages=recognised + attached.ocr_pages,
        notes=attached.notes,
    )
    if not result.text:
        if unread:
            raise FileSkipped(PDF_OCR_OFF if ocr_mode == "off" else PDF_OCR_MISSING)
        raise FileSkipped("The PDF has no text layer and no text was recognised in its images.")
    return replace(result, unread_scans=unread + attached.unread_scans)


def _recognise_scans(
    data: bytes, pages: Any, texts: list[str | None], deadline: Deadline, ocr_mode: str
) -> tuple[int, int]:
    """Put the recognised text of scanned pages into ``texts``; the number of pages recognised, and
    the number left unread because OCR is off or not installed."""
    from desktop_search.core.extract import ocr
    from desktop_search.core.extract.pdf_ocr import MAX_OCR_PAGES, garbled, recognise_pages, scanned_pages

    numbers = scanned_pages(pages, texts)
    if ocr_mode != "off" and ocr.available():  # a garbled text layer is kept when it cannot be redone
        numbers = sorted({*numbers, *(n for n, text in enumerate(texts) if garbled(text))})[:MAX_OCR_PAGES]
    if not numbers:
        return 0, 0
    if ocr_mode == "off" or not ocr.available():
        return 0, len(numbers)
    if ocr_mode == "defer":
        raise NeedsOcr
    for number, text in recognise_pages(data, numbers, deadline).items():
        texts[number] = text
    return len(numbers), 0


def attachment_data(data: bytes, label: str) -> tuple[str, bytes]:
    """The file name and bytes of the attachment ``label`` of a PDF (for Open)."""
    reader, pages, _count = _open(data)
    return find_attachment(reader, pages, label)
