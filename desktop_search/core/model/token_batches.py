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


# An int8 batch's attention scores take rows x heads x width^2 floats, and ONNX Runtime's arena keeps
# the largest it has served: one batch of 32 rows of 512 tokens took the process from 560 to 1,485 MB
# for good (2-core Zen 4, multilingual-e5-small int8). Batches of long rows are therefore cut so that
# rows x width^2 stays within 32 rows of 256 tokens: 512-token rows go 8 at a time, which also ran
# faster (9.3 rows/s against 9.2 at 32; peak RSS 554 MB against 1,456).
ATTENTION_CELLS = 32 * 256 * 256

# torch batches on the CPU are cut further, to at most TORCH_CPU_TOKENS tokens (rows x padded width)
# and TORCH_CPU_CELLS attention cells, so that a batch's largest activations (the feed-forward layer's
# rows x width x 1536 floats and the attention scores' rows x 12 heads x width^2 in
# multilingual-e5-small) stay under 32 MB: glibc maps every larger block afresh and the kernel zeroes
# its pages at each batch. benchmarks/indexing.py --one float32 on 600 SciFact files (1,439 passages,
# AVX2-only EPYC, 2 threads, two pairs of runs alternated with the whole batches of 32 before): page
# faults 0.7-1.1 M against 12.6-13.2 M, system time 8-10 against 46-50 s, pipeline 9.22-10.19 against
# 8.22-8.64 chunks/s (bare encoder 9.59-10.92 against 8.74-9.06), peak RSS 1,242-1,245 against
# 1,374-1,380 MB. ONNX int8 batches cut the same way took 200 MB less memory but were no faster
# (14.1-14.9 against 14.6-14.8 chunks/s, bare 14.3-15.5 against 15.4-16.3), so they keep
# ATTENTION_CELLS alone. Short passages keep whole batches (32 rows of 64 tokens).
TORCH_CPU_TOKENS = 8 * 256
TORCH_CPU_CELLS = 8 * 256 * 256


def rounded_up(width: int, step: int) -> int:
    """``width`` rounded up to a multiple of ``step``: the width :func:`padded` pads a batch to."""
    return -(-width // step) * step


def bounded_batches(
    lengths: Sequence[int],
    batch_size: int,
    max_cells: int = ATTENTION_CELLS,
    max_tokens: int = 0,
    step: int = 1,
) -> list[list[int]]:
    """:func:`length_sorted_batches`, each cut so that a piece's rows times its width (its first,
    longest row, rounded up to a multiple of ``step`` as :func:`padded` pads it) stays within
    ``max_tokens`` (when set) and its rows times its width squared within ``max_cells``; a piece has at
    least one row."""
    batches: list[list[int]] = []
    for batch in length_sorted_batches(lengths, batch_size):
        piece: list[int] = []
        for i in batch:
            longest = max(1, lengths[piece[0]] if piece else lengths[i])
            width = rounded_up(longest, step)
            rows = len(piece) + 1
            too_many_tokens = bool(max_tokens) and rows * width > max_tokens
            if piece and (too_many_tokens or rows * width * width > max_cells):
                batches.append(piece)
                piece = []
            piece.append(i)
        if piece:
            batches.append(piece)
    return batches


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
    width = rounded_up(longest, step)
    if limit:
        width = max(longest, min(width, limit))
    ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    return ids, mask
