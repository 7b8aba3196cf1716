"""The torch forward pass of the embedder's document and query batches: length-sorted padded batches of
token ids through the sentence-transformers modules, normalised, on the model's device.

A batch list can stop early between batches (``stop``): the CPU's switch from torch to the int8 ONNX
encoder waits for the torch batch in flight, and a call of several hundred passages would otherwise
keep the slower encoder running for tens of seconds after the faster one is ready.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from desktop_search.core.model.token_batches import (
    TORCH_CPU_CELLS,
    TORCH_CPU_TOKENS,
    TORCH_WIDTH_STEP,
    bounded_batches,
    length_sorted_batches,
    padded,
)


def torch_batches(
    model: Any,
    rows: Sequence[Sequence[int]],
    out: np.ndarray,
    pad_id: int,
    batch_size: int,
    stop: Callable[[], bool] = lambda: False,
    bounded: bool = False,
) -> list[int]:
    """Fill ``out``'s rows with the normalised vectors of ``rows``; the indices left undone because
    ``stop()`` was true after a batch (at least one batch always runs), in no particular order.

    ``bounded`` (the CPU) cuts batches to :data:`TORCH_CPU_TOKENS` and :data:`TORCH_CPU_CELLS`."""
    import torch

    done = []  # kept on the device until the end: no sync per batch on a GPU
    limit = int(getattr(model, "max_seq_length", 0) or 0)  # widths rounded up, never past it
    lengths = [len(r) for r in rows]
    if bounded:
        batches = bounded_batches(lengths, batch_size, TORCH_CPU_CELLS, TORCH_CPU_TOKENS, TORCH_WIDTH_STEP)
    else:
        batches = length_sorted_batches(lengths, batch_size)
    left: list[int] = []
    for n, batch in enumerate(batches):
        if n and stop():
            left = [i for rest in batches[n:] for i in rest]
            break
        ids, mask = padded([rows[i] for i in batch], pad_id, TORCH_WIDTH_STEP, limit)
        features = {
            "input_ids": torch.from_numpy(ids).to(model.device),
            "attention_mask": torch.from_numpy(mask).to(model.device),
        }
        with torch.inference_mode():
            vectors = model(features)["sentence_embedding"].float()
            done.append((batch, vectors / vectors.norm(dim=1, keepdim=True).clamp_min(1e-12)))
    for batch, vectors in done:
        out[batch] = vectors.cpu().numpy()
    return left
