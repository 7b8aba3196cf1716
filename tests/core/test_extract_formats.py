"""Every supported format, written as a real file and read back: text, sections, pages and offsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_search.core.extract import SUPPORTED_EXTENSIONS, extract_file, is_candidate
from tests.core.extract_samples import (
    RTF_SAMPLE,
    check_offsets,
    docx_document_xml,
    make_docx,
    make_epub,
    make_odp,
    make_ods,
    make_odt,
    make_pdf,
    make_pptx,
    make_xlsx,
    make_zip,
    write,
)


def test_plain_text_and_code(tmp_path: Path) -> None:
    r = extract_file(write(tmp_path, "notes.txt", b"Hello\r\nworld\r\n\r\n\r\n\r\nend\x00"[:-1]))
    assert r.kind == "text" and r.text == "Hello\nworld\n\nend"
    check_offsets(r)
    code = extract_file(write(tmp_path, "main.rs", b'fn main() {\n    println!("hi");\n}\n'))
    assert code.kind == "code" and "println" in code.text
    assert extract_file(write(tmp_path, "Makefile", b"all:\n\techo ok\n")).kind == "text"


def test_minified_code_is_skipped_with_its_reason_and_code_with_long_lines_is_not(tmp_path: Path) -> None:
    from desktop_search.core.extract import FileSkipped
    from desktop_search.core.extract.plaintext import MINIFIED_REASON

    index = 'Search.setIndex({"docnames": [' + ", ".join(f'"page{i}"' for i in range(600)) + "]})"
    bundle = "body{margin:0}" + "".join(f".c{i}{{color:#{i:06x}}}" for i in range(400))
    for name, text in (("searchindex.js", index), ("theme.min.css", bundle)):
        with pytest.raises(FileSkipped) as skipped:
            extract_file(write(tmp_path, name, text.encode()))
        assert skipped.value.reason == MINIFIED_REASON
    handwritten = "\n".join(f"const table{i} = [{', '.join(str(j) for j in range(40))}];" for i in range(30))
    data = "\n".join(["# one long line among many short ones", "x = '" + "a" * 3000 + "'", *["y = 1"] * 400])
    assert "const table29" in extract_file(write(tmp_path, "tables.js", handwritten.encode())).text
    assert "y = 1" in extract_file(write(tmp_path, "data.py", data.encode())).text
    long_note = "A note on one line. " * 300  # prose files are not code: read whatever their lines
    assert extract_file(write(tmp_path, "note.txt", long_note.encode())).text.startswith("A note")


def test_markdown_headings_become_sections(tmp_path: Path) -> None:
    md = (
        "Intro paragraph with a [link](http://x.org) and **bold**.\n\n"
        "# Install\n\nRun it.\n\n```sh\n# not a heading\n```\n\n"
        "Usage\n-----\n\nCall `tool`.\n\n#### Deep\n\nStill usage.\n\n[ref]: http://example.org\n"
    )
    r = extract_file(write(tmp_path, "README.md", md.encode()))
    check_offsets(r)
    assert [s.heading for s in r.sections] == [None, "Install", "Install › Usage"]  # h1, then a setext h2
    assert r.sections[0].text == "Intro paragraph with a link and bold."
    assert "# not a heading" in r.sections[1].text and "```" not in r.text
    assert r.sections[2].text.startswith("Usage\n") and "Deep" in r.sections[2].text
    assert "http://example.org" not in r.text and "-----" not in r.text


def test_rst_titles_become_sections(tmp_path: Path) -> None:
    rst = (
        "=====\nGuide\n=====\n\nWelcome.\n\n.. _target:\n\nSetup\n-----\n\n"
        "Use ``pip`` and see `the docs <http://x>`_ and :func:`run`.\n\n.. note:: Be careful.\n"
    )
    r = extract_file(write(tmp_path, "guide.rst", rst.encode()))
    check_offsets(r)
    assert [s.heading for s in r.sections] == ["Guide", "Guide › Setup"]  # "=" over and under, then "-"
    assert "Use pip and see the docs and run." in r.text
    assert "Be careful." in r.text and ".. _target" not in r.text and "=====" not in r.text


def test_html_visible_text_only(tmp_path: Path) -> None:
    html = (
        "<!DOCTYPE html><html><head><title>My Page</title><style>body{color:red}</style>"
        "<script>var hidden = 1;</script></head><body><p>Caf&eacute; &amp; cr&#232;me</p>"
        "<div>block one</div><div>block two<br>after break</div>"
        "<h2>Prices</h2><table><tr><th>Item</th><th>Cost</th></tr><tr><td>Tea</td><td>2</td></tr></table>"
        "<noscript>enable js</noscript><pre>  keep\n  lines</pre></body></html>"
    )
    r = extract_file(write(tmp_path, "page.html", html.encode()))
    check_offsets(r)
    assert "hidden" not in r.text and "color" not in r.text and "enable js" not in r.text
    assert r.sections[0].heading == "My Page" and r.sections[1].heading == "Prices"
    assert "Café & crème\nblock one\nblock two\nafter break" in r.sections[0].text
    assert "Item\tCost\nTea\t2" in r.sections[1].text
    assert "\n  keep\n  lines" in r.text  # a <pre> block keeps its indentation


def test_code_in_an_html_manual_keeps_its_indentation(tmp_path: Path) -> None:
    """Python 3.11's library reference (python3.11-doc, datetime.html), as Pygments marks it up: the
    lines of a <pre> keep their indentation, the markup's own indentation of other lines goes."""
    pre = (
        '<div class="highlight-python3 notranslate"><div class="highlight"><pre><span></span>'
        '<span class="k">def</span> <span class="nf">first_sunday_on_or_after</span><span class="p">('
        '</span><span class="n">dt</span><span class="p">):</span>\n'
        '    <span class="n">days_to_go</span> <span class="o">=</span> <span class="mi">6</span>\n'
        '    <span class="k">if</span> <span class="n">days_to_go</span><span class="p">:</span>\n'
        '<span class="w">        </span><span class="n">dt</span> <span class="o">+=</span> '
        '<span class="n">days_to_go</span>\n'
        '\t<span class="k">return</span> <span class="n">dt</span>\n</pre></div></div>'
    )
    html = f"<html><body>\n  <p>\n    The rules:\n  </p>\n  {pre}\n  <p>  After.</p></body></html>"
    r = extract_file(write(tmp_path, "datetime.html", html.encode()))
    check_offsets(r)
    assert r.text == (
        "The rules:\ndef first_sunday_on_or_after(dt):\n    days_to_go = 6\n    if days_to_go:\n"
        "        dt += days_to_go\n\treturn dt\nAfter."
    ), r.text


