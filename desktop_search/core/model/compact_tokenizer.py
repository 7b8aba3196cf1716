"""A Unigram tokenizer run by SentencePiece: the same token ids as ``tokenizers``, in a sixth of the memory.

The default model's tokenizer (multilingual-e5-small: XLM-R's 250,002-piece Unigram vocabulary) takes
271 MB when ``tokenizers`` loads its ``tokenizer.json``, mostly a trie of the pieces with a hash map in
every node, and every process that searches or indexes holds one. SentencePiece keeps the same pieces
in a double-array trie: 45 MB, and it tokenizes about 4x faster on 2 cores.

The ``tokenizer.json`` is translated, not approximated: its pieces and scores become a SentencePiece
model built in memory (ids in the same order, so they need no mapping); its normaliser (the precompiled
``nmt_nfkc`` charsmap, then the folding of repeated spaces) runs as ``tokenizers``' own normaliser,
alone, with a one-word vocabulary (1 MB); the Metaspace step is SentencePiece's dummy prefix and
whitespace escaping; the template's ``<s> … </s>`` are added around the ids. On 16,745 texts (SciFact's
abstracts and the six editions of the real manuals, ``benchmarks/realdocs.py``), 16,732 gave identical
ids; the other 13 differ where two cuts of a word score the same ("Da|ti" or "Dat|i"), with the same
number of tokens.

A tokenizer of another kind (WordPiece, BPE, byte fallback, other templates) is not translated:
:func:`compact_tokenizer` returns None and ``tokenizers`` serves, as it did before.
"""

from __future__ import annotations

import json
import logging
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_NORMAL, _UNKNOWN, _CONTROL = 1, 2, 3  # SentencePiece's piece types
_UNIGRAM = 1


class CompactTokenizer:
    """Token ids of texts, special tokens included, neither padded nor truncated (as
    :class:`~desktop_search.core.model.tokenizer.SharedTokenizer`); safe to call from any thread."""

    def __init__(self, processor: Any, normalizer: Any, bos: int, eos: int, pad_id: int) -> None:
        self._processor = processor
        self._normalizer = normalizer
        self._bos, self._eos = bos, eos
        self.pad_id = pad_id

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        normalized = [self._normalizer.normalize_str(t) for t in texts]
        pieces = self._processor.encode(normalized)
        return [[self._bos, *ids, self._eos] for ids in pieces]


def compact_tokenizer(folder: Path) -> CompactTokenizer | None:
    """The folder's ``tokenizer.json`` run by SentencePiece, or None when it is not a Unigram tokenizer of
    the XLM-R kind, or SentencePiece is not installed (``tokenizers`` serves then)."""
    file = folder / "tokenizer.json"
    try:
        import sentencepiece
        from tokenizers import Tokenizer

        spec = json.loads(file.read_text(encoding="utf-8"))
        bos, eos = _template_ends(spec)
        if not (_is_plain_unigram(spec) and _metaspace_always(spec)):
            return None
        processor = sentencepiece.SentencePieceProcessor(model_proto=_model_proto(spec))
        normalizer = Tokenizer.from_str(json.dumps(_normalizer_only(spec))).normalizer
        pad = next((t["id"] for t in spec.get("added_tokens", ()) if t.get("content") == "<pad>"), 0)
    except _NotTranslatable:
        return None
    except ImportError:
        log.info("sentencepiece is not installed; the model's tokenizer loads through tokenizers")
        return None
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        log.info("the tokenizer of %s is loaded through tokenizers (%s)", folder, exc)
        return None
    if normalizer is None:
        return None
    return CompactTokenizer(processor, normalizer, bos, eos, int(pad))


class _NotTranslatable(Exception):
    pass


def _is_plain_unigram(spec: dict[str, Any]) -> bool:
    model = spec.get("model") or {}
    unigram = model.get("type") == "Unigram" and model.get("unk_id") is not None
    return unigram and not model.get("byte_fallback")


