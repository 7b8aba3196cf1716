"""LaTeX as a reader of the typeset text needs it: what commands and environments mean (which
arguments are text, which are not, which names stand for characters) and how arguments are scanned
(braces and brackets matched, escapes skipped). Used by :mod:`latex`."""

from __future__ import annotations

import re

SECTION_LEVELS = {
    "part": 1, "chapter": 2, "section": 3, "subsection": 4, "subsubsection": 5, "paragraph": 6,
    "subparagraph": 7, "addchap": 2, "addsec": 3, "frametitle": 4,
}  # fmt: skip
# commands whose arguments are not text: how many braced arguments to drop (optional ones always go)
DROPPED_ARGS = {
    "label": 1, "ref": 1, "eqref": 1, "pageref": 1, "autoref": 1, "cref": 1, "Cref": 1, "vref": 1,
    "cite": 1, "citep": 1, "citet": 1, "citealp": 1, "citeauthor": 1, "citeyear": 1, "nocite": 1,
    "parencite": 1, "textcite": 1, "autocite": 1, "footcite": 1, "includegraphics": 1, "input": 1,
    "include": 1, "bibliography": 1, "bibliographystyle": 1, "addbibresource": 1, "usepackage": 1,
    "RequirePackage": 1, "documentclass": 1, "newcommand": 2, "renewcommand": 2, "providecommand": 2,
    "DeclareMathOperator": 2, "newenvironment": 3, "renewenvironment": 3, "newtheorem": 2,
    "setlength": 2, "addtolength": 2, "setcounter": 2, "addtocounter": 2, "vspace": 1, "hspace": 1,
    "pagestyle": 1, "thispagestyle": 1, "pagenumbering": 1, "hypersetup": 1, "graphicspath": 1,
    "geometry": 1, "definecolor": 3, "color": 1, "fontsize": 2, "linespread": 1, "index": 1,
    "glossary": 1, "date": 1, "thanks": 1, "bibitem": 1, "url": 0, "affiliation": 1, "email": 1,
    "keywords": 0, "selectlanguage": 1, "foreignlanguage": 1, "textcolor": 1, "colorbox": 1,
    "rule": 2, "raisebox": 1, "resizebox": 2, "scalebox": 1, "phantom": 1, "hphantom": 1,
    "vphantom": 1, "settowidth": 2, "newlength": 1, "newcounter": 1, "captionsetup": 1,
    "lstset": 1, "setmainfont": 1, "setsansfont": 1, "setmonofont": 1, "setCJKmainfont": 1,
    "acrodef": 2, "newacronym": 3, "newglossaryentry": 2, "DeclareGraphicsExtensions": 1,
    "orcid": 1, "affil": 1, "institute": 1, "address": 1, "arabic": 1, "roman": 1, "Roman": 1,
    "alph": 1, "Alph": 1, "value": 1, "stepcounter": 1, "refstepcounter": 1,
}  # fmt: skip
NAMES = {
    "latex": "LaTeX", "tex": "TeX", "latexe": "LaTeX2e", "bibtex": "BibTeX", "xetex": "XeTeX",
    "xelatex": "XeLaTeX", "luatex": "LuaTeX", "lualatex": "LuaLaTeX", "ldots": "…", "dots": "…",
    "textellipsis": "…", "S": "§", "P": "¶", "copyright": "©", "textregistered": "®",
    "texttrademark": "™", "euro": "€", "pounds": "£", "textdegree": "°", "textendash": "–",
    "textemdash": "—", "ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
    "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "i": "ı", "quad": " ", "qquad": " ",
    "newline": "\n", "par": "\n", "linebreak": "\n", "alpha": "α", "beta": "β", "gamma": "γ",
    "delta": "δ", "epsilon": "ε", "lambda": "λ", "mu": "μ", "pi": "π", "sigma": "σ", "tau": "τ",
    "phi": "φ", "omega": "ω", "Delta": "Δ", "Sigma": "Σ", "Omega": "Ω", "times": "×", "pm": "±",
    "leq": "≤", "geq": "≥", "neq": "≠", "approx": "≈", "infty": "∞", "rightarrow": "→", "to": "→",
    "textbackslash": "\\", "textasciitilde": "~", "textbar": "|", "textless": "<", "textgreater": ">",
    "zB": "z. B.", "bzw": "bzw.", "dh": "d. h.", "ua": "u. a.", "ie": "i.e.", "eg": "e.g.",
}  # fmt: skip
ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
            ".": "\u0307", "c": "\u0327", "v": "\u030c", "u": "\u0306", "H": "\u030b", "k": "\u0328",
            "r": "\u030a"}  # fmt: skip
