"""Lists of people's names rank as answers on the query's own words, not on meaning alone.

A book thanks its readers by name ("Eric Abrahamsen, Lenimar Nunes de Andrade, Eilinger August, …"), a
release note lists who contributed, a copyright file who wrote the code. Such a passage says nothing a
question asks about, yet its vector, made of names in no language, sits near many queries: over the
English, Spanish, French and German editions of "The Not So Short Introduction to LaTeX" (TeX Live),
the acknowledgement pages came in the top five rows of 6 of 20 everyday questions in four languages,
at 67 % for "non-breaking space between words" and third for "Silbentrennung korrigieren". Found by
the keyword leg (the query names a person) such a passage keeps its place; found by meaning alone it
keeps half its score (:mod:`unmatched`).

A passage is a name list when at least :data:`MIN_NAMES` of its comma-separated items are names (two
to five words, each capitalised, an initial or a particle such as "de" or "van") and those names hold
:data:`MIN_NAME_SHARE` of its letters: a change log's entry that ends with its contributors keeps its
place, as do lists of one-word items (languages, products) and lines of capitalised labels. Of 534,346
passages (all of ``/usr/share/doc`` here, the six realdocs sets, SciFact, git's and aptitude's
manuals, TeX Live's LaTeX guides and earlier test folders), 140 read so: lshort's acknowledgements (in
three languages and its LaTeX source), systemd's "Contributions from:" lists, Info-ZIP's authors; no
other text, none in realdocs or SciFact.
"""

from __future__ import annotations

import re

from desktop_search.core.search.fusion import Candidate
from desktop_search.core.store.ledger import ChunkRow

UNMATCHED_NAMES_FACTOR = 0.5  # a name list found by meaning alone keeps this share of its score
MIN_NAMES = 8  # names a passage needs before it may read as a list of them
MIN_NAME_SHARE = 0.7  # ... and the share of its letters they hold
MAX_NAME_WORDS = 5

# A capitalised word ("Høgholm", "D'Hoye", "Jean-Michel") or an initial ("J."), in any cased script.
_WORD = r"(?:[^\W\d_a-z][^\W\d_]*(?:['’\-][^\W\d_]+)*\.?)"
_PARTICLE = r"(?:de|da|van|von|der|den|du|le|la|di|dos|del|das|ten|af|zu|bin|al|el|y|e)"
_NAME = re.compile(rf"{_WORD}(?:\s+(?:{_WORD}|{_PARTICLE}))*\s+{_WORD}")
_PARTICLE_WORD = re.compile(_PARTICLE)
_EDGES = " \t\n.;:•·*"


def is_name(item: str) -> bool:
    """Whether one comma-separated item reads as a person's name: two to five words, each capitalised
    or a particle, the first and last capitalised, one of them longer than an initial."""
    words = item.split()
    return (
        2 <= len(words) <= MAX_NAME_WORDS
        and _NAME.fullmatch(item) is not None
        and all(word[0].isupper() or _PARTICLE_WORD.fullmatch(word) for word in words)
        and any(len(word) > 2 and word[0].isupper() for word in words)
    )


def is_name_list(text: str) -> bool:
    """Whether a passage is mostly a comma-separated list of people's names."""
    if text.count(",") < MIN_NAMES - 1:
        return False
    names = [item for item in (part.strip(_EDGES) for part in text.split(",")) if is_name(item)]
    if len(names) < MIN_NAMES:
        return False
    letters = sum(1 for ch in text if ch.isalpha())
    named = sum(1 for name in names for ch in name if ch.isalpha())
    return named >= MIN_NAME_SHARE * letters


def unmatched_name_list(c: Candidate, row: ChunkRow) -> bool:
    """A list of names that no query word was found in (a :data:`unmatched.Rule`)."""
    return c.content_terms == 0 and is_name_list(row.text)
