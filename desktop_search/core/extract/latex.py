"""LaTeX sources (a paper, a thesis and its chapter files): the text a reader of the typeset document
reads, in sections under their titles, not the markup that sets it.

The body (after ``\\begin{document}``; a chapter file ``\\input`` by another is all body) is read
command by command: ``\\chapter``, ``\\section`` … begin parts headed by their section path as other
formats' are; ``\\title`` is the document's title and ``\\author`` a line under it; the words of
``\\emph{…}``, ``\\footnote{…}``, ``\\caption{…}`` and other commands stay, while labels, references,
citations, included pictures and definitions go; lists' items and table rows are lines (cells apart
by a tab); listings (``verbatim``, ``lstlisting``, ``minted``) keep their lines; display maths is left
out and inline maths keeps its letters. Comments are dropped, lines a paragraph wraps are joined, and
accents typed as commands (``\\'e``, ``{\\"o}``, German babel's ``"a``) are letters.

A ``.tex`` file that is not LaTeX (plain TeX, hyphenation patterns) stays text (:func:`is_latex`), and
so does one of definitions only (a file of macros), whose source is all it says.
"""

from __future__ import annotations

import re
import unicodedata

from desktop_search.core.extract.encoding import decode_text
from desktop_search.core.extract.latex_syntax import (
    ACCENTS,
    COMMAND,
    DROPPED_ARGS,
    ENV_ARGS,
    ESCAPED,
    GERMAN_SHORTHANDS,
    NAMES,
    SECTION_LEVELS,
    SKIPPED_ENVS,
    TABLE_ENVS,
    VERBATIM_ENVS,
    group,
    matching,
    skip_args,
    skip_empty_group,
    skip_groups,
    skip_optional,
    skip_spaces,
)
from desktop_search.core.extract.plaintext import extract_plain
from desktop_search.core.extract.results import Deadline, Extracted, Part, assemble
from desktop_search.core.extract.sections import SectionPath, fold_heading_only

KIND = "latex"  # files: kinds.LATEX_EXTENSIONS, when is_latex
_LATEX_MARKS = re.compile(
    rb"\\(?:documentclass|begin\{[A-Za-z]+\*?\}|(?:sub)*section\*?[{\[]|chapter\*?[{\[]|usepackage\b"
    rb"|newcommand\b|emph\{|textbf\{|textit\{|cite[pt]?\{|label\{|item\b)"
)

_SPACES = re.compile(r" +")
_CELL_BREAK = re.compile(r"[ \t]*\t[ \t]*")  # a table cell's end: " \t" (as other formats' rows)


def is_latex(data: bytes) -> bool:
    """Whether a ``.tex`` file is LaTeX (a document class, a document, a chapter or a section in it)."""
    return _LATEX_MARKS.search(data[:200_000]) is not None