ESCAPED = {"%": "%", "&": "&", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", " ": " ", ",": " ",
            ";": " ", ":": " ", "!": "", "-": "", "/": "", "@": "", "\\": "\n", "|": "‖",
            "\n": " ", "\t": " "}  # fmt: skip
VERBATIM_ENVS = frozenset({"verbatim", "Verbatim", "lstlisting", "minted", "alltt", "BVerbatim"})
SKIPPED_ENVS = frozenset(
    {
        "equation", "align", "gather", "multline", "eqnarray", "displaymath", "flalign", "alignat",
        "math", "split", "tikzpicture", "pspicture", "picture", "filecontents", "comment", "titlepage",
        "IEEEeqnarray", "dmath", "subequations",
    }
)  # fmt: skip
TABLE_ENVS = frozenset({"tabular", "tabularx", "tabulary", "longtable", "tabu", "supertabular", "array"})
# environments' own braced arguments (a table's column layout, a box's width), not text
ENV_ARGS = {
    "tabular": 1, "tabularx": 2, "tabulary": 2, "longtable": 1, "tabu": 1, "supertabular": 1,
    "array": 1, "minipage": 1, "multicols": 1, "thebibliography": 1, "wrapfigure": 2, "list": 2,
    "subfigure": 1, "minted": 1, "otherlanguage": 1, "adjustbox": 1, "tcolorbox": 0,
}  # fmt: skip
GERMAN_SHORTHANDS = {'"a': "ä", '"o': "ö", '"u': "ü", '"A': "Ä", '"O': "Ö", '"U': "Ü", '"s': "ß",
                      '"`': "„", "\"'": "“", '"-': "", '"=': "-", '"~': "-", '"|': ""}  # fmt: skip
COMMAND = re.compile(
    r"[A-Za-z@]+\*?|.", re.DOTALL
)  # a command's name after its backslash: letters (and a star), or one sign


def skip_spaces(s: str, i: int) -> int:
    while i < len(s) and s[i] in " \t\n":
        i += 1
    return i


def matching(s: str, start: int, opening: str, closing: str) -> int:
    """The index of the bracket closing the one at ``start`` (nesting counted, escapes skipped)."""
    depth, i = 0, start
    while i < len(s):
        ch = s[i]
        if ch == "\\":
            i += 2
            continue
        if ch == opening:
            depth += 1
        elif ch == closing:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(s)


def group(s: str, i: int) -> tuple[str, int]:
    """The braced argument at ``i`` (after spaces) and the index after it; a lone token when unbraced."""
    i = skip_spaces(s, i)
    if i >= len(s):
        return "", i
    if s[i] == "{":
        end = matching(s, i, "{", "}")
        return s[i + 1 : end], end + 1
    if s[i] == "\\":
        match = COMMAND.match(s, i + 1)
        end = match.end() if match else i + 1
        return s[i:end], end
    return s[i], i + 1


def skip_optional(s: str, i: int) -> int:
    """Past a command's star and optional ``[…]`` arguments."""
    while True:
        j = skip_spaces(s, i)
        if j < len(s) and s[j] == "*":
            i = j + 1
        elif j < len(s) and s[j] == "[":
            i = matching(s, j, "[", "]") + 1
        else:
            return i


def skip_groups(s: str, i: int, count: int) -> int:
    for _ in range(count):
        i = skip_optional(s, i)
        j = skip_spaces(s, i)
        if j >= len(s) or s[j] != "{":
            return i
        i = matching(s, j, "{", "}") + 1
    return skip_optional(s, i) if count else i


def skip_args(s: str, i: int, count: int) -> int:
    return skip_groups(s, skip_optional(s, i), count)


def skip_empty_group(s: str, i: int) -> int:
    return i + 2 if s.startswith("{}", i) else i
