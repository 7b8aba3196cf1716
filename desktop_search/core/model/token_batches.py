"""Token id lists into model batches: truncation, length-sorted batching and padding (numpy, no torch).

The embedder tokenizes with one shared fast tokenizer and pads here itself, so no thread ever changes
the tokenizer's padding or truncation state (see
:class:`~desktop_search.core.model.tokenizer.SharedTokenizer`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def truncate(ids: Sequence[int], max_tokens: int) -> list[int]:
    """At most ``max_tokens`` ids, keeping the closing special token (``</s>``) as the tokenizer would."""
    if len(ids) <= max_tokens:
        return list(ids)
    return [*ids[: max_tokens - 1], ids[-1]]


def length_sorted_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length, longest first, so little is padded."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    return [order[start : start + batch_size] for start in range(0, len(order), batch_size)]


def padded(rows: Sequence[Sequence[int]], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """``(input_ids, attention_mask)`` as int64 arrays, padded on the right to the longest row."""
    width = max((len(r) for r in rows), default=0)
    ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    return ids, mask
