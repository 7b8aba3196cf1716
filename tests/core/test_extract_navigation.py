"""Contents, indexes and site navigation of long documents other than PDF become navigation parts;
site chrome is dropped; real text is untouched and carries its section path as heading."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_search.core.extract import Extracted, extract_file
from desktop_search.core.extract.html import html_parts
from desktop_search.core.extract.sections import SectionPath, heading_path
from tests.core.extract_samples import check_offsets, write
from tests.core.navigation_samples import (
    CHAPTERS,
    INDEX_TERMS,
    SECTIONS,
    WELCOME,
    make_docx_manual,
    make_epub_manual,
    make_odt_manual,
    make_sisu_epub_manual,
    make_sphinx_epub_manual,
)

DATA = Path(__file__).resolve().parent.parent / "data"
SECTION_PATHS = [f"{chapter} › {title}" for chapter, sections in CHAPTERS for title, _ in sections]


def _navigation(r: Extracted) -> list[str]:
    return [s.text for s in r.sections if s.navigation]


def _text(r: Extracted) -> str:
    return "\n".join(s.text for s in r.sections if not s.navigation)


def _check_manual(r: Extracted, *, has_index: bool = True) -> None:
    """The contents (and the index) are navigation and nothing else is; every section is text, whole,
    under its chapter › section heading."""
    check_offsets(r)
    navigation = _navigation(r)
    assert len(navigation) == (2 if has_index else 1)
    assert all(title in navigation[0] for title, _ in SECTIONS)
    assert all(body not in navigation[0] for _, body in SECTIONS)
    if has_index:
        assert navigation[1].split("\n") == ["Index", *INDEX_TERMS]  # the index under its title
    text = _text(r)
    for (title, body), path in zip(SECTIONS, SECTION_PATHS, strict=True):
        [section] = [s for s in r.sections if body in s.text]
        assert not section.navigation and section.heading == path
        first = title == next(t for c, sections in CHAPTERS for t, _ in sections[:1] if path.startswith(c))
        assert section.text == (f"{path.split(' › ')[0]}\n" if first else "") + f"{title}\n{body}"
    assert "oxalic acid, 3" not in text


def test_section_path_names_chapter_and_section() -> None:
    path = SectionPath()
    assert path.enter(0, "Handbook") == "Handbook"
    assert path.enter(1, "1 Setting up") == "1 Setting up"
    assert path.enter(2, "1.1 Placing") == "1 Setting up › 1.1 Placing"
    assert path.enter(3, "1.1.1 Height") == "1 Setting up › 1.1 Placing › 1.1.1 Height"
    assert path.enter(2, "1.2 Buying") == "1 Setting up › 1.2 Buying"
    assert path.enter(1, "2  Seasons\n") == "2 Seasons"


def test_a_heading_path_names_the_section_between_only_when_it_says_more() -> None:
    assert (
        heading_path("Experiments", "2.2 Resistance", "2.2.2 Procedure")
        == "Experiments › 2.2 Resistance › 2.2.2 Procedure"
    )
    assert (
        heading_path("About this manual", "1. About this manual", "1.1 Terms")
        == "About this manual › 1.1 Terms"
    )
    assert (
        heading_path("3. Installation", "3.1 Requirements", "3.2.1 From Debian")
        == "3. Installation › 3.2.1 From Debian"
    )
    assert heading_path("Handbook", None, "Signatures") == "Handbook › Signatures"


@pytest.mark.parametrize("toc", ["field", "styles", "control"])
def test_docx_contents_and_index_are_navigation(tmp_path: Path, toc: str) -> None:
    r = extract_file(write(tmp_path, "manual.docx", make_docx_manual(toc)))
    _check_manual(r)
    assert r.sections[0].text.startswith("The Hobby Beekeeper's Handbook")
    assert ("Contents" in _navigation(r)[0]) == (toc != "field")  # a typed title outside the field is text


def test_odt_table_of_content_and_alphabetical_index_are_navigation(tmp_path: Path) -> None:
    r = extract_file(write(tmp_path, "manual.odt", make_odt_manual()))
    _check_manual(r)
    assert _navigation(r)[0].startswith("Contents\n1 Setting up\t1")  # the index title, not its template


@pytest.mark.parametrize("version", [3, 2])
def test_epub_navigation_document_is_navigation(tmp_path: Path, version: int) -> None:
    r = extract_file(write(tmp_path, "manual.epub", make_epub_manual(version)))
    _check_manual(r, has_index=False)
    assert r.sections[0].navigation and r.sections[0].heading == "Contents"
    assert "navLabel" not in r.text and r.text.count("Placing the hive") == 2  # toc.ncx is not read


def test_a_contents_page_of_classed_headings_is_navigation_and_title_pages_open_their_chapter(
    tmp_path: Path,
) -> None:
    """SiSU's EPUB: the contents are <h4 class="toc"> entries, and each chapter has a title-only page."""
    r = extract_file(write(tmp_path, "manual.epub", make_sisu_epub_manual()))
    check_offsets(r)
    [contents] = _navigation(r)  # one list, its entries in a row, none of them a section
    assert all(title in contents for title, _ in SECTIONS) and "\n\n" not in contents.strip()
    assert all(body not in contents for _, body in SECTIONS)
    text = [s for s in r.sections if not s.navigation]
    assert all(len(s.text.strip().split("\n")) > 1 for s in text)  # no title stands alone
    for chapter, sections in CHAPTERS:  # the title page's title opens the chapter's first section
        [first] = [s for s in text if sections[0][1] in s.text]
        assert first.text.startswith(f"{chapter}\n{chapter}\n{sections[0][0]}\n")
        assert first.heading == f"{chapter} › {sections[0][0]}"


