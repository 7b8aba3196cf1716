"""Crumbs, a few words that a page or a heading cut off from their text, rank as answers on the
query's own words, not on meaning alone.

A passage never spans two pages or two headings, so a long document leaves crumbs: a chapter's title
alone before its first section ("5.6 Collisions of objects"), a few words carried over to the top of
a page, a printed score's marks or parts ("p / mp / f / mf", "Violin 1 / Viola / Cello"). What a
crumb's vector holds is mostly its heading (embedded with every passage), so it sits near any query
about the section's subject while it says nothing itself: in LilyPond's Learning Manual "pickup
measure" ranked "5.6 Collisions of objects" and "5.4 Positionierung von Objekten" second and third.
Found by the keyword leg (the query names its words), a crumb keeps its place; found by meaning alone
it keeps half its score (see :mod:`unmatched`), so the section's own text ranks before it.

A document's first passage (a title page, a short note: the whole file) and a message's or archive
member's passages (a reply of one line is the whole message) are never crumbs; nor is Chinese or
Japanese text, whose words are not counted by spaces.
"""

from __future__ import annotations

import re

from desktop_search.core.search.fusion import Candidate
from desktop_search.core.store.ledger import ChunkRow
from desktop_search.core.store.unspaced import has_unspaced

UNMATCHED_CRUMB_FACTOR = 0.5  # a crumb found by meaning alone keeps this share of its score
MAX_WORDS = 7  # words (of two letters or more) a crumb has at most
_WORD = re.compile(r"[^\W\d_]{2,}")


def is_crumb(row: ChunkRow) -> bool:
    """Whether a passage is a few words cut off from a longer document's text."""
    if row.number == 0 or row.part is not None or has_unspaced(row.text):
        return False
    return len(_WORD.findall(row.text)) <= MAX_WORDS


def unmatched_crumb(c: Candidate, row: ChunkRow) -> bool:
    """A crumb that no query word was found in (a :data:`unmatched.Rule`)."""
    return c.content_terms == 0 and is_crumb(row)
