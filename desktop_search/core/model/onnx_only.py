"""The model as the embedder reads it when the cached int8 export serves alone, without torch.

On a start where the machine's precision is int8 and the model's ONNX export is already cached, the
embedder needs of the SentenceTransformer only its tokenizer, prompts, sequence limit and vector size.
:class:`OnnxOnlyModel` reads them from the model folder's own files, so such a start imports neither
torch nor sentence-transformers and loads no torch weights (measured on the 2-core AVX2 EPYC: the two
imports alone take 5.4 s and 380 MB; the weights 270 MB more).

A folder that lacks one of the files (``tokenizer.json``, ``sentence_bert_config.json``,
``config.json``) raises :class:`OSError` or :class:`ValueError`: the embedder then loads torch.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any


def _json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a JSON object")
    return data


def _token_text(value: Any) -> str | None:
    """A special token as tokenizer files write it: a string, or ``{"content": ...}``."""
    if isinstance(value, dict):
        value = value.get("content")
    return value if isinstance(value, str) else None


class OnnxOnlyModel:
    """What the embedder reads of a SentenceTransformer, read from its folder: ``tokenizer`` (the fast
    tokenizer and its pad id), ``prompts``, ``max_seq_length``, :meth:`get_embedding_dimension` and
    ``device`` (the CPU)."""

    def __init__(self, folder: Path) -> None:
        if not (folder / "tokenizer.json").is_file():
            raise OSError(f"no tokenizer.json in {folder}")
        self._folder = folder
        self._tokenizer: SimpleNamespace | None = None
        config = _json(folder / "sentence_bert_config.json")
        if config.get("do_lower_case"):
            raise ValueError("the model lower-cases its input in sentence-transformers")
        self.max_seq_length = int(config["max_seq_length"])
        self._dimension = int(_json(folder / "config.json")["hidden_size"])
        prompts_file = folder / "config_sentence_transformers.json"
        saved = _json(prompts_file).get("prompts") if prompts_file.is_file() else None
        self.prompts: dict[str, str] = dict(saved) if isinstance(saved, dict) else {}
        self.device = SimpleNamespace(type="cpu")

    @property
    def tokenizer(self) -> SimpleNamespace:
        """The fast tokenizer (``backend_tokenizer``, ``pad_token_id``), loaded on first use: about 270 MB
        for the default model, which the embedder does without when SentencePiece runs it."""
        if self._tokenizer is None:
            from tokenizers import Tokenizer

            backend = Tokenizer.from_file(str(self._folder / "tokenizer.json"))
            pad_id = self._pad_id(self._folder, backend)
            self._tokenizer = SimpleNamespace(backend_tokenizer=backend, pad_token_id=pad_id)
        return self._tokenizer

    @staticmethod
    def _pad_id(folder: Path, backend: Any) -> int:
        """The pad token's id, named by ``tokenizer_config.json`` or ``special_tokens_map.json``."""
        for name in ("tokenizer_config.json", "special_tokens_map.json"):
            file = folder / name
            if file.is_file():
                token = _token_text(_json(file).get("pad_token"))
                pad_id = backend.token_to_id(token) if token else None
                if pad_id is not None:
                    return int(pad_id)
        padding = backend.padding  # tokenizer.json's own padding setting, if it has one
        if padding is not None:
            return int(padding["pad_id"])
        raise ValueError(f"no pad token named in {folder}")

    def get_embedding_dimension(self) -> int:
        return self._dimension
