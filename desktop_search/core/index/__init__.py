"""Indexing: from watched folders to an up-to-date index.

Owns the background service (the long-lived indexer thread), the one change planner (scan diff and
single paths), folder bookkeeping, the exclusion rules (including the one temporary-file rule),
chunking, the indexer pipeline (extract → chunk → embed → store), job control and the writer lock.
May import ``config``, ``extract``, ``model`` (the ``Embedder`` protocol), ``store`` and ``watch``;
never ``search`` and never Qt.
"""
