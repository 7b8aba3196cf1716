"""The real embedder under concurrency: queries while a document batch is being embedded."""

from __future__ import annotations

import threading

import numpy as np
import pytest

QUERIES = [
    "how do bees survive the winter",
    "Wann fährt der letzte Zug nach Berlin?",
    "量子计算机如何工作",
    "résumé café naïve",
    "x" * 3000,  # longer than the model's window: truncated, never an error
]


@pytest.mark.model
def test_query_path_matches_sentence_transformers(real_encoder) -> None:
    import torch

    model = real_encoder.model
    threads = torch.get_num_threads()
    for text in QUERIES:
        ours = real_encoder.embed_query(text)
        reference = model.encode_query([text.strip()], normalize_embeddings=True, convert_to_numpy=True)[0]
        assert float(ours @ reference) > 0.9999, text[:40]
        assert ours.dtype == np.float32 and abs(float(np.linalg.norm(ours)) - 1) < 1e-4
    assert torch.get_num_threads() == threads  # a query runs on one thread, then restores the setting


@pytest.mark.model
def test_document_path_matches_sentence_transformers(real_encoder) -> None:
    """Our own tokenize-pad-forward path gives ST's vectors, long (truncated) and mixed lengths too."""
    texts = [q.strip() for q in QUERIES] + ["Ein kurzer Satz.", "word " * 900]
    ours = real_encoder.embed_documents(texts)
    reference = real_encoder.model.encode_document(texts, normalize_embeddings=True, convert_to_numpy=True)
    assert ours.shape == reference.shape and ours.dtype == np.float32
    assert (np.einsum("ij,ij->i", ours, reference) > 0.9999).all()
    # ST's wrapper switched padding/truncation on in the shared tokenizer: counting must not notice
    assert real_encoder.count_tokens(["word " * 900]) == [902]


@pytest.mark.model
def test_long_documents_go_through_torch_in_batches_within_the_cpu_budget(real_encoder) -> None:
    """On the CPU, rows of 512 tokens reach the model two at a time (token_batches' budget), short ones
    together; the vectors are still sentence-transformers' own."""
    from desktop_search.core.model.token_batches import TORCH_CPU_CELLS, TORCH_CPU_TOKENS

    shapes: list[tuple[int, int]] = []
    hook = real_encoder.model[0].register_forward_pre_hook(
        lambda _module, args: shapes.append(tuple(args[0]["input_ids"].shape))
    )
    texts = [f"{n} " + "word " * 900 for n in range(5)] + [f"Ein kurzer Satz {n}." for n in range(6)]
    try:
        ours = real_encoder.embed_documents(texts)
    finally:
        hook.remove()
    assert shapes == [(2, 512), (2, 512), (2, 512), (5, 32)]  # the fifth long row takes a short one along
    assert all(r * w <= TORCH_CPU_TOKENS and r * w * w <= TORCH_CPU_CELLS for r, w in shapes)
    reference = real_encoder.model.encode_document(texts, normalize_embeddings=True, convert_to_numpy=True)
    assert (np.einsum("ij,ij->i", ours, reference) > 0.9999).all()


@pytest.mark.model
def test_token_counts_match_the_tokenizer(real_encoder) -> None:
    texts = ["hello world", "量子计算机如何工作", "x" * 3000, ""]
    expected = [len(real_encoder.tokenizer(t, add_special_tokens=True)["input_ids"]) for t in texts]
    assert real_encoder.count_tokens(texts) == expected


@pytest.mark.model
def test_queries_during_a_document_batch(real_encoder) -> None:
    passages = [
        f"Passage {i} about {topic}." * (1 + i % 7) for i, topic in enumerate(["tides", "ferns"] * 40)
    ]
    expected = {q: real_encoder.embed_query(q) for q in QUERIES[:3]}
    errors: list[BaseException] = []
    done = threading.Event()

    def index() -> None:
        try:
            for _ in range(3):
                assert real_encoder.embed_documents(passages).shape == (
                    len(passages),
                    real_encoder.dimension,
                )
        except BaseException as err:
            errors.append(err)
        finally:
            done.set()

    worker = threading.Thread(target=index)
    worker.start()
    rounds = 0
    while not done.is_set() or rounds == 0:
        for q, vector in expected.items():
            assert float(real_encoder.embed_query(q) @ vector) > 0.9999
        rounds += 1
    worker.join()
    assert not errors, errors
