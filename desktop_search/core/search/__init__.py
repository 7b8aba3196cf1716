"""Search: dense and keyword legs, fused and grouped into ``SearchHit`` results.

Owns the ``Searcher``, the keyword leg's query plan and stop words, rank fusion, highlighting and
query terms, match strength (how sure a hit is), and the one filter definition both legs apply.
Imports ``store``, ``model`` (the ``Embedder`` protocol), ``records`` and ``extract.kinds`` (which file
extensions are code); never ``index``.
"""
