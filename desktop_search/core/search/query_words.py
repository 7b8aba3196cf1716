"""The one query tokenizer: how a typed query splits into quoted phrases and words.

Both legs that read the words of a query use it: the keyword leg builds its FTS5 phrases from the
pieces (:mod:`desktop_search.core.search.keyword`) and the highlighter its query terms
(:mod:`desktop_search.core.search.highlight`). A piece is a quoted phrase, or one whitespace-separated
token of the rest; its words are runs of word characters and combining accents (U+0300-U+036F), so a
decomposed accent stays inside its word, as in FTS5's own tokenizer. A token made of several words
(``ERR-4021``, ``v2.3``) is a code whose words belong together in sequence, except where an
apostrophe joins a word to an elided article or pronoun (French "d'une", "l'authentification",
Italian "dell'archivio"): those are separate words, the elided one left out
(:func:`elided_words`); and a French verb joined to its subject pronoun in a question ("puis-je",
"peut-on", "existe-t-il") is its words (:func:`inverted_words`).

A piece with a run of Chinese, Japanese, Korean or Thai letters (:mod:`desktop_search.core.store.unspaced`)
becomes :class:`UnspacedTerm` s (:func:`unspaced_terms`): a short run is one word, the phrase of its
character bigrams; a long run (a typed sentence) is its bigrams, each a term of its own; a quoted
piece is one phrase. Japanese grammar (particles, kana endings) and the words that frame a typed
question (如何, 怎样, 方法) are weak evidence, counted like a stop word; a bigram that joins grammar (or
Chinese 的) to a word's letter counts in full but paints only that letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop_search.core.store.unspaced import (
    Part,
    bigrams,
    clusters,
    has_unspaced,
    is_hiragana,
    is_katakana,
    parts,
    run_tokens,
)

# word characters plus combining marks, so decomposed accents stay inside their word
WORD = re.compile(r"[\w\u0300-\u036f]+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]+)"')
_APOSTROPHES = re.compile("['\u2019\u02bc]")
# words elided before an apostrophe besides those of one or two letters (l' d' qu' j' n' s' c' m' t')
_ELIDED_TEXT = "jusqu lorsqu puisqu quoiqu presqu quelqu dell dall nell sull coll all quell quest tutt"
ELIDED = frozenset(_ELIDED_TEXT.split())
# the endings English joins after an apostrophe: such a token stays whole, as before elisions were read
ENGLISH_ENDINGS = frozenset(("s", "t", "d", "m", "re", "ve", "ll"))
# French subject pronouns a question puts after its verb ("puis-je", "faut-il"); "on" and "ce" also end
# English compounds ("add-on"), so they count only after a "-t-" or one of INVERTING_VERBS
SUBJECT_PRONOUNS = frozenset(("je", "tu", "il", "elle", "ils", "elles", "nous", "vous"))
_INVERTING_TEXT = "peut doit faut est sait va fait pourrait devrait faudrait serait sera était dit"
INVERTING_VERBS = frozenset(_INVERTING_TEXT.split())
_JOINER = re.compile("^[-'\u2019\u02bc]$")


@dataclass(frozen=True)
class QueryPiece:
    """A quoted phrase or one token of a query, with its words as typed (not folded)."""

    raw: str  # the phrase's text inside the quotes, or the token as typed
    words: tuple[str, ...]  # never empty
    quoted: bool

    @property
    def unspaced(self) -> bool:
        """The piece has letters of a script written without spaces (see :func:`unspaced_terms`)."""
        return has_unspaced(self.raw)


def compound_parts(piece: QueryPiece) -> tuple[str, ...]:
    """The words of a hyphenated compound of letters ("Gmail-Konto", "Unix-Format", "cross-linking"),
    three letters or more, as typed; none for other pieces. A German compound is hyphenated where it
    joins a name or a foreign word, and that part ("Gmail", "Unix") is often the one word an index in
    another language shares with the query, while the compound as a phrase occurs nowhere. Codes
    (a digit anywhere: ERR-4021, COVID-19) and quoted phrases stay whole."""
    if piece.quoted or len(piece.words) < 2 or "-" not in piece.raw or any(ch.isdigit() for ch in piece.raw):
        return ()
    return tuple(w for w in piece.words if len(w) >= 3)


def query_pieces(query: str) -> list[QueryPiece]:
    """The quoted phrases of ``query`` (in order), then the tokens of the rest; pieces without words
    (punctuation only) are left out."""
    pieces: list[QueryPiece] = []
    for phrase in _PHRASE.findall(query):
        words = WORD.findall(phrase)
        if words:
            pieces.append(QueryPiece(phrase, tuple(words), quoted=True))
    for token in _PHRASE.sub(" ", query).split():
        words = WORD.findall(token)
        if not words:
            continue
        kept = elided_words(token, words)
        if kept is None:
            kept = inverted_words(token, words)
        if kept is None:
            pieces.append(QueryPiece(token, tuple(words), quoted=False))
        else:
            pieces.extend(QueryPiece(w, (w,), quoted=False) for w in kept)
    return pieces


def elided_words(token: str, words: list[str]) -> list[str] | None:
    """The words of a token that joins words with apostrophes only, an elided one among them ("d'une",
    "l'authentification", "qu'il", "dell'archivio"), less the elided ones (:func:`_elided`); None for
    an English possessive or contraction ("Alzheimer's") and any other token, which stays whole. A
    French question's "d'une" as one code-like phrase counted as a rare content word of triple weight,
    and carried pages of another manual that merely had "d'une" and "question" to the top."""
    joiners = _joiners(token, words)
    if joiners is None or any(not _APOSTROPHES.fullmatch(j) for j in joiners):
        return None  # other joiners too ("d'une-fois", "l'a/b"): left whole
    if words[-1].lower() in ENGLISH_ENDINGS:
        return None  # "Alzheimer's", "don't": a name's possessive weighs as the code it was
    elided = [_elided(w) for w in words[:-1]] + [False]
    if not any(elided):
        return None  # "aujourd'hui": one word that FTS5 reads as two, a phrase
    return [w for w, e in zip(words, elided, strict=True) if not e]


def inverted_words(token: str, words: list[str]) -> list[str] | None:
    """The words of a French verb joined to the subject pronoun after it ("puis-je", "peut-on",
    "existe-t-il", "qu'est-ce"), less the "t" between them and an elided word; None for any other
    token. "Où puis-je discuter …" searched the phrase "puis je" as a code of triple weight, a third of
    the question's weight that no page of an answer has."""
    joiners = _joiners(token, words)
    if joiners is None or not all(_JOINER.match(j) for j in joiners):
        return None
    last, before = words[-1].lower(), words[-2].lower()
    if not (
        last in SUBJECT_PRONOUNS or (last in ("on", "ce") and (before == "t" or before in INVERTING_VERBS))
    ):
        return None
    kept = []
    for i, word in enumerate(words[:-1]):
        elided = joiners[i] != "-" and _elided(word)
        euphonic = word.lower() == "t" and joiners[i] == "-" and i > 0
        if not (elided or euphonic):
            kept.append(word)
    return [*kept, words[-1]]


