"""Running the int8 export with ONNX Runtime: token ids in, pooled and normalised vectors out.

:class:`OnnxEncoder` wraps one ``onnxruntime.InferenceSession`` of the file
:mod:`desktop_search.core.model.onnx_export` made; pooling (mean over the attention mask, or the first
token) and L2 normalisation are done here in numpy, as the sentence-transformers modules would.
Sessions are thread-safe: queries and document batches may run at the same time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from desktop_search.core.model.onnx_export import MANIFEST


def pool(hidden: np.ndarray, mask: np.ndarray, mode: str, normalize: bool) -> np.ndarray:
    """Sentence vectors from token vectors ``(batch, tokens, dim)`` and the attention mask."""
    if mode == "cls":
        vectors = hidden[:, 0, :].astype(np.float32)
    else:
        weights = mask[..., None].astype(np.float32)
        vectors = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    if normalize:
        vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return np.ascontiguousarray(vectors, dtype=np.float32)


class OnnxEncoder:
    """An ONNX Runtime session over an exported transformer, with the model's pooling."""

    def __init__(self, model_file: Path, threads: int, pooling: dict[str, Any] | None = None) -> None:
        import onnxruntime as ort

        if pooling is None:
            pooling = json.loads((model_file.parent / MANIFEST).read_text(encoding="utf-8"))["pooling"]
        self.mode = str(pooling.get("mode", "mean"))
        self.normalize = bool(pooling.get("normalize", True))
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        # idle threads sleep instead of spinning: indexing shares the cores with extraction and searches
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # "all" adds layout and fusion passes that were not faster for the quantised model on AVX2
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        self.session = ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])

    def encode(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        """Normalised float32 vectors of one padded batch (int64 ids and mask, as the tokenizer gives)."""
        feeds = {
            "input_ids": np.ascontiguousarray(input_ids, dtype=np.int64),
            "attention_mask": np.ascontiguousarray(attention_mask, dtype=np.int64),
        }
        hidden = self.session.run(None, feeds)[0]
        return pool(hidden, attention_mask, self.mode, self.normalize)
