"""The tests' remembered vectors (tests.support.remembered_vectors): the real model's own vectors,
computed once per run and shared by the xdist workers through one file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.support.remembered_vectors import RememberedVectors, remembering


def test_two_workers_share_what_one_computed(tmp_path: Path) -> None:
    shared = tmp_path / "vectors.sqlite3"
    first, second = RememberedVectors(shared), RememberedVectors(shared)
    key = RememberedVectors.key("model", "float32", "a passage")
    vector = np.array([0.6, 0.8], dtype=np.float32)
    first.keep({key: vector})
    np.testing.assert_array_equal(second.find([key, "unknown"])[key], vector)
    assert set(second.find(["unknown"])) == set()
    assert RememberedVectors.key("model", "int8", "a passage") != key  # another precision, another vector


def test_without_a_file_vectors_stay_in_memory() -> None:
    remembered = RememberedVectors()
    key = RememberedVectors.key("model", "float32", "text")
    remembered.keep({key: np.ones(3, dtype=np.float32)})
    assert np.array_equal(remembered.find([key])[key], np.ones(3))


@pytest.mark.model
def test_the_real_model_embeds_a_passage_once_and_returns_its_own_vector(
    real_encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    remembered = RememberedVectors()
    twin = remembering(real_encoder, remembered)
    assert twin is not real_encoder and twin.model is real_encoder.model  # the same loaded model
    texts = ["Bees keep the hive warm in winter.", "A backup keeps your files safe."]
    first = twin.embed_documents(texts)
    calls: list[list[str]] = []
    model_path = type(real_encoder).embed_documents

    def spy(self, batch):  # type: ignore[no-untyped-def]
        calls.append(list(batch))
        return model_path(self, batch)

    monkeypatch.setattr(type(real_encoder), "embed_documents", spy)
    again = twin.embed_documents([texts[1], "Something new.", texts[0]])
    monkeypatch.undo()
    assert calls == [["Something new."]]  # only the text no one embedded before reaches the model
    np.testing.assert_array_equal(again[[2, 0]], first)
    np.testing.assert_allclose(first, real_encoder.embed_documents(texts), atol=1e-5)
