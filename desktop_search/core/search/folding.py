"""Results that repeat themselves, folded: identical files, and near-identical passages of other files.

- :func:`fold_duplicates`: files whose content hash is the same (one document copied into two folders)
  keep only the best-ranked copy's passages; the copy's paths go to its ``duplicates``.
- :func:`fold_similar`: a file whose best passage is near-identical to a better file's best passage
  (the same paragraph in five versions of a report) is folded under it, in its ``similar``; so is
  an attachment or archive member whose best passage repeats another's of the same file (a
  newsletter attached as .doc, .pdf and .htm to one message).
  Near-identical is decided on the text, not the vectors (whose cosines bunch up between passages on
  one topic): the same words once case, accents and punctuation are folded, or at least
  :data:`SIMILAR_OVERLAP` of the shorter passage's distinct words in the other, with both at least
  :data:`MIN_WORDS` distinct words long and neither more than twice the other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from desktop_search.core.accents import fold
from desktop_search.core.records import SearchHit
from desktop_search.core.search.fusion import Candidate
from desktop_search.core.store.ledger import ChunkRow

SIMILAR_OVERLAP = 0.9  # a copy with a word or two changed in twenty still folds
MIN_WORDS = 8  # short passages ("Introduction", a title) are alike by chance, not copies
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def fold_duplicates(
    ranked: list[Candidate], rows: dict[str, ChunkRow], hashes: dict[str, str]
) -> tuple[list[Candidate], dict[str, tuple[str, ...]]]:
    """``ranked`` without the passages of files identical to a better-ranked file; and, for each kept
    file with copies, the copies' paths (in rank order)."""
    keeper_of_hash: dict[str, str] = {}
    copies: dict[str, list[str]] = {}
    kept: list[Candidate] = []
    for c in ranked:
        path = rows[c.chunk_id].path
        digest = hashes.get(path)
        keeper = keeper_of_hash.setdefault(digest, path) if digest else path
        if keeper != path:
            if path not in copies.setdefault(keeper, []):
                copies[keeper].append(path)
            continue
        kept.append(c)
    return kept, {path: tuple(found) for path, found in copies.items() if found}


def normalised_text(text: str) -> str:
    """Text compared for near-identity: folded, punctuation and spacing removed."""
    return _NON_WORD.sub(" ", fold(text)).strip()


def fold_similar(hits: Sequence[SearchHit]) -> list[SearchHit]:
    """File heads (best first) with near-identical later heads folded into the first, in ``similar``;
    the heads left are re-ranked 1..n."""
    if len(hits) < 2:
        return list(hits)
    words = [frozenset(normalised_text(h.text).split()) for h in hits]
    kept: list[int] = []
    folded: dict[int, list[SearchHit]] = {}
    for i, hit in enumerate(hits):
        home = next(
            (j for j in kept if _document(hits[j]) != _document(hit) and near_identical(words[j], words[i])),
            None,
        )
        if home is None:
            kept.append(i)
        else:
            folded.setdefault(home, []).append(hit)
    return [
        replace(hits[i], rank=rank, similar=hits[i].similar + tuple(folded.get(i, ())))
        for rank, i in enumerate(kept, start=1)
    ]


def _document(hit: SearchHit) -> tuple[str, str | None]:
    """A result's document: its file, or the attachment or archive member inside it."""
    return hit.path, hit.part


def near_identical(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two passages' distinct words say they are copies of one text (see the module's description)."""
    small, large = sorted((len(a), len(b)))
    if small == 0 or (a == b):
        return small > 0
    if small < MIN_WORDS or large > 2 * small:
        return False
    return len(a & b) >= SIMILAR_OVERLAP * small
