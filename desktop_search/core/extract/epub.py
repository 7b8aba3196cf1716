"""EPUB: chapters in spine order, each read as XHTML; chapter titles become headings.

The navigation document (EPUB 3: the manifest item with property ``nav``; EPUB 2: the pages the guide
names as contents, index or lists of illustrations or tables) is navigation when the spine shows it,
and so is a ``<nav>`` inside any chapter (see :mod:`.html`). A page the guide names whose markup
marks navigation of its own keeps its other text as text: Sphinx names the book's first page, a
welcome text with a contents list (its toctree) under it. The EPUB 2 ``toc.ncx`` is never a spine item
and is not read. A chapter that holds nothing but its title (the title pages of a book's parts and
chapters, as SiSU and Calibre write them) opens the next chapter's first passage instead of standing
alone as a one-line passage. A book zipped one folder up (every member under ``epub/``, as Debian Edu's
manuals are packed) is read from that folder."""

from __future__ import annotations

from desktop_search.core.extract.encoding import decode_markup
from desktop_search.core.extract.html import html_parts
from desktop_search.core.extract.kinds import book_folder
from desktop_search.core.extract.results import Deadline, Extracted, ExtractionFailed, Part, assemble
from desktop_search.core.extract.safezip import SafeZip, local, resolve
from desktop_search.core.extract.sections import fold_heading_only

NAVIGATION_GUIDE_TYPES = frozenset({"toc", "index", "loi", "lot"})  # EPUB 2 guide: contents, index, lists
_HTML_TYPES = ("application/xhtml+xml", "text/html", "application/xml", "text/x-oeb1-document")


def _package_path(z: SafeZip) -> str:
    """The package document's member name, from the container (at the root, or in the one folder of a
    book zipped a folder up), else the first ``.opf`` member."""
    folder = book_folder(z.names()) or ""
    if z.has(folder + "META-INF/container.xml"):
        for el in z.xml(folder + "META-INF/container.xml").iter():
            if local(el.tag) == "rootfile" and el.get("full-path"):
                return folder + (el.get("full-path") or "")
    opfs = [n for n in z.names() if n.lower().endswith(".opf")]
    if not opfs:
        raise ExtractionFailed("The EPUB file is damaged (no package document).")
    return opfs[0]


def extract_epub(data: bytes, deadline: Deadline) -> Extracted:
    parts: list[Part] = []
    with SafeZip(data, "EPUB", deadline) as z:
        opf = _package_path(z)
        package = z.xml(opf)
        manifest: dict[str, tuple[str, str]] = {}
        spine: list[str] = []
        navigation: set[str] = set()  # the navigation document (EPUB 3)
        guide_navigation: set[str] = set()  # the pages the guide names as contents, index or lists
        for el in package.iter():
            tag = local(el.tag)
            if tag == "item" and el.get("id") and el.get("href"):
                href = resolve(opf, el.get("href") or "")
                manifest[el.get("id") or ""] = (href, el.get("media-type") or "")
                if "nav" in (el.get("properties") or "").split():
                    navigation.add(href)
            elif tag == "itemref" and el.get("idref"):
                spine.append(el.get("idref") or "")
            elif tag == "reference" and (el.get("type") or "").lower() in NAVIGATION_GUIDE_TYPES:
                guide_navigation.add(resolve(opf, el.get("href") or ""))
        chapters = [manifest[i][0] for i in spine if i in manifest and manifest[i][1] in _HTML_TYPES]
        if not chapters:  # no usable spine: every XHTML item in manifest order
            chapters = [href for href, media in manifest.values() if media in _HTML_TYPES]
        seen: set[str] = set()
        for chapter in chapters:
            if chapter in seen or not z.has(chapter):
                continue
            seen.add(chapter)
            chapter_parts, title = html_parts(decode_markup(z.read(chapter)))
            # a page the guide names is navigation as a whole unless its markup shows where its
            # navigation is (Sphinx names the book's welcome page, whose contents list is a toctree)
            whole = chapter in navigation or (
                chapter in guide_navigation and not any(p.navigation for p in chapter_parts)
            )
            for i, part in enumerate(chapter_parts):
                heading = part.heading or (title if i == 0 else None)
                parts.append(Part(part.text, heading=heading, navigation=part.navigation or whole))
    # a chapter that is only its title (a part's or chapter's title page) opens the next chapter's text
    return assemble(fold_heading_only(parts), "epub")
