"""A short beekeeping manual with a table of contents (and an index), written as DOCX, ODT and EPUB the
way word processors and e-book tools write them: Word's TOC field, TOC styles and contents control,
LibreOffice's text:table-of-content, an EPUB 3 navigation document and an EPUB 2 guide."""

from __future__ import annotations

from tests.core.extract_samples import CT, ODF_NS, W, docx_document_xml, make_zip

TITLE = "The Hobby Beekeeper's Handbook"
CHAPTERS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "1 Setting up",
        [
            (
                "1.1 Placing the hive",
                "Put the hive on a stand at least forty centimetres above the ground, with the entrance "
                "facing south-east so the morning sun wakes the foragers early. Shelter it from the "
                "prevailing wind with a hedge or a fence, and keep the flight path away from footpaths.",
            ),
            (
                "1.2 Buying a first colony",
                "Buy a nucleus of five frames from a local beekeeper in late spring. Local bees are used to "
                "the climate; check that the queen is marked and that the frames hold brood of every age.",
            ),
        ],
    ),
    (
        "2 Through the seasons",
        [
            (
                "2.1 Feeding in winter",
                "When the stores are light in autumn, give thick sugar syrup, two kilograms of sugar to one "
                "litre of water, before the nights turn cold. In midwinter put a block of fondant over the "
                "feed hole instead; syrup would chill the cluster.",
            ),
            (
                "2.2 Treating varroa mites",
                "Count the mites that drop onto the floor insert each week. Treat with oxalic acid in "
                "midwinter, when the colony has no brood and every mite sits on an adult bee; trickle the "
                "solution between the frames.",
            ),
            (
                "2.3 Harvesting honey",
                "Take off a super when at least four fifths of its cells are capped; uncapped honey holds "
                "too much water and will ferment. Clear the bees with a board overnight and extract the "
                "frames the next day while the honey is still warm.",
            ),
        ],
    ),
]
SECTIONS = [section for _, sections in CHAPTERS for section in sections]
INDEX_TERMS = ["fondant, 2", "nucleus, 1", "oxalic acid, 3", "super, 3", "syrup, 2", "varroa, 3"]


def _page(number: int) -> str:
    return str(number + 1)


# DOCX

_STYLES = (
    f'<?xml version="1.0"?><w:styles {W}>'
    '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="TOCHeading"><w:name w:val="TOC Heading"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="TOC2"><w:name w:val="toc 2"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Index1"><w:name w:val="index 1"/></w:style></w:styles>'
)


def _p(text: str, style: str | None = None, runs: str = "") -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    body = f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>' if text else ""
    return f"<w:p>{ppr}{runs}{body}</w:p>"


def _field_begin(instruction: str) -> str:
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    )


_FIELD_END = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'


def _toc_entry(title: str, page: str, style: str | None) -> str:
    """A contents line as Word writes it: a hyperlink with the title, a tab and a PAGEREF field."""
    pageref = _field_begin("PAGEREF _Toc1 \\h") + f"<w:r><w:t>{page}</w:t></w:r>" + _FIELD_END
    runs = f"<w:r><w:t>{title}</w:t></w:r><w:r><w:tab/></w:r>{pageref}"
    link = f'<w:hyperlink w:anchor="_Toc1">{runs}</w:hyperlink>'
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{ppr}{link}</w:p>"


def make_docx_manual(toc: str = "field") -> bytes:
    """``toc``: "field" (a TOC field over unstyled lines), "styles" (toc 1/toc 2 lines, no field) or
    "control" (unstyled lines in a Table of Contents content control)."""
    entries = []
    for number, (chapter, sections) in enumerate(CHAPTERS):
        entries.append((chapter, _page(number), "TOC1" if toc == "styles" else None))
        entries += [(title, _page(number), "TOC2" if toc == "styles" else None) for title, _ in sections]
    lines = [_toc_entry(title, page, style) for title, page, style in entries]
    if toc == "field":
        first = entries[0]
        lines[0] = _toc_entry(first[0], first[1], None).replace(
            "<w:p>", "<w:p>" + _field_begin('TOC \\o "1-3" \\h'), 1
        )
        lines.append(f"<w:p>{_FIELD_END}</w:p>")
    contents = _p("Contents", "TOCHeading" if toc != "field" else None) + "".join(lines)
    if toc == "control":
        contents = (
            '<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/><w:docPartUnique/>'
            f"</w:docPartObj></w:sdtPr><w:sdtContent>{contents}</w:sdtContent></w:sdt>"
        )
    body = _p(TITLE, "Title") + contents
    for chapter, sections in CHAPTERS:
        body += _p(chapter, "Heading1")
        for title, text in sections:
            body += _p(title, "Heading2") + _p(text)
    body += _p("Index", "Heading1")
    body += _p("", runs=_field_begin('INDEX \\c "2"')) + "".join(_p(t, "Index1") for t in INDEX_TERMS)
    body += f"<w:p>{_FIELD_END}</w:p>"
    return make_zip(
        {"[Content_Types].xml": CT, "word/document.xml": docx_document_xml(body), "word/styles.xml": _STYLES}
    )


