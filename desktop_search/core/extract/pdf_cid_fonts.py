"""Japanese, Chinese and Korean text drawn with a standard character collection and no Unicode map.

A composite PDF font may draw its glyphs by their number in one of Adobe's character collections
(Adobe-Japan1, -GB1, -CNS1, -Korea1) through the Identity-H or -V CMap, where a character code is
the character's CID (or through a predefined two-byte CMap, JIS X 0208's "H" and "V"), and carry no
``/ToUnicode`` map: pLaTeX with dvipdfmx does so with its non-embedded Ryumin and GothicBBB fonts,
and so do older office and Distiller exports. pypdf then reads each two-byte code as the code point
of the same number: the EusLisp reference manual's
"リファレンスマニュアル" came out as "ϦϑΝϨϯεϚχϡΞϧ", and none of its Japanese text could be found.
The collection fixes each CID's character, so :func:`collection_characters` gives such a font the
map Adobe publishes for its collection (the tables pdfminer.six carries).
"""

from __future__ import annotations

import functools
import logging
from typing import Any

log = logging.getLogger(__name__)

COLLECTIONS = ("Japan1", "GB1", "CNS1", "Korea1")  # Adobe's registry: the ones with Unicode tables
_IDENTITY = {"/Identity-H": False, "/Identity-V": True}  # the CMap, and whether it is vertical


def collection_characters(font: Any) -> dict[str, str] | None:
    """For a composite font that names its glyphs by an Adobe collection's CIDs and has no
    ``/ToUnicode``: the map from each code as pypdf reads it (one character of that number) to its text.
    The codes are the CIDs themselves (Identity-H/V) or two-byte codes of a predefined CMap pypdf cannot
    decode (JIS X 0208's "H" and "V": "Ryumin-Light-H"). None for every other font, and when the tables
    cannot be read."""
    try:
        if font.get("/Subtype") != "/Type0" or "/ToUnicode" in font:
            return None
        encoding = font.get("/Encoding")  # a CMap named by a stream is not predefined: None
        if not isinstance(encoding, str):
            return None
        descendant = font["/DescendantFonts"].get_object()[0].get_object()
        info = descendant["/CIDSystemInfo"].get_object()
        if info.get("/Registry") != "Adobe" or info.get("/Ordering") not in COLLECTIONS:
            return None
        ordering = str(info["/Ordering"])
        if encoding in _IDENTITY:
            return _characters(ordering, _IDENTITY[encoding])
        return _coded_characters(encoding.removeprefix("/"), ordering)
    except (KeyError, IndexError, TypeError, AttributeError):
        return None


@functools.lru_cache(maxsize=8)
def _characters(ordering: str, vertical: bool) -> dict[str, str] | None:
    table = _unicode_table(ordering, vertical)
    if table is None:
        return None
    return {
        chr(cid): text for cid, text in table.items() if 0 <= cid < 0x110000 and not 0xD800 <= cid < 0xE000
    }


@functools.lru_cache(maxsize=16)
def _coded_characters(cmap_name: str, ordering: str) -> dict[str, str] | None:
    """Two-byte codes of the predefined CMap ``cmap_name`` to text; None for a CMap pypdf decodes itself
    (Unicode and code-page CMaps), one with codes of other widths, or one pdfminer does not know."""
    if "UCS2" in cmap_name or "UTF" in cmap_name or f"/{cmap_name}" in _decoded_by_pypdf():
        return None
    try:
        from pdfminer.cmapdb import CMapDB

        cmap = CMapDB.get_cmap(cmap_name)
        codes = cmap.code2cid  # type: ignore[attr-defined]
    except Exception:  # an unknown name (pdfminer raises its own error) or a broken install
        return None
    if not codes or not all(
        isinstance(second, dict) and all(isinstance(cid, int) for cid in second.values())
        for second in codes.values()
    ):
        return None
    table = _unicode_table(ordering, cmap.is_vertical())
    if table is None:
        return None
    return {
        chr(first << 8 | byte): table[cid]
        for first, second in codes.items()
        for byte, cid in second.items()
        if cid in table
    }


def _decoded_by_pypdf() -> frozenset[str]:
    try:
        from pypdf._cmap import _predefined_cmap
    except ImportError:  # pragma: no cover - another pypdf layout
        return frozenset()
    return frozenset(_predefined_cmap)


@functools.lru_cache(maxsize=8)
def _unicode_table(ordering: str, vertical: bool) -> dict[int, str] | None:
    try:
        from pdfminer.cmapdb import CMapDB

        return dict(CMapDB.get_unicode_map(f"Adobe-{ordering}", vertical=vertical).cid2unichr)
    except Exception as err:  # a broken install must not stop the rest of the PDF
        log.warning("cannot read the Adobe-%s character table: %s", ordering, err)
        return None