def test_html_declared_legacy_charset(tmp_path: Path) -> None:
    html = '<html><head><meta charset="windows-1251"></head><body>Привет мир</body></html>'
    r = extract_file(write(tmp_path, "ru.htm", html.encode("cp1251")))
    assert r.text == "Привет мир"


def test_pdf_one_section_per_page(tmp_path: Path) -> None:
    pages = [["First page about apples.", "Second line."], [], ["Third page: caf\xe9 and na\xefve."]]
    r = extract_file(write(tmp_path, "doc.pdf", make_pdf(pages)))
    check_offsets(r)
    assert r.kind == "pdf" and r.page_count == 3
    assert [s.page for s in r.sections] == [1, 3]  # the empty page has no section
    assert r.sections[0].text == "First page about apples.\nSecond line."
    assert r.sections[1].text == "Third page: café and naïve."


def test_pdf_word_gaps_with_a_wide_space_font(tmp_path: Path) -> None:
    """Words separated only by TJ gaps must not run together when the font's space width is bogus."""
    data = make_pdf([["Inclusion de fichiers annexes"]], wide_space_font=True)
    r = extract_file(write(tmp_path, "gaps.pdf", data))
    assert r.text == "Inclusion de fichiers annexes"


def test_pdf_hyphenation_and_ligatures(tmp_path: Path) -> None:
    from desktop_search.core.extract.pdf import structured_parts

    [part] = structured_parts(["the extrac-\ntion, then \ufb01nal"])
    assert part.text == "the extraction,\nthen final"
    [part] = structured_parts(["Jean-\nPierre"])
    assert part.text == "Jean-\nPierre"


def test_docx(tmp_path: Path) -> None:
    r = extract_file(write(tmp_path, "report.docx", make_docx()))
    check_offsets(r)
    assert [s.heading for s in r.sections] == ["Annual Report", "Budget", "Budget › Outlook"]
    assert "Costs\trose\nsharply." in r.text and "SECRET" not in r.text
    assert "Fruit\tPrice\nApple\t3 €" in r.sections[1].text
    assert r.sections[2].text == "Outlook\nNext year looks bright."