# ODT


def make_odt_manual() -> bytes:
    source = (
        '<text:table-of-content-source text:outline-level="2"><text:index-title-template>Contents'
        '</text:index-title-template><text:table-of-content-entry-template text:outline-level="1">'
        "<text:index-entry-text/><text:index-entry-page-number/></text:table-of-content-entry-template>"
        "</text:table-of-content-source>"
    )
    entries = "".join(
        f'<text:p text:style-name="Contents_20_{level}">{title}<text:tab/>{_page(number)}</text:p>'
        for number, (chapter, sections) in enumerate(CHAPTERS)
        for level, title in [(1, chapter)] + [(2, t) for t, _ in sections]
    )
    toc = (
        f'<text:table-of-content text:name="Contents1">{source}<text:index-body>'
        '<text:index-title text:name="Contents1_Head"><text:p text:style-name="Contents_20_Heading">Contents'
        f"</text:p></text:index-title>{entries}</text:index-body></text:table-of-content>"
    )
    chapters = "".join(
        f'<text:h text:outline-level="1">{chapter}</text:h>'
        + "".join(
            f'<text:h text:outline-level="2">{t}</text:h><text:p>{body}</text:p>' for t, body in sections
        )
        for chapter, sections in CHAPTERS
    )
    index = (
        '<text:h text:outline-level="1">Index</text:h><text:alphabetical-index text:name="Index1">'
        "<text:alphabetical-index-source><text:index-title-template>Index</text:index-title-template>"
        "</text:alphabetical-index-source><text:index-body>"
        + "".join(f"<text:p>{t}</text:p>" for t in INDEX_TERMS)
        + "</text:index-body></text:alphabetical-index>"
    )
    content = (
        f'<?xml version="1.0"?><office:document-content {ODF_NS}><office:body><office:text>'
        f'<text:p text:style-name="Title">{TITLE}</text:p>{toc}{chapters}{index}'
        "</office:text></office:body></office:document-content>"
    )
    return make_zip({"content.xml": content}, mimetype="application/vnd.oasis.opendocument.text")


# EPUB

_CONTAINER = (
    '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
    '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
    "</rootfiles></container>"
)


def _xhtml(title: str, body: str, epub_ns: bool = True) -> str:
    ns = ' xmlns:epub="http://www.idpf.org/2007/ops"' if epub_ns else ""
    return (
        f'<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"{ns}>'
        f"<head><title>{title}</title></head><body>{body}</body></html>"
    )


def _chapter_files() -> dict[str, str]:
    files = {}
    for number, (chapter, sections) in enumerate(CHAPTERS, start=1):
        body = f"<h1>{chapter}</h1>" + "".join(f"<h2>{t}</h2><p>{text}</p>" for t, text in sections)
        files[f"OEBPS/ch{number}.xhtml"] = _xhtml(TITLE, body)
    return files


def make_epub_manual(version: int = 3) -> bytes:
    """EPUB 3: the navigation document (properties="nav", in the spine, a <nav epub:type="toc">).
    EPUB 2: a contents page without links or <nav>, named by the guide (type="toc"), and a toc.ncx."""
    chapters = _chapter_files()
    lines = [
        (f"ch{n}.xhtml", title)
        for n, (chapter, sections) in enumerate(CHAPTERS, start=1)
        for title in [chapter] + [t for t, _ in sections]
    ]
    if version == 3:
        items = "".join(f'<li><a href="{href}">{title}</a></li>' for href, title in lines)
        nav = _xhtml("Contents", f'<nav epub:type="toc"><h1>Contents</h1><ol>{items}</ol></nav>')
        nav_item = '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
        guide = ""
    else:
        rows = "".join(f"<p>{title} . . . . . {n}</p>" for n, (_, title) in enumerate(lines, start=1))
        nav = _xhtml("Contents", f"<h1>Contents</h1>{rows}", epub_ns=False)
        nav_item = '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml"/>'
        guide = '<guide><reference type="toc" title="Contents" href="nav.xhtml#top"/></guide>'
    manifest = nav_item + "".join(
        f'<item id="c{n}" href="ch{n}.xhtml" media-type="application/xhtml+xml"/>' for n in (1, 2)
    )
    manifest += '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
    opf = (
        f'<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="{version}.0">'
        f'<manifest>{manifest}</manifest><spine toc="ncx"><itemref idref="nav"/><itemref idref="c1"/>'
        f'<itemref idref="c2"/></spine>{guide}</package>'
    )
    ncx = (
        '<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/"><navMap>'
        + "".join(f"<navPoint><navLabel><text>{t}</text></navLabel></navPoint>" for _, t in lines)
        + "</navMap></ncx>"
    )
    members = {"META-INF/container.xml": _CONTAINER, "OEBPS/content.opf": opf, "OEBPS/nav.xhtml": nav}
    members |= chapters | {"OEBPS/toc.ncx": ncx}
    return make_zip(members, mimetype="application/epub+zip")


