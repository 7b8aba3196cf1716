"""Passages of code files rank as answers on the query's own words, not on meaning alone.

A source file, a stylesheet or a config file is made of language-neutral tokens (selectors, braces,
paths, identifiers), so its vector sits near any query whose own words find nothing, above all a query
in another language than the index's: a Sphinx site's stylesheet was the top answer to a Japanese
question in that site's folder. A passage of such a file (by its extension) that the keyword leg also
found (the query names its function, option or macro) keeps its place; one found by meaning alone is
scored down by :data:`UNMATCHED_CODE_FACTOR` (see :mod:`unmatched`), so prose that explains the same
thing ranks first and the file still follows when nothing better is there. Build recipes count by
their whole name (``Makefile``, ``Dockerfile``, ``CMakeLists.txt``: a folder of Debian's package
documentation put them in the top 5 of Japanese and Spanish questions they do not answer).
Notebooks, R Markdown, calendars and address books carry prose, so they are not code files here.

A listing *inside* a document (a shell session in a PDF manual, a LaTeX example in its chapter) is
not scored down: it sits in the section that explains it, and its page is often the one that answers.
Scoring such listings down too (half their fused score when most of their lines were code or markup)
cost right pages on ``benchmarks/realdocs.py``'s manuals, in each of three builds of the index
(cross-language, every passage ranked: right page in the top 5 0.647 / 0.667 / 0.686 with it,
0.686 / 0.686 / 0.706 without; top-1 of the grouped list 0.431 / 0.510 / 0.451 with it,
0.471 / 0.549 / 0.490 without; no figure lower without it).
"""

from __future__ import annotations

from desktop_search.core.extract.kinds import CODE_EXTENSIONS, CODE_NAMES
from desktop_search.core.search.fusion import Candidate
from desktop_search.core.search.unmatched import passage_file_name
from desktop_search.core.store.ledger import ChunkRow

UNMATCHED_CODE_FACTOR = 0.5  # a code file's passage found by meaning alone keeps this share of its score
CODE_FILE_EXTENSIONS = CODE_EXTENSIONS - {"ipynb", "rmd", "ics", "vcf", "ldif"}


def is_code_passage(row: ChunkRow) -> bool:
    """A passage of a code file (source, stylesheet, config), by the file's extension or, for build
    recipes (``Makefile``, ``Dockerfile``, ``CMakeLists.txt``), its whole name. An ``.xml`` passage
    under a section title is a document's (DocBook, TEI: extract.xml_documents), not code's."""
    ext = row.ext.lower()
    if ext == "xml" and row.heading:
        return False
    return ext in CODE_FILE_EXTENSIONS or passage_file_name(row).lower() in CODE_NAMES


def unmatched_code(c: Candidate, row: ChunkRow) -> bool:
    """A code file's passage that no query word was found in (a :data:`unmatched.Rule`)."""
    return c.content_terms == 0 and is_code_passage(row)
