"""Truncation, length-sorted batching and padding of token id lists."""

from __future__ import annotations

from desktop_search.core.model.token_batches import length_sorted_batches, padded, truncate


def test_truncate_keeps_the_closing_token() -> None:
    assert truncate([0, 5, 6, 7, 2], 4) == [0, 5, 6, 2]
    assert truncate([0, 5, 2], 4) == [0, 5, 2]


def test_batches_group_similar_lengths_longest_first() -> None:
    batches = length_sorted_batches([3, 10, 1, 7, 5], 2)
    assert batches == [[1, 3], [4, 0], [2]]
    assert sorted(i for b in batches for i in b) == [0, 1, 2, 3, 4]
    assert length_sorted_batches([], 8) == []


def test_padding_and_mask() -> None:
    ids, mask = padded([[0, 9, 2], [0, 2]], pad_id=1)
    assert ids.tolist() == [[0, 9, 2], [0, 2, 1]] and ids.dtype.name == "int64"
    assert mask.tolist() == [[1, 1, 1], [1, 1, 0]]
