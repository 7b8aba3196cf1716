"""Indexing: from watched folders to an up-to-date index.

Owns the background service (``service``: the long-lived indexer thread), the one change planner
(``planner``: full scans and single paths share one "changed" rule; ``scanner`` walks folders),
folder bookkeeping (``folders``), the user's exclusion rules (``exclusions``; the temporary-file rule
itself lives in ``extract.kinds``), chunking, the indexer pipeline (``indexer``: extract → chunk →
embed → store), one index run with its crash mark and repair (``runs``), building a new model's index
(``migration``), the status report, job control and the writer lock.
May import ``config``, ``extract``, ``model``, ``store`` and ``watch``; never ``search`` and never Qt.
"""
