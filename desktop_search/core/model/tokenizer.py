"""The one tokenizer all threads share (counting, queries, documents): a :class:`TokenEncoder`.

A Unigram tokenizer of the XLM-R kind (the default model's) is run by SentencePiece
(:mod:`~desktop_search.core.model.compact_tokenizer`: the same ids in a sixth of the memory); any other
is the model's fast tokenizer behind :class:`SharedTokenizer`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Protocol


class TokenEncoder(Protocol):
    """Token ids of texts, special tokens included, neither padded nor truncated; any thread."""

    pad_id: int

    def encode(self, texts: Sequence[str]) -> list[list[int]]: ...


class SharedTokenizer:
    """A model's fast tokenizer, shared by all threads with padding and truncation off.

    ``transformers`` switches padding and truncation on and off around each call of its tokenizer
    wrapper, which breaks batches tokenized at the same moment on another thread; a private copy per
    thread avoids that but costs about 260 MB each for a 250k-word vocabulary. So the app never calls
    the wrapper: it encodes through the wrapper's backend (``tokenizers.Tokenizer``, whose ``encode``
    calls may run in parallel) and truncates and pads itself (:mod:`token_batches`).
    """

    def __init__(self, hf_tokenizer: Any) -> None:
        self._wrapper = hf_tokenizer
        self._backend = getattr(hf_tokenizer, "backend_tokenizer", None)  # None for a "slow" tokenizer
        self._lock = threading.Lock()
        pad_id = getattr(hf_tokenizer, "pad_token_id", None)
        self.pad_id = int(pad_id) if pad_id is not None else 0
        self._reset()

    def _reset(self) -> None:
        if self._backend is None:
            return
        with self._lock:
            if self._backend.padding is not None:
                self._backend.no_padding()
            if self._backend.truncation is not None:
                self._backend.no_truncation()

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of each text, special tokens included, neither padded nor truncated."""
        if self._backend is None:  # a pure-Python tokenizer has no shared padding state, but is slow
            with self._lock:
                return [list(ids) for ids in self._wrapper(list(texts), add_special_tokens=True)["input_ids"]]
        if self._backend.padding is not None or self._backend.truncation is not None:
            self._reset()  # only after someone used ``SentenceTransformer.encode`` on this model
        return [e.ids for e in self._backend.encode_batch(list(texts), add_special_tokens=True)]


def fast_folder_tokenizer(folder: Path) -> SharedTokenizer | None:
    """A model folder's fast tokenizer alone (its ``tokenizer.json`` through ``tokenizers``), without the
    model: about a second to load instead of the model's many, so passages can be cut while the model
    loads (when SentencePiece cannot run it: :mod:`.compact_tokenizer`). None when there is none."""
    file = folder / "tokenizer.json"
    if not file.is_file():
        return None
    from tokenizers import Tokenizer

    return SharedTokenizer(SimpleNamespace(backend_tokenizer=Tokenizer.from_file(str(file)), pad_token_id=0))
