"""HTML and XHTML: visible text only, block elements as line breaks, a section per heading of the three
shallowest levels the page uses (h1-h3 in most; SiSU's h1, h4 and h5) headed by its
section path; navigation blocks as navigation parts, site chrome dropped (:mod:`.html_blocks`).

Some generators write section titles as bold paragraphs, not heading elements: SiSU (the Live Systems
Manual's HTML and EPUB) writes ``<p class="bold">3.2.1 From the Debian repository</p>``. A paragraph
that is all bold (its class says so, or all its text is in ``<b>``/``<strong>``) and reads as a numbered
title with two or more numbers ("3.2.1 …", not "3. …" nor "3.5 kg of flour" in plain type) starts a
section like a heading whose level is its count of numbers, at most three.

Lines are stripped of the markup's indentation, but a ``<pre>`` block's lines keep theirs: code in a
manual (Python's library reference, 3,600 indented lines of examples) read as flat lines, its blocks
lost in results and in the preview."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from desktop_search.core.extract.cjk_text import drop_segment_breaks
from desktop_search.core.extract.encoding import decode_markup
from desktop_search.core.extract.html_blocks import (
    CONTENTS_ENTRY_TAGS,
    FOOTER_OWNERS,
    SECTIONING_TAGS,
    Block,
    Kind,
    block_kind,
    is_contents_entry,
    is_link_dense,
)
from desktop_search.core.extract.results import Deadline, Extracted, Part, assemble
from desktop_search.core.extract.sections import SectionPath, cut_levels, fold_heading_only, numbered_title


def _words(text: str) -> list[str]:
    return text.split()


SECTION_TAGS = frozenset({"h1", "h2", "h3"})
# a heading's start tag: the levels a page uses (cut_levels: SiSU's pages use h1, h4, h5 and h6)
_HEADING_OPEN = re.compile(r"<h([1-6])[\s>/]", re.IGNORECASE)
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
HIDDEN_TAGS = frozenset(
    {"script", "style", "head", "noscript", "template", "svg", "math", "iframe", "object", "canvas", "select"}
    | {"button", "label"}  # controls: "Toggle Light / Dark / Auto color theme", "Hide navigation sidebar"
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
# stand for a <pre> line's leading spaces and tabs until every line is stripped (html_parts)
_KEPT_SPACE, _KEPT_TAB = "\ue0a0", "\ue0a1"
_LEADING = re.compile(r"^[ \t]+", re.MULTILINE)
_NOT_LETTERS = re.compile(r"[\W_]+")
MAX_BLOCKS = 256  # watched blocks open at once; deeper ones are plain text


class _TextCollector(HTMLParser):
    """Collects visible text into parts; a new part starts at each heading of ``section_tags``, headed
    by its section path.
    Navigation blocks become navigation parts and site chrome is dropped (see :mod:`.html_blocks`)."""

    def __init__(self, section_tags: frozenset[str] = SECTION_TAGS) -> None:
        super().__init__(convert_charrefs=True)
        self._section_tags = section_tags  # the heading tags that begin a section (html_parts)
        self.parts: list[Part] = []
        self.title = ""
        self._buf: list[str] = []
        self._navigation: list[tuple[int, int]] = []  # ranges of _buf that are navigation
        self._path = SectionPath()
        self._heading: str | None = None
        self._heading_buf: list[str] | None = None
        self._heading_level = 1
        self._hidden_stack: list[str] = []
        self._in_title = False
        self._pre_depth = 0
        self._blocks: list[Block] = []
        self._open_tags: dict[str, int] = {}  # tag -> how many open blocks have it
        self._sectioning = 0  # open blocks that make a header or footer their own, not the page's
        self._inert = 0  # open navigation or chrome blocks: headings in them start no section
        self._in_link = False
        self._chars = self._link_chars = self._links = self._headings = self._flushes = 0
        # an open paragraph that may be a bold numbered title: (buffer mark, classed bold, letters
        # before it, bold letters before it); and how many <b>/<strong> are open, bold letters so far
        self._titled: tuple[int, bool, int, int] | None = None
        self._bold_depth = 0
        self._bold_chars = 0
        self._sup_depth = 0  # open <sup>: a link to a place in the page inside one is a note's mark

    # structure
    def _newline(self) -> None:
        if self._buf and not self._buf[-1].endswith("\n"):
            self._buf.append("\n")

    def _emit(self, start: int, end: int, navigation: bool) -> None:
        text = "".join(self._buf[start:end])
        if text.strip():
            self.parts.append(Part(text, heading=self._heading, navigation=navigation))

    def _flush(self) -> None:
        pos = 0
        for start, end in self._navigation:
            self._emit(pos, start, False)
            self._emit(start, end, True)
            pos = end
        self._emit(pos, len(self._buf), False)
        self._buf, self._navigation = [], []
        self._flushes += 1

    def _add_text(self, text: str) -> None:
        letters = len(_NOT_LETTERS.sub("", text))
        self._chars += letters
        if self._in_link:
            self._link_chars += letters
        if self._bold_depth:
            self._bold_chars += letters
        self._buf.append(text)

    # bold numbered paragraphs as section titles (see the module docstring)
    def _open_paragraph(self, attrs: list[tuple[str, str | None]]) -> None:
        classed = "bold" in (dict(attrs).get("class") or "").lower().split()
        if self._inert or self._heading_buf is not None:
            self._titled = None
            return
        self._titled = (len(self._buf), classed, self._chars, self._bold_chars)

    def _close_paragraph(self) -> None:
        if self._titled is None:
            return
        mark, classed, chars, bold = self._titled
        self._titled = None
        letters = self._chars - chars
        if not letters or not (classed or self._bold_chars - bold == letters):
            return
        if any(end > mark for _start, end in self._navigation):
            return
        found = numbered_title("".join(self._buf[mark:]).strip())
        if found is None:
            return
        number, title, level = found
        tail = self._buf[mark:]
        del self._buf[mark:]
        self._flush()
        self._buf = tail
        self._heading = self._path.enter(level, f"{number} {title}")

    # blocks that may be navigation or chrome
    def _open_block(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        owners = sum(self._open_tags.get(t, 0) for t in FOOTER_OWNERS)
        kind = block_kind(tag, dict(attrs), self._sectioning > 0, owners > 0)
        if kind is None or len(self._blocks) >= MAX_BLOCKS:
            return
        if kind in (Kind.NAVIGATION, Kind.CHROME):
            self._inert += 1
        if _is_sectioning(tag, kind):
            self._sectioning += 1
        self._open_tags[tag] = self._open_tags.get(tag, 0) + 1
        counts = (self._flushes, self._chars, self._link_chars, self._links, self._headings)
        self._blocks.append(Block(tag, kind, len(self._buf), *counts))

    def _close_blocks(self, tag: str) -> None:
        if not self._open_tags.get(tag):
            return
        for depth in range(len(self._blocks) - 1, -1, -1):
            if self._blocks[depth].tag == tag:
                while len(self._blocks) > depth:
                    self._decide(self._blocks.pop())
                return

    def _decide(self, block: Block) -> None:
        if block.kind in (Kind.NAVIGATION, Kind.CHROME):
            self._inert -= 1
        if _is_sectioning(block.tag, block.kind):
            self._sectioning -= 1
        self._open_tags[block.tag] -= 1
        self._in_link = False
        if block.flushes != self._flushes:
            return  # a section began inside it: it is text, and its start is already out
        has_heading = self._headings > block.headings
        kept = [r for r in self._navigation if r[0] < block.mark]
        if block.kind is Kind.CHROME or (block.kind is Kind.PAGE_HEADER and not has_heading):
            del self._buf[block.mark :]
            self._navigation = kept
        elif block.kind is Kind.NAVIGATION or (
            block.kind is Kind.CANDIDATE
            and not has_heading
            and is_link_dense(
                self._chars - block.chars, self._link_chars - block.link_chars, self._links - block.links
            )
        ):
            start = block.mark
            if (
                block.tag in CONTENTS_ENTRY_TAGS
                and kept
                and not "".join(self._buf[kept[-1][1] : start]).strip()
            ):
                start = kept.pop()[0]  # a contents list's entries in a row (SiSU's headings) are one list
            self._navigation = [*kept, (start, len(self._buf))]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title" and not set(self._hidden_stack) - {"head"}:
            self._in_title = True  # the page's title: not an SVG icon's (Furo's "Contents", "Menu"…)
            return
        if tag == "body" and "head" in self._hidden_stack:
            self._hidden_stack.clear()  # an unclosed <head>
        if (
            tag in HIDDEN_TAGS
            or (tag in ("div", "span") and ("hidden", None) in attrs)
            or _is_anchor_mark(tag, attrs)
            or _is_note_mark(tag, attrs, self._sup_depth > 0)
        ):
            if tag not in VOID_TAGS:
                self._hidden_stack.append(tag)
            return
        if self._hidden_stack:
            return
        if tag in HEADING_TAGS or tag == "th":  # a header cell heads a table of data, not a menu
            self._headings += 1
        if tag in self._section_tags and not self._inert and not is_contents_entry(tag, dict(attrs)):
            self._flush()
            self._heading_buf = []
            self._heading_level = int(tag[1])
        elif tag in CELL_TAGS and self._buf and not self._buf[-1].endswith(("\n", "\t")):
            self._buf.append("\t")
        elif tag in BLOCK_TAGS or tag in HEADING_TAGS:
            self._newline()
        if tag not in VOID_TAGS:
            self._open_block(tag, attrs)
        if tag == "p":
            self._open_paragraph(attrs)
        elif tag in ("b", "strong"):
            self._bold_depth += 1
        elif tag == "sup":
            self._sup_depth += 1
        if tag == "pre":
            self._pre_depth += 1
        elif tag == "a" and dict(attrs).get("href"):
            self._in_link = True
            self._links += 1
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt and alt.strip():
                self._add_text(f" {alt.strip()} ")

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
        if tag in self._section_tags and self._heading_buf is not None:
            title = "".join(self._heading_buf)
            self._heading = self._path.enter(self._heading_level, title) if title.strip() else self._heading
            self._heading_buf = None
        if tag == "p":
            self._close_paragraph()
        elif tag in ("b", "strong"):
            self._bold_depth = max(0, self._bold_depth - 1)
        elif tag == "sup":
            self._sup_depth = max(0, self._sup_depth - 1)
        if tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)
        elif tag == "a":
            self._in_link = False
        self._close_blocks(tag)
        if tag in BLOCK_TAGS or tag in HEADING_TAGS:
            self._newline()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
            return
        if self._hidden_stack:
            return
        if not self._pre_depth:
            data = _SPACES.sub(" ", drop_segment_breaks(data))
            if self._buf and self._buf[-1].endswith(("\n", "\t", " ")):
                data = data.lstrip(" ")
        else:
            data = _keep_indentation(data, line_start=not self._buf or self._buf[-1].endswith("\n"))
        if self._heading_buf is not None:
            self._heading_buf.append(data)
        if data:
            self._add_text(data)

    def close(self) -> None:
        super().close()
        while self._blocks:
            self._decide(self._blocks.pop())
        self._flush()


def _is_sectioning(tag: str, kind: Kind) -> bool:
    return tag in SECTIONING_TAGS or kind is Kind.SECTIONING


def _is_anchor_mark(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    """A heading's permalink mark ("¶" in Sphinx pages), shown only on hover, a "Back to top" link, or a
    skip link: a link to a place in the page classed for skipping to it (Node.js's API pages open with
    ``<a href="#apicontent" class="skip-to-content">Skip to content</a>``, WordPress's with
    ``skip-link``, GOV.UK's ``govuk-skip-link``), which became a passage of its own: "Skip to content",
    in 66 files of /usr/share/doc."""
    if tag != "a":
        return False
    a = dict(attrs)
    classes = set((a.get("class") or "").split())
    if {"headerlink", "back-to-top"} & classes:
        return True
    skip = any(word in ("skip", "skiplink") for name in classes for word in re.split(r"[-_]", name.lower()))
    return skip and (a.get("href") or "").startswith("#")


_NOTE_MARKS = ("noteref", "backlink", "footnote-ref", "footnote-reference", "footnote-back", "fn-ref")


def _is_note_mark(tag: str, attrs: list[tuple[str, str | None]], in_sup: bool) -> bool:
    """A footnote's mark, in the text or at the note's start: EPUB's ``epub:type="noteref"``, pandoc's
    and Sphinx's footnote classes and ARIA roles, or a link to a place in the page inside ``<sup>``.
    Read as text it glued to its word ("DejaVu²" was the word "dejavu2"); it is left out, as in ODT.
    So are the brackets Sphinx puts around a note's number (``<span class="fn-bracket">``): without
    the number, Python's library reference left "[]" before every footnote."""
    a = dict(attrs)
    if tag == "span":
        return "fn-bracket" in (a.get("class") or "").split()
    if tag != "a":
        return False
    marks = " ".join(a.get(k) or "" for k in ("epub:type", "role", "class")).lower()
    return any(m in marks for m in _NOTE_MARKS) or (in_sup and (a.get("href") or "").startswith("#"))


def _keep_indentation(data: str, line_start: bool) -> str:
    """``<pre>`` text with each line's leading spaces and tabs held as characters stripping keeps;
    ``line_start``: the text begins a line (else its first line goes on from text before it)."""
    head, newline, rest = data.partition("\n")
    if line_start:
        head = _LEADING.sub(_protect, head)
    return head + newline + _LEADING.sub(_protect, rest) if newline else head


def _protect(match: re.Match[str]) -> str:
    return match.group().replace(" ", _KEPT_SPACE).replace("\t", _KEPT_TAB)


def _line(line: str) -> str:
    return line.strip().replace(_KEPT_SPACE, " ").replace(_KEPT_TAB, "\t")


def html_parts(markup: str) -> tuple[list[Part], str]:
    """Visible text of an HTML document as parts, and its <title>."""
    levels = cut_levels(int(level) for level in _HEADING_OPEN.findall(markup))
    collector = _TextCollector(frozenset(f"h{level}" for level in levels) or SECTION_TAGS)
    collector.feed(markup)
    collector.close()
    parts = [
        Part("\n".join(_line(line) for line in p.text.split("\n")), p.page, p.heading, p.navigation)
        for p in collector.parts
    ]
    title = _SPACES.sub(" ", collector.title).strip()
    if title and parts and parts[0].heading is None:
        parts[0] = Part(parts[0].text, heading=title, navigation=parts[0].navigation)
    parts = fold_heading_only(parts)
    return parts, title


def extract_html(data: bytes, deadline: Deadline) -> Extracted:
    parts, _title = html_parts(decode_markup(data))
    return assemble(parts, "html")
