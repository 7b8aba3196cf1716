"""XML documents of prose: their text under its section titles, not their markup.

DocBook (KDE's handbooks, books written in it: ``index.docbook``, ``.dbk``, ``.xml``), Mallard
(GNOME's help pages, ``.page``), TEI (editions of texts), FictionBook (``.fb2`` e-books) and DITA
topics are read as the HTML reader reads a page: each section's title heads its passages as a path
("Configuring Okular › Presentation"), paragraphs, list items and table rows are lines (cells apart by
a tab), program listings keep their lines, and what a reader never sees is left out (index terms,
editors' remarks, revision lists, credits, an e-book's pictures as base64). Any other XML (data,
configuration, feeds, build files) is none of these by its root element and stays code.

Entities a document's external DTD defines are not fetched (nothing is read from the network or
beside the file): an undefined ``&okular;`` reads as its name, ``&nbsp;`` and HTML's other names as
their characters. The parser is expat's (its limits stop entity expansion bombs).
"""

from __future__ import annotations

import html.entities
import re
from xml.parsers import expat

from desktop_search.core.extract.encoding import decode_text
from desktop_search.core.extract.results import Deadline, Extracted, ExtractionFailed, Part, assemble
from desktop_search.core.extract.sections import SectionPath, fold_heading_only

KIND = "xmldoc"  # extensions: kinds.XML_DOCUMENT_EXTENSIONS, and ".xml" when its root element is one
SNIFF_BYTES = 8192

# the root elements (local names) of the vocabularies read here
_ROOTS = frozenset(
    {
        # DocBook
        "book", "article", "chapter", "part", "set", "preface", "appendix", "sect1", "refentry",
        # TEI, FictionBook, DITA
        "tei", "tei.2", "teicorpus", "fictionbook", "topic", "concept", "task", "glossentry",
    }
)  # fmt: skip
_MALLARD = "http://projectmallard.org/1.0/"
# an element that begins a section (its first title heads it)
_SECTIONS = frozenset(
    {
        "book", "article", "part", "chapter", "preface", "appendix", "section", "simplesect",
        "sect1", "sect2", "sect3", "sect4", "sect5", "refentry", "refsect1", "refsect2", "refsect3",
        "refsection", "glossary", "bibliography", "colophon", "partintro", "page", "div", "div1",
        "div2", "div3", "div4", "div5", "div6", "div7", "topic", "concept", "task", "reference",
    }
)  # fmt: skip
_BOOKS = frozenset({"book", "set"})  # roots whose title is the document's, above its chapters
# Mallard's other titles of a page, in its <info>: for links to it, sorting, the window's title
_OTHER_TITLES = frozenset({"link", "sort", "text"})
_TITLES = frozenset({"title", "head", "book-title", "refname"})
# left out with all they hold: what a reader of the rendered document never sees as text
_HIDDEN = frozenset(
    {
        "indexterm", "remark", "binary", "revision", "revhistory", "credit", "authorgroup",
        "othercredit", "copyright", "legalnotice", "keywordset", "releaseinfo", "pubdate",
        "include", "meta", "date", "screeninfo", "document-info", "publish-info", "custom-info", "coverpage",
        "genre", "lang", "src-lang", "teiheader", "prolog", "license", "comment", "annotation-xml",
    }
)  # fmt: skip
# elements that end a line (the rest run on inside their paragraph)
_BLOCKS = frozenset(
    {
        "para", "simpara", "formalpara", "p", "listitem", "item", "term", "varlistentry", "row",
        "tr", "li", "dt", "dd", "desc", "note", "tip", "warning", "caution", "important",
        "blockquote", "epigraph", "text-author", "subtitle", "l", "v", "stanza", "lg", "sp",
        "speaker", "stage", "caption", "entry", "screen", "programlisting", "literallayout",
        "synopsis", "cmdsynopsis", "funcsynopsis", "example", "figure", "table", "informaltable",
        "step", "substeps", "cmd", "shortdesc", "abstract", "empty-line", "code", "author",
        "mediaobject", "textobject",
    }
)  # fmt: skip
# containers whose children read apart by a sign: "File → Open", "Ctrl+Shift+T"
_JOINED = {"menuchoice": " → ", "keycombo": "+", "keyseq": "+", "guiseq": " → "}
_CELLS = frozenset({"entry", "td", "th", "cell"})
_VERBATIM = frozenset({"screen", "programlisting", "literallayout", "synopsis", "codeblock"})
_SPACES = re.compile(r"[ \t\r\n]+")
_RUNS_OF_SPACES = re.compile(r" {2,}")
_ROOT = re.compile(rb"<(?![?!])([A-Za-z_][\w.:-]*)([^>]*)>")
_DEFAULT_NS = re.compile(rb"""\sxmlns\s*=\s*["']([^"']*)["']""")
_ENTITY_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def is_prose_xml(data: bytes) -> bool:
    """Whether the XML in ``data`` is a document of a vocabulary read here, by its root element (and,
    for Mallard's ``<page>``, its namespace): the first element after the prolog, comments and DOCTYPE."""
    head = _without_prolog(data[:SNIFF_BYTES])
    match = _ROOT.search(head)
    if match is None:
        return False
    local = match.group(1).decode("ascii", "replace").rsplit(":", 1)[-1].lower()
    if local == "page":
        namespace = _DEFAULT_NS.search(match.group(2))
        return namespace is not None and namespace.group(1).decode("ascii", "replace") == _MALLARD
    return local in _ROOTS