def test_pptx_slides_in_presentation_order(tmp_path: Path) -> None:
    r = extract_file(write(tmp_path, "deck.pptx", make_pptx()))
    check_offsets(r)
    assert r.page_count == 2
    assert [(s.page, s.heading) for s in r.sections] == [(1, "Opening Title"), (2, "Second Title")]
    assert "Welcome to the quarterly review." in r.sections[0].text
    assert "Speaker notes mention the pelican." in r.sections[1].text and "99" not in r.text


def test_xlsx_sheets(tmp_path: Path) -> None:
    r = extract_file(write(tmp_path, "book.xlsx", make_xlsx()))
    check_offsets(r)
    assert [s.heading for s in r.sections] == ["Prices › Item · Cost", "Notes"]  # a header row over data
    assert r.sections[0].text == "Item\tCost\nWidget\t\t42.5"
    assert r.sections[1].text == "Remember the flamingo\tTRUE"


def test_odt(tmp_path: Path) -> None:
    r = extract_file(write(tmp_path, "letter.odt", make_odt()))
    check_offsets(r)
    assert [s.heading for s in r.sections] == [None, "Chapter One", "Chapter One › Chapter Two"]
    # the footnote follows its paragraph on a line of its own, never inside the sentence that cites it
    assert "Two  spaces\ttab\nnext line end.\n1 FOOTNOTE\n" in r.text
    assert "Listed walrus" in r.text
    assert "Closing, see the walrus list." in r.text  # a cross-reference reads as its text (odfpy's manual)


def test_ods_and_odp(tmp_path: Path) -> None:
    ods = extract_file(write(tmp_path, "sheet.ods", make_ods()))
    check_offsets(ods)
    assert [(s.heading, s.text) for s in ods.sections] == [("Budget", "Rent\t900\t900"), ("Other", "Penguin")]
    odp = extract_file(write(tmp_path, "talk.odp", make_odp()))
    check_offsets(odp)
    assert odp.page_count == 2
    assert [(s.page, s.heading) for s in odp.sections] == [(1, "Kickoff"), (2, "Wrap-up")]
    assert "Thanks, otters" in odp.sections[1].text


def test_epub_spine_order(tmp_path: Path) -> None:
    r = extract_file(write(tmp_path, "book.epub", make_epub()))
    check_offsets(r)
    assert [s.heading for s in r.sections] == ["The Beginning", "The End"]
    assert "It was a dark & stormy night." in r.sections[0].text and "color" not in r.text


def test_rtf(tmp_path: Path) -> None:
    r = extract_file(write(tmp_path, "memo.rtf", RTF_SAMPLE))
    check_offsets(r)
    assert r.kind == "rtf"
    lines = r.text.split("\n")
    assert lines[0] == "Café crème"
    assert lines[1] == "Unicode € euro and minus"  # a symbol font's private glyph (U+F0B7) is set aside
    assert lines[2] == "Привет"
    assert lines[3] == "Tab\tstop and escaped {braces} and back\\slash"
    assert lines[4] == "Visible end."
    assert "Hidden" not in r.text and "Helvetica" not in r.text and "secret" not in r.text


def test_content_wins_over_the_name(tmp_path: Path) -> None:
    assert extract_file(write(tmp_path, "really-a-pdf.txt", make_pdf([["Sniffed PDF"]]))).kind == "pdf"
    assert extract_file(write(tmp_path, "download.bin", make_docx())).kind == "docx"
    assert extract_file(write(tmp_path, "data.weird", b"plain words in an odd file")).kind == "text"
    assert extract_file(write(tmp_path, "page", b"<!DOCTYPE html><p>hi</p>")).kind == "html"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.PDF", True),
        ("notes.md", True),
        ("main.py", True),
        ("README", True),
        ("Makefile", True),
        (".bashrc", True),
        ("photo.jpg", True),  # text in images is recognised (OCR)
        ("photo.heic", False),
        ("archive.zip", True),
        ("backup.tar.gz", True),
        ("old.rar", False),
        ("doc.docx~", False),
        (".~lock.report.odt#", False),
        ("changelog.Debian.gz", True),  # a compressed text: read as the file inside
        ("ls.1.gz", False),  # a compressed manual page: not
    ],
)
def test_is_candidate(name: str, expected: bool) -> None:
    assert is_candidate(Path(name)) is expected


def test_supported_extensions_cover_the_families() -> None:
    for ext in (
        "txt",
        "py",
        "md",
        "rst",
        "html",
        "pdf",
        "docx",
        "pptx",
        "xlsx",
        "odt",
        "ods",
        "odp",
        "epub",
        "rtf",
    ):
        assert ext in SUPPORTED_EXTENSIONS


