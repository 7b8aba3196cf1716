"""Japanese, Chinese and Korean text drawn with a standard character collection and no Unicode map.

A composite PDF font may draw its glyphs by their number in one of Adobe's character collections
(Adobe-Japan1, -GB1, -CNS1, -Korea1) through the Identity-H or -V CMap, where a character code is
the character's CID, and carry no ``/ToUnicode`` map: pLaTeX with dvipdfmx does so with its
non-embedded Ryumin and GothicBBB fonts, and so do older office and Distiller exports. pypdf then
reads each two-byte code as the code point of the same number: the EusLisp reference manual's
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
    """For a composite font that names its glyphs by an Adobe collection's CIDs through an Identity
    CMap and has no ``/ToUnicode``: the map from each code as pypdf reads it (one character of that
    number) to its text. None for every other font, and when the tables cannot be read."""
    try:
        if font.get("/Subtype") != "/Type0" or "/ToUnicode" in font:
            return None
        vertical = _IDENTITY.get(font.get("/Encoding"))  # a CMap named by a stream is not Identity
        if vertical is None:
            return None
        descendant = font["/DescendantFonts"].get_object()[0].get_object()
        info = descendant["/CIDSystemInfo"].get_object()
        if info.get("/Registry") != "Adobe" or info.get("/Ordering") not in COLLECTIONS:
            return None
        return _characters(str(info["/Ordering"]), vertical)
    except (KeyError, IndexError, TypeError, AttributeError):
        return None


@functools.lru_cache(maxsize=8)
def _characters(ordering: str, vertical: bool) -> dict[str, str] | None:
    try:
        from pdfminer.cmapdb import CMapDB

        table = CMapDB.get_unicode_map(f"Adobe-{ordering}", vertical=vertical)
        pairs = table.cid2unichr.items()
    except Exception as err:  # a broken install must not stop the rest of the PDF
        log.warning("cannot read the Adobe-%s character table: %s", ordering, err)
        return None
    return {chr(cid): text for cid, text in pairs if 0 <= cid < 0x110000 and not 0xD800 <= cid < 0xE000}
