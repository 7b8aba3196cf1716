"""A file's extracted text, rebuilt from the chunk rows the ledger keeps (for the preview).

Chunks carry their character offsets in the extracted text, so the rebuilt text lines up with the
offsets of search hits; gaps between chunks (text the chunker dropped) read as newlines.
"""

from __future__ import annotations

from desktop_search.core.store.ledger import Ledger


def extracted_text(ledger: Ledger, path_key: str) -> str:
    """The text of the file ``path_key`` as far as its chunks hold it; "" when it has none."""
    chunks = ledger.chunks_of(path_key)
    if not chunks:
        return ""
    size = max(c.end for c in chunks)
    buffer = ["\n"] * size
    for c in chunks:
        buffer[c.start : c.end] = list(c.text[: c.end - c.start])
    return "".join(buffer)
