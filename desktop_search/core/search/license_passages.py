"""Licence and copyright notices rank as answers on the query's own words, not on meaning alone.

A real disk holds a licence beside every project: Debian's ``/usr/share/doc/*/copyright``, a
``LICENSE`` or ``COPYING`` in each source tree, the GPL printed at the end of a manual. Their prose
(software, rights, copies, conditions, distribution) sits near many queries: in a folder of 70 real
READMEs and manuals beside 167 such files, 19 of the top-5 rows of 20 everyday questions were
licences (9 with this rule), one of them second for a Japanese question about signing packages. A
licence that the keyword leg also found (the query names its package, "GPL" or "licence") keeps its
place; one found by meaning alone is scored down (see :mod:`unmatched`).

A passage is a licence when its file is named as one (``copyright``, ``COPYING``, ``LICENSE-MIT``,
``NOTICE``, Debian's ``common-licenses``: ``GPL-2``, ``Apache-2.0``), its heading names one (a manual's
appendix "B GNU Free Documentation License": half its passages have none of the wording below), or
its text carries a free-software licence's wording: one phrase only such licences use and one more, or
three phrases of a warranty disclaimer, or the fields of a machine-readable Debian copyright file. A
contract or terms a user wrote may have such a disclaimer too; it is scored down only for a query that
names nothing in it but words every licence uses ("warranty" and "liability" name it).
"""

from __future__ import annotations

import re

from desktop_search.core.extract.sections import SEPARATOR
from desktop_search.core.search.fusion import Candidate
from desktop_search.core.search.unmatched import passage_file_name
from desktop_search.core.store.ledger import ChunkRow

UNMATCHED_LICENSE_FACTOR = 0.5  # a licence passage found by meaning alone keeps this share of its score

# First word of a licence file's name (COPYING.LIB, LICENSE-MIT, LICENCE.txt, copyright).
_LICENSE_STEMS = frozenset({"copying", "copyright", "license", "licence", "notice", "unlicense"})
# The names of Debian's /usr/share/common-licenses (GPL-2, LGPL-2.1, Apache-2.0, Artistic, BSD):
# "apache.txt" may be notes on the web server, so names that are also words need their version.
_LICENSE_NAMES = re.compile(
    r"^(?:(?:a?gpl|lgpl|gfdl|artistic)(?:-v?\d[\d.]*\+?)?|(?:apache|mpl|cc0|bsd)-v?\d[\d.]*|bsd)"
    r"(?:\.txt)?$"
)
# A section title that names a licence ("B GNU Free Documentation License", "Appendix A. GPL", "Lizenz"),
# after its number; not one about licences ("Configuring the license server").
_LICENSE_TITLE = re.compile(
    r"^(?:(?:appendix|anhang|annexe|ap[ée]ndice)\s+)?(?:[a-z\d][\d.]*[.:]?\s+)?"
    r"(?:(?:the\s+)?(?:gnu\s+)?(?:(?:lesser\s+|affero\s+)?general public|free documentation|apache|"
    r"mozilla public|artistic)\s+licen[cs]e.*|a?gpl|lgpl|gfdl|licen[cs]es?|licen[cs]e terms|"
    r"lizenz(?:en|bedingungen)?|copying|copyright(?:\s+and\s+licen[cs]e)?|licen[cs]e\s+and\s+copyright)\s*$"
)
# Wording of free-software licences and of their notices, and nowhere else.
_SPECIFIC = (
    r"general public license|free documentation license|lesser general public|free software foundation|"
    r"is free software|ist freie software|est un logiciel libre|redistribution and use in source and binary|"
    r"redistributions of source code must retain|redistributions in binary form must reproduce|"
    r"permission is hereby granted|apache license|mozilla public license|creative commons|"
    r"spdx-license-identifier|except in compliance with the license|this permission notice|"
    r"invariant sections|front-cover texts|the software is provided|this license|sublicense|"
    r"work based on the program|distribute and/or modify|verbatim copies"
)
# Legal wording that licences share with contracts and terms.
_GENERIC = (
    r"without (?:any )?warranty|merchantability|fitness for a particular purpose|in no event|"
    r"liable for any|all rights reserved|copyright \(c\)|copyright ©|copyright notice|licensed under|"
    r"copyright holder|consequential damages|[\"“]as is[\"”]"
)
_SPECIFIC_RE = re.compile(rf"\b(?:{_SPECIFIC})\b")
_GENERIC_RE = re.compile(rf"\b(?:{_GENERIC})")
# Words one of which every passage the rules below take has (lower case); looking for them with
# ``in`` rules out nearly all text at a quarter of the cost of the rules' regular expressions.
_ANCHORS = (
    "licen", "copyright", "warrant", "merchantab", "particular purpose", "in no event", "liable",
    "rights reserved", "consequential", "free software", "freie software", "logiciel libre",
    "redistribut", "permission", "general public", "creative commons", "invariant sections",
    "front-cover", "software is provided", "work based on the program", "and/or modify",
    "verbatim copies", "files:", "upstream-",
)  # fmt: skip
# Fields of a machine-readable debian/copyright file (DEP-5), each at a line's start; one of the
# first three must be there ("License: MIT" and "Copyright: 2020 …" alone open many a README).
_DEP5_FIELD = re.compile(r"^(Files|Upstream-Name|Upstream-Contact|Copyright|License):", re.M)
_DEP5_OWN = frozenset({"Files", "Upstream-Name", "Upstream-Contact"})
# Beginnings of words that licences use and everyday questions too: a licence found on these alone was
# found by its legal prose. "licence", "warranty", "liability" and a package's or an author's name
# are not among them: a query with one of those names the licence ("cop" covers "copyright" too, but a
# query with it asks about licensing, so the rule is not applied: see asks_about_licences).
_LICENSE_WORDS = (
    "action", "author", "binar", "business", "charge", "claim", "code", "condition", "contribut", "cop",
    "damag", "data", "deal", "direct", "distribut", "document", "event", "express", "fee", "file",
    "following", "form", "foundation", "free", "general", "holder", "impl", "includ", "indirect",
    "limit", "loss", "material", "merg", "modif", "name", "notice", "obtain", "permi", "person",
    "product", "program", "provid", "public", "publish", "purpose", "redistribut", "right", "sell",
    "servic", "softwar", "source", "special", "subject", "term", "title", "use", "using", "version", "work",
    "written",
)  # fmt: skip
# Words of a question about licensing (English, German, French, Spanish, Italian, Portuguese, Dutch,
# Japanese, Chinese): its terms, its rights, its price, its warranty.
_LICENSING_TOPIC = re.compile(
    r"\b(?:licen[cs]|lizenz|licenz|licença|copyright|urheberrecht|droits? d.auteur|derechos? de autor|"
    r"diritt[oi] d.autore|direitos? autora|auteursrecht|warrant|garantie|garant[ií]a|garanzia|liabilit|"
    r"haftung|responsabilit|aansprakelijk|redistribu|weitergeb|weiterverbreit|weiterverkauf|kostenlos|"
    r"gratuit|gratis|open[ -]source|free software|freie software|logiciel libre|software libre|"
    r"a?gpl|lgpl|gfdl|mit-lizenz|bsd|apache 2|eula)"
    r"|ライセンス|著作権|使用許諾|再配布|配布|保証|無料|许可证|版权|授权|免费|分发|保修"
)


