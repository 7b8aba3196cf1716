"""The dense side of the store: one live Chroma collection per embedding model, on disk.

Chroma holds each chunk's vector and the metadata that filters need (path, root folder, every
ancestor folder, extension, mtime, page, whether the chunk is navigation). Texts live in the SQLite
ledger. Telemetry is off. A compaction copies the live vectors into the model's next collection
(:mod:`~desktop_search.core.store.generations` says which one is live).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import shutil
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from desktop_search.core.store.generations import (
    COMPLETE,
    GENERATION,
    Generation,
    generation_name,
    generation_of,
    hnsw_slots,
    live_generation,
    orphan_segment_dirs,
    segment_dir,
)
from desktop_search.core.store.write_marker import WriteMarker

T = TypeVar("T")

log = logging.getLogger(__name__)

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

# candidates HNSW keeps while it searches (Chroma's default is 100). At 100, a query over the real
# manuals (10,064 passages) got on average 98.4 % of its true 20 nearest passages, and 60 % for the
# worst of 51 questions; at 400, 99.9 % (worst 95 %) for about 1.5 ms more per query
# (benchmarks/ann_recall.py). A query asking for more results than this searches with its own k.
EF_SEARCH = 400
COPY_BATCH = 2000  # vectors a compaction copies per step (Chroma adds about 1,000 a second here)


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


def _embeddings_of(collection: Any, ids: list[str]) -> Any:
    return collection.get(ids=ids, include=["embeddings"])


def _ids_page(collection: Any, offset: int) -> list[str]:
    return list(collection.get(include=[], limit=10000, offset=offset)["ids"])


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
        self._chroma_dir = chroma_dir
        self._base = collection_name(model_name)
        try:
            self._collection = self._open_live()
            self._collection.count()  # loads the HNSW index and replays Chroma's log: damage shows here
        except Exception as err:
            if not _is_damage(err):
                raise
            self.close()
            raise VectorStoreDamaged(str(err)) from err
        self._write_marker = write_marker
        self._raise_ef_search()
        self._lock = threading.Lock()
        self._shadow: Any = None  # the next generation while a compaction fills it: writes go to both
        self._reads = 0  # reads in flight (a compacted generation is deleted once they are over)
        self._reads_done = threading.Condition(self._lock)
        self.changes = 0  # vectors upserted or deleted by id (delete_paths shows in the passage count)

    def _generations(self) -> list[Generation]:
        """This model's collections, as generations."""
        found = (generation_of(self._base, c.name, c.metadata) for c in self._client.list_collections())
        return [g for g in found if g is not None]

    def _open_live(self) -> Any:
        """The model's live collection (created empty when there is none)."""
        live = live_generation(self._generations())
        if live is not None:
            return self._client.get_collection(live.name)
        return self._client.get_or_create_collection(
            self._base, configuration=self._configuration(), metadata={"model": self.model_name}
        )

    @staticmethod
    def _configuration() -> Any:
        return {"hnsw": {"space": "cosine", "ef_search": EF_SEARCH}}

    def _read(self, read: Callable[[Any], T]) -> T:
        """``read`` on the live collection. Another process's compaction deletes the collection this one
        opened: the read is then repeated on the collection that is live now."""
        from chromadb.errors import NotFoundError

        with self._lock:
            collection = self._collection
            self._reads += 1
        try:
            return read(collection)
        except NotFoundError:
            with self._lock:
                if self._collection is collection:
                    self._collection = self._open_live()
                collection = self._collection
            return read(collection)
        finally:
            with self._lock:
                self._reads -= 1
                self._reads_done.notify_all()

    def _targets(self) -> list[Any]:
        """The collections a write goes to: the live one, and the one a compaction fills."""
        return [self._collection] if self._shadow is None else [self._collection, self._shadow]

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
        return int(self._read(lambda c: c.count()))

    def _writing(self) -> None:
        """Before any write: a kill from now on may leave the HNSW files cut short."""
        if self._write_marker is not None:
            self._write_marker.set()

    def upsert(self, ids: Sequence[str], vectors: np.ndarray, metas: Sequence[VectorMeta]) -> None:
        if not ids:
            return
        self._writing()
        embeddings = np.asarray(vectors, dtype=np.float32)
        for collection in self._targets():
            collection.upsert(ids=list(ids), embeddings=embeddings, metadatas=[m.as_dict() for m in metas])
        self.changes += len(ids)

    def delete(self, ids: Sequence[str]) -> None:
        ids = list(ids)
        if ids:
            self._writing()
        for i in range(0, len(ids), 5000):
            for collection in self._targets():
                collection.delete(ids=ids[i : i + 5000])
        self.changes += len(ids)

    def delete_paths(self, paths: Sequence[str]) -> None:
        paths = list(paths)
        if paths:
            self._writing()
        for i in range(0, len(paths), 500):
            where: Any = {"path": {"$in": paths[i : i + 500]}}
            for collection in self._targets():
                collection.delete(where=where)

    def ids_of_path(self, path: str) -> list[str]:
        return list(self._read(lambda c: c.get(where={"path": path}, include=[])["ids"]))

    def get_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        if not ids:
            return {}
        found: dict[str, np.ndarray] = {}
        for at in range(0, len(ids), 5000):
            part = list(ids[at : at + 5000])
            got = self._read(functools.partial(_embeddings_of, ids=part))
            embeddings = got["embeddings"]
            if embeddings is not None:
                found.update(
                    zip(got["ids"], (np.asarray(v, dtype=np.float32) for v in embeddings), strict=True)
                )
        return found

    def all_ids(self) -> set[str]:
        ids: set[str] = set()
        for offset in range(0, self.count(), 10000):
            ids.update(self._read(functools.partial(_ids_page, offset=offset)))
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
        embedding = np.asarray(vector, dtype=np.float32).reshape(1, -1)
        result = self._read(
            lambda c: c.query(query_embeddings=embedding, n_results=n, where=where, include=["distances"])
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

    # -- compaction ----------------------------------------------------------------------------------

    def slots(self) -> int | None:
        """Slots the live collection's HNSW index has filled, deleted vectors' included (see
        :func:`~desktop_search.core.store.generations.hnsw_slots`); None when unknown."""
        folder = segment_dir(self._chroma_dir, str(self._collection.id))
        return None if folder is None else hnsw_slots(folder)

    def compact(
        self,
        write_lock: AbstractContextManager[Any],
        checkpoint: Callable[[], None],
        progress: Callable[[int, int], None],
    ) -> None:
        """Copy the live vectors into the model's next generation and make it live; the old one, and
        what earlier compactions left, are deleted (only the writer compacts).

        Copies :data:`COPY_BATCH` vectors a step under ``write_lock`` (the store's): writes between
        steps go to both collections, so the copy misses none. ``checkpoint`` may raise (pause,
        cancel): the new generation is then deleted and the old one stays live.
        """
        self.remove_stale()
        old = self._collection
        current = generation_of(self._base, old.name, old.metadata)
        number = (current.number if current is not None else 0) + 1
        metadata = {"model": self.model_name, GENERATION: number, COMPLETE: False}
        with write_lock:
            self._writing()
            new = self._client.create_collection(
                generation_name(self._base, number), configuration=self._configuration(), metadata=metadata
            )
            self._shadow = new
        try:
            ids = sorted(self.all_ids())
            for start in range(0, len(ids), COPY_BATCH):
                checkpoint()
                with write_lock:
                    got = old.get(ids=ids[start : start + COPY_BATCH], include=["embeddings", "metadatas"])
                    if got["ids"]:  # a vector deleted meanwhile is gone from both
                        self._writing()
                        new.upsert(ids=got["ids"], embeddings=got["embeddings"], metadatas=got["metadatas"])
                progress(min(start + COPY_BATCH, len(ids)), len(ids))
            with write_lock:
                new.modify(metadata={**metadata, COMPLETE: True})
                with self._lock:
                    self._collection, self._shadow = new, None
        except BaseException:
            with write_lock:
                self._shadow = None
                with contextlib.suppress(Exception):
                    self._client.delete_collection(new.name)
            raise
        self.remove_stale()

    def remove_stale(self) -> None:
        """Delete the model's collections that are not live (a compaction's old generation, or a new
        one a crash cut short) and the HNSW folders of deleted collections; only the writer calls it."""
        with self._lock:  # searches still on an old generation finish first (they take milliseconds)
            self._reads_done.wait_for(lambda: self._reads == 0, timeout=10.0)
            live = self._collection.name
        for stale in (g for g in self._generations() if g.name != live):
            self._writing()
            with contextlib.suppress(Exception):
                self._client.delete_collection(stale.name)
        for folder in orphan_segment_dirs(self._chroma_dir):
            shutil.rmtree(folder, ignore_errors=True)
