"""Cutting extracted text into passages the model can embed whole.

Chunks are at most ``target_tokens`` long (counted by the active model's tokenizer; up to 30 % more
rather than leave a crumb of a few words on its own), begin with up
to ``overlap_tokens`` of the previous chunk's end where the target leaves room, end at paragraph or
sentence boundaries where possible, never exceed the model's maximum length, and never span two
pages, two headings or two sub-documents (archive members, messages: an unchanged message always
gives the same passages, whatever changed around it). Each keeps its character offsets in the
extracted text, its page, its heading, whether it is navigation (a table of contents or an index)
and its sub-document.

Where to cut is content-defined (:func:`content_cuts`): a boundary is chosen by the text within a
window around it, never by a running count from the top of the document, so inserting a sentence
changes only the passages near it and every other passage is embedded once (the vector cache,
:mod:`desktop_search.core.store.vector_cache`, finds their texts again).
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

TokenCounter = Callable[[Sequence[str]], list[int]]

_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？;:])\s+|(?<=[。！？])|\n")
_SENTENCE_MARKS = frozenset(".!?。！？;:")
_SPACE = re.compile(r"\s+")
SPECIAL_TOKENS = 2  # <s> and </s> in every count
PROMPT_RESERVE = 8  # room for "passage: " and safety
RECOUNT_MARGIN = 64  # chunks whose units sum to within this of the limit are counted whole again
LIMIT_SHARE = 1.0  # the longest piece, as a share of the target
WINDOW_SHARE = 0.6  # a cut's window (each side), as a share of the longest piece
_NEIGHBOURHOOD = 48  # characters on each side of a boundary that decide its score


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


def _segments(units: Sequence[_Unit]) -> Iterator[list[_Unit]]:
    """Runs of neighbouring units with the same place: a chunk never spans two."""
    for _place, run in itertools.groupby(units, key=lambda u: u.place):
        yield list(run)


def _score(text: str, left: _Unit, right: _Unit) -> float:
    """How good a cut between two neighbouring units is, from the text around it alone.

    A paragraph break scores 2, a sentence end or line break 1, a cut inside a sentence 0; a fraction
    in [0, 1) hashed from the characters on both sides settles the choice among equals, arbitrarily
    but the same way every time the same text comes by.
    """
    gap = text[left.end : right.start]
    if _PARAGRAPH.search(gap):
        kind = 2
    elif "\n" in gap or text[left.end - 1 : left.end] in _SENTENCE_MARKS:
        kind = 1
    else:
        kind = 0
    around = text[max(left.start, left.end - _NEIGHBOURHOOD) : left.end]
    around += "\x00" + text[right.start : min(right.end, right.start + _NEIGHBOURHOOD)]
    digest = hashlib.blake2b(around.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return kind + int.from_bytes(digest, "big") / 2**64


def content_cuts(text: str, units: Sequence[_Unit], limit: int, window: int) -> list[int]:
    """Where to cut a run of units (``i``: after unit ``i``) so pieces stay under ``limit`` tokens.

    Content-defined, so an edit moves only the cuts near it: a boundary is cut when it scores
    (:func:`_score`) above every other boundary within ``window`` tokens on either side, and is at
    least ``window`` tokens from both ends of the run. Pieces are then at least ``window`` tokens
    long. A piece still over ``limit`` is split at its best boundary, again and again; that choice
    looks only inside the piece, between two cuts that do not depend on anything outside it.
    """
    total = sum(u.tokens for u in units)
    if len(units) < 2 or total <= limit:
        return []
    ends = list(itertools.accumulate(u.tokens for u in units))[:-1]  # tokens before each boundary
    scores = [_score(text, a, b) for a, b in itertools.pairwise(units)]
    eligible = [window <= pos <= total - window for pos in ends]
    cuts = [i for i in range(len(ends)) if eligible[i] and _best_near(i, ends, scores, eligible, window)]
    bounds = [-1, *cuts, len(units) - 1]
    final: list[int] = []
    for a, b in itertools.pairwise(bounds):
        final.extend(_split_long(units, scores, a, b, limit, window // 2))
        if b < len(units) - 1:
            final.append(b)
    return final


def _best_near(i: int, ends: list[int], scores: list[float], eligible: list[bool], window: int) -> bool:
    """True if boundary ``i`` scores above every other eligible boundary within ``window`` tokens."""
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(ends) and abs(ends[j] - ends[i]) <= window:
            if eligible[j] and scores[j] >= scores[i]:
                return False
            j += step
    return True


def _split_long(
    units: Sequence[_Unit], scores: list[float], a: int, b: int, limit: int, least: int
) -> list[int]:
    """Cuts inside the piece of units ``a+1 .. b`` until no part is over ``limit`` tokens: at the best
    boundary that leaves two parts of ``least`` to ``limit`` tokens, else at least ``least`` on both
    sides, else anywhere. A piece up to ``least`` over the limit that only a crumb could be cut from
    (a page's last words after a paragraph that nearly fills the target: a score's "Aaa", "Bee") is
    left whole: a crumb's vector is its heading's, and it ranks as a section it does not hold."""
    inner = list(range(a + 1, b))  # boundaries inside the piece
    sizes = [u.tokens for u in units[a + 1 : b + 1]]
    total = sum(sizes)
    if total <= limit or not inner:
        return []
    before = list(itertools.accumulate(sizes))  # tokens up to and including each unit of the piece
    roomy = [k for k in inner if least <= before[k - a - 1] <= total - least]
    if not roomy and total <= limit + least:
        return []
    halves = [k for k in roomy if total - limit <= before[k - a - 1] <= limit]  # two parts will do

    def rank(k: int) -> tuple[float, int]:
        # the best-scoring boundary; among equals (identical text around them: a repeated line or
        # sentence), the one that fills the left part most, so a repetitive text is not cut ever smaller
        fill = before[k - a - 1]
        return scores[k], fill if fill <= limit else -fill

    best = max(halves or roomy or inner, key=rank)
    return [
        *_split_long(units, scores, a, best, limit, least),
        best,
        *_split_long(units, scores, best, b, limit, least),
    ]


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

    # -- cutting ---------------------------------------------------------------------------------

    def chunk(self, text: str, sections: Sequence[object]) -> list[Chunk]:
        """Chunk an extracted document (``sections`` carry start, end, page and heading)."""
        units = self._units(text, sections)
        chunks: list[Chunk] = []
        estimates: list[int] = []  # each chunk's units' token counts, summed
        for segment in _segments(units):
            previous: list[_Unit] = []
            for piece in self._pieces(text, segment):
                piece_tokens = sum(u.tokens for u in piece)
                lead = self._overlap(previous, self.target_tokens - piece_tokens)
                first, last = (lead or piece)[0], piece[-1]
                where = first.place
                chunks.append(
                    Chunk(
                        len(chunks),
                        text[first.start : last.end],
                        first.start,
                        last.end,
                        where.page,
                        where.heading,
                        where.navigation,
                        where.part,
                        where.date,
                    )
                )
                estimates.append(sum(u.tokens for u in lead) + piece_tokens + SPECIAL_TOKENS)
                previous = piece
        return self._enforce_max(chunks, estimates)

    def _overlap(self, previous: list[_Unit], room: int) -> list[_Unit]:
        """The trailing units of the previous piece worth up to ``overlap_tokens`` and ``room`` (what the
        piece leaves of the target), never all of it."""
        budget = min(self.overlap_tokens, room)
        taken, total = 0, 0
        while taken + 1 < len(previous) and total + previous[-1 - taken].tokens <= budget:
            total += previous[-1 - taken].tokens
            taken += 1
        return previous[len(previous) - taken :] if taken else []

    def _pieces(self, text: str, units: list[_Unit]) -> list[list[_Unit]]:
        """Cut one place's units where :func:`content_cuts` says; each piece becomes a chunk."""
        cuts = content_cuts(text, units, self.piece_limit, self.window_tokens)
        bounds = [0, *(i + 1 for i in cuts), len(units)]
        return [units[a:b] for a, b in itertools.pairwise(bounds)]

    @property
    def piece_limit(self) -> int:
        """The longest piece (before its overlap) that is not split further."""
        return max(1, int(self.target_tokens * LIMIT_SHARE))

    @property
    def window_tokens(self) -> int:
        """How far (in tokens) a cut looks for a better cut on either side: pieces are at least this
        long, and about twice as long on average."""
        return max(1, int(self.piece_limit * WINDOW_SHARE))

    def _enforce_max(self, chunks: list[Chunk], estimates: list[int]) -> list[Chunk]:
        """Recount the chunks whose units' counts come near the limit and split any that are too long.

        Counts are additive where units meet at whitespace (no piece spans a space), and differ by a
        few tokens where they do not (a cut inside a word, unspaced scripts): only chunks estimated
        within :data:`RECOUNT_MARGIN` of the limit are counted again, which spares phase 1 a quarter of
        its tokenizing (chunks are about half the limit long)."""
        suspects = [i for i, n in enumerate(estimates) if n > self.max_tokens - RECOUNT_MARGIN]
        if not suspects:
            return chunks
        recounted = dict(zip(suspects, self.count_tokens([chunks[i].text for i in suspects]), strict=True))
        if all(n <= self.max_tokens for n in recounted.values()):
            return chunks
        fixed: list[Chunk] = []
        for i, chunk in enumerate(chunks):
            n = recounted.get(i, 0)
            if n <= self.max_tokens:
                fixed.append(chunk)
                continue
            pieces = max(2, -(-n // self.target_tokens))
            step = -(-len(chunk.text) // pieces)
            for offset in range(0, len(chunk.text), step):
                s, e = chunk.start + offset, min(chunk.end, chunk.start + offset + step)
                fixed.append(replace(chunk, text=chunk.text[offset : offset + step], start=s, end=e))
        return [replace(c, number=n) for n, c in enumerate(fixed)]