class _Reader:
    """A LaTeX body read into section parts (:meth:`read`) or into plain text (:meth:`text_of`)."""

    def __init__(
        self, source: str, deadline: Deadline, german: bool, macros: dict[str, str], short_verb: str = ""
    ) -> None:
        self.s = source
        self.macros = macros  # the file's own commands without arguments: name -> what they stand for
        self.expanding = 0
        self.deadline = deadline
        self.german = german
        self.short_verb = frozenset(short_verb) - set("\\{}%$\n")  # \\MakeShortVerb's delimiters
        self.path = SectionPath()
        self.heading: str | None = None
        self.parts: list[Part] = []
        self.out: list[str] = []
        self.tables = 0  # tables open: "&" is a cell's end, "\\" a row's

    # -- the body ----------------------------------------------------------------------------------

    def read(self) -> list[Part]:
        self.out = self._run(self.s, sections=True)
        self._flush()
        return self.parts

    def text_of(self, source: str) -> str:
        """The words of an argument (a title, a caption), on one line."""
        return " ".join("".join(self._run(source, sections=False)).split())

    def _run(self, s: str, sections: bool) -> list[str]:
        out: list[str] = []
        saved, self.out = self.out, out
        i, n = 0, len(s)
        steps = 0
        while i < n:
            steps += 1
            if steps % 5000 == 0:
                self.deadline.check()
            ch = s[i]
            if ch == "%":
                end = s.find("\n", i)
                i = n if end < 0 else end + 1
                while i < n and s[i] in " \t":
                    i += 1
                continue
            if ch == "\\":
                i = self._command(s, i + 1, sections)
                continue
            if ch == "$":
                i = self._math(s, i)
                continue
            if ch in self.short_verb:  # "|\\section{<title>}|" after \\MakeShortVerb{\\|}: as typed
                line_end = s.find("\n", i + 1)
                end = s.find(ch, i + 1, n if line_end < 0 else line_end)
                if end > i:
                    out.append(s[i + 1 : end])
                    i = end + 1
                    continue
            if ch == "\n":
                j = i + 1
                while j < n and s[j] in " \t":
                    j += 1
                if j < n and s[j] == "\n":  # a blank line: a new paragraph
                    while j < n and s[j] in " \t\n":
                        j += 1
                    out.append("\n")
                else:
                    out.append(" ")
                i = j
                continue
            if ch in "{}":
                i += 1
                continue
            if ch == "~":
                out.append(" ")
            elif ch == "&" and self.tables:
                out.append("\t")
            elif ch == "&":
                out.append(" ")
            elif ch == "-" and s.startswith("---", i):
                out.append("—")
                i += 3
                continue
            elif ch == "-" and s.startswith("--", i):
                out.append("–")
                i += 2
                continue
            elif ch in "`'" and s.startswith(ch * 2, i):
                out.append("“" if ch == "`" else "”")
                i += 2
                continue
            elif ch == '"' and self.german and s[i : i + 2] in GERMAN_SHORTHANDS:
                out.append(GERMAN_SHORTHANDS[s[i : i + 2]])
                i += 2
                continue
            else:
                out.append(ch)
            i += 1
        self.out = saved
        return out

    # -- commands ----------------------------------------------------------------------------------

    def _command(self, s: str, i: int, sections: bool) -> int:
        match = COMMAND.match(s, i)
        if match is None:
            return i
        name = match.group()
        i = match.end()
        bare = name.rstrip("*")
        if name in ACCENTS:
            return self._accent(s, i, name)
        if name in ("[", "]", "(", ")"):  # display maths left out; inline maths read as text
            if name == "[":
                end = s.find("\\]", i)
                self.out.append("\n")
                return len(s) if end < 0 else end + 2
            return i
        if name in ESCAPED:
            self.out.append(ESCAPED[name])
            return skip_optional(s, i) if name == "\\" else i
        if bare in SECTION_LEVELS:
            i = skip_optional(s, i)
            title, i = group(s, i)
            text = self.text_of(title)
            if sections:
                self._section(SECTION_LEVELS[bare], text)
            else:
                self.out.append(text)
            return i
        if bare in ("title", "author"):
            i = skip_optional(s, i)
            arg, i = group(s, i)
            text = self.text_of(re.sub(r"\s*\\and\b", ",", arg))
            if bare == "title" and sections:
                self._section(0, text)
            elif text:
                self.out.append(f"\n{text}\n")
            return i
        if bare in ("begin", "end"):
            env, i = group(s, i)
            return self._environment(s, i, env.strip(), bare == "begin")
        if bare == "string" and s.startswith("\\", i):  # "\\string\\begin": the command's name, as typed
            match = COMMAND.match(s, i + 1)
            end = match.end() if match else i + 1
            self.out.append(s[i:end])
            return end
        if bare in ("verb", "lstinline"):
            return self._verb(s, i)
        if bare in ("url", "path"):
            arg, i = group(s, i)
            self.out.append(arg)
            return i
        if bare == "href":
            _target, i = group(s, i)
            return i  # its text is the next group, read as text
        if bare in ("caption", "item", "bibitem", "footnote"):
            i = self._item(s, i, bare)
            return i if bare not in ("bibitem",) else skip_groups(s, i, 1)
        if bare == "def":
            i = s.find("{", i)
            return len(s) if i < 0 else group(s, i)[1]
        if bare in DROPPED_ARGS:
            i = skip_optional(s, i)
            return skip_groups(s, i, DROPPED_ARGS[bare])
        if bare in self.macros and self.expanding < 5:  # a command the file defines ("\\nwejm")
            self.expanding += 1
            self.out.append(self.text_of(self.macros[bare]))
            self.expanding -= 1
            return skip_empty_group(s, i)
        if bare.lower() in NAMES or bare in NAMES:
            self.out.append(NAMES.get(bare) or NAMES[bare.lower()])
            return skip_empty_group(s, i)
        return skip_optional(s, i)  # a command whose arguments, if any, are text: read next

    def _item(self, s: str, i: int, name: str) -> int:
        label = ""
        if name in ("item", "bibitem", "caption"):
            start = skip_spaces(s, i)
            if start < len(s) and s[start] == "[":
                end = matching(s, start, "[", "]")
                label = self.text_of(s[start + 1 : end]) if name == "item" else ""
                i = end + 1
        if name == "footnote":
            self.out.append(" ")
        elif name == "caption":
            self.out.append("\n")
        else:
            self.out.append("\n" + (label + " " if label else ""))
        return i

    def _accent(self, s: str, i: int, accent: str) -> int:
        i = skip_spaces(s, i) if accent.isalpha() else i
        if i < len(s) and s[i] == "{":
            letter, i = group(s, i)
            letter = letter.strip()
        elif i < len(s) and s[i] == "\\" and s[i + 1 : i + 2] in ("i", "j"):
            letter, i = s[i + 1], i + 2  # \'\i: an accented dotless i
        else:
            letter, i = s[i : i + 1], i + 1
        self.out.append(unicodedata.normalize("NFC", letter[:1] + ACCENTS[accent]) + letter[1:])
        return i

    def _verb(self, s: str, i: int) -> int:
        i = skip_optional(s, i)
        if i >= len(s):
            return i
        delimiter = "}" if s[i] == "{" else s[i]
        end = s.find(delimiter, i + 1)
        end = len(s) if end < 0 else end
        self.out.append(s[i + 1 : end])
        return end + 1

    def _math(self, s: str, i: int) -> int:
        if s.startswith("$$", i):  # display maths: left out
            end = s.find("$$", i + 2)
            self.out.append("\n")
            return len(s) if end < 0 else end + 2
        end = i + 1
        while end < len(s) and (s[end] != "$" or s[end - 1] == "\\"):
            end += 1
        inner = self.text_of(s[i + 1 : end])
        self.out.append(re.sub(r"[\^_]", "", inner))
        return end + 1

    def _environment(self, s: str, i: int, env: str, begin: bool) -> int:
        base = env.rstrip("*")
        if not begin:
            if base in TABLE_ENVS:
                self.tables = max(0, self.tables - 1)
            self.out.append("\n")
            return i
        end_mark = f"\\end{{{env}}}"
        if _is_listing(base) or base in SKIPPED_ENVS:
            end = s.find(end_mark, i)
            end = len(s) if end < 0 else end
            if _is_listing(base):
                body = s[skip_args(s, i, ENV_ARGS.get(base, 0)) : end]
                self.out.append("\n" + body.strip("\n") + "\n")
            else:
                self.out.append("\n")
            return end + len(end_mark)
        if base in TABLE_ENVS:
            self.tables += 1
        if base == "abstract":
            self.out.append("\nAbstract\n")
        self.out.append("\n")
        return skip_args(s, i, ENV_ARGS.get(base, 0))

    # -- parts -------------------------------------------------------------------------------------

    def _section(self, level: int, title: str) -> None:
        self._flush()
        self.heading = self.path.enter(level, title) if title else self.heading
        if title:
            self.out.append(title + "\n")

    def _flush(self) -> None:
        text = _tidy("".join(self.out))
        self.out.clear()  # the list the running loop appends to
        if text:
            self.parts.append(Part(text, heading=self.heading))