def test_a_guide_named_contents_page_with_navigation_of_its_own_keeps_its_text(tmp_path: Path) -> None:
    """Sphinx's EPUB: the guide names the welcome page as contents; only its toctree is navigation."""
    r = extract_file(write(tmp_path, "manual.epub", make_sphinx_epub_manual()))
    check_offsets(r)
    [contents] = _navigation(r)
    assert all(chapter in contents for chapter, _ in CHAPTERS) and WELCOME not in contents
    assert any(WELCOME in s.text and not s.navigation for s in r.sections)


def _parts(body: str) -> list[tuple[bool, str | None, str]]:
    parts, _title = html_parts(f"<html><head><title>Page</title></head><body>{body}</body></html>")
    return [(p.navigation, p.heading, p.text.strip()) for p in parts if p.text.strip()]


def test_html_nav_and_aria_navigation_are_navigation_parts() -> None:
    parts = _parts(
        '<nav><h2>Site</h2><a href="/">Home</a></nav><h1>Bees</h1><p>Bees make honey.</p>'
        '<div role="navigation"><a href="a">Prev</a></div><p>They sting.</p>'
    )
    assert parts == [
        (True, "Page", "Site\nHome"),
        (False, "Bees", "Bees\nBees make honey."),
        (True, "Bees", "Prev"),
        (False, "Bees", "They sting."),
    ]


def test_html_page_footer_and_banner_are_dropped_but_article_footers_kept() -> None:
    parts = _parts(
        '<header><img src="logo.png" alt="Logo"><a href="#main">Skip to content</a></header>'
        '<div role="banner">Acme Corp</div><main><article><header><h1>Bees</h1></header>'
        "<p>Bees make honey.</p><footer>Written by Ann.</footer></article></main>"
        '<footer>© 2024 Acme</footer><div class="footer" role="contentinfo">Created using Sphinx</div>'
    )
    assert parts == [(False, "Bees", "Bees\nBees make honey.\nWritten by Ann.")]


def test_html_theme_footers_inside_a_page_wide_section_and_classed_divs_are_dropped() -> None:
    """Read the Docs' theme wraps the whole page in a <section> with its "Built with Sphinx" footer
    inside; Alabaster's footer is a <div class="footer"> without a role. Both repeat on every page."""
    read_the_docs = (
        '<section class="wy-nav-content-wrap"><div class="rst-content"><section id="faq"><h1>FAQ</h1>'
        "<p>Bees make honey.</p></section></div><footer><p>© Copyright 2022, Ann.</p>Built with "
        '<a href="s">Sphinx</a> using a <a href="t">theme</a> provided by Read the Docs.</footer></section>'
    )
    alabaster = (
        '<div class="document"><h1>FAQ</h1><p>Bees make honey.</p></div>'
        '<div class="footer">©2018-Present, Ann. | Powered by <a href="s">Sphinx</a> | '
        '<a href="src">Page source</a></div>'
    )
    for markup in (read_the_docs, alabaster):
        assert _parts(markup) == [(False, "FAQ", "FAQ\nBees make honey.")]


