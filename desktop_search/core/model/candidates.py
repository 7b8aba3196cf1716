"""The real model's calibration candidates: encoders of texts on the CPU, one per precision.

float32 and bfloat16 are the sentence-transformers model in that dtype (:func:`loading.load_model`);
int8 is the model's ONNX export run by ONNX Runtime (:mod:`desktop_search.core.model.onnx_encoder`),
tokenized by the model's own tokenizer with the same document prompt, so the vectors compare.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from desktop_search.core.model.device import choose_batch_size
from desktop_search.core.model.loading import load_model
from desktop_search.core.model.token_batches import bounded_batches, padded, truncate

Encoder = Callable[[Sequence[str]], np.ndarray]
CandidateLoader = Callable[[], Encoder]


def _torch_loader(model_folder: Path, precision: str, batch: int) -> CandidateLoader:
    def load() -> Encoder:
        model = load_model(model_folder, "cpu", precision)

        def encode(texts: Sequence[str]) -> np.ndarray:
            vectors = model.encode_document(
                list(texts),
                batch_size=batch,
                normalize_embeddings=True,
                convert_to_tensor=True,
                show_progress_bar=False,
            )
            return vectors.float().cpu().numpy()  # calibration re-normalises

        return encode

    return load


def _int8_loader(model_folder: Path, onnx_folder: Path | None, batch: int) -> CandidateLoader:
    def load() -> Encoder:
        import torch

        from desktop_search.core.model.onnx_encoder import OnnxEncoder
        from desktop_search.core.model.onnx_export import cached_export

        exported = cached_export(model_folder, onnx_folder) if onnx_folder is not None else None
        if exported is None:
            raise RuntimeError("the int8 (ONNX) export of this model is not ready")
        model = load_model(model_folder, "cpu", "float32")  # for its tokenizer and prompts
        tokenizer, limit = model.tokenizer, int(model.max_seq_length)
        prompts = getattr(model, "prompts", {}) or {}
        prompt = prompts.get("document") or prompts.get("passage") or ""
        pad_id = int(tokenizer.pad_token_id or 0)
        del model
        encoder = OnnxEncoder(exported, torch.get_num_threads())

        def encode(texts: Sequence[str]) -> np.ndarray:
            rows = [truncate(r, limit) for r in tokenizer([prompt + t for t in texts])["input_ids"]]
            out = np.zeros((len(rows), 0), dtype=np.float32)
            for order in bounded_batches([len(r) for r in rows], batch):  # as the pipeline cuts them
                ids, mask = padded([rows[i] for i in order], pad_id)
                vectors = encoder.encode(ids, mask)
                if not out.shape[1]:
                    out = np.zeros((len(rows), vectors.shape[1]), dtype=np.float32)
                out[order] = vectors
            return out

        return encode

    return load


def model_candidates(
    model_folder: Path, precisions: Sequence[str], onnx_folder: Path | None = None
) -> dict[str, CandidateLoader]:
    """Loaders of the real model on the CPU in each of ``precisions`` (int8 needs ``onnx_folder``)."""
    batch = choose_batch_size("cpu")
    return {
        p: _int8_loader(model_folder, onnx_folder, batch)
        if p == "int8"
        else _torch_loader(model_folder, p, batch)
        for p in precisions
    }
