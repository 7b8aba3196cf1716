"""The one query tokenizer: how a typed query splits into quoted phrases and words.

Both legs that read the words of a query use it: the keyword leg builds its FTS5 phrases from the
pieces (:mod:`desktop_search.core.search.keyword`) and the highlighter its query terms
(:mod:`desktop_search.core.search.highlight`). A piece is a quoted phrase, or one whitespace-separated
token of the rest; its words are runs of word characters and combining accents (U+0300-U+036F), so a
decomposed accent stays inside its word, as in FTS5's own tokenizer. A token made of several words
(``ERR-4021``, ``v2.3``) is a code whose words belong together in sequence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# word characters plus combining marks, so decomposed accents stay inside their word
WORD = re.compile(r"[\w\u0300-\u036f]+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]+)"')


@dataclass(frozen=True)
class QueryPiece:
    """A quoted phrase or one token of a query, with its words as typed (not folded)."""

    raw: str  # the phrase's text inside the quotes, or the token as typed
    words: tuple[str, ...]  # never empty
    quoted: bool


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
        if words:
            pieces.append(QueryPiece(token, tuple(words), quoted=False))
    return pieces
