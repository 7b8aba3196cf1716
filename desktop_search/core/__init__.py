"""Qt-free core: settings, extraction, chunking, embedding, storage, indexing and search.

Importing this package is cheap: heavy libraries (torch, sentence-transformers, chromadb)
are imported lazily by the modules that need them.
"""
