"""Footnotes, endnotes and comments of ODT and DOCX files: read, on their own lines after the paragraph
that cites them, and found through the real stack.

Real documents (tests/data/README.md): an excerpt of the LibreOffice Math Guide with six footnotes,
and of Dmaths' German user guide with its reviewer's comment, each as ODT and as LibreOffice's DOCX.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core import Engine, Settings
from desktop_search.core.extract.dispatch import extract_data

DATA = Path(__file__).resolve().parent.parent / "data"
FOOTNOTES = [
    DATA / "odt-libreoffice-mathguide-footnotes.odt",
    DATA / "docx-libreoffice-mathguide-footnotes.docx",
]
EPUB = DATA / "epub-libreoffice-mathguide-footnotes.epub"
RTF = DATA / "rtf-libreoffice-mathguide-footnotes.rtf"
COMMENTED = [DATA / "odt-dmaths-userguide-de-comment.odt", DATA / "docx-dmaths-userguide-de-comment.docx"]


def lines_of(path: Path) -> list[str]:
    return [" ".join(line.split()) for line in extract_data(path.name, path.read_bytes()).text.split("\n")]


@pytest.mark.parametrize("path", FOOTNOTES, ids=lambda p: p.suffix)
def test_footnotes_follow_the_paragraph_that_cites_them(path: Path) -> None:
    lines = lines_of(path)
    cites = next(i for i, line in enumerate(lines) if line.startswith("There are numerous free fonts"))
    assert lines[cites].endswith("The DejaVu and Lucida fonts also have a wide range of symbols.")  # not cut
    notes = [line.lstrip("0123456789 ") for line in lines[cites + 1 : cites + 4]]
    assert notes == [
        "Font files for STIX are available from http://www.stixfonts.org",
        "Font files for DejaVu Sans are available from http://www.dejavu-fonts.org",
        "Lucida Sans belongs to the JRE package, which is probably already on your computer.",
    ]
    assert "Office Math Markup Language" in [line.lstrip("0123456789 ") for line in lines]


@pytest.mark.parametrize("path", COMMENTED, ids=lambda p: p.suffix)
def test_a_reviewers_comment_is_text_with_its_author(path: Path) -> None:
    lines = lines_of(path)
    assert "Comment (Daniela Mihm): Tabellenkopf fehlt" in lines
    assert sum("Tabellenkopf fehlt" in line for line in lines) == 1


def test_a_footnote_mark_no_longer_glues_to_its_word() -> None:
    text = extract_data(EPUB.name, EPUB.read_bytes()).text
    assert "The “STIX” font is worthy" in text and "The DejaVu and Lucida fonts also have" in text
    note = "Lucida Sans belongs to the JRE package, which is probably already on your computer."
    assert note in text.split("\n")  # the note, without its "3" in front
    pandoc = (
        '<p>The DejaVu<a class="footnote-ref" href="#fn1" id="fnref1" role="doc-noteref"><sup>1</sup></a> '
        'fonts.</p><section class="footnotes"><ol><li id="fn1"><p>Sans fonts.<a href="#fnref1" '
        'class="footnote-back" role="doc-backlink">↩︎</a></p></li></ol></section>'
    )
    assert extract_data("notes.html", pandoc.encode()).text == "The DejaVu fonts.\nSans fonts."
    sphinx = (
        '<p>See Sphinx<a class="footnote-reference brackets" href="#id2" id="id1">1</a> here, '
        "10<sup>3</sup> m.</p>"
    )
    assert extract_data("sphinx.html", sphinx.encode()).text == "See Sphinx here, 103 m."  # an exponent stays
    python_docs = (  # Python 3.11's library reference (functions.html): docutils 0.18's brackets
        '<p>occurs). <a class="footnote-reference brackets" href="#id2" id="id1" role="doc-noteref">'
        '<span class="fn-bracket">[</span>1<span class="fn-bracket">]</span></a> If it is a code object.</p>'
        '<aside class="footnote-list brackets"><aside class="footnote brackets" id="id2" role="note">'
        '<span class="label"><span class="fn-bracket">[</span><a role="doc-backlink" href="#id1">1</a>'
        '<span class="fn-bracket">]</span></span><p>Note that the parser only accepts Unix line ends.</p>'
        "</aside></aside>"
    )
    text = extract_data("functions.html", python_docs.encode()).text
    assert text == "occurs). If it is a code object.\nNote that the parser only accepts Unix line ends.", text


def test_rtf_footnotes_and_comments_follow_their_paragraph() -> None:
    lines = lines_of(RTF)  # LibreOffice writes ignorable {\\*\\footnote …} groups
    cites = next(i for i, line in enumerate(lines) if line.startswith("There are numerous free fonts"))
    assert lines[cites].endswith("The DejaVu and Lucida fonts also have a wide range of symbols.")
    assert (
        lines[cites + 3]
        == "Lucida Sans belongs to the JRE package, which is probably already on your computer."
    )
    word = (  # as Word writes them: a plain footnote group, and a comment with its author
        rb"{\rtf1\ansi{\fonttbl{\f0 Times;}}\pard Quarterly report.{\super\chftn}{\footnote\pard\plain"
        rb"{\super\chftn} Figures from the March audit.} The boiler needs replacing.{\*\atnid AL}"
        rb"{\*\atnauthor Ann Lee}\chatn{\*\annotation{\*\atndate 1}\pard\plain Ask about the warranty.}"
        rb" Costs are 4,000 euros.\par Next paragraph.\par{\header\pard Page {\footnote not read}\par}}"
    )
    assert extract_data("report.rtf", word).text.split("\n") == [
        "Quarterly report. The boiler needs replacing. Costs are 4,000 euros.",
        "Figures from the March audit.",
        "Comment (Ann Lee): Ask about the warranty.",
        "Next paragraph.",
    ]


def test_deleted_tracked_text_stays_out_and_a_separator_is_no_note(tmp_path: Path) -> None:
    docx = DATA / "docx-libreoffice-mathguide-footnotes.docx"
    text = extract_data(docx.name, docx.read_bytes()).text
    assert text.count("Lucida Sans belongs to the JRE package") == 1  # cited once, read once
    assert "\n\n\n" not in text.strip()  # the notes' separator rules add no empty lines


@pytest.mark.model
@pytest.mark.timeout(600)
def test_words_only_a_footnote_or_comment_has_are_found(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for path in (*FOOTNOTES, *COMMENTED):
        shutil.copy(path, docs / path.name)
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        omml = engine.search("what does OMML stand for", k=4, grouped=False)
        jre = engine.search("Lucida Sans JRE", k=4, grouped=False)  # flat: the ODT and DOCX are alike
        review = engine.search("Tabellenkopf fehlt", k=4, grouped=False)
    finally:
        engine.close()
    assert any("Office Math Markup Language" in h.text for h in omml[:2])
    assert {Path(h.path).name for h in jre[:2]} == {p.name for p in FOOTNOTES}
    assert all("Lucida Sans belongs to the JRE package" in h.text for h in jre[:2])
    assert {Path(h.path).name for h in review[:2]} == {p.name for p in COMMENTED}