def test_sphinx_index_letters_with_one_entry_are_navigation() -> None:
    """Sphinx's genindex: a letter with a single entry is not link-dense, yet is the index."""

    def letter(name: str, entries: list[str]) -> str:
        items = "".join(f'<li><a href="index.html#{e}">{e}() (bees.Hive method)</a></li>' for e in entries)
        table = f'<table class="indextable genindextable"><tr><td><ul>{items}</ul></td></tr></table>'
        return f'<h2 id="{name}">{name}</h2>{table}'

    parts = _parts(
        '<h1>Bees</h1><p>Bees make honey in hives.</p><h1 id="index">Index</h1>'
        + letter("A", ["add_bee", "attach"])
        + letter("H", ["has_queen"])
    )
    assert [(nav, text.split("\n")[0]) for nav, _, text in parts if not nav] == [(False, "Bees")]
    assert any(nav and "has_queen() (bees.Hive method)" in text for nav, _, text in parts)


def test_last_index_letter_opens_its_entries_though_a_sidebar_follows() -> None:
    """The classic theme's sidebar (role="navigation") after genindex's last letter: the letter still
    opens its entries instead of standing alone as a one-letter passage."""
    table = (
        '<table class="indextable genindextable"><tr><td><ul><li><a href="i#w">WeakNamespace (class in '
        "blinker.base)</a></li></ul></td></tr></table>"
    )
    sidebar = (
        '<div class="sphinxsidebar" role="navigation"><h3>Navigation</h3>'
        '<ul><li><a href="i">Overview</a></li></ul></div>'
    )
    parts = _parts(f'<h1>Index</h1><h2 id="W">W</h2>{table}{sidebar}')
    assert all(nav for nav, _, _ in parts)
    assert parts[0][2].startswith("Index\nW\nWeakNamespace")


def test_furo_on_this_page_panel_is_navigation_and_svg_titles_are_not_the_page_title() -> None:
    """Furo's "On this page" panel (an <aside class="toc-drawer">) is navigation with its title, so a
    section whose list is all links keeps its title on it; the titles of its SVG icons ("Contents",
    "Menu") are not the page's title."""
    icons = (
        '<svg><symbol id="svg-toc"><title>Contents</title></symbol>'
        '<symbol id="m"><title>Menu</title></symbol></svg>'
    )
    links = "".join(f'<li><a href="https://{p}.org">{p}</a></li>' for p in ("Pytest", "Sphinx", "mypy"))
    drawer = (
        '<aside class="toc-drawer"><div class="toc-sticky toc-scroll"><div class="toc-title-container">'
        '<span class="toc-title">On this page</span></div><div class="toc-tree-container"><ul><li>'
        '<a href="#">Thanks</a></li><li><a href="#projects">Projects</a></li></ul></div></div></aside>'
    )
    markup = (
        f"<html><head><title>Thanks - bidict</title></head><body>{icons}<h1>Thanks</h1>"
        f"<p>Bidict has benefited from many projects.</p><h2>Projects</h2><ul>{links}</ul>{drawer}"
        "</body></html>"
    )
    parts, title = html_parts(markup)
    assert title == "Thanks - bidict"
    texts = [(p.navigation, p.text.strip()) for p in parts]
    assert (False, "Projects") not in texts and not any("On this page" in t for nav, t in texts if not nav)
    assert texts[0] == (False, "Thanks\nBidict has benefited from many projects.")
    assert texts[1][0] and texts[1][1].startswith("Projects\nPytest")


def test_html_controls_say_nothing() -> None:
    """Furo's sidebar toggles and theme switch (labels and buttons with visually hidden text) and its
    "Back to top" link."""
    parts = _parts(
        '<label class="overlay" for="__navigation"><div class="visually-hidden">Hide navigation sidebar'
        '</div></label><h1>FAQ</h1><button class="theme-toggle"><div class="visually-hidden">Toggle Light'
        " / Dark / Auto color theme</div></button><p>Bees make honey.</p>"
        '<a href="#" class="back-to-top muted-link"><svg><path d="M13 20h-2"></path></svg>'
        "<span>Back to top</span></a>"
    )
    assert parts == [(False, "FAQ", "FAQ\nBees make honey.")]


