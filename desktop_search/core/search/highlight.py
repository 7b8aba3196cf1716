"""Query terms and where they occur in a passage: highlight spans and keyword coverage.

Matching is case- and accent-insensitive and forgiving about word endings: a passage word matches a
query word when they are equal, share a light stem ("indexing" ~ "indexed"), the query word begins
the passage's ("config" ~ "configuration", but not "exam" ~ "example"), or the passage's is the query
word less an inflection ("Datei" ~ "Dateien", but not "date" ~ "Datei"). Scripts written without
spaces (Chinese, Japanese, Thai) match as substrings, a long run of them by its bigrams, as the keyword
leg does (:func:`~desktop_search.core.search.query_words.unspaced_terms`). Spans are offsets into the
original passage text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from desktop_search.core.accents import ACCENTED_LETTERS, fold
from desktop_search.core.records import Span
from desktop_search.core.search.language import sure_language
from desktop_search.core.search.query_words import WORD, compound_parts, query_pieces, unspaced_terms
from desktop_search.core.search.stopwords import stopwords_for
from desktop_search.core.store.unspaced import has_unspaced, is_han

_SUFFIXES = (
    "ational", "ization", "fulness", "ousness", "iveness", "ations", "ation", "ments", "ment",
    "ingly", "edly", "ness", "ings", "ing", "ies", "ied", "ers", "er", "ed", "es", "ly", "s", "e",
)  # fmt: skip
CONTENT_WEIGHT = 1.0  # terms weighing this or more are content words (stop words and short words weigh less)
MIN_PREFIX = 4  # shorter words match only whole (or by stem), so "a" does not light up every "and"
# a query word of this many letters begins every passage word it matches ("config" finds
# "configuration"); a shorter one finds its inflections only ("heure" finds "heures", not
# "heureusement"; "main" not "maintainer"; "exam" not "example"), and names with digits or "_" after it
# ("unix" finds "unix2dos")
FREE_PREFIX = 6
AFTER_E = frozenset(("d",))  # a short word's ending after its "e": "date" finds "dated"
# in a query in a language that writes compounds as one word, shorter words begin longer ones ("Datei"
# finds "Dateisystem", "pakket" "pakketbeheer") and "e" takes "n" and "r" ("eine": "einen", "einer")
COMPOUNDING = frozenset(("de", "nl"))
FREE_PREFIX_COMPOUNDING = 5
AFTER_E_COMPOUNDING = frozenset(("d", "n", "r"))
# what a query word may have beyond a shorter passage word that begins it: an inflection ("Datei" for
# "Dateien", "install" for "installing"), or a derivation of a word of five letters or more ("infect"
# for "infection", "toxic" for "toxicity"); not another word ("date" for "Datei", "with" for "without",
# "vers" for "version"). A lone "n" is left out: "date" is not "Daten", though "Seite" is "Seiten".
INFLECTIONS = frozenset(
    ("s", "es", "x", "e", "en", "er", "ers", "ern", "m", "em", "ed", "ing", "ings", "ung",
     "ungen")
)  # fmt: skip
DERIVATIONS = frozenset(
    ("ent", "ant", "ion", "ions", "al", "ive", "ity", "ly", "or", "ors", "ic", "ure", "ary", "y")
)  # fmt: skip
MIN_DERIVED = 5  # letters of a passage word a derivation may extend
_LONGEST_ENDING = max(map(len, INFLECTIONS | DERIVATIONS))


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
    painted: str | None = None  # what a match paints where not all of it (see UnspacedTerm.painted)

    @property
    def cjk(self) -> bool:
        return has_unspaced(self.text)


def _is_code(word: str) -> bool:
    """Codes, numbers and identifiers (ERR-4021, v2.3, 1984) are what the keyword leg is for."""
    return any(ch.isdigit() for ch in word) or ("-" in word or "_" in word or "." in word.strip("."))


def query_terms(query: str, max_terms: int = 32, language: str | None = None) -> list[QueryTerm]:
    """The distinct terms of a query: quoted phrases and codes weigh more, stop words (of ``language``
    too, when the query's is known) and very short words less."""
    terms: dict[str, QueryTerm] = {}
    stop = stopwords_for(language, query)

    def add(text: str, weight: float, phrase: bool = False, painted: str | None = None) -> None:
        if text and text not in terms and len(terms) < max_terms:
            terms[text] = QueryTerm(text, weight, phrase, painted)

    for piece in query_pieces(query):
        if piece.unspaced:  # not folded: decomposing would strip kana voicing ("デ" is not "テ")
            for term in unspaced_terms(piece):
                weight = 3.0 if piece.quoted else 0.2 if term.weak else CONTENT_WEIGHT
                add(" ".join(term.shown).lower(), weight, len(term.shown) > 1, term.painted)
            continue
        words = [fold(w) for w in piece.words]
        if piece.quoted:
            add(" ".join(words), 3.0, phrase=len(words) > 1)
            continue
        if len(words) > 1:  # a code like ERR-4021: its parts in sequence
            add(" ".join(words), 3.0, phrase=True)
            for part in compound_parts(piece):  # and a compound's words alone ("Gmail-Konto")
                folded = fold(part)
                add(folded, _word_weight(folded, part, stop))
            continue
        word = words[0]
        add(word, 3.0 if _is_code(piece.raw) else _word_weight(word, piece.words[0], stop))
    return list(terms.values())


def _word_weight(word: str, typed: str, stopwords: frozenset[str]) -> float:
    """A folded word's weight: stop words and words of one or two letters count little. ``typed`` is
    the word as typed: stop words keep their accents ("für" is one, "fur" is not)."""
    stop = word in stopwords or typed.lower() in stopwords
    return 0.2 if stop or len(word) <= 2 else CONTENT_WEIGHT


class _Matcher:
    """The single-word terms of a query, indexed so each passage word is checked in a few lookups."""

    def __init__(self, words: list[str], compounding: bool = False) -> None:
        self.free_prefix = FREE_PREFIX_COMPOUNDING if compounding else FREE_PREFIX
        self.after_e = AFTER_E_COMPOUNDING if compounding else AFTER_E
        self.exact = set(words)
        self.stems = {stem(w): w for w in words}
        self.by_initial: dict[str, list[str]] = {}
        for w in words:
            self.by_initial.setdefault(w[:1], []).append(w)

    def match(self, token: str) -> str | None:
        """The term ``token`` matches: equal, same stem, the term a prefix of it ("config" finds
        "configuration"; a short term only its inflections, :meth:`_grown`), or it the term less an
        inflection or derivation (:func:`_ending`)."""
        if token in self.exact:
            return token
        s = stem(token)
        if s in self.stems:
            return self.stems[s]
        for term in self.by_initial.get(token[:1], ()):
            if len(term) >= MIN_PREFIX and token.startswith(term) and self._grown(term, token):
                return term
            if len(token) >= MIN_PREFIX and term.startswith(token) and _ending(term[len(token) :], token):
                return term
        return None

    def _grown(self, term: str, token: str) -> bool:
        """Whether ``token``, which begins with ``term``, is a longer form of it: anything beyond a
        long term, only an inflection beyond a short one ("notes", "noted"; not "notation")."""
        rest = token[len(term) :]
        if len(term) >= self.free_prefix or rest in INFLECTIONS or rest[0] == "_" or rest[0].isdigit():
            return True
        return term[-1] == "e" and rest in self.after_e


def _ending(rest: str, token: str) -> bool:
    """Whether ``rest`` makes ``token`` a form of the query word (see :data:`INFLECTIONS`)."""
    return rest in INFLECTIONS or (rest in DERIVATIONS and len(token) >= MIN_DERIVED)


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), fold(m.group())) for m in WORD.finditer(text)]