def is_license_passage(row: ChunkRow) -> bool:
    """A passage of a licence file (by its name), of a section that names a licence, or one whose text
    is licence wording."""
    return (
        is_license_file_name(passage_file_name(row))
        or is_license_heading(row.heading)
        or is_license_text(row.text)
    )


def is_license_heading(heading: str | None) -> bool:
    """A heading whose chapter or section names a licence ("B GNU Free Documentation License")."""
    if not heading:
        return False
    return any(_LICENSE_TITLE.match(part.strip().lower()) for part in heading.split(SEPARATOR))


def is_license_file_name(name: str) -> bool:
    """``copyright``, ``COPYING.LIB``, ``LICENSE-MIT``, ``GPL-2``, ``Apache-2.0`` and the like."""
    lower = name.strip().lower()
    stem = re.split(r"[.\-_]", lower, maxsplit=1)[0]
    return stem in _LICENSE_STEMS or bool(_LICENSE_NAMES.match(lower))


def is_license_text(text: str) -> bool:
    """Licence wording: a phrase only free-software licences use and one more, three phrases of a
    disclaimer, or two fields of a machine-readable Debian copyright file."""
    lower = text.lower()
    if not any(anchor in lower for anchor in _ANCHORS):
        return False
    fields = set(_DEP5_FIELD.findall(text))
    if len(fields) >= 2 and fields & _DEP5_OWN:
        return True
    folded = " ".join(lower.split())
    specific = len(set(_SPECIFIC_RE.findall(folded)))
    generic = len(set(_GENERIC_RE.findall(folded)))
    return (specific >= 1 and specific + generic >= 2) or generic >= 3


def asks_about_licences(query: str) -> bool:
    """True when a query asks about licensing, in one of the languages the default model knows best:
    licences are then answers, also when they are in another language than the query and meaning alone
    finds them ("Darf ich das Programm weitergeben?", "プログラムを配布してもよいですか")."""
    return bool(_LICENSING_TOPIC.search(query.lower()))


def unmatched_license(c: Candidate, row: ChunkRow) -> bool:
    """A licence passage that the query names nothing of: none of the query's words was found in it, or
    only words that licences use for anything ("data", "damaged", "copies", "software"), so "recover
    data from a damaged file" does not keep a disclaimer's "loss of data … damages" in place (a
    :data:`unmatched.Rule`)."""
    return all(_is_license_word(w) for w in c.content_words) and is_license_passage(row)


def _is_license_word(word: str) -> bool:
    return word.startswith(_LICENSE_WORDS)
