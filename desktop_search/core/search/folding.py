"""Results that repeat themselves, folded: identical files, and near-identical passages of other files.

- :func:`fold_duplicates`: files whose content hash is the same (one document copied into two folders)
  keep only the best-ranked copy's passages; the copy's paths go to its ``duplicates``.
- :func:`fold_similar`: a file whose best passage is near-identical to a better file's best passage
  (the same paragraph in five versions of a report) is folded under it, in its ``similar``. Near-identical
  means the same text once case, accents, punctuation and spacing are folded, or a cosine of at least
  :data:`SIMILAR_COSINE` between the stored vectors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from desktop_search.core.records import SearchHit
from desktop_search.core.search.fusion import Candidate
from desktop_search.core.search.highlight import fold
from desktop_search.core.store.ledger import ChunkRow

# e5-small cosines between two different passages on one topic rarely pass 0.95; copies with a few words
# changed, or cut at another boundary, stay above 0.97
SIMILAR_COSINE = 0.97
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


def fold_similar(
    hits: Sequence[SearchHit], vectors: Callable[[list[str]], dict[str, np.ndarray]] | None = None
) -> list[SearchHit]:
    """File heads (best first) with near-identical later heads folded into the first, in ``similar``;
    the heads left are re-ranked 1..n."""
    if len(hits) < 2:
        return list(hits)
    vecs: dict[str, np.ndarray] = {}
    if vectors is not None:
        try:
            vecs = vectors([h.chunk_id for h in hits])
        except Exception:  # folding is a nicety; a vector hiccup leaves the list as it is
            vecs = {}
    texts = [normalised_text(h.text) for h in hits]
    kept: list[int] = []
    folded: dict[int, list[SearchHit]] = {}
    for i, hit in enumerate(hits):
        home = next((j for j in kept if _near(hits[j], hit, texts[j], texts[i], vecs)), None)
        if home is None:
            kept.append(i)
        else:
            folded.setdefault(home, []).append(hit)
    return [
        replace(hits[i], rank=rank, similar=hits[i].similar + tuple(folded.get(i, ())))
        for rank, i in enumerate(kept, start=1)
    ]


def _near(a: SearchHit, b: SearchHit, text_a: str, text_b: str, vecs: dict[str, np.ndarray]) -> bool:
    if a.path == b.path:
        return False
    if text_a and text_a == text_b:
        return True
    va, vb = vecs.get(a.chunk_id), vecs.get(b.chunk_id)
    return (
        va is not None and vb is not None and va.shape == vb.shape and float(np.dot(va, vb)) >= SIMILAR_COSINE
    )
