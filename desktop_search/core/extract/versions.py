"""Which version of each extractor, and of the chunker, built a file's passages.

The ledger records, per indexed file, the extractor kind that read it and the two versions below;
a file whose recorded version is older than the current one is re-extracted and re-embedded at the
next scan, after the user's new and edited files (see :mod:`desktop_search.core.index.outdated`).

The rule: **bump a kind's number when its extractor's output (text, sections, pages, headings,
navigation) changes for files that already exist**; bump :data:`CHUNKING_VERSION` when the chunker
cuts the same sections differently (that re-cuts every file, so prefer a kind's number when only
some kinds are affected). Bug fixes that change no existing file's output need no bump. Each bump
costs users a re-embedding of every file of that kind, so say in the commit why it is worth it.

Version 1 is "as built before versions existed": every ledger row written before then reads as 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

BASE_VERSION = 1  # rows written before versions existed, and kinds unchanged since then

# History (one line per bump):
# 2: pdf: running headers/footers stripped, hyphenation joined, contents/index pages marked as
#    navigation, pages cut at outline and numbered headings.
# 2: docx, xlsx, odt, ods, epub, html, markdown, rst: the chunker no longer lets a passage span two
#    headings; these kinds' sections carry several headings on one page (or none), so their passages
#    change. (pptx and odp cut a section per slide, with its page: their passages were already apart;
#    text, code and rtf have one section.)
# 3: pdf: running chapter marks ("CHAPTER 3. CHOOSING A DEBIAN … 3.1. …", a different line in every
#    chapter) and headers misread by OCR on image-only pages stripped too; accents that TeX's OT1
#    fonts draw over letters joined to them ("f¨ur" -> "für"); a chapter page's bare number on its
#    first line dropped (Texinfo manuals). PDFs without these extract as before, so their passages
#    keep their vectors (vector cache): re-reading them costs extraction only.
# 3: html: Sphinx themes' page footers dropped where the old rule kept them (Read the Docs' "Built with
#    Sphinx" footer inside a page-wide <section>, Alabaster's <div class="footer">), and the text of
#    buttons, labels and "Back to top" links (Furo's "Toggle Light / Dark / Auto color theme"); Sphinx's
#    and Texinfo's index tables are navigation even where a letter has one entry.
# 3: html, docx, odt, epub: several heading-only parts in a row (a page's "Index" and its first letter,
#    a chapter title, its section title, then the first subsection) all open the next part instead of
#    the first ones standing alone. HTML mail goes through the same parser but rarely holds any of
#    this, so mail keeps its number.
# 4: html, epub: the title of an SVG icon is no longer read as the page's title (Furo's icons made every
#    page's title "Thanks - bidictContentsMenuExpandLight modeDark mode…"); a block classed for a contents
#    list ("toc-drawer", Furo's "On this page" panel) is navigation; a title whose section holds only
#    navigation to its end (genindex's last letter, a sidebar after it) opens that navigation instead
#    of standing alone as a one-line passage. (docx and odt share the last rule but rarely meet it.)
# 5: html, epub: headings and paragraphs classed as contents entries (SiSU's "<h4 class="toc">" runs)
#    are one navigation list and start no section. epub only: a chapter that is only its title opens
#    the next chapter's text; a page the guide names as contents keeps its text as text when its
#    markup marks its own navigation (Sphinx's welcome page and its toctree). Found on real books:
#    live-manual-epub (ten languages) and ubuntu-packaging-guide-epub.
# 4: odt (ods 3, odp 2): the text of a cross-reference (<text:bookmark-ref>) is kept; it was dropped,
#    leaving "take a  class instance" for "take a style.Style class instance" (odfpy's API manual).
# 6: html, epub: a paragraph all in bold that reads as a numbered title with two or more numbers
#    ("<p class="bold">3.2.1 From the Debian repository</p>", SiSU's section titles) starts a section.
# 5: docx: without a heading style or outline level, a paragraph typed all in bold that reads as a
#    numbered title with two or more numbers ("2.3 Harvesting honey") is a heading (hand-formatted reports).
# 5: odt: the same bold-numbered-title rule, bold read from the paragraph's or its spans' styles
#    (automatic styles and styles.xml, through parent styles).
# 2: pptx (docx 4): a chart's title, axis titles, series names and category labels are read with the
#    slide (or after the paragraph that shows it); a slide known only by its chart had no text.
# 2: text: a file whose name promises no kind and whose content is one e-mail message (a Maildir's
#    "1700000000.M1P2.host:2,S") is read as mail; files named as text (.txt, .log, …) read as before and
#    are not re-read (index.outdated). mail 2: a text part whose bytes are UTF-8 is read as UTF-8
#    whatever charset it is labelled with (a Chinese mail labelled GB2312 read as mojibake).
# 2: code: minified or generated code (most of its text in lines over 2,000 characters) is skipped
#    with a reason; other code files read as before.
# 3: mail: a message's header lines end with "Attachments: invoice.pdf, photo.jpg" (an attachment with
#    no text, a photo or a program, was not findable at all; one with text was not findable by its
#    name). Only each message's first passage changes; the rest keep their vectors (vector cache).
# 2: doc: heading paragraphs (built-in heading styles, or styles and paragraphs with an outline level)
#    cut the text into sections with heading paths; contents, index and TOC/INDEX field entries are
#    navigation. (A .doc was one section with no heading; its contents list ranked as an answer.)
# 4: mail: the pictures a message's HTML shows (cid:) are parts of their message and no longer named
#    as attachments; in multipart/mixed mail they were not read at all (a pasted screenshot's text was
#    not findable). Those under 40,000 pixels (logos, tracking pixels) are not read. A picture whose
#    data breaks off part way is read for what decodes. Messages without such pictures extract as
#    before, so their passages keep their vectors (vector cache): re-reading costs extraction only.
#    And the text a reply quotes ("> " lines and the line that introduces them, the earlier message
#    Outlook carries below a reply) is a passage of its own, ranked after own text: on 150 quoted lines
#    of a real mailing-list corpus the message that wrote the line came first for 36 %, now 95 %.
# 5: mail: a message's signature ("-- ") and its list's footer or free-mail tagline go with its quoted
#    text, after every passage of own text (they were glued into its last passage: 15 % of a real list
#    corpus's passages of own text held a list footer); PGP armour and signature parts are no text;
#    non-ASCII bytes labelled ASCII or Latin-1, or not at all, read as mail programs read them
#    ("world’s", not "world\ufffds"); a plain-text part shown below the body (a list server's footer)
#    is part of the message, not "attachment 2.txt"; Outlook's winmail.dat is named so and noted as
#    unread. Messages with none of these keep their passages and vectors.
# 6: docx, odt: footnotes, endnotes and comments are read, each on a line after the paragraph that
#    cites it ("Comment (author): …"); they were not indexed at all (the LibreOffice Math Guide's
#    "Office Math Markup Language" was only in a footnote). Files without them keep their passages.
# 4: pdf: the notes written on a page (sticky notes, comments on highlights, text boxes: annotations'
#    /Contents with their author) are lines at the end of the page; they were not indexed. A PDF without
#    notes extracts as before, so re-reading it costs extraction only (its vectors are reused).
# 3: xlsx, 4: ods: a sheet's cell comments follow its rows ("Comment (Ann, B7): …"); not read before.
# 3: pptx: a slide's comments and replies (classic and modern) follow its text and speaker notes;
#    odp 3: likewise.
# 7: html, epub: a footnote's mark (EPUB's noteref, pandoc's and Sphinx's footnote links, a link to a
#    place in the page inside <sup>) is left out; it glued to its word ("DejaVu²" read "DejaVu2").
# 5: pdf: Sphinx manuals' headers (the book's title beside the section or chapter in force), Texinfo's
#    ("Chapter 2: Installing R under Unix-alikes 7"), a blank page's roman number and "(continues on
#    next page)" notes are furniture; a chapter's opening words ("CHAPTER / ONE") open its first
#    section, and a line going on from the previous page keeps its section; an index page read column
#    by column (half its lines end in a page number) goes on being navigation; symbol fonts' private
#    use glyphs (OpenSymbol's formula signs) are spaces (every kind: other kinds drop them when their
#    file is next read, as they are rare outside PDFs). Passages whose text is unchanged keep their
#    vectors.
# 2: rtf: footnotes and comments (\footnote, \annotation with its \atnauthor) are lines after their
#    paragraph; they were skipped.
# 6: pdf: Chinese and Japanese lines wrapped inside a word ("パッ" / "ケージ") are joined: the break
#    read as a space, so the keyword index and the model saw two words and results showed "パッ ケージ".
#    Tesseract's spaces between Japanese letters ("パッ ケー ジ") are dropped from scanned pages too. PDFs
#    without such text extract as before and keep their vectors. (Images get the OCR rule when next
#    read: re-reading every image would re-run OCR for the few in Japanese.)
# 3: text, markdown, rst; 8: html, epub: Chinese and Japanese lines an editor hard-wrapped inside a word
#    ("设置右边窗" / "口为", the Chinese Debian Reference's text edition) are joined as PDF 6 joins them;
#    in HTML a line break in the markup between two such letters is dropped, as CSS lays it out ("による
#    新しい", not "による 新しい"). Files without such text read as before and keep their vectors (only
#    extraction is redone). html and epub 8 also drop the bars linking a page to the previous and next
#    (Sphinx's relbar, DocBook's navheader and navfooter: passages of their own, one per page), and a
#    table with a header row is data, never navigation however many links it holds (the Debian
#    Reference's tables of packages, each name a link, were navigation: never ranked as answers).
#    epub 8 also reads a book zipped one folder up (every member under "epub/", Debian Edu's manuals);
#    such books failed as damaged and are tried again (index.outdated). text 3 also cuts a text at
#    numbered section titles that stand alone between blank lines (two or more: "3.2. Main packages"
#    of the Python Policy's text edition), each part headed by its chapter and section; texts without
#    them read as before.
# 6: mail: a plain-text body's lines wrapped inside Chinese or Japanese words are joined (text 3's rule);
#    messages without such text read as before and keep their vectors.
# 7: mail: Outlook's winmail.dat (TNEF) is opened: the attachments in it are the message's own (they were
#    "winmail.dat", noted as unread), an Outlook message attached inside it is a message, and its body is
#    the message's text when the MIME message has none; a winmail.dat saved on its own (or a .tnef) is
#    read as a message. S/MIME too: an opaquely signed message's body and attachments (inside its
#    smime.p7m: nothing of it was read) and a clear-signed one's attachments (they were one nameless
#    "attachment 1", unread) are read, and an encrypted one is noted as encrypted. And multiparts inside
#    a message's parts are opened: a mailing list digest's messages (one unread "attachment 1" before),
#    a group of parts forwarded together, text after a file put in the middle of a message (Apple
#    Mail's). Messages without any of these keep their passages and vectors.
# 7: pdf: letters a justified line spread one space apart ("パ ッ ケ ー ジ", 28 lines of the Japanese
#    Debian Reference, 8 of the Japanese AMC manual, 48 of the Chinese Debian Reference) are closed up;
#    the keyword index missed every word in them. A narrow table cell wrapped before a letter no word
#    starts with ("パッケ" / "ージ名": a small kana or ー) is joined too. PDFs without such lines keep
#    their vectors.
# 4: text: a terminal's colour and style escapes (a log captured with colours, groff's output: man-db's
#    manual in /usr/share/doc read "[1mman-db[0m") are dropped and nroff's overstruck bold and underline
#    ("N\bNA\bA", a manual page formatted to a file) read as the letters shown; such files were skipped
#    as binary and are tried again once (index.outdated). Also: a text's contents list (under a
#    "Contents" title, or dot-leader entries) is a navigation part, never ranked above the section it
#    names, and its entries cut nothing (the sed FAQ's cut its list into passages); chapter titles with
#    one number ("1.  Introduction", "Chapter 3. Errors"), and then "Appendix A. …", head their sections
#    when numbered in order
#    (man-db's manual, the X11 protocol's text editions, the Python Policy's "3. Python Packaging ›
#    3.2 Main packages"). And a text laid out in pages (nroff and groff output, RFCs: form feeds, or a
#    running line a page apart) loses its running headers, footers and page numbers, and its words
#    hyphenated at line ends are joined (man-db's manual: "man-db v2.11.2 2023-01-08" on 27 pages).
#    Underlined titles ("PermitRootLogin" over "-------", "Git 2.27 Release Notes" over "=====") cut a
#    text too, levelled by adornment style as reST's are, their adornment lines dropped; in a text with
#    no other titles, three or more titles in capitals on lines of their own (a manual page's NAME,
#    SYNOPSIS, DESCRIPTION; an old README's INSTALLATION) cut it. Of
#    /usr/share/doc's 894 texts, 278 are cut into sections now (19 before text 4); texts without
#    these keep their vectors.
# 4: markdown: a contents list (three or more list items that each link to a heading of the page: a
#    README's "Table of contents", Node.js's BUILDING.md) is a navigation part with its title; sections
#    are headed by their path ("Building Node.js › Platform list", as HTML's are), a heading with no
#    text of its own opens the next part, and reference-style badges read as their alt text
#    ("[![openssl logo]][www.openssl.org]"). 15 of /usr/share/doc's 239 Markdown files hold such a
#    list; every Markdown passage's heading changes, so they are embedded again.
# 4: rst: sections are headed by their path ("Building and Distributing Packages with Setuptools ›
#    Configuration API"; a title's level is its adornment style's place in the order of first use) and a
#    title with no text of its own opens the next part, as for Markdown 4.
# 2: subtitles (new kind; version 1 is "read as plain text", as these files were): what is said, in
#    parts of about a minute headed by their start time ("12:30"); cue numbers, timings, styling and
#    markup dropped; rolling auto-captions read once. Such files recorded as text are outdated by
#    text 4 and re-read as subtitles.
# 4: xlsx, 5: ods, 2: xls: a sheet's heading carries its header row's column names ("debian › version ·
#    codename · series · …"), so a passage of rows from the middle of a long sheet says what its
#    columns are. Sheets without a header row (text only, or none found in the first ten rows) keep
#    their heading and their vectors.
# 2: csv (new kind; 1 is "read as plain text"): rows parsed (quoting, delimiters, line breaks inside
#    fields) and read as a spreadsheet's are, tab-separated, with the header row's column names as the
#    heading. Such files recorded as text are re-read as csv.
# 2: notebook (new kind; 1 is "read as code"): a Jupyter notebook's Markdown, code and text outputs as
#    one Markdown document, its headings heading its sections; read as code it was JSON, and most
#    notebooks (pictures in base64) were skipped as minified code. Both are read again.
# 8: pdf: a chapter that opens with its own contents list (DocBook's print style: "3. Programming with
#    libbzip2 / Table of Contents / … / This chapter describes …"), or a contents list below text (a
#    paper's abstract), is navigation from its title to its last entry only: the text around it was
#    navigation with the list, and the text after it now carries the chapter as heading; headers that
#    name the chapter in force ("How to use bzip2" over that chapter's pages) are stripped, the
#    chapter's numbered title on its opening page kept. Of Debian's gzipped PDF manuals in
#    /usr/share/doc, bzip2's, valgrind's and zlib's CRC paper change; the realdocs manuals and the
#    test excerpts extract as before and keep their vectors. Dot leaders spaced up to three spaces
#    apart count (ReportLab's user guide: ".  .  .  . 6"; its four contents pages were text).
# 5: markdown, 3: notebook: HTML inside Markdown (a README's centred logo, Node.js's anchors above each
#    error code, tables of links) loses its tags outside code, an image reading as its alt text and an
#    "<h1>" line heading a section; backslash escapes ("CHANGELOG\\_ARCHIVE") and defined shortcut
#    reference links ("[lzbench]") read as their text. Of /usr/share/doc's Markdown, zstd's README
#    and Node.js's API pages and changelogs change; files without such markup keep their vectors.
# 9: pdf: glyphs a symbol font names without a Unicode character ("/noteheads.s2", "/clefs.G": LilyPond's
#    music examples, about 5,000 names over half the passages of its German Learning Manual) read as
#    nothing; outline titles stored without accents (Texinfo: "3 Ubliche Notation") take the spelling
#    of their page ("3 Übliche Notation"), so those sections are cut where their titles are and their
#    headings read right; a section number must be on its title's line (a page number or a music
#    example's "3" on the line above made "24 3 Übliche Notation"); a chapter the outline files under
#    the one before it ("5 Suggestions for writing files" under "4 External programs", LilyPond's
#    Usage manual) heads its own sections. PDFs with none of these extract as before and keep their
#    vectors.
# 10: pdf: the answers typed into a form's fields ("First Name: Alice") end their page's text
#    (pdf_forms); a page whose text layer is garbled (broken maps to Unicode) is recognised by OCR
#    when it is on (pdf_ocr.garbled). Other PDFs extract as before and keep their vectors.
# 7: odt (ods 6, odp 4): charts, spreadsheets and texts embedded in a frame ("Object 1") are read
#    where the frame is (odf_objects); files without embedded objects keep their vectors.
# 7: docx (pptx 4, xlsx 5): documents embedded as objects (an Excel table in a slide or a page, a
#    document in a sheet: ooxml_objects) follow what shows them; files without such objects keep
#    their vectors.
# 5: text (subtitles 3, csv 3): Turkish in Windows-1254 or ISO-8859-9, which the code-page guess read as
#    Windows-1252 or -1250 ("adým" for "adım"), reads as Turkish (encoding._turkish_if_so); of
#    chardet's 337 test files with one right reading, 2 more read right and none less. Files in
#    other encodings read as before and keep their vectors (Markdown, reST and code are not re-read).
# 11: pdf: files attached to a PDF (its /EmbeddedFiles: a Factur-X invoice's XML and delivery note, a
#    portfolio's documents; files pinned to a page) are its sub-documents (pdf_attachments). PDFs
#    without attachments extract as before and keep their vectors.
# text 6: a ".tex" or ".ltx" file that is LaTeX is read as a document (kind "latex": its text under its
#    section titles, not its commands). Other text files extract as before: only ".tex" and ".ltx" files
#    that version 5 read are re-read (index.outdated._version_read).
# code 3: an ".xml" file that is a document of prose (DocBook, Mallard, TEI, FictionBook, DITA: by its
#    root element) is read as one (kind "xmldoc": text under its section titles, not its tags). Other
#    code files extract as before: only ".xml" files that version 2 read are re-read
#    (index.outdated._version_read).
# 9: html, epub: the brackets Sphinx (docutils 0.18 and later) draws around a footnote's number are left
#    out with the number: Python 3.11's library reference read "Footnotes / [] / Note that …", 83 times
#    over its 334 pages. And the lines of a <pre> block keep their indentation (code examples read as
#    flat lines: 3,600 indented lines of that reference). Pages without either extract as before and
#    keep their vectors. (Mail's HTML parts take both when a message is next read.) And five or more
#    titles in a row with no text between them are a contents list (a navigation part), not the opening
#    lines of the next section. And a page's sections begin at the three shallowest heading levels it
#    uses, not at h1-h3 alone (SiSU's single-page Live Systems Manual, h1/h4/h5/h6: 23 -> 89 sections;
#    of 341 HTML and EPUB files checked, Python's reference among them, only it changed).
# 8: odt: sections begin at the three shallowest heading levels the document uses (SiSU's manuals use 1,
#    4, 5 and 6: the Live Systems Manual was cut at its chapters only, 20 passages' heading for 25,000
#    characters; now at its numbered sections, "The basics › 4.1 What is a live system?"); SiSU's
#    object numbers ("「160」" after every paragraph) are dropped; five or more titles in a row are a
#    contents list (navigation), as for html 9. Documents using Heading 1-3 with none of these extract
#    as before and keep their vectors. (docx, doc, markdown, rst, latex, notebook and xmldoc share the
#    contents-list rule and take it when a file is next read: such runs are rare outside exports.)
# 12: pdf: a chapter's opening page number standing alone at its foot ("11" under the Eyes17 manual's
#    first section, "3" in the Ubuntu Packaging Guide) goes when it is exactly the page's printed
#    number, read off the running lines' numbers; it ended the page's last passage. Of the realdocs,
#    LilyPond and test PDFs only the Ubuntu Packaging Guide's three chapter openings change; other
#    PDFs extract as before and keep their vectors.
# 13: pdf (docx 8, odt 9, epub 10, doc 3, html 10, markdown 6, rst 5, notebook 4, latex 2, xmldoc 2):
#    a subsection's heading path names the section it is in, "School Level Experiments ›
#    2.2 Measuring Resistance › 2.2.2 Procedure" where it read "School Level Experiments › 2.2.2
#    Procedure" (sections.heading_path). The section between is shown and keyword-searchable; the
#    text embedded keeps chapter and own title only (index.embedding.embedded_heading), so passages
#    keep their vectors (the vector cache) and only ledger rows are written again; but for a PDF
#    without an outline whose chapter title is known, a subsection three numbers deep now embeds
#    "chapter › own title" where it embedded "section › own title". Plain text takes the new paths
#    too (numbered titles three deep: the man-db manual, the sed FAQ) but keeps text 6: re-reading
#    every .txt and .log for a rare third title would cost more than it gives; a file gets its new
#    path when it next changes.
# 14: pdf: an outline entry that opens with a capital letter and a space is no appendix when its chapter
#    is numbered: R's manuals file "R and statistics", "A specific example" and "I installed a package
#    but …" under numbered chapters, and each was read as a chapter of its own, so "1.3 R and statistics"
#    lost its chapter from its heading and the sections after it were headed "R and statistics › …"
#    (pdf_outline._another_chapter: a letter only after a letter, a number only after a smaller one).
#    And the section in force beside the printed page number at a page's foot ("2.2. Getting Started
#    with the GUI 7": Sphinx's LaTeX style, Why3's and Eyes17's manuals) goes when the section runs
#    over a page or two, too seldom for its line to repeat: its number is exactly the page's printed
#    one (pdf_layout._part_mark). It ended a passage on a third of Why3's pages.
#    And a listing's line that the typesetter wrapped and marked is joined again, the mark dropped
#    (dblatex's "← -", Sphinx's "˓→", Doxygen's "←˓": pdf_wraps): "1ubuntu1.\n˓→debdiff" reads
#    "1ubuntu1.debdiff", Debian Reference's sources.list lines read whole.
#    And Japanese, Chinese and Korean text set in a font that numbers its glyphs by an Adobe collection
#    and has no Unicode map reads through the collection's table (pdf_cid_fonts; also through JIS X
#    0208's "H" and "V" CMaps, "Ryumin-Light-H"): the EusLisp
#    reference manual's Japanese edition (pLaTeX, dvipdfmx) read "ϦϑΝϨϯεϚχϡΞϧ" for
#    "リファレンスマニュアル" on all 212 pages. Contents lists led by colons (": : : 14") or middle
#    dots, and "目 次" spaced out, are navigation too.
# 15: pdf: the labels of a figure drawn from a file of its own (a form XObject: a circuit, a chart from
#    R or matplotlib) are left out of its page's text when they read as labels and the page's forms
#    hold under half of its text (pdf_figures): the expEYES-17 manual's "c.c. / Moteur / Aimant / A1 /
#    GND" sat in the middle of every experiment's passage, R's introduction's axis ticks in its text on
#    plots. PDFs without such figures extract as before and keep their vectors (vector cache).
# 16: pdf: a chapter's running header is known by its title where that wrapped on the chapter's opening
#    page (DocBook: "2. Using and understanding the" / "Valgrind core" under pages headed "Using and
#    understanding the Valgrind core"): the header opened the first passage of 101 of the Valgrind
#    manual's 397 pages. Of 51 other PDFs (the realdocs manuals, tests/data, /usr/share/doc's) none
#    changed.
# 17: pdf: a backtick the font maps to a combining grave (TeX's opening quote, a shell's backquote) is a
#    backtick again, no longer a mark on the space before it (pdf_accents). Of 68 PDFs (the realdocs
#    manuals, the Debian FAQ, the Developer's Reference, /usr/share/doc's, tests/data) 12 changed: the
#    FAQ's English, French, Dutch and Portuguese editions, AMC's English and French, and six editions of
#    Debian Reference.
# 18: pdf: text in LaTeX's picture fonts (line10, lcircle10 and their thick twins: the pieces of the
#    lines, arrows and circles ``\put`` draws) reads as nothing: lshort's pages on drawing read "bej &%
#    ’$ behjm" beside their examples, AMC's manuals "y1" for a circled 1. Of 218 PDFs (the realdocs
#    manuals, tests/data, /usr/share/doc's and 150 of TeX Live's) 8 changed: AMC's three editions,
#    lshort's excerpt, memoir's design notes, TeX Live's docvariations and two LilyPond editions (an
#    empty line). And a running header that pairs the page number with a short title in two words or
#    more ("42 Mise en page": ten letters, under the twelve asked before) or an appendix's section ("A.5
#    TeX on Linux 123") goes: of 222 PDFs (those and lshort's four editions) 11 more changed, each
#    losing such headers only (lshort's French and English editions, the Spanish TeX FAQ's "8. ¿Cómo
#    hago ...? 36", Knuth's WEB programs' "§468 BibTEX INDEX 169", two appendices); none of realdocs'.
# 11: html: a skip link ("Skip to content" to a place in the page, classed for it: Node.js's API pages,
#    WordPress themes) is left out; it was a passage of its own in 66 files of /usr/share/doc.
# 6: rst: Sphinx's file-wide metadata fields (":orphan:", ":tocdepth: 2") are left out; ":orphan:" was a
#    passage of its own in 18 of pip's pages.
# 7: text: AsciiDoc's (and MediaWiki's) one-line titles ("== Summary", "=== Prerequisites") cut the
#    text and head its passages, their marks, block anchors ("[[summary]]") and header attributes
#    (":toc:") dropped; and a listing of one line between the rules AsciiDoc fences listings with ("$ git
#    commit" between two "------------") is no longer an over- and underlined title ("… · $
#    release-script 2.6.12 2.6.13-rc6" headed Git's user manual's passages; its 120 chapter and section
#    titles cut nothing). Of /usr/share/doc's texts and git-doc's (2,226), 43 changed: 13 gained their
#    AsciiDoc sections, the others lost titles that were commands, output lines or diagrams.
# 12: html (epub 11): a title over its section's own contents list, with the section's text after the
#    list (DocBook's chunked HTML: every chapter page), opens that text; it stood alone as a passage of
#    its title ("パッケージ管理" ranked first for "パッケージを保留するには" in aptitude's manual).
#    Of 1,108 HTML, EPUB, Markdown, ODT, DOCX and notebook files (/usr/share/doc's, aptitude-doc's four
#    languages, git-doc's, tests/data), 116 HTML files changed, all by this; epub is bumped with html
#    because DocBook's EPUBs are built the same way. The other kinds that fold titles the same way
#    (docx, odt, markdown, latex, notebook) rarely hold a contents list inside a section; none changed.
EXTRACTOR_VERSIONS: Mapping[str, int] = MappingProxyType(
    {
        "pdf": 18,
        "docx": 8,
        "pptx": 4,
        "xlsx": 5,
        "odt": 9,
        "ods": 6,
        "odp": 4,
        "epub": 11,
        "rtf": 2,
        "doc": 3,  # Word 97-2003 (word_doc)
        "xls": 2,  # Excel 97-2003 and 5.0/95 (excel_xls)
        "ppt": 1,  # PowerPoint 97-2003 (powerpoint_ppt)
        "archive": 1,  # zip, tar: members read as sub-documents
        "mail": 7,  # .eml, .msg, mbox: messages and attachments as sub-documents
        "html": 12,
        "markdown": 6,
        "rst": 6,
        "notebook": 4,  # .ipynb (1: read as code)
        "csv": 3,  # .csv, .tsv (1: read as plain text)
        "subtitles": 3,  # .srt, .vtt, .sbv, .ass, .ssa, .lrc, .sub (1: read as plain text)
        "text": 7,
        "latex": 2,  # .tex, .ltx that are LaTeX (extract.latex)
        "code": 3,
        "xmldoc": 2,  # DocBook, Mallard, TEI, FictionBook, DITA (extract.xml_documents)
    }
)
# Chunking 2: content-defined cuts (index.chunking.content_cuts): an edit re-cuts only the passages near it,
#    so re-indexing an edited file re-embeds a few passages (the rest come from the vector cache).
CHUNKING_VERSION = 2


def extractor_version(kind: str) -> int:
    """The current version of a kind's extractor (registered plug-in kinds: the base version)."""
    return EXTRACTOR_VERSIONS.get(kind, BASE_VERSION)
