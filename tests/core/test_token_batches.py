"""Truncation, length-sorted batching and padding of token id lists."""

from __future__ import annotations

import pytest

from desktop_search.core.model.token_batches import (
    ATTENTION_CELLS,
    TORCH_CPU_CELLS,
    TORCH_CPU_TOKENS,
    bounded_batches,
    length_sorted_batches,
    padded,
    truncate,
)


def test_truncate_keeps_the_closing_token() -> None:
    assert truncate([0, 5, 6, 7, 2], 4) == [0, 5, 6, 2]
    assert truncate([0, 5, 2], 4) == [0, 5, 2]


def test_batches_group_similar_lengths_longest_first() -> None:
    batches = length_sorted_batches([3, 10, 1, 7, 5], 2)
    assert batches == [[1, 3], [4, 0], [2]]
    assert sorted(i for b in batches for i in b) == [0, 1, 2, 3, 4]
    assert length_sorted_batches([], 8) == []


def test_batches_of_long_rows_are_cut_to_the_attention_budget() -> None:
    lengths = [512] * 20 + [384] * 10 + [100] * 40
    batches = bounded_batches(lengths, 32)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        width = max(lengths[i] for i in batch)
        assert len(batch) * width * width <= ATTENTION_CELLS or len(batch) == 1
    assert [len(b) for b in batches[:3]] == [8, 8, 8]  # 512-token rows, 8 at a time
    assert max(len(b) for b in batches) == 32  # short rows keep whole batches
    assert bounded_batches(lengths, 32, max_cells=1) == [
        [i] for b in length_sorted_batches(lengths, 32) for i in b
    ]
    assert bounded_batches([], 8) == []


def test_torch_cpu_batches_are_cut_to_the_token_budget_too() -> None:
    lengths = [512] * 20 + [256] * 10 + [100] * 40 + [40] * 70
    batches = bounded_batches(lengths, 32, TORCH_CPU_CELLS, TORCH_CPU_TOKENS)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        width = max(lengths[i] for i in batch)
        assert len(batch) == 1 or (
            len(batch) * width <= TORCH_CPU_TOKENS and len(batch) * width * width <= TORCH_CPU_CELLS
        )
    sizes = [len(b) for b in batches]
    assert sizes[:10] == [2] * 10  # 512-token rows: two at a time (attention cells)
    assert sizes[10:12] == [8, 4]  # 256-token rows: eight (both budgets); two more with two of 100
    assert max(sizes) == 32  # short rows keep whole batches


def test_the_budget_counts_the_width_a_batch_is_padded_to() -> None:
    budget = (TORCH_CPU_CELLS, TORCH_CPU_TOKENS)
    assert [len(b) for b in bounded_batches([200] * 12, 32, *budget)] == [10, 2]  # 10 x 200 tokens
    assert [len(b) for b in bounded_batches([200] * 12, 32, *budget, step=32)] == [9, 3]  # padded to 224


def test_padding_and_mask() -> None:
    ids, mask = padded([[0, 9, 2], [0, 2]], pad_id=1)
    assert ids.tolist() == [[0, 9, 2], [0, 2, 1]] and ids.dtype.name == "int64"
    assert mask.tolist() == [[1, 1, 1], [1, 1, 0]]


def test_widths_round_up_to_the_step_but_never_past_the_limit() -> None:
    ids, mask = padded([[0, 9, 2], [0, 2]], pad_id=1, step=32)
    assert ids.shape == (2, 32) and mask.sum() == 5 and (ids[:, 3:] == 1).all()
    assert padded([[0] * 33], pad_id=1, step=32)[0].shape == (1, 64)
    assert padded([[0] * 500], pad_id=1, step=32, limit=510)[0].shape == (1, 510)  # not 512
    assert padded([[0] * 40], pad_id=1, step=32, limit=510)[0].shape == (1, 64)
    assert padded([], pad_id=1, step=32)[0].shape == (0, 0)


@pytest.mark.model
def test_rounded_widths_change_no_vector_of_the_real_model(real_encoder) -> None:
    """Padding is masked: a passage embeds the same alone (padded to 32), beside a longer one, and as
    sentence-transformers' own encode (padded to its longest row only) embeds it."""
    import numpy as np

    short = "Bees make honey from nectar."
    longer = "Honey bees store nectar in wax cells. " * 12
    alone = real_encoder.embed_documents([short])[0]
    beside = real_encoder.embed_documents([short, longer])[0]
    reference = real_encoder.model.encode(["passage: " + short], normalize_embeddings=True)[0]
    assert float(np.dot(alone, beside)) > 0.99999
    assert float(np.dot(alone, reference)) > 0.99999