def test_html_skip_links_say_nothing() -> None:
    """Node.js's API pages open with a skip link in the body (no header around it), WordPress themes
    class theirs "skip-link"; a link to a place in the page without such a class stays text."""
    parts = _parts(
        '<a href="#apicontent" class="skip-to-content">Skip to content</a>'
        '<a class="skip-link screen-reader-text" href="#main">Aller au contenu</a>'
        '<h1>File system</h1><p>Bees make honey. See <a href="#hives">hives</a>.</p>'
    )
    assert parts == [(False, "File system", "File system\nBees make honey. See hives.")]


def test_html_page_header_with_the_title_is_text() -> None:
    parts = _parts('<header id="title-block-header"><h1 class="title">Bees</h1></header><p>Honey.</p>')
    assert parts == [(False, "Bees", "Bees\nHoney.")]


def test_html_link_dense_blocks_are_navigation_and_prose_with_links_is_not() -> None:
    prose = (
        '<p>Bees <a href="x">make honey</a> from nectar, which they collect from flowers and store in '
        'wax cells; read more about <a href="y">pollination</a> and the <a href="z">waggle dance</a>.</p>'
    )
    items = "".join(f'<li><a href="{t}">{t}</a></li>' for t in ("Hives", "Feeding", "Mites"))
    menu = f"<ul>{items}</ul>"
    texinfo_bar = (
        '<div class="header"><p>Next: <a href="n">Types</a>, Up: <a href="u">Using libffi</a></p></div>'
    )
    parts = _parts(f"<h1>Bees</h1>{texinfo_bar}{prose}{menu}<h2>Hives</h2><p>Wood.</p>")
    assert [(nav, text.split("\n")[:2]) for nav, _, text in parts] == [
        (True, ["Next: Types, Up: Using libffi"]),
        (False, ["Bees", "Bees make honey from nectar, which they collect from flowers and store in wax"
                 " cells; read more about pollination and the waggle dance."]),  # the title opens it
        (True, ["Hives", "Feeding"]),
        (False, ["Hives", "Wood."]),
    ]  # fmt: skip
    assert parts[-1][1] == "Bees › Hives"


def test_html_link_list_under_its_own_heading_is_navigation_with_its_title() -> None:
    parts = _parts('<div><h1>Links</h1><ul><li><a href="a">A</a></li><li><a href="b">B</a></li></ul></div>')
    assert parts == [(True, "Links", "Links\nA\nB")]


def test_real_sphinx_page(tmp_path: Path) -> None:
    """The Debian Python Policy as Sphinx writes it: two relation bars ("Navigation / index / modules"),
    dropped like its footer (role="contentinfo"); a contents sidebar (role="navigation"); the whole text
    in sections."""
    r = extract_file(DATA / "python-policy.html")
    check_offsets(r)
    navigation = _navigation(r)
    sidebar = next(n for n in navigation if n.startswith("Table of Contents"))
    assert "4.2. Wheels" in sidebar and "3.6. Module Path" in sidebar
    assert all(len(n) < 1500 for n in navigation) and len(navigation) == 2
    assert not any(n.startswith("Navigation") for n in navigation)
    assert "Created using" not in r.text and "¶" not in r.text
    [wheels] = [s for s in r.sections if s.text.startswith("4.2. Wheels")]
    assert not wheels.navigation and wheels.heading == "Contents › 4. Packaged Modules › 4.2. Wheels"
    assert "PEP 427 defines a built-package format called “wheels”" in wheels.text
    text = _text(r)
    assert len(text) > 35000 and "Programs Embedding Python" in text  # all of it: only the footer left


