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


# torch batches are padded to a multiple of this many tokens. With length-sorted batches nearly every
# batch had a width of its own, and the CPU kernels and the allocator kept memory per shape; with
# widths in steps of 32, benchmarks/indexing.py --limit 2000 on a bfloat16 CPU peaked at 1,293 / 1,326
# MB of RSS against 1,553 / 1,555, and the bare encoder ran at 94-100 passages/s against 89-91 (AMX
# tiles are 32 wide). Masked padding changes no vector: float32 cosine 1.000000 to the unpadded one,
# bfloat16 0.99999. ONNX int8 batches stay at the longest row: its activations' quantisation range
# spans the padding too (mean cosine 0.99976, min 0.9979 against unpadded int8).
TORCH_WIDTH_STEP = 32


def padded(
    rows: Sequence[Sequence[int]], pad_id: int, step: int = 1, limit: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``(input_ids, attention_mask)`` as int64 arrays, padded on the right to the longest row, rounded
    up to a multiple of ``step`` tokens but never past ``limit`` (the model's longest input) when set."""
    longest = max((len(r) for r in rows), default=0)
    width = -(-longest // step) * step
    if limit:
        width = max(longest, min(width, limit))
    ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    return ids, mask
