"""The search box's syntax: operators typed among the words of a query.

:func:`parse_query` splits what the user typed into the text searched for its meaning and words, and
operators that restrict where to look:

- ``"exact phrase"``: only passages containing the phrase (case- and accent-folded, as highlighted);
  the phrase still counts for meaning;
- ``-word`` and ``-"a phrase"``: leave out passages containing it;
- ``type:pdf`` (a family such as ``doc``, ``text``, ``mail``, ``image``, or one extension);
- ``in:FOLDER`` (absolute, ``~/…``, or relative to a watched folder);
- ``after:DATE`` / ``before:DATE`` with ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, on modification time:
  after means from the start of that year, month or day; before means before its start.

Nothing typed raises: an operator with a bad value becomes a message and the rest is searched; a quote
left open is closed at the end; operators inside quotes are text. :meth:`ParsedQuery.filters` folds the
operators into :class:`~desktop_search.core.records.SearchFilters`, which both legs apply inside their
query (:mod:`desktop_search.core.search.filters`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from desktop_search.core.records import SearchFilters

# type:NAME -> extensions; a bare extension listed in one of these is accepted too
TYPE_FAMILIES: dict[str, tuple[str, ...]] = {
    "pdf": ("pdf",),
    "doc": ("docx", "doc", "odt", "rtf", "docbook", "dbk"),
    "text": ("txt", "md", "markdown", "rst", "org", "text", "log", "tex"),
    "md": ("md", "markdown"),
    "html": ("html", "htm", "xhtml"),
    "epub": ("epub", "fb2"),
    "sheet": ("xlsx", "xls", "ods", "csv", "tsv"),
    "slides": ("pptx", "ppt", "odp"),
    "mail": ("eml", "msg", "mbox", "emlx"),
    "image": ("png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp", "heic"),
    "subtitles": ("srt", "vtt", "sbv", "ass", "ssa", "lrc", "sub"),
    "notebook": ("ipynb",),
    "code": (
        "py", "js", "ts", "tsx", "jsx", "java", "c", "h", "cpp", "hpp", "cs", "go", "rs", "rb", "php",
        "sh", "swift", "kt", "scala", "sql", "json", "yaml", "yml", "toml", "ini", "css",
    ),
}  # fmt: skip
_TYPE_ALIASES = {
    "word": "doc", "docs": "doc", "document": "doc", "odf": "doc", "markdown": "md",
    "htm": "html", "web": "html", "email": "mail", "eml": "mail", "img": "image", "photo": "image",
    "xls": "sheet", "spreadsheet": "sheet", "ppt": "slides", "presentation": "slides", "ebook": "epub",
    "subs": "subtitles", "subtitle": "subtitles", "captions": "subtitles", "lyrics": "subtitles",
    "jupyter": "notebook", "notebooks": "notebook",
}  # fmt: skip
_KNOWN_EXTENSIONS = frozenset(ext for exts in TYPE_FAMILIES.values() for ext in exts)
OPERATORS = ("type", "in", "after", "before")
_DATE = re.compile(r"^(\d{4})(?:[-/.](\d{1,2}))?(?:[-/.](\d{1,2}))?$")
_WORD = re.compile(r"\w", re.UNICODE)
_QUOTES = '"\u201c\u201d\u201e'  # straight and typographic double quotes
_COLONS = ":\uff1a"  # ASCII and full-width


@dataclass(frozen=True)
class Operator:
    """One operator as typed: ``raw`` is its text in the query (removing a chip removes it)."""

    key: str  # type, in, after, before, phrase, exclude
    value: str
    raw: str
    label: str  # what a chip shows


@dataclass(frozen=True)
class ParsedQuery:
    """What a typed query means: its text, its restrictions and what could not be understood."""

    text: str  # words and quoted phrases, searched for meaning and words
    phrases: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()  # words and phrases a passage must not contain
    extensions: tuple[str, ...] = ()
    folders: tuple[str, ...] = ()
    modified_after: float | None = None
    modified_before: float | None = None
    operators: tuple[Operator, ...] = ()
    messages: tuple[str, ...] = field(default=())

    def filters(self, base: SearchFilters | None = None) -> SearchFilters:
        """``base`` (the window's filter menus) with this query's operators; an operator replaces
        ``base``'s restriction of the same kind."""
        f = base or SearchFilters()
        return replace(
            f,
            folders=self.folders or f.folders,
            extensions=self.extensions or f.extensions,
            modified_after=f.modified_after if self.modified_after is None else self.modified_after,
            modified_before=f.modified_before if self.modified_before is None else self.modified_before,
            phrases=tuple(dict.fromkeys((*f.phrases, *self.phrases))),
            excluded=tuple(dict.fromkeys((*f.excluded, *self.excluded))),
        )


def _tokens(query: str) -> list[tuple[str, str, bool]]:
    """(raw, value, quoted) pieces: whitespace-separated tokens, a quoted run is one piece (its raw text
    includes a ``-`` or ``key:`` typed right before it); a quote left open closes at the end."""
    pieces: list[tuple[str, str, bool]] = []
    i, n = 0, len(query)
    while i < n:
        if query[i].isspace():
            i += 1
            continue
        start = i
        while i < n and not query[i].isspace() and query[i] not in _QUOTES:
            i += 1
        if i < n and query[i] in _QUOTES:  # prefix (maybe empty) + quoted run
            end = i + 1
            while end < n and query[end] not in _QUOTES:
                end += 1
            prefix, inner = query[start:i], query[i + 1 : end]
            i = min(end + 1, n)
            pieces.append((query[start:i], prefix + "\0" + inner, True))
        else:
            pieces.append((query[start:i], query[start:i], False))
    return pieces


def _split_key(token: str) -> tuple[str, str] | None:
    for colon in _COLONS:
        key, sep, value = token.partition(colon)
        if sep and key.lower() in OPERATORS:
            return key.lower(), value
    return None


def parse_date(value: str) -> float | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as the local timestamp of its start (or None)."""
    m = _DATE.match(value.strip())
    if m is None:
        return None
    year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    try:
        return datetime(year, month, day).timestamp()
    except (ValueError, OverflowError, OSError):
        return None


def _type_extensions(value: str) -> tuple[str, ...] | None:
    name = value.lower().lstrip(".")
    name = _TYPE_ALIASES.get(name, name)
    if name in TYPE_FAMILIES:
        return TYPE_FAMILIES[name]
    return (name,) if name in _KNOWN_EXTENSIONS else None


def resolve_folder(value: str, watched: Sequence[str]) -> list[str]:
    """The folders ``in:value`` means: an absolute (or ``~``) path, or a path below (or the name of)
    watched folders that exist."""
    path = os.path.expanduser(value.strip())
    if not path:
        return []
    if os.path.isabs(path):
        return [os.path.normpath(path)]
    found = []
    for root in watched:
        candidate = os.path.normpath(os.path.join(root, path))
        if os.path.isdir(candidate):
            found.append(candidate)
        elif os.path.basename(os.path.normpath(root)).casefold() == os.path.normpath(path).casefold():
            found.append(os.path.normpath(root))
    return list(dict.fromkeys(found))


def parse_query(query: str, watched_folders: Sequence[str] = ()) -> ParsedQuery:
    """Parse what the user typed (see the module's description); never raises."""
    if not isinstance(query, str):
        return ParsedQuery("")
    text: list[str] = []
    phrases: list[str] = []
    excluded: list[str] = []
    extensions: list[str] = []
    folders: list[str] = []
    after: float | None = None
    before: float | None = None
    operators: list[Operator] = []
    messages: list[str] = []
    for raw, value, quoted in _tokens(query):
        if quoted:
            prefix, inner = value.split("\0", 1)
            inner = " ".join(inner.split())
            keyed = _split_key(prefix)
            if keyed is not None and not keyed[1]:  # in:"My Documents"
                value, quoted = f"{keyed[0]}:{inner}", False
            elif prefix == "-" and _WORD.search(inner):
                excluded.append(inner)
                operators.append(Operator("exclude", inner, raw, f"not “{inner}”"))
                continue
            elif _WORD.search(inner):
                if prefix:
                    text.append(prefix)
                phrases.append(inner)
                text.append(f'"{inner}"')
                operators.append(Operator("phrase", inner, raw, f"“{inner}”"))
                continue
            else:
                if prefix:
                    text.append(prefix)
                continue
        keyed = _split_key(value)
        if keyed is None:
            if len(value) > 1 and value[0] == "-" and _WORD.match(value[1]):
                excluded.append(value[1:])
                operators.append(Operator("exclude", value[1:], raw, f"not {value[1:]}"))
            else:
                text.append(value)
            continue
        key, arg = keyed
        if not arg:
            messages.append(f"“{raw}” needs a value, e.g. {_EXAMPLES[key]}; searched without it.")
            continue
        if key == "type":
            exts = _type_extensions(arg)
            if exts is None:
                messages.append(
                    f"“{raw}”: unknown type. Use {', '.join(TYPE_FAMILIES)} or an extension such as csv;"
                    " searched without it."
                )
                continue
            extensions.extend(exts)
            operators.append(Operator("type", arg, raw, f"type: {arg.lower()}"))
        elif key == "in":
            found = resolve_folder(arg, watched_folders)
            if not found:
                messages.append(f"“{raw}”: no such folder in your watched folders; searched without it.")
                continue
            folders.extend(found)
            operators.append(Operator("in", arg, raw, f"in: {arg}"))
        else:
            stamp = parse_date(arg)
            if stamp is None:
                messages.append(
                    f"“{raw}”: not a date. Use {key}:2024, {key}:2024-03 or {key}:2024-03-31;"
                    " searched without it."
                )
                continue
            if key == "after":
                after = stamp if after is None else max(after, stamp)
            else:
                stamp -= 0.001  # before the start of that year, month or day
                before = stamp if before is None else min(before, stamp)
            operators.append(Operator(key, arg, raw, f"{key}: {arg}"))
    return ParsedQuery(
        text=" ".join(text),
        phrases=tuple(dict.fromkeys(phrases)),
        excluded=tuple(dict.fromkeys(excluded)),
        extensions=tuple(dict.fromkeys(extensions)),
        folders=tuple(dict.fromkeys(folders)),
        modified_after=after,
        modified_before=before,
        operators=tuple(operators),
        messages=tuple(messages),
    )


def without_operator(query: str, operator: Operator) -> str:
    """``query`` with one operator's text taken out (a chip's close button)."""
    at = query.find(operator.raw)
    if at < 0:
        return query
    return " ".join((query[:at] + " " + query[at + len(operator.raw) :]).split())


_EXAMPLES = {"type": "type:pdf", "in": "in:Documents", "after": "after:2024-01", "before": "before:2025"}
