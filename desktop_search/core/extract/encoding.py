"""Bytes to text: byte-order marks, UTF-8, UTF-16 without a BOM, then a legacy code page.

The legacy guess uses ``charset_normalizer`` when it is importable (it tells Cyrillic, Greek, CJK and
Western code pages apart far better than a fixed fallback); without it, Windows-1252 is assumed.
"""

from __future__ import annotations

import codecs

from desktop_search.core.extract.results import FileSkipped
from desktop_search.core.extract.terminal import STRUCK_OVER_BYTES

BINARY_REASON = "Binary file (no text)."
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SAMPLE = 16384
MIN_HIGH_BYTES_TO_GUESS = 24
# Control bytes that plain text does not contain (tab, newlines, form feed and escape are allowed).
_BAD_CONTROLS = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None


def utf32_without_bom(data: bytes) -> str | None:
    """Guess UTF-32 from its shape: every code point is four bytes whose highest is zero and whose next
    is at most 0x10 (Unicode ends at U+10FFFF); text's lowest byte is rarely zero."""
    sample = data[: _SAMPLE - _SAMPLE % 4]
    if len(sample) < 8 or len(data) % 4:
        return None
    for name, top, next_top, low in (("utf-32-le", 3, 2, 0), ("utf-32-be", 0, 1, 3)):
        if (
            not any(sample[top::4])
            and max(sample[next_top::4]) <= 0x10
            and sample[low::4].count(0) <= len(sample) // 80
        ):
            return name
    return None


def utf16_without_bom(data: bytes) -> str | None:
    """Guess UTF-16 from the pattern of zero bytes (ASCII-heavy text has one per character)."""
    sample = data[:_SAMPLE]
    if len(sample) < 8:
        return None
    pairs = len(sample) // 2
    even_zero = sample[0 : pairs * 2 : 2].count(0) / pairs
    odd_zero = sample[1 : pairs * 2 : 2].count(0) / pairs
    if odd_zero > 0.3 and even_zero < 0.02:
        return "utf-16-le"
    if even_zero > 0.3 and odd_zero < 0.02:
        return "utf-16-be"
    return None


def looks_binary(data: bytes) -> bool:
    """True when a sample holds zero bytes or many control bytes (after UTF-16/32 are ruled out); a
    backspace that strikes a letter over (nroff's bold and underline) is text."""
    sample = data[:_SAMPLE]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    sample = STRUCK_OVER_BYTES.sub(b"", sample)
    controls = len(sample) - len(sample.translate(None, _BAD_CONTROLS))
    return controls / len(sample) > 0.05


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken bytes (a truncated or patched file) rather than a legacy code page."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ch > "\x7f") - bad
    return text if good >= 8 * bad else None


def _legacy(data: bytes) -> str:
    sample = data[: 4 * _SAMPLE]
    high = len(sample) - len(sample.translate(None, bytes(range(128, 256))))
    if high < MIN_HIGH_BYTES_TO_GUESS:
        # Too few non-ASCII bytes for a statistical guess (one "ç" in an AUTHORS file was read as
        # "þ"); Western European is the likeliest and costs at most those few characters.
        return data.decode("cp1252", errors="replace")
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - the library comes with our dependencies
        pass
    else:
        best = from_bytes(sample).best()
        if best is not None and best.encoding:
            try:
                return _turkish_if_so(data.decode(best.encoding, errors="replace"), best.encoding, data)
            except LookupError:
                pass
    return data.decode("cp1252", errors="replace")


# Turkish letters in Windows-1254 and ISO-8859-9 (ç ğ ı ö ş ü â î û and their capitals): the bytes
# Western and Central European code pages give other letters (ğ ı ş read as ð ý þ, or đ ý ţ)
_TURKISH_LETTERS = frozenset(b"\xc7\xd0\xdd\xd6\xde\xdc\xe7\xf0\xfd\xf6\xfe\xfc\xe2\xee\xfb\xc2\xce\xdb")
_TURKISH_ONLY = frozenset(b"\xd0\xdd\xde\xf0\xfd\xfe")  # ğ ı ş Ğ İ Ş
_GUESSED_INSTEAD = frozenset({"cp1252", "iso8859_1", "iso8859_15", "cp1250", "iso8859_2"})


def _turkish_if_so(text: str, encoding: str, data: bytes) -> str:
    """Turkish text (Windows-1254, ISO-8859-9) differs from Western and Central European code pages
    in a few letters only, so statistics read it as one of them ("adým" for "adım"). Bytes that are
    Turkish letters only (at least three of ğ ı ş), with hardly any letter byte Turkish lacks
    (acute vowels, Romanian ă, Czech č), are Turkish."""
    if codecs.lookup(encoding).name.replace("-", "_") not in _GUESSED_INSTEAD:
        return text
    letters = [b for b in data[: 4 * _SAMPLE] if b >= 0xC0]
    if sum(1 for b in letters if b in _TURKISH_ONLY) < 3:
        return text
    if sum(1 for b in letters if b not in _TURKISH_LETTERS) * 20 > len(letters):
        return text
    return data.decode("cp1254", errors="replace")


def decode_text(data: bytes) -> str:
    """Decode a text file's bytes; FileSkipped when they are not text."""
    found = bom_encoding(data)
    if found:
        name, skip = found
        return data[skip:].decode(name, errors="replace")
    utf32 = utf32_without_bom(data)
    if utf32:
        try:
            return data.decode(utf32)
        except UnicodeDecodeError:
            pass
    utf16 = utf16_without_bom(data)
    if utf16:
        text = data.decode(utf16, errors="replace")
        if text.count("\ufffd") <= len(text) // 100:
            return text
    if looks_binary(data):
        raise FileSkipped(BINARY_REASON)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return _mostly_utf8(data) or _legacy(data)


def declared_html_charset(head: bytes) -> str | None:
    """The charset an HTML/XML file declares in its first bytes (meta tag or XML declaration)."""
    import re

    m = re.search(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", head[:4096], re.I) or re.search(
        rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", head[:512], re.I
    )
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace").lower()
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    # Browsers read a declared latin-1/ascii as windows-1252; UTF-16 declared in ASCII bytes is a lie.
    if name in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
        return "cp1252"
    return None if name.startswith("utf-16") else name


def decode_markup(data: bytes) -> str:
    """Decode HTML/XML: BOM first, then the declared charset, then the text heuristics."""
    if bom_encoding(data):
        return decode_text(data)
    declared = declared_html_charset(data)
    if declared and declared not in ("utf-8", "utf8"):
        return data.decode(declared, errors="replace")
    return decode_text(data)