def _joiners(token: str, words: list[str]) -> list[str] | None:
    """What stands between each two words of a token; None for a token of one word or with a digit (a
    code: "5'10", "COVID-19")."""
    if len(words) < 2 or any(ch.isdigit() for ch in token):
        return None
    spans = [m.span() for m in WORD.finditer(token)]
    return [token[spans[i][1] : spans[i + 1][0]] for i in range(len(spans) - 1)]


def _elided(word: str) -> bool:
    """A word elided before an apostrophe: two letters or fewer (l' d' qu' j' n'), or :data:`ELIDED`."""
    return len(word) <= 2 or word.lower() in ELIDED


# Words that frame a typed Chinese or Japanese question ("如何…", "怎样…", "…的方法", "…する方法"), like
# "how" or "wie": weak when cut from a long run, as a stop word is; a short run typed alone keeps them.
QUESTION_BIGRAMS = frozenset(
    ["如何", "怎么", "怎样", "什么", "为什", "哪个", "哪些", "哪里", "是否", "能否", "请问", "方法", "仕方"]
)
GRAMMAR_HANZI = "的"  # Chinese's possessive particle: a word of its own in almost every bigram it is in
SHORT_RUN = 4  # letters: a run this short is one word (most Chinese words and names are 2-4 letters)


