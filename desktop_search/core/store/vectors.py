"""The dense side of the store: one Chroma collection per embedding model, on disk.

Chroma holds each chunk's vector and the metadata that filters need (path, root folder, every
ancestor folder, extension, mtime, page, whether the chunk is navigation). Texts live in the SQLite
ledger. Telemetry is off.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from desktop_search.core.store.write_marker import WriteMarker

log = logging.getLogger(__name__)

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

# candidates HNSW keeps while it searches (Chroma's default is 100). At 100, a query over the real
# manuals (10,064 passages) got on average 98.4 % of its true 20 nearest passages, and 60 % for the
# worst of 51 questions; at 400, 99.9 % (worst 95 %) for about 1.5 ms more per query
# (benchmarks/ann_recall.py). A query asking for more results than this searches with its own k.
EF_SEARCH = 400


class VectorStoreDamaged(Exception):
    """Chroma cannot read the collection back: its HNSW files were left half-written by a crash
    (seen after kill -9 while vectors were being written)."""


def _is_damage(err: BaseException) -> bool:
    """Chroma's InternalError that is not a full, read-only or locked disk (those say what to do)."""
    from chromadb.errors import InternalError

    from desktop_search.core.store.errors import store_error

    return isinstance(err, InternalError) and store_error(err) is err


@dataclass(frozen=True)
class VectorMeta:
    """What Chroma keeps beside a vector."""

    path: str  # path key
    folder: str  # the watched root folder
    dirs: tuple[str, ...]  # every ancestor folder (folder filters)
    ext: str
    mtime: float
    page: int | None = None
    navigation: bool = False  # a table of contents or an index

    def as_dict(self) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "path": self.path,
            "folder": self.folder,
            "dirs": list(self.dirs),
            "ext": self.ext,
            "mtime": float(self.mtime),
            "navigation": bool(self.navigation),
        }
        if self.page is not None:
            meta["page"] = int(self.page)
        return meta


@dataclass(frozen=True)
class DenseHit:
    chunk_id: str
    similarity: float  # cosine similarity


def collection_name(model_name: str) -> str:
    """A valid Chroma collection name for a model (3-512 chars of [a-zA-Z0-9._-])."""
    slug = re.sub(r"[^a-zA-Z0-9._-]+", "-", model_name).strip("-._") or "model"
    return f"chunks-{slug}"[:200]


class VectorStore:
    """A Chroma PersistentClient and the collection of one model."""

    def __init__(self, chroma_dir: Path, model_name: str, write_marker: WriteMarker | None = None) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._client = chromadb.PersistentClient(
            path=str(chroma_dir),
            settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
        )
        self.model_name = model_name
        try:
            self._collection = self._client.get_or_create_collection(
                collection_name(model_name),
                configuration={"hnsw": {"space": "cosine", "ef_search": EF_SEARCH}},
                metadata={"model": model_name},
            )
            self._collection.count()  # loads the HNSW index and replays Chroma's log: damage shows here
        except Exception as err:
            if not _is_damage(err):
                raise
            self.close()
            raise VectorStoreDamaged(str(err)) from err
        self._write_marker = write_marker
        self._raise_ef_search()
        self._lock = threading.Lock()
        self.changes = 0  # vectors upserted or deleted by id (delete_paths shows in the passage count)

    def close(self) -> None:
        """Release Chroma's files (a damaged store is closed before its folder is replaced)."""
        close = getattr(self._client, "close", None)  # the Client has it; the ClientAPI type does not
        if close is not None:
            with contextlib.suppress(Exception):
                close()

    def _raise_ef_search(self) -> None:
        """Give a collection made before :data:`EF_SEARCH` existed the same search breadth."""
        if self.ef_search >= EF_SEARCH:
            return
        self._writing()
        try:
            self._collection.modify(configuration={"hnsw": {"ef_search": EF_SEARCH}})
        except Exception as exc:  # an older index still answers, with Chroma's default breadth
            log.warning("could not widen the vector search of %s: %s", self._collection.name, exc)

    @property
    def ef_search(self) -> int:
        """The collection's HNSW search breadth."""
        hnsw = (self._collection.configuration or {}).get("hnsw") or {}
        return int(hnsw.get("ef_search") or 0)

    @property
    def collection(self) -> Any:
        return self._collection

    def count(self) -> int:
        return int(self._collection.count())

    def _writing(self) -> None:
        """Before any write: a kill from now on may leave the HNSW files cut short."""
        if self._write_marker is not None:
            self._write_marker.set()

    def upsert(self, ids: Sequence[str], vectors: np.ndarray, metas: Sequence[VectorMeta]) -> None:
        if not ids:
            return
        self._writing()
        self._collection.upsert(
            ids=list(ids),
            embeddings=np.asarray(vectors, dtype=np.float32),
            metadatas=[m.as_dict() for m in metas],
        )
        self.changes += len(ids)

    def delete(self, ids: Sequence[str]) -> None:
        ids = list(ids)
        if ids:
            self._writing()
        for i in range(0, len(ids), 5000):
            self._collection.delete(ids=ids[i : i + 5000])
        self.changes += len(ids)

    def delete_paths(self, paths: Sequence[str]) -> None:
        paths = list(paths)
        if paths:
            self._writing()
        for i in range(0, len(paths), 500):
            where: Any = {"path": {"$in": paths[i : i + 500]}}
            self._collection.delete(where=where)

    def ids_of_path(self, path: str) -> list[str]:
        return list(self._collection.get(where={"path": path}, include=[])["ids"])

    def get_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        if not ids:
            return {}
        found: dict[str, np.ndarray] = {}
        for at in range(0, len(ids), 5000):
            got = self._collection.get(ids=list(ids[at : at + 5000]), include=["embeddings"])
            embeddings = got["embeddings"]
            if embeddings is not None:
                found.update(
                    zip(got["ids"], (np.asarray(v, dtype=np.float32) for v in embeddings), strict=True)
                )
        return found

    def all_ids(self) -> set[str]:
        ids: set[str] = set()
        total = self.count()
        for offset in range(0, total, 10000):
            ids.update(self._collection.get(include=[], limit=10000, offset=offset)["ids"])
        return ids

    def query(
        self,
        vector: np.ndarray,
        k: int,
        where: dict[str, Any] | None = None,
        exclude_ids: Sequence[str] = (),
    ) -> list[DenseHit]:
        """Nearest chunks by cosine similarity; ``where`` (a Chroma filter over :class:`VectorMeta`,
        built by ``search.filters.chroma_where``) applies inside the query."""
        if k <= 0:  # an empty collection answers with no ids; counting first costs a round trip
            return []
        n = k + len(exclude_ids)
        result = self._collection.query(
            query_embeddings=np.asarray(vector, dtype=np.float32).reshape(1, -1),
            n_results=n,
            where=where,
            include=["distances"],
        )
        distances = result["distances"]
        if distances is None:
            return []
        skip = set(exclude_ids)
        hits = [
            DenseHit(cid, 1.0 - float(dist))
            for cid, dist in zip(result["ids"][0], distances[0], strict=True)
            if cid not in skip
        ]
        return hits[:k]

    def drop(self) -> None:
        """Delete this model's collection (after a model switch)."""
        self._client.delete_collection(self._collection.name)

    def other_collections(self) -> list[str]:
        return [c.name for c in self._client.list_collections() if c.name != self._collection.name]