def test_docx_bold_numbered_paragraphs_without_heading_styles_are_headings(tmp_path: Path) -> None:
    """A hand-formatted report: section titles typed in bold, no heading styles."""

    def para(*runs: tuple[str, str]) -> str:
        return (
            "<w:p>"
            + "".join(f'<w:r>{props}<w:t xml:space="preserve">{t}</w:t></w:r>' for t, props in runs)
            + "</w:p>"
        )

    bold, plain, unbold = "<w:rPr><w:b/></w:rPr>", "", '<w:rPr><w:b w:val="0"/></w:rPr>'
    body = (
        para(("Apiary report", plain))
        + para(("2.3 Harvesting honey", bold))
        + para(("Frames are taken when capped.", plain))
        + para(("2.3.1 ", bold), ("Extracting", bold))
        + para(("Spin them at low speed.", plain))
        + para(("2.4 kg of honey per hive this year", plain))
        + para(("2.5", bold), (" frames were left for winter", plain))
        + para(("2.6 Not bold at all", unbold))
    )
    r = extract_file(write(tmp_path, "report.docx", make_docx(docx_document_xml(body))))
    check_offsets(r)
    assert [s.heading for s in r.sections] == [
        None,
        "2.3 Harvesting honey",
        "2.3 Harvesting honey › 2.3.1 Extracting",
    ]
    assert "2.4 kg of honey" in r.sections[-1].text and "2.6 Not bold at all" in r.sections[-1].text


def test_odt_bold_numbered_paragraphs_without_heading_styles_are_headings(tmp_path: Path) -> None:
    """LibreOffice writes hand-set bold as automatic styles: on the paragraph (P1), or on spans (T1),
    or through a parent style (P2's parent "Titled" is bold in styles.xml)."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"'
    )

    def style(name: str, weight: str | None, parent: str = "Standard", family: str = "paragraph") -> str:
        props = f'<style:text-properties fo:font-weight="{weight}"/>' if weight else ""
        named = f'style:name="{name}" style:family="{family}" style:parent-style-name="{parent}"'
        return f"<style:style {named}>{props}</style:style>"

    automatic = style("P1", "bold") + style("P2", None, "Titled") + style("T1", "bold", family="text")
    automatic += style("T2", "normal", family="text")
    body = (
        "<text:p>Apiary report</text:p>"
        '<text:p text:style-name="P1">2.3 Harvesting honey</text:p>'
        "<text:p>Frames are taken when capped.</text:p>"
        '<text:p><text:span text:style-name="T1">2.3.1 Extracting</text:span></text:p>'
        "<text:p>Spin slowly.</text:p>"
        '<text:p text:style-name="P2">2.4 Treating mites</text:p><text:p>Oxalic acid in winter.</text:p>'
        "<text:p>2.5 kg of honey per hive this year</text:p>"
        '<text:p text:style-name="P1"><text:span text:style-name="T2">2.6 frames</text:span>'
        " were left</text:p>"
    )
    content = (
        f'<?xml version="1.0"?><office:document-content {ns}><office:automatic-styles>{automatic}'
        f"</office:automatic-styles><office:body><office:text>{body}</office:text></office:body>"
        "</office:document-content>"
    )
    styles = (
        f'<?xml version="1.0"?><office:document-styles {ns}><office:styles>{style("Titled", "bold")}'
        "</office:styles></office:document-styles>"
    )
    data = make_zip(
        {"content.xml": content, "styles.xml": styles}, mimetype="application/vnd.oasis.opendocument.text"
    )
    r = extract_file(write(tmp_path, "report.odt", data))
    check_offsets(r)
    assert [s.heading for s in r.sections] == [
        None,
        "2.3 Harvesting honey",
        "2.3 Harvesting honey › 2.3.1 Extracting",
        "2.4 Treating mites",
    ]
    assert "2.5 kg of honey" in r.sections[-1].text and "2.6 frames were left" in r.sections[-1].text


def test_only_a_book_alone_in_one_folder_is_read_from_that_folder() -> None:
    from desktop_search.core.extract.kinds import book_folder

    assert book_folder(["epub/", "epub/mimetype", "epub/META-INF/container.xml"]) == "epub/"
    assert book_folder(["mimetype", "epub/mimetype"]) is None  # a book at the root is read from there
    assert book_folder(["a/mimetype", "b/text.html"]) is None  # two folders: an archive, not a book
    assert book_folder(["epub/META-INF/container.xml"]) is None  # no mimetype: not a book
