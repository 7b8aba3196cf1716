"""Lines a typesetter wrapped inside a listing or a long name, joined again at their marks.

Where a listing's line or a long identifier does not fit, typesetters break it anyway and mark the
break: dblatex (DocBook's PDFs: Debian Reference, the Debian FAQ) ends the line with a hooked arrow
read as "← -", Sphinx starts the next line with "˓→" (and shows a space at the break as "␣"),
Doxygen ends the line inside a name with "←˓". Read as text, the marks stayed in the passages and
the broken words were not found as typed: "1-1.0-1ubuntu1.\\n˓→debdiff" (the Ubuntu Packaging
Guide), "message←˓\\n_in" (SISCone's reference), "contrib non- ← -\\nfree" (Debian Reference).

A dblatex break joins with a space unless the line ends with a hyphen or a slash (its breaks fall
at spaces or after those); a Doxygen break joins the name; a Sphinx break joins with a space where
"␣" marks one.
"""

from __future__ import annotations

import re

# "←˓" (some fonts map the hook to U+0593)
_DOXYGEN = re.compile("[ \\t]*\u2190[ \\t]*[\u02d3\u0593][ \\t]*\\n")
_DBLATEX = re.compile("[ \\t]*\u2190[ \\t]*-[ \\t]*\\n[ \\t]*")  # "← -"
_SPHINX = re.compile("(\u2423?)[ \\t]*\\n[ \\t]*\u02d3[ \\t]*\u2192[ \\t]?")  # "␣" then "˓→" on the next line
_JOINED_AFTER = "-/"  # a dblatex break after these joins without a space


def join_marked_wraps(text: str) -> str:
    """``text`` with the lines its typesetter wrapped and marked joined again (see the module docstring)."""
    if "\u2190" not in text and "\u02d3" not in text:
        return text
    text = _DOXYGEN.sub("", text)
    text = _DBLATEX.sub(lambda m: "" if m.string[m.start() - 1 : m.start()] in _JOINED_AFTER else " ", text)
    return _SPHINX.sub(lambda m: " " if m.group(1) else "", text)
