"""German query words as prefixes for the keyword leg: the index's stemmer knows English only.

The keyword index stems with Porter (English). A German query word then finds only its own form:
"gelöscht" misses "gelöschten", "Dateien" misses "Datei", "Festplatte" misses "Festplatten", though the
highlighter (:mod:`desktop_search.core.search.highlight`) paints each of them. In a query surely written
in German, a word of letters loses an inflection ending and becomes an FTS5 prefix: "Dateien" →
``"datei" *``, which matches "Datei", "Dateien" and "Dateisystem" alike. What is left keeps
:data:`MIN_STEM` letters, so short stems stay whole ("Seiten" stays ``"seiten" *``, never ``"seit" *``).
The verb that frames a German question ("Wie *schreibe* ich …?") is a stop word of that query
(:func:`~desktop_search.core.search.stopwords.framing_verbs`), so it never becomes a broad prefix.

Measured with ``benchmarks/realdocs.py --absent`` (one int8 build; hit@1 / hit@5 / MRR@10, before ->
after): flat across languages 0.585 / 0.769 / 0.676 -> 0.585 / 0.785 / 0.677, in the question's own
language 0.569 / 0.845 / 0.688 -> 0.569 / 0.862 / 0.692; grouped 0.646 / 0.831 / 0.726 -> 0.631 / 0.831 /
0.721 and 0.690 / 0.759 / 0.719 -> 0.707 / 0.759 / 0.728. German questions, flat hit@5: 0.625 -> 0.688
across languages, 0.667 -> 0.750 in German. LilyPond's manuals (``--questions lilypond_questions.json``):
grouped same-language 0.850 -> 0.900 ("Wie schreibe ich Akkorde?" found), the rest unchanged.
``crosslingual.py`` (German synopses over English descriptions): hybrid nDCG@10 0.687 -> 0.688.
The same for French, Spanish, Italian, Portuguese and Dutch (their own endings) cost more than it
gained: French and Spanish questions lost right pages on both sets ("main" and "saisir" reach other
words; "principio" and "proposito" reach English ones), so those languages stay as typed.
"""

from __future__ import annotations

import unicodedata

ENDINGS: dict[str, tuple[str, ...]] = {
    "de": ("ungen", "ung", "ern", "en", "er", "em", "es", "e", "s"),
}  # the languages whose words become prefixes, and the endings taken off first (longest first)
MIN_WORD = 5  # letters a word needs to become a prefix at all
MIN_STEM = 5  # letters a prefix keeps when an ending is taken off


def prefix_stem(word: str, language: str | None) -> str | None:
    """The prefix a query word of ``language`` is searched by, in lower case without accents (as FTS5
    compares; "ß" stays), or None where it stays a whole word (another language, a short word, digits in
    it)."""
    endings = ENDINGS.get(language or "")
    if endings is None or len(word) < MIN_WORD or not word.isalpha():
        return None
    decomposed = unicodedata.normalize("NFKD", word.lower())
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    for ending in endings:
        if folded.endswith(ending) and len(folded) - len(ending) >= MIN_STEM:
            return folded[: -len(ending)]
    return folded
