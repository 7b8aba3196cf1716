"""The keyword leg: BM25 over the ledger's FTS5 index of chunk texts, filters applied inside the query.

Owns turning a typed query into safe FTS5 phrases (:func:`fts_terms`, :func:`fts_query`, from the
shared tokenizer :mod:`desktop_search.core.search.query_words`; a German query's words as prefixes,
:mod:`desktop_search.core.search.word_prefixes`) and running them
(:class:`KeywordSearch`): one term is one ranked query; several are planned around common words
(:mod:`desktop_search.core.search.keyword_plan`) so a query of common words stays fast. Filters come
from the one filter definition, :mod:`desktop_search.core.search.filters`. The ledger
(:mod:`desktop_search.core.store.ledger`) owns the tables and connections; this module only reads.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from desktop_search.core.accents import fold
from desktop_search.core.records import SearchFilters
from desktop_search.core.search.filters import FilterSpec, fts_constraint, normalise, sql_conditions
from desktop_search.core.search.keyword_plan import ROW_BUDGET, all_of, any_of, plan_terms
from desktop_search.core.search.query_words import (
    QueryPiece,
    UnspacedTerm,
    compound_parts,
    query_pieces,
    unspaced_terms,
)
from desktop_search.core.search.stopwords import stopwords_for
from desktop_search.core.search.word_prefixes import prefix_stem
from desktop_search.core.store.ledger import Ledger
from desktop_search.core.store.unspaced import sharp_s_as_ss


@dataclass(frozen=True)
class KeywordHit:
    chunk_id: str
    score: float  # BM25, higher is better (sign flipped from SQLite's)


@dataclass(frozen=True)
class KeywordAnswer:
    """The keyword leg's hits, and how much of the query the index has words for at all."""

    hits: list[KeywordHit]
    terms: int = 0  # the query's search terms (stop words left out)
    known_terms: int = 0  # of those, the ones some passage in the index contains
    term_passages: Mapping[str, int] = field(default_factory=dict)  # folded word -> passages with it

    @property
    def foreign(self) -> bool:
        """Most of the query's words occur nowhere in the index (typically: another language).

        Its keyword hits are then stray words shared by chance, not evidence (see :mod:`fusion`)."""
        return self.terms > 1 and 2 * self.known_terms < self.terms


MAX_TERMS = 32  # FTS5 phrases a query is searched by at most


def fts_terms(user_query: str, max_terms: int = MAX_TERMS, language: str | None = None) -> list[str]:
    """Safe FTS5 phrases from free text (see :func:`fts_query`), stop words (and weak terms of
    unspaced scripts, such as a particle) left out unless that leaves nothing. In a query surely in an
    inflected language the stemmer does not know, a word is its prefix (:mod:`word_prefixes`)."""
    return [term.phrase for term in _terms(user_query, max_terms, language)]


@dataclass(frozen=True)
class _Term:
    phrase: str  # the FTS5 phrase
    word: str  # what the phrase searches for, as typed ("Dateien" for the prefix ``"datei" *``)
    weak: bool = False


def _terms(user_query: str, max_terms: int, language: str | None) -> list[_Term]:
    user_query = sharp_s_as_ss(user_query)  # as the index reads it (see store.unspaced)
    terms = [term for piece in query_pieces(user_query) for term in _phrases(piece, language)]
    seen: set[str] = set()
    unique = [t for t in terms if not (t.phrase.lower() in seen or seen.add(t.phrase.lower()))]  # type: ignore[func-returns-value]
    stop = stopwords_for(language, user_query)
    content = [t for t in unique if not t.weak and t.word.lower() not in stop]
    return (content or unique)[:max_terms]


def _phrases(piece: QueryPiece, language: str | None = None) -> list[_Term]:
    """The piece's phrases: a word or a compound's words each as itself or its prefix; an unspaced
    run's terms, each weak or not (see ``UnspacedTerm.weak``)."""
    if not piece.unspaced:
        if not piece.quoted and len(piece.words) == 1:
            return [_word_term(piece.words[0], language)]
        whole = " ".join(piece.words)
        return [_Term('"' + whole + '"', whole), *(_word_term(w, language) for w in compound_parts(piece))]
    return [_Term(_unspaced_phrase(t), " ".join(t.tokens), t.weak) for t in unspaced_terms(piece)]


def _word_term(word: str, language: str | None) -> _Term:
    prefix = prefix_stem(word, language)
    return _Term('"' + word + '"' if prefix is None else '"' + prefix + '" *', word)


def _unspaced_phrase(term: UnspacedTerm) -> str:
    """A phrase of index tokens (runs as bigrams, see :mod:`desktop_search.core.store.unspaced`)."""
    return '"' + " ".join(term.tokens) + '"' + (" *" if term.prefix else "")


def fts_query(user_query: str, max_terms: int = MAX_TERMS) -> str:
    """Build a safe FTS5 MATCH expression from free text.

    Quoted phrases stay phrases; every other word becomes a quoted term, OR-ed together, so quotes,
    operators (AND, NEAR, ``*``, ``-``) and punctuation in user input can never cause a syntax error.
    Codes like ``ERR-4021`` become the phrase ``"ERR 4021"``, matching the tokens in sequence.
    Stop words are left out unless the query has nothing else. Returns an empty string when the
    query has no words.
    """
    return any_of(fts_terms(user_query, max_terms))


