"""HTML and XHTML: visible text only, block elements as line breaks, a section per h1-h3."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from desktop_search.core.extract.encoding import decode_markup
from desktop_search.core.extract.results import Deadline, Extracted, Part, assemble


def _words(text: str) -> list[str]:
    return text.split()


SECTION_TAGS = frozenset({"h1", "h2", "h3"})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
HIDDEN_TAGS = frozenset(
    {"script", "style", "head", "noscript", "template", "svg", "math", "iframe", "object", "canvas", "select"}
)
BLOCK_TAGS = frozenset(
    _words(
        """
    address article aside blockquote body br dd details dialog div dl dt fieldset figcaption figure footer
    form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section summary table tbody thead tfoot tr ul
    caption legend option
    """
    )
)
CELL_TAGS = frozenset({"td", "th"})
VOID_TAGS = frozenset(
    {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "wbr"}
)
_SPACES = re.compile(r"[ \t\r\n\f]+")


class _TextCollector(HTMLParser):
    """Collects visible text into parts; a new part starts at each h1-h3."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[Part] = []
        self.title = ""
        self._buf: list[str] = []
        self._heading: str | None = None
        self._heading_buf: list[str] | None = None
        self._hidden_depth = 0
        self._hidden_stack: list[str] = []
        self._in_title = False
        self._pre_depth = 0

    # structure
    def _newline(self) -> None:
        if self._buf and not self._buf[-1].endswith("\n"):
            self._buf.append("\n")

    def _flush(self) -> None:
        self.parts.append(Part("".join(self._buf), heading=self._heading))
        self._buf = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
            return
        if tag == "body" and "head" in self._hidden_stack:
            self._hidden_stack.clear()  # an unclosed <head>
        if tag in HIDDEN_TAGS or (tag in ("div", "span") and ("hidden", None) in attrs):
            if tag not in VOID_TAGS:
                self._hidden_stack.append(tag)
            return
        if self._hidden_stack:
            return
        if tag in SECTION_TAGS:
            self._flush()
            self._heading_buf = []
        elif tag in CELL_TAGS and self._buf and not self._buf[-1].endswith(("\n", "\t")):
            self._buf.append("\t")
        elif tag in BLOCK_TAGS:
            self._newline()
        if tag == "pre":
            self._pre_depth += 1
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt and alt.strip():
                self._buf.append(f" {alt.strip()} ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
            return
        if self._hidden_stack:
            if tag in self._hidden_stack:
                while self._hidden_stack and self._hidden_stack.pop() != tag:
                    pass
            return
        if tag in SECTION_TAGS and self._heading_buf is not None:
            self._heading = _SPACES.sub(" ", "".join(self._heading_buf)).strip() or None
            self._heading_buf = None
        if tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)
        if tag in BLOCK_TAGS or tag in HEADING_TAGS:
            self._newline()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
            return
        if self._hidden_stack:
            return
        if not self._pre_depth:
            data = _SPACES.sub(" ", data)
            if self._buf and self._buf[-1].endswith(("\n", "\t", " ")):
                data = data.lstrip(" ")
        if self._heading_buf is not None:
            self._heading_buf.append(data)
        if data:
            self._buf.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def html_parts(markup: str) -> tuple[list[Part], str]:
    """Visible text of an HTML document as parts, and its <title>."""
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    parts = [
        Part("\n".join(line.strip() for line in p.text.split("\n")), p.page, p.heading)
        for p in collector.parts
    ]
    title = _SPACES.sub(" ", collector.title).strip()
    if title and parts and parts[0].heading is None:
        parts[0] = Part(parts[0].text, heading=title)
    return parts, title


def extract_html(data: bytes, deadline: Deadline) -> Extracted:
    parts, _title = html_parts(decode_markup(data))
    return assemble(parts, "html")
