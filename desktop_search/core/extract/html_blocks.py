"""Which blocks of an HTML page are navigation, which are site chrome, and which are text.

* **Navigation** (kept as a navigation part: listed and keyword-searchable, never ranked above real
  text, like a PDF's contents pages): ``<nav>``; ARIA ``role="navigation"``, ``doc-toc`` or
  ``doc-index``; ``epub:type`` toc, landmarks, page-list, index, loi or lot; a block classed ``nav``,
  ``navheader`` ... (DocBook's and Texinfo's navigation bars and menus); a block or ``<aside>`` with
  a class named for a contents list (``toc``, ``toc-drawer``, ``page_toc``: Furo's "On this page"
  panel with its title), and so is a heading or paragraph with such a class (SiSU's EPUB contents
  page is a run of ``<h4 class="toc"><a>…</a></h4>``: entries of a list, not the page's sections,
  :func:`is_contents_entry`); and a list, table
  or ``<div>`` without headings whose text is mostly links (at least two): a contents list, a
  menu, an index, a "Next / Previous / Up" bar; and the index tables and sections of Sphinx and
  Texinfo (:data:`INDEX_CLASSES`), where a letter with a single entry is not link-dense.
* **Site chrome** (dropped): the page's ``<footer>`` and ``role="contentinfo"`` (copyright lines,
  "Created using ..."), a ``<div>`` classed ``footer`` (Sphinx's Alabaster theme), ``role="banner"``,
  the bars linking each page to the previous and next one (:data:`RELATION_BAR_CLASSES`: Sphinx's
  relbar, DocBook's navheader and navfooter; the titles they name are the neighbours' own headings)
  and the page's ``<header>`` when it holds no heading (logo, "skip to content"). Like a PDF's
  running footers they repeat on every page of a site and say nothing a search should find; a
  ``<header>`` with the page's title in it is kept as text. A header is the page's when it is not
  inside ``<article>``, ``<aside>``, ``<main>``, ``<nav>`` or ``<section>``, whose own header belongs
  to their text. A footer is the page's unless it is inside ``<article>`` or ``<aside>`` (a post's
  byline): themes wrap the whole page in a ``<section>`` or ``<main>`` (Read the Docs' theme puts its
  "Built with Sphinx" footer inside one), and a section's footer is rarely more than that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

SECTIONING_TAGS = frozenset({"article", "aside", "main", "nav", "section"})
FOOTER_OWNERS = frozenset({"article", "aside"})  # elements whose <footer> is part of their text
DENSITY_TAGS = frozenset({"div", "ul", "ol", "dl", "table", "menu"})
WATCHED_TAGS = SECTIONING_TAGS | DENSITY_TAGS | {"header", "footer"}
CONTENTS_ENTRY_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "p"})  # navigation when classed "toc"
NAVIGATION_CLASSES = frozenset({"nav", "navbar", "navigation", "breadcrumb", "breadcrumbs", "menu"})
# the bars that link a page to the one before and after it, on every page of a book: Sphinx's relbar
# ("Navigation / next / previous | Ubuntu Packaging Guide » 3. Fixing a bug"), DocBook's "Prev / Up /
# Next" tables above and below each page
RELATION_BAR_CLASSES = frozenset({"related", "navheader", "navfooter"})
# the index pages documentation generators write (Sphinx's genindex and module index, Texinfo's
# indices): a letter with one entry is not link-dense, yet is as much an index as the rest
INDEX_CLASSES = frozenset(
    {
        "indextable",
        "genindextable",
        "modindextable",
        "genindex-section",
        "genindex-jumpbox",
        "modindex-jumpbox",
    }
    | {"domainindex-section", "domainindex-table", "domainindex-jumpbox"}
    | {"index-cp", "index-fn", "index-vr", "index-ky", "index-pg", "index-tp"}
)
# a word of a class name that marks a page's contents list ("toc" itself, "toc-drawer", "page_toc")
CONTENTS_WORDS = frozenset({"toc"})
NAVIGATION_ROLES = frozenset({"navigation", "doc-toc", "doc-index"})
CHROME_ROLES = frozenset({"contentinfo", "banner"})
FOOTER_CLASSES = frozenset({"footer", "site-footer", "page-footer"})
NAVIGATION_EPUB_TYPES = frozenset({"toc", "landmarks", "page-list", "index", "loi", "lot"})
MIN_LINKS = 2
LINK_SHARE = 0.7  # of a block's letters and digits inside links


class Kind(Enum):
    NAVIGATION = "navigation"  # always navigation
    CHROME = "chrome"  # always dropped
    PAGE_HEADER = "page header"  # dropped unless it holds a heading
    SECTIONING = "sectioning"  # text; its header and footer are its own
    CANDIDATE = "candidate"  # navigation when link-dense and without headings


@dataclass
class Block:
    """An open element that may turn out to be navigation or chrome; counters are the collector's
    running totals when it opened."""

    tag: str
    kind: Kind
    mark: int  # where its text begins in the collector's buffer
    flushes: int
    chars: int
    link_chars: int
    links: int
    headings: int


def _tokens(attrs: dict[str, str | None], name: str) -> set[str]:
    return set((attrs.get(name) or "").lower().split())


def _class_words(classes: set[str]) -> set[str]:
    """The words class names are made of ("toc-drawer" -> toc, drawer)."""
    return {word for name in classes for word in re.split(r"[-_]", name) if word}


def is_contents_entry(tag: str, attrs: dict[str, str | None]) -> bool:
    """A heading or paragraph classed as an entry of a contents list (``<h5 class="toc">``)."""
    return tag in CONTENTS_ENTRY_TAGS and bool(_class_words(_tokens(attrs, "class")) & CONTENTS_WORDS)


def block_kind(
    tag: str, attrs: dict[str, str | None], inside_sectioning: bool, inside_footer_owner: bool = False
) -> Kind | None:
    """The kind of block ``tag`` opens, or None when it is not one to watch.

    ``inside_sectioning``: inside a block of :data:`SECTIONING_TAGS`; ``inside_footer_owner``: inside
    one of :data:`FOOTER_OWNERS`."""
    if is_contents_entry(tag, attrs):
        return Kind.NAVIGATION
    if tag not in WATCHED_TAGS and "role" not in attrs and "epub:type" not in attrs:
        return None
    roles = _tokens(attrs, "role")
    classes = _tokens(attrs, "class")
    if tag == "div" and classes & RELATION_BAR_CLASSES:
        return Kind.CHROME
    if tag == "nav" or roles & NAVIGATION_ROLES or _tokens(attrs, "epub:type") & NAVIGATION_EPUB_TYPES:
        return Kind.NAVIGATION
    if classes & INDEX_CLASSES:
        return Kind.NAVIGATION
    if (tag in DENSITY_TAGS or tag == "aside") and _class_words(classes) & CONTENTS_WORDS:
        return Kind.NAVIGATION
    page_footer = tag == "footer" or (tag == "div" and bool(classes & FOOTER_CLASSES))
    if roles & CHROME_ROLES or (page_footer and not inside_footer_owner):
        return Kind.CHROME
    if tag == "header" and not inside_sectioning:
        return Kind.PAGE_HEADER
    if tag in SECTIONING_TAGS or roles & {"main", "article"}:
        return Kind.SECTIONING
    if tag in DENSITY_TAGS:
        return Kind.NAVIGATION if classes & NAVIGATION_CLASSES else Kind.CANDIDATE
    return None


def is_link_dense(chars: int, link_chars: int, links: int) -> bool:
    return links >= MIN_LINKS and chars > 0 and link_chars >= LINK_SHARE * chars
