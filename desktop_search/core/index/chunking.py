"""Cutting extracted text into passages the model can embed whole.

Chunks are about ``target_tokens`` long (counted by the active model's tokenizer), overlap by about
``overlap_tokens``, end at paragraph or sentence boundaries where possible, never exceed the model's
maximum length, and never span two pages, two headings or two sub-documents (archive members, messages:
an unchanged message always gives the same passages, whatever changed around it). Each keeps its
character offsets in the extracted text, its page, its heading, whether it is navigation (a table of
contents or an index) and its sub-document.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

TokenCounter = Callable[[Sequence[str]], list[int]]

_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？;:])\s+|(?<=[。！？])|\n")
_SPACE = re.compile(r"\s+")
SPECIAL_TOKENS = 2  # <s> and </s> in every count
PROMPT_RESERVE = 8  # room for "passage: " and safety


@dataclass(frozen=True)
class Chunk:
    """One passage of a file."""

    number: int
    text: str
    start: int  # character offsets in the extracted text
    end: int
    page: int | None = None
    heading: str | None = None
    navigation: bool = False
    part: str | None = None  # the sub-document (archive member, message, attachment); None: the file
    date: float | None = None  # the sub-document's own date (a message's)


@dataclass(frozen=True)
class _Place:
    """Where a unit sits; units share a chunk only when their places are equal."""

    page: int | None
    heading: str | None
    navigation: bool = False
    part: str | None = None
    date: float | None = None


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    tokens: int
    place: _Place


def _spans(text: str, base: int, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Split ``text`` at ``pattern``; return non-blank (start, end) spans offset by ``base``."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in pattern.finditer(text):
        if match.end() == 0 or match.start() < pos:
            continue
        if text[pos : match.start()].strip():
            spans.append((base + pos, base + match.start()))
        pos = match.end()
    if text[pos:].strip():
        spans.append((base + pos, base + len(text)))
    return [_trim(text, base, s, e) for s, e in spans]


def _trim(text: str, base: int, start: int, end: int) -> tuple[int, int]:
    piece = text[start - base : end - base]
    lead = len(piece) - len(piece.lstrip())
    trail = len(piece) - len(piece.rstrip())
    return start + lead, end - trail


def _word_windows(text: str, start: int, end: int, approx_chars: int) -> list[tuple[int, int]]:
    """Cut a long run of text at spaces into windows of about ``approx_chars`` characters."""
    windows: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        stop = min(end, pos + approx_chars)
        if stop < end:
            space = text.rfind(" ", pos + approx_chars // 2, stop)
            if space > pos:
                stop = space
        s, e = _trim(text, 0, pos, stop)
        if e > s:
            windows.append((s, e))
        pos = stop
    return windows


class Chunker:
    """Token-aware chunker for one model."""

    def __init__(
        self,
        count_tokens: TokenCounter,
        target_tokens: int = 220,
        overlap_tokens: int = 40,
        max_tokens: int = 512,
    ) -> None:
        self.count_tokens = count_tokens
        self.max_tokens = max(32, max_tokens - PROMPT_RESERVE)
        self.target_tokens = max(16, min(target_tokens, self.max_tokens))
        self.overlap_tokens = max(0, min(overlap_tokens, self.target_tokens // 2))

    # -- units -----------------------------------------------------------------------------------

    def _units(self, text: str, sections: Sequence[object]) -> list[_Unit]:
        """Paragraphs, split into sentences and then word windows until each fits the target."""
        pending: list[tuple[int, int, _Place, int]] = []  # start, end, place, level
        for section in sections:
            s_start, s_end = section.start, section.end  # type: ignore[attr-defined]
            page, heading = section.page, section.heading  # type: ignore[attr-defined]
            where = _Place(
                page,
                heading,
                bool(getattr(section, "navigation", False)),
                getattr(section, "part", None),
                getattr(section, "date", None),
            )
            for p_start, p_end in _spans(text[s_start:s_end], s_start, _PARAGRAPH):
                pending.append((p_start, p_end, where, 0))
        units: list[_Unit] = []
        while pending:
            counts = self.count_tokens([text[s:e] for s, e, *_ in pending])
            next_round: list[tuple[int, int, _Place, int]] = []
            for (start, end, where, level), tokens in zip(pending, counts, strict=True):
                content = tokens - SPECIAL_TOKENS
                if content <= self.target_tokens or end - start <= 1:
                    units.append(_Unit(start, end, content, where))
                    continue
                if level == 0:
                    parts = _spans(text[start:end], start, _SENTENCE_END)
                else:
                    chars_per_token = max(1.0, (end - start) / max(1, content))
                    size = max(1, int(self.target_tokens * chars_per_token * 0.8))
                    parts = _word_windows(text, start, end, size)
                if len(parts) <= 1 and level >= 1:
                    # one unbreakable piece (no spaces): cut by characters
                    step = max(1, (end - start) // (content // max(1, self.target_tokens // 2) + 1))
                    parts = [(i, min(end, i + step)) for i in range(start, end, step)]
                next_round.extend((s, e, where, level + 1) for s, e in parts)
            pending = next_round
        units.sort(key=lambda u: u.start)
        return units

    # -- packing ---------------------------------------------------------------------------------

    def chunk(self, text: str, sections: Sequence[object]) -> list[Chunk]:
        """Chunk an extracted document (``sections`` carry start, end, page and heading)."""
        units = self._units(text, sections)
        chunks: list[Chunk] = []
        i = 0
        while i < len(units):
            first = units[i]
            total = first.tokens
            j = i + 1
            while j < len(units):
                nxt = units[j]
                if nxt.place != first.place or total + nxt.tokens > self.target_tokens:
                    break
                total += nxt.tokens
                j += 1
            start, end = first.start, units[j - 1].end
            where = first.place
            chunks.append(
                Chunk(
                    len(chunks),
                    text[start:end],
                    start,
                    end,
                    where.page,
                    where.heading,
                    where.navigation,
                    where.part,
                    where.date,
                )
            )
            if j >= len(units):
                break
            # step back over trailing units worth up to overlap_tokens, always advancing
            back, k = 0, j
            while (
                k - 1 > i
                and units[k - 1].place == units[j].place
                and back + units[k - 1].tokens <= self.overlap_tokens
            ):
                back += units[k - 1].tokens
                k -= 1
            i = k
        return self._enforce_max(chunks)

    def _enforce_max(self, chunks: list[Chunk]) -> list[Chunk]:
        """Recount whole chunks (token counts are not additive at joins) and split any that are too long."""
        if not chunks:
            return chunks
        counts = self.count_tokens([c.text for c in chunks])
        if all(n <= self.max_tokens for n in counts):
            return chunks
        fixed: list[Chunk] = []
        for chunk, n in zip(chunks, counts, strict=True):
            if n <= self.max_tokens:
                fixed.append(chunk)
                continue
            pieces = max(2, -(-n // self.target_tokens))
            step = -(-len(chunk.text) // pieces)
            for offset in range(0, len(chunk.text), step):
                s, e = chunk.start + offset, min(chunk.end, chunk.start + offset + step)
                fixed.append(replace(chunk, text=chunk.text[offset : offset + step], start=s, end=e))
        return [replace(c, number=n) for n, c in enumerate(fixed)]
