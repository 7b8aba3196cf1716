"""The float16 word-embedding table: same rows, half the memory, same vectors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from desktop_search.core.model import half_embeddings
from desktop_search.core.model.half_embeddings import HalfStoredEmbedding, compact_word_embeddings


class _Encoder(torch.nn.Module):
    def __init__(self, vocabulary: int) -> None:
        super().__init__()
        self.words = torch.nn.Embedding(vocabulary, 8, padding_idx=1)
        self.proj = torch.nn.Linear(8, 4)

    def get_input_embeddings(self) -> torch.nn.Module:
        return self.words

    def set_input_embeddings(self, value: torch.nn.Module) -> None:
        self.words = value


def test_rows_are_the_float16_rounding_of_the_table() -> None:
    table = torch.nn.Embedding(50, 8)
    with torch.no_grad():
        table.weight.copy_(table.weight.half().float())  # exactly representable, as in the bundled model
    half = HalfStoredEmbedding(table)
    ids = torch.tensor([[0, 5, 49], [3, 3, 1]])
    assert torch.equal(half(ids), table(ids))
    assert half(ids).dtype == torch.float32 and half.table.dtype == torch.float16


def test_only_large_float32_vocabularies_are_compacted(monkeypatch) -> None:
    monkeypatch.setattr(half_embeddings, "LARGE_VOCABULARY", 100)
    small, large = _Encoder(50), _Encoder(200)
    assert not compact_word_embeddings(small)
    assert compact_word_embeddings(large)
    assert isinstance(large.words, HalfStoredEmbedding)
    assert all(p.dtype == torch.float32 for p in large.parameters())  # the table is not a parameter
    large.float()
    assert large.words.table.dtype == torch.float16  # .float() does not widen it again


@pytest.mark.model
def test_the_real_model_is_compacted_without_changing_its_vectors(real_encoder, real_model_folder) -> None:
    from sentence_transformers import SentenceTransformer

    from desktop_search.core.model.loading import stored_in_float16

    assert stored_in_float16(real_model_folder)  # so it was loaded in float16 and widened
    assert isinstance(real_encoder.model[0].auto_model.get_input_embeddings(), HalfStoredEmbedding)
    assert {p.dtype for p in real_encoder.model.parameters()} == {torch.float32}
    texts = ["passage: Bees keep the hive warm in winter.", "passage: 量子计算机如何工作"]
    plain = SentenceTransformer(
        str(real_model_folder), device="cpu", local_files_only=True, model_kwargs={"dtype": torch.float32}
    )
    reference = plain.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    ours = real_encoder.model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    assert (np.einsum("ij,ij->i", ours, reference) > 0.99999).all()


def test_dropped_weights_free_the_half_table_too(monkeypatch) -> None:
    from desktop_search.core.model.loading import drop_weights

    monkeypatch.setattr(half_embeddings, "LARGE_VOCABULARY", 100)
    encoder = _Encoder(200)
    assert compact_word_embeddings(encoder)
    drop_weights(encoder)
    assert encoder.words.table.device.type == "meta"
    assert {p.device.type for p in encoder.parameters()} == {"meta"}


def test_a_missing_or_float32_checkpoint_is_not_read_as_float16(tmp_path) -> None:
    import json
    import struct

    from desktop_search.core.model.loading import stored_in_float16

    assert not stored_in_float16(tmp_path)  # no file
    header = json.dumps({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}).encode()
    (tmp_path / "model.safetensors").write_bytes(struct.pack("<Q", len(header)) + header + b"\0" * 4)
    assert not stored_in_float16(tmp_path)
    (tmp_path / "model.safetensors").write_bytes(b"garbage")
    assert not stored_in_float16(tmp_path)
