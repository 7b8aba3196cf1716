"""SentencePiece ``precompiled_charsmap`` built from a plain mapping, for ``tokenizers``' ``Precompiled``.

The format is ``u32 trie size in bytes`` + a darts-clone double array (u32 units) over the UTF-8
bytes of each key + NUL-terminated replacement strings. A key's leaf value is the byte offset of its
replacement. HF's reader looks up whole graphemes shorter than 6 bytes first (shortest matching
prefix wins), then single code points, exactly like SentencePiece's built-in ``nmt_nfkc`` rules.
"""

from __future__ import annotations

import struct
import unicodedata
from collections.abc import Mapping

import numpy as np

_HAS_LEAF = 1 << 8
_IS_LEAF = 1 << 31
_MAX_GRAPHEME_KEY_BYTES = 5  # HF's Precompiled only looks up graphemes shorter than 6 bytes


class _Node:
    __slots__ = ("children", "value")

    def __init__(self) -> None:
        self.children: dict[int, _Node] = {}
        self.value: int | None = None


def build_charsmap(mapping: Mapping[str, str]) -> bytes:
    """Serialise ``{source string: replacement}`` as a precompiled charsmap."""
    normalized = bytearray()
    value_offsets: dict[str, int] = {}
    root = _Node()
    for key in sorted(mapping, key=lambda k: k.encode()):
        replacement = mapping[key]
        if replacement not in value_offsets:
            value_offsets[replacement] = len(normalized)
            normalized += replacement.encode() + b"\0"
        node = root
        for byte in key.encode():
            node = node.children.setdefault(byte, _Node())
        node.value = value_offsets[replacement]
    units = _DoubleArrayBuilder().build(root)
    trie = np.asarray(units, dtype="<u4").tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(normalized)


class _DoubleArrayBuilder:
    """Places trie nodes in a darts-clone XOR double array (children of a node at ``base ^ label``)."""

    def __init__(self) -> None:
        self.units: list[int] = [0]
        self.used = bytearray(1)
        self.used[0] = 1
        self.used_bases: set[int] = set()
        self.first_free = 1

    def build(self, root: _Node) -> list[int]:
        stack = [(root, 0)]
        while stack:
            node, pos = stack.pop()
            labels = ([0] if node.value is not None else []) + sorted(node.children)
            if not labels:
                continue
            base = self._find_base(labels)
            offset = pos ^ base
            if offset >= 1 << 21:
                raise ValueError("charsmap too large for a compact double array")
            self.units[pos] |= offset << 10
            if node.value is not None:
                self.units[pos] |= _HAS_LEAF
                self.units[base] = node.value | _IS_LEAF
            for label, child in node.children.items():
                self.units[base ^ label] = label
                stack.append((child, base ^ label))
        return self.units

    def _find_base(self, labels: list[int]) -> int:
        while self.first_free < len(self.used) and self.used[self.first_free]:
            self.first_free += 1
        position = self.first_free
        while True:
            base = position ^ labels[0]
            if base not in self.used_bases and all(not self._is_used(base ^ lab) for lab in labels):
                break
            position += 1
            while self._is_used(position):
                position += 1
        self._grow(base | 0xFF)
        self.used_bases.add(base)
        for label in labels:
            self.used[base ^ label] = 1
        return base

    def _is_used(self, position: int) -> bool:
        return position < len(self.used) and bool(self.used[position])

    def _grow(self, last: int) -> None:
        if last >= len(self.used):
            extra = last + 1 - len(self.used)
            self.used += bytearray(extra)
            self.units += [0] * extra


def lookup(charsmap: bytes, text: str) -> str | None:
    """Replacement for the shortest prefix of ``text`` that is a key (how HF's reader does it)."""
    (size,) = struct.unpack_from("<I", charsmap, 0)
    units = np.frombuffer(charsmap, dtype="<u4", count=size // 4, offset=4)
    normalized = charsmap[4 + size :]
    pos = int(units[0] >> 10) << ((int(units[0]) & (1 << 9)) >> 6)
    for byte in text.encode():
        pos ^= byte
        unit = int(units[pos])
        if unit & (_IS_LEAF | 0xFF) != byte:
            return None
        pos ^= (unit >> 10) << ((unit & (1 << 9)) >> 6)
        if unit & _HAS_LEAF:
            start = int(units[pos]) & ~_IS_LEAF
            return normalized[start : normalized.index(b"\0", start)].decode()
    return None


def composition_entries(code_point_map: Mapping[int, str]) -> dict[str, str]:
    """Decomposed sequences (``e`` + U+0301) → what the composed character maps to (``é``).

    SentencePiece's ``nmt_nfkc`` rules carry such entries, so decomposed text (macOS file names)
    tokenizes like composed text. Keys HF's reader never reaches (longer than its grapheme lookup, or
    extending a shorter key) and identity entries are left out.
    """
    entries: dict[str, str] = {}
    for cp in range(0x80, 0x30000):
        char = chr(cp)
        if unicodedata.category(char) in ("Cn", "Cs"):
            continue
        key = unicodedata.normalize("NFD", char)
        if key == char or len(key) < 2 or len(key.encode()) > _MAX_GRAPHEME_KEY_BYTES:
            continue
        if ord(key[0]) in code_point_map:
            continue
        value = "".join(code_point_map.get(ord(c), c) for c in char)
        if value != key:
            entries[key] = value
    # HF's reader takes the shortest matching prefix, so a key extending another key is never reached.
    return {k: v for k, v in entries.items() if not any(k[:i] in entries for i in range(2, len(k)))}
