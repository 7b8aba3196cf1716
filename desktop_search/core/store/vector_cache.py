"""The vector cache: each text is embedded once per model, however many passages share it.

An entry is keyed by the model's name and :func:`text_key`, the SHA-256 of the exact text handed to
the embedder (the passage with the heading line the indexer puts before it; the model's prompt
prefix, such as E5's ``passage:``, is fixed per model, so the model's name covers it). The vector is
kept as the float32 bytes the encoder produced and comes back bit-identical, so a copied file, a
boilerplate paragraph or an unchanged passage of an edited file costs no encoder time.

Chunk rows name the key they were embedded under (``chunks.text_hash``). An entry that no chunk row
names any more is dropped by :meth:`VectorCache.collect_garbage` (after each index run and when
files are removed), so the cache never holds more than the index's distinct passages. The cache is
only a shortcut: losing an entry costs one embedding, never a wrong vector.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np

from desktop_search.core.store.ledger import Ledger

_LOOKUP_SLICE = 500  # keys per SELECT (SQLite's variable limit is far above)


def text_key(text: str) -> str:
    """The cache key of a text exactly as it is embedded."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class VectorCache:
    """The ``vector_cache`` table of one ledger, for one model."""

    def __init__(self, ledger: Ledger, model: str) -> None:
        self.ledger = ledger
        self.model = model

    def get_many(self, keys: Iterable[str]) -> dict[str, np.ndarray]:
        """The cached vectors of ``keys`` (absent keys are left out), as float32 arrays."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, np.ndarray] = {}
        conn = self.ledger.conn
        for i in range(0, len(wanted), _LOOKUP_SLICE):
            part = wanted[i : i + _LOOKUP_SLICE]
            marks = ",".join("?" * len(part))
            rows = conn.execute(
                f"SELECT text_hash, vector FROM vector_cache WHERE model = ? AND text_hash IN ({marks})",
                [self.model, *part],
            )
            for key, blob in rows:
                found[key] = np.frombuffer(blob, dtype=np.float32).copy()
        return found

    def put_many(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        """Remember ``vectors[i]`` as the vector of ``keys[i]`` (an existing entry is kept)."""
        if not len(keys):
            return
        assert len(keys) == len(vectors), "one vector per key"
        rows = [
            (self.model, key, np.ascontiguousarray(vector, dtype=np.float32).tobytes())
            for key, vector in zip(keys, vectors, strict=True)
        ]
        with self.ledger.transaction() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO vector_cache(model, text_hash, vector) VALUES (?, ?, ?)", rows
            )

    def collect_garbage(self) -> int:
        """Drop the entries no chunk row names, and those of other models; return how many went."""
        with self.ledger.transaction() as conn:
            cursor = conn.execute(
                "DELETE FROM vector_cache WHERE model != ?"
                " OR text_hash NOT IN (SELECT text_hash FROM chunks)",
                (self.model,),
            )
            return int(cursor.rowcount)

    def __len__(self) -> int:
        row = self.ledger.conn.execute("SELECT COUNT(*) FROM vector_cache WHERE model = ?", (self.model,))
        return int(row.fetchone()[0])