def _metaspace_always(spec: dict[str, Any]) -> bool:
    """The pre-tokenizer is a Metaspace that prefixes "▁" and splits words there: SentencePiece's own
    dummy prefix and whitespace escaping."""
    pre = spec.get("pre_tokenizer") or {}
    prepends = pre.get("prepend_scheme", "always" if pre.get("add_prefix_space", True) else "never")
    return (
        pre.get("type") == "Metaspace"
        and pre.get("replacement") == "\u2581"
        and prepends == "always"
        and pre.get("split", True)
        and (spec.get("decoder") or {}).get("type") in (None, "Metaspace")
    )


def _template_ends(spec: dict[str, Any]) -> tuple[int, int]:
    """The ids of the special tokens a single text is wrapped in (``<s> $A </s>``): a template's, or a
    ``RobertaProcessing``'s ``cls`` and ``sep``."""
    post = spec.get("post_processor") or {}
    if post.get("type") == "RobertaProcessing":  # older XLM-R exports: <s> $A </s> by another name
        try:
            return int(post["cls"][1]), int(post["sep"][1])
        except (KeyError, IndexError, TypeError, ValueError):
            raise _NotTranslatable from None
    if post.get("type") != "TemplateProcessing":
        raise _NotTranslatable
    single = post.get("single") or []
    if len(single) != 3 or "Sequence" not in single[1]:
        raise _NotTranslatable
    specials = post.get("special_tokens") or {}
    ids = []
    for step in (single[0], single[2]):
        name = (step.get("SpecialToken") or {}).get("id")
        found = (specials.get(name) or {}).get("ids") or []
        if len(found) != 1:
            raise _NotTranslatable
        ids.append(int(found[0]))
    return ids[0], ids[1]


def _normalizer_only(spec: dict[str, Any]) -> dict[str, Any]:
    """A tokenizer that is the original's normaliser and nothing else (a one-word vocabulary)."""
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [],
        "normalizer": spec.get("normalizer"),
        "pre_tokenizer": None,
        "post_processor": None,
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": {"<unk>": 0}, "unk_token": "<unk>"},
    }


def _model_proto(spec: dict[str, Any]) -> bytes:
    """A serialised SentencePiece ``ModelProto`` (protobuf wire format, written here: the fields are a
    handful, and the protobuf runtime would be one more dependency) with the pieces in vocabulary order."""
    model = spec["model"]
    unk = int(model["unk_id"])
    specials = {int(t["id"]) for t in spec.get("added_tokens", ()) if t.get("special")}
    out = bytearray()
    for index, (piece, score) in enumerate(model["vocab"]):
        kind = _UNKNOWN if index == unk else _CONTROL if index in specials else _NORMAL
        entry = _bytes_field(1, piece.encode("utf-8")) + _float_field(2, float(score)) + _int_field(3, kind)
        out += _bytes_field(1, entry)
    trainer = (
        _int_field(3, _UNIGRAM)
        + _int_field(4, len(model["vocab"]))
        + _int_field(40, unk)
        + _int_field(41, -1)  # no <s>, </s> or <pad> of its own: the template adds them
        + _int_field(42, -1)
        + _int_field(43, -1)
    )
    out += _bytes_field(2, trainer)
    # normalisation is done before (the original normaliser); the dummy prefix and "▁" escaping here
    normalizer = _bytes_field(1, b"identity") + _int_field(3, 1) + _int_field(4, 0) + _int_field(5, 1)
    out += _bytes_field(3, normalizer)
    return bytes(out)


def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # negative numbers as protobuf writes int32: ten bytes of two's complement
    out = bytearray()
    while True:
        low, value = value & 0x7F, value >> 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _int_field(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _float_field(number: int, value: float) -> bytes:
    return _varint(number << 3 | 5) + struct.pack("<f", value)


def _bytes_field(number: int, data: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(data)) + data