@dataclass(frozen=True)
class UnspacedTerm:
    """A search term from a piece with unspaced letters."""

    tokens: tuple[str, ...]  # in sequence, as the keyword index holds them (runs as bigrams)
    shown: tuple[str, ...]  # the words and runs as typed, in sequence (what the highlighter looks for)
    prefix: bool = False  # the last token is a prefix (a one-letter run that ends the term)
    bigram: bool = False  # two letters cut from a long run ("数据备份方案": "数据", "据备", …)

    @property
    def weak(self) -> bool:
        """Weak evidence, like a stop word: one letter alone (a particle such as "を"), or a bigram
        of Hiragana from a long run (endings and particles of a typed Japanese sentence)."""
        lone = len(self.shown) == 1 and len(clusters(self.shown[0])) == 1 and has_unspaced(self.shown[0])
        return lone or (self.bigram and (is_hiragana(self.shown[0]) or self.shown[0] in QUESTION_BIGRAMS))

    @property
    def painted(self) -> str | None:
        """What a match paints where not all of it: a bigram that joins a Hiragana ending or particle
        to a word's letter ("録す", "鍵を"), or Chinese 的 ("件的" of "文件的编码"), paints only that
        letter."""
        letters = clusters(self.shown[0])
        grammar = [is_hiragana(c) or c in GRAMMAR_HANZI for c in letters]
        if not self.bigram or all(grammar) or not any(grammar):
            return None
        return "".join(c for c, g in zip(letters, grammar, strict=True) if not g)


def unspaced_terms(piece: QueryPiece) -> list[UnspacedTerm]:
    """The terms of a piece with unspaced letters: a quoted piece is one phrase; otherwise each short
    run is a term (a word or a name), as is each Katakana word, each other long run its bigrams, and
    the spaced words between runs a phrase (a code like ``ERR-4021``), so ``限制APT下载带宽`` finds
    "限制 APT 的下载带宽". A short Hiragana run beside other words is grammar, not a word: the
    "するには" of "アップグレードするには" is its bigrams, weak like a long run's."""
    if piece.quoted:
        whole = list(parts(piece.raw, by_script=False))
        return [_phrase(whole)] if whole else []
    found = list(parts(piece.raw))
    terms: list[UnspacedTerm] = []
    words: list[Part] = []
    for p in [*found, None]:
        if p is not None and not p.unspaced:
            words.append(p)
            continue
        if words:
            terms.append(_phrase(words))
            words = []
        if p is None:
            break
        grammar = len(found) > 1 and len(clusters(p.text)) > 1 and is_hiragana(p.text)
        if (len(clusters(p.text)) <= SHORT_RUN and not grammar) or is_katakana(p.text):  # a word
            terms.append(_phrase([p]))
        else:
            terms.extend(
                UnspacedTerm(tuple(run_tokens(b, False)), (b,), bigram=True) for b in bigrams(p.text)
            )
    return terms


def _phrase(found: list[Part]) -> UnspacedTerm:
    tokens: list[str] = []
    for i, p in enumerate(found):
        tokens.extend(run_tokens(p.text, closed=i < len(found) - 1) if p.unspaced else [p.text])
    last = found[-1]
    prefix = last.unspaced and len(clusters(last.text)) == 1
    return UnspacedTerm(tuple(tokens), tuple(p.text for p in found), prefix)