def _without_prolog(head: bytes) -> bytes:
    """``head`` after its XML declaration, comments, processing instructions and DOCTYPE (with its
    internal subset, whose entity values may hold markup)."""
    head = re.sub(rb"<!--.*?-->", b"", head, flags=re.DOTALL)
    doctype = head.find(b"<!DOCTYPE")
    if doctype >= 0:
        subset = head.find(b"[", doctype)
        close = head.find(b">", doctype)
        if 0 <= subset < close:
            end = head.find(b"]>", subset)
            close = end + 1 if end >= 0 else len(head)
        head = head[:doctype] + head[close + 1 :]
    return head


class _Reader:
    """Text and section parts of one document, fed by expat's events."""

    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline
        self.parts: list[Part] = []
        self.path = SectionPath()
        self.heading: str | None = None
        self.lines: list[str] = []
        self.line: list[str] = []
        self.stack: list[str] = []
        self.root = ""
        self.children: list[int] = []  # elements begun inside each open element
        self.hidden = 0  # depth inside a hidden element
        self.verbatim = 0
        self.cells = 0  # table cells open: their paragraphs run on in the row
        self.sections = 0  # sections open
        self.title: list[str] | None = None  # the text of a section title being read
        self.titled = False  # the innermost section has its title
        self.events = 0

    # -- expat's handlers ------------------------------------------------------------------------

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rsplit(" ", 1)[-1].lower()
        if local != "shortcut":  # a menu item's key, before it: "Ctrl+O File → Open"
            self._next_child()
        if not self.stack:
            self.root = local
        self.stack.append(local)
        self.children.append(0)
        self._tick()
        if self.hidden or local in _HIDDEN or (local == "title" and attrs.get("type") in _OTHER_TITLES):
            self.hidden += 1
            return
        if local in _SECTIONS:
            self._flush()
            self.sections += 1
            self.titled = False
        elif local in _TITLES and not self.titled and self.title is None:
            self._end_line()
            self.title = []
        if local in _VERBATIM:
            self._end_line()
            self.verbatim += 1
        elif local in _CELLS:
            if self.line and not self.cells:
                self.line.append("\t")
            self.cells += 1

    def _next_child(self) -> None:
        """Count an element or entity begun in the open element; between the children of a menu
        choice or a key combination, their sign."""
        if not self.children:
            return
        self.children[-1] += 1
        joiner = _JOINED.get(self.stack[-1])
        if joiner and self.children[-1] > 1 and not self.hidden:
            self.text(joiner)

    def end(self, _name: str) -> None:
        local = self.stack.pop() if self.stack else ""
        if self.children:
            self.children.pop()
        if self.hidden:
            self.hidden -= 1
            return
        if local == "shortcut":
            self.text(" ")
        if local in _TITLES and self.title is not None and not self.titled:
            self._close_title(local)
        if local in _VERBATIM:
            self.verbatim -= 1
            self._end_line()
        elif local in _SECTIONS:
            self._flush()
            self.sections = max(0, self.sections - 1)
            self.titled = True  # what follows a closed section belongs to its parent, titled before
        elif local in _CELLS:
            self.cells = max(0, self.cells - 1)
        elif local in _BLOCKS or local in _TITLES:  # a list's or a table's title too
            if self.cells:
                self.line.append(" ")
            else:
                self._end_line()

    def text(self, data: str) -> None:
        if self.hidden:
            return
        if self.verbatim:
            pieces = data.split("\n")
            self.line.append(pieces[0])
            for piece in pieces[1:]:
                self._end_line(keep_empty=True)
                self.line.append(piece)
        else:
            self.line.append(_SPACES.sub(" ", data))
        if self.title is not None:
            self.title.append(data)

    def skipped_entity(self, name: str, _is_parameter: int) -> None:
        """An entity the (unread) external DTD defines: HTML's by their character, others by name."""
        self._next_child()
        if name in html.entities.name2codepoint:
            self.text(chr(html.entities.name2codepoint[name]))
        elif _ENTITY_NAME.fullmatch(name):
            self.text(name)

    # -- parts -----------------------------------------------------------------------------------

    def _close_title(self, local: str) -> None:
        title = " ".join("".join(self.title or []).split())
        self.title = None
        self._end_line()
        if not title:
            return
        self.titled = True
        # an e-book's title (in its description) and a book's are the document's; a help page's or an
        # article's is its chapter
        book = local == "book-title" or (self.root in _BOOKS and self.sections <= 1)
        level = 0 if book else self.sections - (1 if self.root in _BOOKS else 0)
        self.heading = self.path.enter(level, title)

    def _end_line(self, keep_empty: bool = False) -> None:
        line = "".join(self.line)
        self.line = []
        line = line.rstrip() if self.verbatim else _RUNS_OF_SPACES.sub(" ", line).strip()
        if line and self.lines and line == self.lines[-1] and not self.verbatim:
            return  # a figure's alternative text and its caption, alike
        if line or (keep_empty and self.lines):
            self.lines.append(line)

    def _flush(self) -> None:
        self._end_line()
        text = "\n".join(self.lines).strip()
        self.lines = []
        if text:
            self.parts.append(Part(text, heading=self.heading))

    def _tick(self) -> None:
        self.events += 1
        if self.events % 2000 == 0:
            self.deadline.check()

    def finish(self) -> list[Part]:
        self._flush()
        return self.parts


