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

The translation (parsing the 17 MB ``tokenizer.json`` and writing 250,002 pieces in protobuf form)
took 3.0 s of every start of the app, of every CLI command that searches and of the calibration's
child process. With a ``cache`` folder it is kept there (the SentencePiece model and the normaliser),
keyed by the SHA-256 of ``tokenizer.json``, and read back in about 0.1 s; a cache that cannot be
written or read only costs the translation.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
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


CACHE_MODEL = "sentencepiece.model"  # the translated pieces (a SentencePiece ModelProto)
CACHE_META = "sentencepiece.json"  # the tokenizer.json's hash, the template's ids, the normaliser


def compact_tokenizer(folder: Path, cache: Path | None = None) -> CompactTokenizer | None:
    """The folder's ``tokenizer.json`` run by SentencePiece, or None when it is not a Unigram tokenizer of
    the XLM-R kind, or SentencePiece is not installed (``tokenizers`` serves then). The translation is
    kept in ``cache`` (a folder of this model's own) when one is given."""
    file = folder / "tokenizer.json"
    try:
        import sentencepiece
        from tokenizers import Tokenizer

        data = file.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        built = _read_cache(cache, digest) if cache is not None else None
        if built is None:
            built = _translate(json.loads(data.decode("utf-8")), digest)
            if cache is not None:
                _write_cache(cache, built)
        processor = sentencepiece.SentencePieceProcessor(model_proto=built.proto)
        normalizer = Tokenizer.from_str(built.normalizer).normalizer
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
    return CompactTokenizer(processor, normalizer, built.bos, built.eos, built.pad)


class _Translation:
    """What SentencePiece needs to run a ``tokenizer.json``: its pieces, normaliser and template ids."""

    def __init__(self, digest: str, proto: bytes, normalizer: str, bos: int, eos: int, pad: int) -> None:
        self.digest, self.proto, self.normalizer = digest, proto, normalizer
        self.bos, self.eos, self.pad = bos, eos, pad


def _translate(spec: dict[str, Any], digest: str) -> _Translation:
    bos, eos = _template_ends(spec)
    if not (_is_plain_unigram(spec) and _metaspace_always(spec)):
        raise _NotTranslatable
    pad = next((t["id"] for t in spec.get("added_tokens", ()) if t.get("content") == "<pad>"), 0)
    normalizer = json.dumps(_normalizer_only(spec))
    return _Translation(digest, _model_proto(spec), normalizer, bos, eos, int(pad))


def _read_cache(cache: Path, digest: str) -> _Translation | None:
    """The translation kept in ``cache`` for the tokenizer.json of hash ``digest``; None if there is none."""
    try:
        meta = json.loads((cache / CACHE_META).read_text(encoding="utf-8"))
        if not isinstance(meta, dict) or meta.get("sha256") != digest:
            return None
        proto = (cache / CACHE_MODEL).read_bytes()
        if hashlib.sha256(proto).hexdigest() != meta.get("model_sha256"):
            return None  # cut short or overwritten: translated again
        return _Translation(
            digest, proto, str(meta["normalizer"]), *(int(meta[k]) for k in ("bos", "eos", "pad"))
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_cache(cache: Path, built: _Translation) -> None:
    """Keep ``built`` in ``cache`` (each file written whole, then renamed into place)."""
    meta = {
        "sha256": built.digest,
        "model_sha256": hashlib.sha256(built.proto).hexdigest(),
        "normalizer": built.normalizer,
        "bos": built.bos,
        "eos": built.eos,
        "pad": built.pad,
    }
    try:
        cache.mkdir(parents=True, exist_ok=True)
        for name, payload in ((CACHE_MODEL, built.proto), (CACHE_META, json.dumps(meta).encode("utf-8"))):
            partial = cache / f"{name}.{os.getpid()}.partial"
            partial.write_bytes(payload)
            os.replace(partial, cache / name)
    except OSError as exc:  # a read-only cache: translated again next time
        log.info("could not keep the translated tokenizer in %s (%s)", cache, exc)


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