def _is_listing(env: str) -> bool:
    """A listing environment, standard or the document class's own ("JavaCode", "pythonlisting")."""
    return env in VERBATIM_ENVS or env.lower().endswith(("code", "listing", "verbatim"))


def _tidy(text: str) -> str:
    lines = (_SPACES.sub(" ", _CELL_BREAK.sub(" \t", line)).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def extract_latex(data: bytes, deadline: Deadline) -> Extracted:
    text = decode_text(data).replace("\r\n", "\n")
    marks = _without_comments(text)  # "%% put it before \begin{document}" is no beginning
    begin = marks.find("\\begin{document}")
    preamble, body = (text[:begin], text[begin + len("\\begin{document}") :]) if begin >= 0 else ("", text)
    end = marks.find("\\end{document}", max(begin, 0))
    body = body if end < 0 else text[len(text) - len(body) : end]
    german = re.search(r"\\usepackage\[[^\]]*\b(?:n?german|austrian)\b", preamble) is not None
    if "\\title" not in body:  # the title and authors the preamble sets head the document
        found = re.finditer(r"\\(title|author)\b", _without_comments(preamble))
        heads = [
            preamble[m.start() : skip_groups(preamble, m.end(), 1)]
            for m in sorted(found, key=lambda m: m.group(1) != "title")  # the title first
        ]
        body = "\n\n".join([*heads, body])
    source = _without_comments(text)
    short_verb = "".join(re.findall(r"\\MakeShortVerb\s*\{?\\(.)", source))
    if len(_BARRED_COMMAND.findall(source)) >= 5:  # "|\\documentclass|": a class that makes "|" one
        short_verb += "|"
    parts = fold_heading_only(_Reader(body, deadline, german, _macros(text), short_verb).read())
    if not parts:  # definitions only (a file of macros, a preamble): its source is what it holds
        return extract_plain(data, deadline, "text")
    return assemble(parts, KIND)


_BARRED_COMMAND = re.compile(r"(?<![\\\w])\|\\[A-Za-z]+[^|\n]*\|")
_DEFINITION = re.compile(
    r"\\(?:(?:re)?newcommand|providecommand)\*?\s*\{?\s*\\([A-Za-z@]+)\s*\}?\s*(?=\{)"
    r"|\\def\\([A-Za-z@]+)\s*(?=\{)"
)


def _macros(text: str) -> dict[str, str]:
    """The commands without arguments the file defines (``\\newcommand{\\nwejm}{NWEJM}``): what they
    stand for, read where they are used."""
    found: dict[str, str] = {}
    source = _without_comments(text)
    for match in _DEFINITION.finditer(source):
        name = match.group(1) or match.group(2)
        replacement, _end = group(source, match.end())
        if name not in SECTION_LEVELS and len(replacement) <= 200:
            found[name] = replacement
    return found


def _without_comments(text: str) -> str:
    """``text`` with each comment blanked (same length, so offsets hold)."""
    return re.sub(r"(?<!\\)%[^\n]*", lambda m: " " * len(m.group()), text)
