"""The index on disk: the SQLite ledger (files, chunk texts, keyword index) and Chroma's vectors.

Owns the schema, the ledger, the vector collection, the ``Store`` that keeps the two consistent
(vectors first, then the ledger row) with its check and repair, and the path keys that make any file
name storable. Imports ``records`` and ``errors`` only; ``search`` reads through it.
"""
