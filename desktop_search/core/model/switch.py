"""Which model's index is live, and what a switch to another model needs.

Owns the active-model file (``active-model.json`` in the index folder: the model whose index serves
searches, so a switch interrupted by a crash resumes at the next start), opening a model's embedder and
its store, and :class:`StoreReaders`, which counts the searches in flight on each store so that the old
store of a switch is closed and deleted only once no search uses it.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_search.core.config.atomic_file import write_atomic
from desktop_search.core.config.paths import AppPaths
from desktop_search.core.config.settings import Settings
from desktop_search.core.model.protocol import Embedder
from desktop_search.core.store.errors import store_error

if TYPE_CHECKING:
    from desktop_search.core.store.store import Store

log = logging.getLogger(__name__)

ACTIVE_MODEL_FILE = "active-model.json"


class ActiveModel:
    """The active-model file of an index folder."""

    def __init__(self, index_dir: Path) -> None:
        self.file = index_dir / ACTIVE_MODEL_FILE

    def read(self) -> str | None:
        """The live model's name; None when no (readable) file says."""
        try:
            return str(json.loads(self.file.read_text())["model"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, model_name: str) -> None:
        """Make ``model_name`` the live model (atomically; nothing is written when it already is)."""
        if self.read() == model_name:
            return
        write_atomic(self.file, json.dumps({"model": model_name}).encode("utf-8"))


def store_dir(index_dir: Path, model_name: str) -> Path:
    """The folder of ``model_name``'s index."""
    from desktop_search.core.store.vectors import collection_name

    return index_dir / collection_name(model_name)


def open_store(index_dir: Path, model_name: str) -> Store:
    """Open (or create) ``model_name``'s index; store failures become StoreUnavailableError."""
    from desktop_search.core.store.store import Store

    try:
        index_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        index_dir.chmod(0o700)
        return Store(store_dir(index_dir, model_name), model_name)
    except Exception as err:
        raise store_error(err) from err


def delete_store(index_dir: Path, model_name: str) -> None:
    """Remove a model's index folder (after a switch away from it); what cannot be removed is logged."""
    folder = store_dir(index_dir, model_name)
    shutil.rmtree(folder, ignore_errors=True)
    if folder.exists():
        log.warning(
            "could not remove the index of %s at %s; delete that folder to free its space", model_name, folder
        )


def create_embedder(settings: Settings, paths: AppPaths, model_name: str) -> Embedder:
    """The (unloaded) embedder for ``model_name``: the configured model, or another one by name."""
    from desktop_search.core.model.source import create_embedder as create

    if model_name == settings.model:
        return create(settings, paths)
    return create(dataclasses.replace(settings, model=model_name, model_path=""), paths)


class StoreReaders:
    """Counts the searches in flight per store, so a retired store closes only once they are over."""

    def __init__(self) -> None:
        self._counts: dict[int, int] = {}  # by id(store)
        self._changed = threading.Condition()

    def enter(self, store: Store) -> None:
        with self._changed:
            self._counts[id(store)] = self._counts.get(id(store), 0) + 1

    def leave(self, store: Store) -> None:
        with self._changed:
            self._counts[id(store)] -= 1
            self._changed.notify_all()

    def retire(self, store: Store, timeout: float = 60.0) -> None:
        """Close a store that is no longer live once the searches still using it are over."""
        with self._changed:
            self._changed.wait_for(lambda: self._counts.get(id(store), 0) == 0, timeout)
            self._counts.pop(id(store), None)
        store.close()
