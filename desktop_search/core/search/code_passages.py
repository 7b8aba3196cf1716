"""Passages that are mostly code or markup rank as answers on the query's own words, not on meaning alone.

A shell session, a LaTeX listing or a config file is made of language-neutral tokens (``\\begin``,
``$``, ``=``, paths), so its vector sits near any query whose own words find nothing, above all a
query in another language than the document's. On the real manuals of ``benchmarks/realdocs.py``
such listings filled much of the top 5 of cross-language questions. A code passage that the keyword
leg also found (the query names its command, option or macro) keeps its place; one found by meaning
alone is scored down by :data:`UNMATCHED_CODE_FACTOR`, so prose that explains the same thing ranks
first and the listing still follows when nothing better is there.

A passage of a source, stylesheet or config file (by its extension) counts as code whatever its
lines look like: CSS selectors and JSON fragments pass for prose line by line, and a web site's
stylesheet was the top answer to a Japanese question in a Sphinx site's folder. Notebooks, R
Markdown, calendars and address books carry prose, so their passages are judged by their lines.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from desktop_search.core.extract.kinds import CODE_EXTENSIONS
from desktop_search.core.search.fusion import Candidate
from desktop_search.core.store.ledger import ChunkRow

UNMATCHED_CODE_FACTOR = 0.5  # a code passage found by meaning alone scores this share of its fused score
CODE_SHARE = 0.5  # a passage is code when at least this share of its lines is
CODE_FILE_EXTENSIONS = CODE_EXTENSIONS - {"ipynb", "rmd", "ics", "vcf", "ldif"}
_SYMBOLS = frozenset("{}[]()<>=;|\\/$#_~^*`'\"")
_SYMBOL_SHARE = 0.2  # a line this dense in symbols is code whatever its shape
_CODE_LINE = re.compile(
    r"^\s*(?:[$#%>] \S"  # a prompt or a comment: "$ ls", "# apt-get install"
    r"|\\[A-Za-z@]+"  # a TeX command opening the line
    r"|</?[A-Za-z!?]"  # a markup tag
    r"|[{}]"  # a brace alone
    r"|[\w.-]+=\S"  # key=value
    r"|def \w+\(|class \w+[(:]|self\.\w|@\w+(?:\(|$)"  # Python: a definition, an attribute, a decorator
    r"|from [\w.]+ import |import [\w.]+$"  # ... an import
    r"|return(?: [\w.()\[\]'\"]+)?$)"  # ... a return of one expression ("return to the menu" is prose)
    r"|[;{}]\s*$"  # a statement or a block ending the line
    r"|\\[A-Za-z@]+[{\[]"  # a TeX command with an argument anywhere
)


def is_code_passage(row: ChunkRow) -> bool:
    """A passage of a code file, or one whose lines are mostly code or markup."""
    return row.ext.lower() in CODE_FILE_EXTENSIONS or is_code(row.text)


def is_code(text: str) -> bool:
    """True when most lines of ``text`` (the passage, no heading) are code or markup."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return False
    code = sum(1 for line in lines if _is_code_line(line))
    return code >= CODE_SHARE * len(lines)


def _is_code_line(line: str) -> bool:
    if _CODE_LINE.search(line):
        return True
    visible = line.replace(" ", "")
    return sum(ch in _SYMBOLS for ch in visible) >= _SYMBOL_SHARE * len(visible)


def demote_unmatched_code(
    ranked: list[Candidate], rows: Mapping[str, ChunkRow], factor: float = UNMATCHED_CODE_FACTOR
) -> list[Candidate]:
    """``ranked`` re-sorted after scaling down the code passages that no query word was found in."""
    if factor >= 1.0:
        return ranked
    changed = False
    for c in ranked:
        if c.content_terms == 0 and is_code_passage(rows[c.chunk_id]):
            c.score *= factor
            changed = True
    if not changed:
        return ranked
    return sorted(ranked, key=lambda c: (-c.score, -(c.similarity or -1.0), c.chunk_id))