def make_sisu_epub_manual() -> bytes:
    """EPUB 2 as SiSU writes it (the Live Systems Manual): the first spine page is the contents, a run
    of headings classed "toc" with a link each (no <nav>, no guide), every chapter comes after a page
    that holds nothing but its title, and section titles are bold paragraphs (<p class="bold">)."""
    entries = "".join(
        f'<h4 class="toc"><a href="ch{n}.xhtml">{chapter}</a></h4>'
        + "".join(
            f'<h5 class="toc"><a href="ch{n}.xhtml#s{i}">{t}</a></h5>' for i, (t, _) in enumerate(sections)
        )
        for n, (chapter, sections) in enumerate(CHAPTERS, start=1)
    )
    members = {
        "META-INF/container.xml": _CONTAINER,
        "OEBPS/index.xhtml": _xhtml(TITLE, f'<h1 class="toc">{TITLE}</h1>{entries}', epub_ns=False),
    }
    manifest = '<item id="index" href="index.xhtml" media-type="application/xhtml+xml"/>'
    spine = '<itemref idref="index"/>'
    for n, (chapter, _sections) in enumerate(CHAPTERS, start=1):
        members[f"OEBPS/title{n}.xhtml"] = _xhtml(chapter, f"<h1>{chapter}</h1>", epub_ns=False)
        manifest += f'<item id="t{n}" href="title{n}.xhtml" media-type="application/xhtml+xml"/>'
        manifest += f'<item id="c{n}" href="ch{n}.xhtml" media-type="application/xhtml+xml"/>'
        spine += f'<itemref idref="t{n}"/><itemref idref="c{n}"/>'
    for number, (chapter, sections) in enumerate(CHAPTERS, start=1):  # section titles as bold paragraphs
        body = "".join(f'<p class="bold">{t}</p><p>{text}</p>' for t, text in sections)
        members[f"OEBPS/ch{number}.xhtml"] = _xhtml(TITLE, f"<h1>{chapter}</h1>{body}")
    members["OEBPS/content.opf"] = (
        '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0">'
        f"<manifest>{manifest}</manifest><spine>{spine}</spine></package>"
    )
    return make_zip(members, mimetype="application/epub+zip")


WELCOME = "Welcome to the handbook! It teaches a beginner to keep two hives through their first year."


def make_sphinx_epub_manual() -> bytes:
    """EPUB 2 as Sphinx writes it: the guide names the book's first page as its contents, and that page
    is a welcome text with the contents list (a toctree of links) under it."""
    items = "".join(
        f'<li><a href="ch{n}.xhtml">{chapter}</a></li>' for n, (chapter, _s) in enumerate(CHAPTERS, start=1)
    )
    index = _xhtml(
        TITLE,
        f'<h1>{TITLE}</h1><p>{WELCOME}</p><div class="toctree-wrapper compound"><ul>{items}</ul></div>',
        epub_ns=False,
    )
    manifest = '<item id="index" href="index.xhtml" media-type="application/xhtml+xml"/>' + "".join(
        f'<item id="c{n}" href="ch{n}.xhtml" media-type="application/xhtml+xml"/>' for n in (1, 2)
    )
    opf = (
        '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0">'
        f'<manifest>{manifest}</manifest><spine><itemref idref="index"/><itemref idref="c1"/>'
        '<itemref idref="c2"/></spine><guide><reference type="toc" title="Table of Contents" '
        'href="index.xhtml"/></guide></package>'
    )
    members = {"META-INF/container.xml": _CONTAINER, "OEBPS/content.opf": opf, "OEBPS/index.xhtml": index}
    return make_zip(members | _chapter_files(), mimetype="application/epub+zip")
