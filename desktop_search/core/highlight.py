"""Query terms and where they occur in a passage: highlight spans and keyword coverage.

Matching is case- and accent-insensitive and forgiving about word endings: a passage word matches a
query word when they are equal, share a light stem ("indexing" ~ "indexed"), or one begins with the
other ("config" ~ "configuration"). Scripts written without spaces (Chinese, Japanese) match as
substrings. Spans are offsets into the original passage text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from desktop_search.core.ledger import STOPWORDS
from desktop_search.core.records import Span

# word characters plus combining marks, so decomposed accents stay inside their word
_TOKEN = re.compile(r"[\w\u0300-\u036f]+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]+)"')
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_SUFFIXES = (
    "ational", "ization", "fulness", "ousness", "iveness", "ations", "ation", "ments", "ment",
    "ingly", "edly", "ness", "ings", "ing", "ies", "ied", "ers", "er", "ed", "es", "ly", "s", "e",
)  # fmt: skip
MIN_PREFIX = 4  # shorter words match only whole (or by stem), so "a" does not light up every "and"


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case and strip accents: the form two words are compared in."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix-stripping stem of a folded word (English-leaning, harmless elsewhere)."""
    if len(word) <= 4 or word.isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@dataclass(frozen=True)
class QueryTerm:
    """One word (or quoted phrase) of a query, folded."""

    text: str  # folded; a phrase is its words joined by single spaces
    weight: float  # how much it counts toward coverage
    phrase: bool = False

    @property
    def cjk(self) -> bool:
        return bool(_CJK.search(self.text))


def _is_code(word: str) -> bool:
    """Codes, numbers and identifiers (ERR-4021, v2.3, 1984) are what the keyword leg is for."""
    return any(ch.isdigit() for ch in word) or ("-" in word or "_" in word or "." in word.strip("."))


def query_terms(query: str, max_terms: int = 32) -> list[QueryTerm]:
    """The distinct terms of a query: quoted phrases and codes weigh more, stop words and very short
    words less."""
    terms: dict[str, QueryTerm] = {}

    def add(text: str, weight: float, phrase: bool = False) -> None:
        if text and text not in terms and len(terms) < max_terms:
            terms[text] = QueryTerm(text, weight, phrase)

    for phrase in _PHRASE.findall(query):
        words = [fold(w) for w in _TOKEN.findall(phrase)]
        if words:
            add(" ".join(words), 3.0, phrase=len(words) > 1)
    for raw in _PHRASE.sub(" ", query).split():
        words = [fold(w) for w in _TOKEN.findall(raw)]
        if not words:
            continue
        if len(words) > 1:  # a code like ERR-4021: its parts in sequence
            add(" ".join(words), 3.0, phrase=True)
            continue
        word = words[0]
        if _is_code(raw):
            weight = 3.0
        elif word in STOPWORDS or (len(word) <= 2 and not _CJK.search(word)):
            weight = 0.2
        else:
            weight = 1.0
        add(word, weight)
    return list(terms.values())


class _Matcher:
    """The single-word terms of a query, indexed so each passage word is checked in a few lookups."""

    def __init__(self, words: list[str]) -> None:
        self.exact = set(words)
        self.stems = {stem(w): w for w in words}
        self.by_initial: dict[str, list[str]] = {}
        for w in words:
            self.by_initial.setdefault(w[:1], []).append(w)

    def match(self, token: str) -> str | None:
        """The term ``token`` matches: equal, same stem, or one a prefix of the other."""
        if token in self.exact:
            return token
        s = stem(token)
        if s in self.stems:
            return self.stems[s]
        for term in self.by_initial.get(token[:1], ()):
            if len(term) >= MIN_PREFIX and token.startswith(term):
                return term
            if len(token) >= MIN_PREFIX and term.startswith(token) and len(token) >= len(term) - 3:
                return term
        return None


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), fold(m.group())) for m in _TOKEN.finditer(text)]


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the original character."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        for f in fold(ch):
            out.append(f)
            index.append(i)
    return "".join(out), index


def find_spans(text: str, terms: list[QueryTerm]) -> tuple[tuple[Span, ...], set[str]]:
    """Spans of ``text`` matching any term, merged and sorted; and the terms that matched."""
    if not text or not terms:
        return (), set()
    spans: list[tuple[int, int]] = []
    matched: set[str] = set()
    cjk = [t for t in terms if t.cjk]
    if cjk:
        hay, index = _folded_with_map(text)
        for term in cjk:
            pos = hay.find(term.text)
            while pos >= 0:
                spans.append((index[pos], index[pos + len(term.text) - 1] + 1))
                matched.add(term.text)
                pos = hay.find(term.text, pos + len(term.text))
    singles = [t.text for t in terms if not t.cjk and " " not in t.text]
    phrases = [t.text.split(" ") for t in terms if not t.cjk and " " in t.text]
    if not singles and not phrases:
        return _merge(spans), matched
    tokens = _tokens(text)
    if singles:
        matcher = _Matcher(singles)
        for start, end, token in tokens:
            term = matcher.match(token)
            if term is not None:
                spans.append((start, end))
                matched.add(term)
    for words in phrases:
        n = len(words)
        for i in range(len(tokens) - n + 1):
            if all(_same_word(tokens[i + j][2], words[j]) for j in range(n)):
                spans.append((tokens[i][0], tokens[i + n - 1][1]))
                matched.add(" ".join(words))
    return _merge(spans), matched


def _same_word(token: str, word: str) -> bool:
    return token == word or stem(token) == stem(word)


def _merge(spans: list[tuple[int, int]]) -> tuple[Span, ...]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple(Span(s, e) for s, e in merged)


def coverage(terms: list[QueryTerm], matched: set[str]) -> float:
    """Weighted share of the query's terms found in a passage (0..1)."""
    total = sum(t.weight for t in terms)
    if total <= 0:
        return 0.0
    return sum(t.weight for t in terms if t.text in matched) / total