SHARP_S = "[ßẞ]"  # German sharp s: folds to "ss"


def _prefix_pattern(prefix: str) -> str:
    """A regex for words beginning with ``prefix``, in any case and with or without accents; "ss" is
    also "ß", which folds to it ("fusszeilen" begins "Fußzeilen"), and a last "s" may be its first half."""
    parts = []
    at = 0
    while at < len(prefix):
        ch = prefix[at]
        variants = ACCENTED_LETTERS.get(ch)
        letter = f"[{re.escape(variants)}]" if variants else re.escape(ch)
        if prefix.startswith("ss", at):
            parts.append(f"(?:{letter}{{2}}|{SHARP_S})")
            at += 2
            continue
        parts.append(f"(?:{letter}|{SHARP_S})" if ch == "s" and at == len(prefix) - 1 else letter)
        at += 1
    return "[\u0300-\u036f]*".join(parts)


def _candidate_prefix(term: str) -> str:
    """A prefix every word the matcher accepts for ``term`` begins with (see :class:`_Matcher`)."""
    return term[: min(len(stem(term)), max(MIN_PREFIX, len(term) - _LONGEST_ENDING))]


@lru_cache(maxsize=256)
def _candidates_regex(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    """Words that may match one of the terms: a C-speed pre-filter before the exact check."""
    alternatives = "|".join(_prefix_pattern(p) for p in sorted(set(prefixes), key=len, reverse=True))
    return re.compile(f"(?<![\\w\u0300-\u036f])(?:{alternatives})[\\w\u0300-\u036f]*", re.IGNORECASE)


class Highlighter:
    """Finds a query's terms in passages; build once per query, call :meth:`find` per passage."""

    def __init__(self, terms: list[QueryTerm], language: str | None = None) -> None:
        """``language``: the query's, when known; one that compounds lets shorter words begin longer
        ones (:data:`COMPOUNDING`)."""
        self.terms = terms
        # stop words and one-letter words still count toward coverage but are not painted, unless the
        # query has nothing else ("to be or not to be")
        light = {t.text for t in terms if t.weight < 0.5}
        self.unpainted = light if len(light) < len(terms) else set()
        self.cjk = [(*_unspaced_regex(t.text), t.painted) for t in terms if t.cjk]
        singles = [t.text for t in terms if not t.cjk and " " not in t.text]
        self.matcher = _Matcher(singles, language in COMPOUNDING) if singles else None
        prefixes = tuple(_candidate_prefix(t) for t in singles)
        self.singles_regex = _candidates_regex(prefixes) if singles else None
        self.phrases = [
            (t.text.split(" "), _candidates_regex((_candidate_prefix(t.text.split(" ")[0]),)))
            for t in terms
            if not t.cjk and " " in t.text
        ]

    def find(self, text: str) -> tuple[tuple[Span, ...], set[str]]:
        """Spans of ``text`` matching any term, merged and sorted; and the terms that matched."""
        if not text or not self.terms:
            return (), set()
        spans: list[tuple[int, int]] = []
        bridges: list[tuple[int, int]] = []  # the kanji of bigrams with grammar ("録す": "録", "件的": "件")
        matched: set[str] = set()
        for term, regex, painted in self.cjk:  # no accents to fold: a substring search, words in sequence
            if term in self.unpainted:  # a particle ("に") or a kana ending ("する"): counted, not painted
                if regex.search(text):
                    matched.add(term)
                continue
            for m in regex.finditer(text):
                inner = m.group().find(painted) if painted else -1
                if inner < 0:
                    spans.append((m.start(), m.end()))
                else:
                    bridges.append((m.start() + inner, m.start() + inner + len(painted or "")))
                matched.add(term)
        if self.matcher is not None and self.singles_regex is not None:
            for m in self.singles_regex.finditer(text):
                found = self.matcher.match(fold(m.group()))
                if found is not None:
                    if found not in self.unpainted:
                        spans.append((m.start(), m.end()))
                    matched.add(found)
        for words, regex in self.phrases:
            n = len(words)
            for m in regex.finditer(text):
                window = _tokens(text[m.start() : m.start() + 64 * n])[:n]
                if len(window) == n and all(_same_word(window[j][2], words[j]) for j in range(n)):
                    spans.append((m.start(), m.start() + window[-1][1]))
                    matched.add(" ".join(words))
        return _merge(spans + _whole_kanji_words(text, bridges, spans)), matched


def _whole_kanji_words(
    text: str, bridges: list[tuple[int, int]], spans: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The bridges that paint: those whose run of kanji in the text is painted whole ("使" of "を使う"
    for "パッケージを使う"), not the last letter of another word ("理" of "整理する" for "管理する")."""
    covered = {i for start, end in (*spans, *bridges) for i in range(start, end)}
    kept = []
    for start, end in bridges:
        while start > 0 and is_han(text[start - 1]):
            start -= 1
        while end < len(text) and is_han(text[end]):
            end += 1
        if all(i in covered for i in range(start, end)):
            kept.append((start, end))
    return kept


@lru_cache(maxsize=1024)
def _unspaced_regex(term: str) -> tuple[str, re.Pattern[str]]:
    """A term with unspaced letters, and a regex finding it: its words and runs in sequence, with or
    without spaces or punctuation between them (``linux 管理`` finds "Linux管理" and "Linux 管理")."""
    pattern = r"[\W_]*".join(re.escape(part) for part in term.split(" "))
    return term, re.compile(pattern, re.IGNORECASE)


def find_spans(text: str, terms: list[QueryTerm]) -> tuple[tuple[Span, ...], set[str]]:
    """Spans of ``text`` matching any of ``terms``, and the terms that matched (see :class:`Highlighter`)."""
    return Highlighter(terms).find(text)


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


def content_matches(terms: list[QueryTerm], matched: set[str]) -> frozenset[str]:
    """The query's content words, codes and phrases that a passage contains."""
    return frozenset(t.text for t in terms if t.weight >= CONTENT_WEIGHT and t.text in matched)


def coverage(terms: list[QueryTerm], matched: set[str]) -> float:
    """Weighted share of the query's terms found in a passage (0..1)."""
    total = sum(t.weight for t in terms)
    if total <= 0:
        return 0.0
    return sum(t.weight for t in terms if t.text in matched) / total


def highlighter_for(query: str) -> Highlighter:
    """The highlighter a search uses for what the user typed: its terms, less the stop words of the
    query's language when the language guesser is sure of it (German "war", French "comment")."""
    language = sure_language(query)
    return Highlighter(query_terms(query, language=language), language)