def test_docbook_relation_bars_are_dropped_and_tables_of_links_with_a_header_row_are_text() -> None:
    """A chapter of the Chinese Debian Reference (DocBook): the "上一页 / 下一页" (previous / next) tables
    above and below it go; Table 7.1 lists packages whose names link to their pages, yet its header row
    makes it a table of data, not a menu (it was navigation, never ranked as an answer)."""
    r = extract_file(DATA / "debian-reference.zh-cn.ch07-excerpt.html")
    check_offsets(r)
    assert "上一页" not in r.text and "下一页" not in r.text and "起始页" not in r.text
    [table] = [s for s in r.sections if "表 7.1. 桌面环境列表" in s.text]
    assert not table.navigation and "task-gnome-desktop \tI:179 \t9 \tGNOME 桌面环境" in table.text
    assert [s.text.split("\n")[1] for s in r.sections if s.navigation] == ["目录"]  # the chapter's contents


def test_real_read_the_docs_page_keeps_its_text_and_drops_its_footer() -> None:
    """chardet's FAQ as Sphinx's Read the Docs theme writes it: the footer ("© Copyright 2022 …", "Built
    with Sphinx using a theme provided by Read the Docs") sits inside the page-wide <section>."""
    r = extract_file(DATA / "chardet-faq.html")
    check_offsets(r)
    assert "Built with" not in r.text and "Copyright 2022" not in r.text
    [who] = [s for s in r.sections if s.text.startswith("Who wrote this detection algorithm?")]
    assert not who.navigation and "a port of the auto-detection code in Mozilla" in who.text


@pytest.mark.model
def test_a_sphinx_site_folder_is_found_by_its_text_not_its_footer_or_search_index(
    tmp_path: Path, real_embedder
) -> None:
    from desktop_search.core import Engine, Settings
    from desktop_search.core.extract.plaintext import MINIFIED_REASON
    from desktop_search.core.records import FileStatus

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "faq.html").write_bytes((DATA / "chardet-faq.html").read_bytes())
    terms = ", ".join(f'"{w}": [{i}, {i + 1}]' for i, w in enumerate(["encod", "detect", "charset"] * 200))
    (docs / "searchindex.js").write_text('Search.setIndex({"docnames": ["faq"], "terms": {' + terms + "}})")
    (docs / "notes.txt").write_text("Shopping list: bread, milk, eggs. Call the plumber on Monday.")
    (docs / "_sources").mkdir()  # Sphinx's copy of the page's source, and the theme: left out
    (docs / "_sources" / "faq.rst.txt").write_text(
        "Who wrote this detection algorithm?\n\nA port of Mozilla's."
    )
    (docs / "_static").mkdir()
    (docs / "_static" / "basic.css").write_text("div.body { min-width: 360px; }\n")
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        listed = sorted(Path(f.path).name for f in engine.files())
        skipped = {Path(f.path).name: f.reason for f in engine.files(FileStatus.SKIPPED)}
        footer = engine.search('"provided by Read the Docs"', k=5, mode="keyword")
        meaning = engine.search("Wer hat den Code zur Erkennung der Zeichenkodierung geschrieben?", k=3)
    finally:
        engine.close()
    assert listed == ["faq.html", "notes.txt", "searchindex.js"]
    assert skipped == {"searchindex.js": MINIFIED_REASON}
    assert footer == []
    assert Path(meaning[0].path).name == "faq.html"
    assert "a port of the auto-detection code in Mozilla" in meaning[0].text


def test_bold_numbered_paragraphs_are_section_titles() -> None:
    """SiSU writes section titles as <p class="bold">; a numbered title all in bold starts a section."""
    parts = _parts(
        '<h1>3. Installation</h1><p>Intro.</p><p class="bold">3.1 Requirements</p><p>A shell and root.</p>'
        "<p><strong>3.2.1 From the Debian repository</strong></p><p>Install it with apt.</p>"
        "<p>3.5 kg of flour go into the dough</p><p><b>3.6</b> litres of water, then</p>"
        '<p class="bold">Note: this is not numbered</p><p>The end.</p>'
    )
    assert [(heading, text.split("\n")[0]) for _nav, heading, text in parts] == [
        ("3. Installation", "3. Installation"),
        ("3. Installation › 3.1 Requirements", "3.1 Requirements"),
        ("3. Installation › 3.2.1 From the Debian repository", "3.2.1 From the Debian repository"),
    ]
    assert "3.5 kg of flour" in parts[-1][2] and "Note: this is not numbered" in parts[-1][2]