def extract_xml_document(data: bytes, deadline: Deadline) -> Extracted:
    """The document's text in parts under its section titles; ExtractionFailed when it is not
    well-formed XML."""
    try:
        reader = _parse(data, deadline)
    except expat.ExpatError:
        # read again as text: an undeclared encoding, entities no DTD declares (a page without one)
        try:
            reader = _parse(_as_utf8(decode_text(data)), deadline)
        except expat.ExpatError as err:
            raise ExtractionFailed(
                f"The XML document is damaged ({expat.ErrorString(err.code)}, line {err.lineno})."
            ) from None
    return assemble(fold_heading_only(reader.finish()), KIND)


def _parse(data: bytes, deadline: Deadline) -> _Reader:
    reader = _Reader(deadline)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)  # no DTD is fetched
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.text
    parser.SkippedEntityHandler = reader.skipped_entity
    parser.buffer_text = True
    parser.Parse(data, True)
    return reader


_DECLARED_ENCODING = re.compile(r"""^(<\?xml[^>]*?)\sencoding\s*=\s*["'][^"']*["']""")
_ENTITY = re.compile(r"&([A-Za-z][\w.-]*);")
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})


def _as_utf8(text: str) -> bytes:
    """Decoded text as UTF-8 for expat: its encoding declaration dropped, entities that nothing
    declares replaced (HTML's by their character, others by their name)."""
    text = _DECLARED_ENCODING.sub(r"\1", text.lstrip("\ufeff"))
    declared = set(re.findall(r"<!ENTITY\s+([\w.-]+)", text))

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _XML_ENTITIES or name in declared:
            return match.group()
        if name in html.entities.name2codepoint:
            return f"&#{html.entities.name2codepoint[name]};"
        return name

    return _ENTITY.sub(replace, text).encode("utf-8")
