"""PDF through pypdf: one section per page (1-based ``page``), word gaps and ligatures repaired.

pypdf decides that a gap in a ``TJ`` array is a word space when it exceeds half the font's space
width. Some embedded fonts (subset TrueType/CID fonts from LaTeX and office suites) report a space
width of a wide glyph (≈0.84 em), so every gap looks too small and words run together
("Inclusiondefichiersannexes"). :func:`_sane_space_widths` caps a proportional font's space width at
a third of an em, the usual word space, which restores the gaps without splitting kerned words.
"""

from __future__ import annotations

import io
import logging
import re
import threading

from desktop_search.core.extract.results import (
    Deadline,
    Extracted,
    ExtractionFailed,
    FileSkipped,
    Part,
    assemble,
)

logging.getLogger("pypdf").setLevel(logging.ERROR)  # font and xref warnings are noise to a user

MAX_SPACE_WIDTH = 333.0  # in thousandths of an em
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
_HYPHENATED = re.compile(r"([^\W\d_])-\n([^\W\d_]+)(\S*)[ \t]?")
_patch_lock = threading.Lock()
_patched = False


def _sane_space_widths() -> None:
    """Cap absurd space widths that pypdf reads from some embedded fonts (see the module docstring)."""
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
            return font

        font_cls.from_font_resource = classmethod(from_font_resource)


def _join_hyphenated(match: re.Match[str]) -> str:
    left, right, rest = match.groups()
    if left.islower() and right.islower():
        return f"{left}{right}{rest}\n"
    return match.group(0)


def clean_page_text(text: str) -> str:
    """Ligatures to letters; words hyphenated across a line end joined again."""
    text = text.translate(_LIGATURES)
    return _HYPHENATED.sub(_join_hyphenated, text)


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


def extract_pdf(data: bytes, deadline: Deadline) -> Extracted:
    _sane_space_widths()
    _reader, pages, count = _open(data)
    parts: list[Part] = []
    failed = 0
    for number in range(count):
        deadline.check()
        try:
            text = pages[number].extract_text()
        except MemoryError:
            raise
        except Exception:  # pypdf raises many types on damaged content streams; a page is not fatal
            failed += 1
            continue
        parts.append(Part(clean_page_text(text), page=number + 1))
    if count and failed == count:
        raise ExtractionFailed("The PDF is damaged: no page could be read.")
    result = assemble(parts, "pdf", page_count=count)
    if not result.text:
        raise FileSkipped("The PDF has no text layer (a scan or images only); text in images is not read.")
    return result