class KeywordSearch:
    """BM25 search of one ledger's keyword index (thread-safe: each thread reads on its own connection)."""

    def __init__(self, ledger: Ledger, row_budget: int = ROW_BUDGET) -> None:
        self.ledger = ledger
        self.row_budget = row_budget  # rows scored per query leg (see :mod:`keyword_plan`)

    def search(
        self,
        query: str,
        k: int,
        filters: SearchFilters | None = None,
        unavailable_folders: Sequence[str] = (),
    ) -> list[KeywordHit]:
        """BM25 over chunk texts (headings weigh half), with filters applied inside the query.

        On a large index common words only add to the scores of rows with rarer words
        (:mod:`keyword_plan`), so a query of common words stays fast.
        """
        return self.answer(query, k, filters, unavailable_folders).hits

    def answer(
        self,
        query: str,
        k: int,
        filters: SearchFilters | None = None,
        unavailable_folders: Sequence[str] = (),
        language: str | None = None,
    ) -> KeywordAnswer:
        """:meth:`search`'s hits, with how many of the query's terms the index knows. ``language``: the
        query's, when known (its stop words are left out too)."""
        found = _terms(query, MAX_TERMS, language)
        terms = [t.phrase for t in found]
        if not terms or k <= 0:
            return KeywordAnswer([])
        spec = normalise(filters, unavailable_folders)
        if len(terms) == 1:
            hits = self._match(terms[0], k, spec)
            return KeywordAnswer(hits, 1, 1 if hits else 0)
        counts = {t: self._doc_count(t) for t in terms}
        hits = self._planned(terms, counts, k, spec)
        by_word = {fold(t.word).lower(): counts[t.phrase] for t in found}
        known = sum(1 for n in counts.values() if n > 0)
        return KeywordAnswer(hits, len(terms), known, by_word)

    def _planned(
        self, terms: list[str], counts: dict[str, int], k: int, spec: FilterSpec | None
    ) -> list[KeywordHit]:
        """The best ``k`` rows for several terms, common words planned around (see :mod:`keyword_plan`)."""

        def ranked(match: str) -> list[KeywordHit]:
            return self._match(match, k, spec)

        plan = plan_terms(terms, counts, self.row_budget)
        if plan.exact:
            return ranked(any_of(terms))
        if plan.rare:
            # rows with a rare term; those with a common word too get their full score from the second
            scores = {h.chunk_id: h.score for h in ranked(any_of(plan.rare))}
            both = f"({any_of(plan.rare)}) AND ({any_of(plan.common)})"
            scores.update({h.chunk_id: h.score for h in ranked(both)})
            best = sorted(scores.items(), key=lambda item: -item[1])[:k]
            return [KeywordHit(cid, score) for cid, score in best]
        # every word is common: rows with all of them, then rows with the rarest one
        hits = ranked(all_of(terms))
        if len(hits) < k:
            seen = {h.chunk_id for h in hits}
            hits += [h for h in ranked(plan.common[0]) if h.chunk_id not in seen][: k - len(hits)]
        return hits

    def _doc_count(self, phrase: str) -> int:
        """Rows containing an FTS5 phrase (walks its doclist without scoring: ~1 ms per 30,000 rows)."""
        try:
            sql = "SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?"
            return int(self.ledger.conn.execute(sql, (phrase,)).fetchone()[0])
        except sqlite3.OperationalError:
            return 0

    def _match(self, match: str, k: int, spec: FilterSpec | None) -> list[KeywordHit]:
        """The ``k`` best rows for one MATCH expression by BM25, filters inside the query."""
        match = fts_constraint(spec, match)
        if spec is None:
            # rank inside the full-text index alone; look up chunk ids for the top k only
            sql = (
                "SELECT c.chunk_id AS chunk_id, r.rank AS rank FROM (SELECT rowid, bm25(chunks_fts, 1.0, 0.5)"
                " AS rank FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rank LIMIT ?) r"
                " JOIN chunks c ON c.rowid = r.rowid ORDER BY r.rank"
            )
            return self._rows(sql, [match, k])
        sql = (
            "SELECT c.chunk_id AS chunk_id, bm25(chunks_fts, 1.0, 0.5) AS rank FROM chunks_fts"
            " JOIN chunks c ON c.rowid = chunks_fts.rowid"
        )
        conditions = sql_conditions(spec)
        if conditions.needs_files:
            sql += " JOIN files fl ON fl.path = c.path"
        sql += (
            " WHERE "
            + " AND ".join(("chunks_fts MATCH ?", *conditions.conditions))
            + " ORDER BY rank LIMIT ?"
        )
        return self._rows(sql, [match, *conditions.args, k])

    def _rows(self, sql: str, args: list[object]) -> list[KeywordHit]:
        try:
            rows = self.ledger.conn.execute(sql, args).fetchall()
        except sqlite3.OperationalError:
            return []  # a query FTS5 still cannot parse is treated as "no keyword match"
        return [KeywordHit(r["chunk_id"], -float(r["rank"])) for r in rows]
