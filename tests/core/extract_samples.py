"""Builders for real files of every format the extractors read (written in Python, no tools needed)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from desktop_search.core.extract import Extracted


def check_offsets(result: Extracted) -> None:
    """Every section's offsets point at its text; the text is the sections joined by a blank line."""
    assert result.text == "\n\n".join(s.text for s in result.sections)
    for s in result.sections:
        assert result.text[s.start : s.end] == s.text


# PDF


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def make_pdf(pages: list[list[str]], *, wide_space_font: bool = False) -> bytes:
    """A PDF with one page per list of lines, in Helvetica (WinAnsi).

    With ``wide_space_font`` the text uses a Type1 font whose widths claim a 0.84 em space and words
    are separated only by TJ gaps of 0.35 em, like the LaTeX/office PDFs that ran words together.
    """
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    add(b"<< /Type /Catalog /Pages 2 0 R >>")
    add(b"")  # pages tree, filled in below
    if wide_space_font:
        widths = b" ".join([b"838"] + [b"500"] * 94)
        font = add(
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding /WinAnsiEncoding"
            b" /FirstChar 32 /LastChar 126 /Widths [" + widths + b"] >>"
        )
    else:
        font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for lines in pages:
        ops = [b"BT /F1 12 Tf 72 720 Td 14 TL"]
        for line in lines:
            if wide_space_font:
                words = b" -350 ".join(_pdf_string(w) for w in line.split())
                ops.append(b"[" + words + b"] TJ T*")
            else:
                ops.append(_pdf_string(line) + b" Tj T*")
        ops.append(b"ET")
        stream = b"\n".join(ops)
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R"
                b" /Resources << /Font << /F1 %d 0 R >> >> >>" % (content, font)
            )
        )
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    return pdf_objects(objects)


def pdf_objects(objects: list[bytes]) -> bytes:
    """Serialize numbered PDF objects (1-based) with a correct xref table; object 1 is the catalog."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def encrypt_pdf(data: bytes, user_password: str, owner_password: str = "owner") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password, owner_password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# zip-based documents


def make_zip(members: dict[str, str | bytes], *, mimetype: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        if mimetype:
            zf.writestr(zipfile.ZipInfo("mimetype"), mimetype)  # stored, first, as ODF/EPUB require
        for name, body in members.items():
            zf.writestr(name, body)
    return buf.getvalue()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
A = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
P = 'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
RELS = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
CT = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def _w_para(text: str, style: str | None = None) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f'<w:p>{ppr}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def docx_document_xml(body: str) -> str:
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    return f"{head}<w:document {W}><w:body>{body}</w:body></w:document>"


def make_docx(document_xml: str | bytes | None = None) -> bytes:
    """Title, two headed sections, a table, a tab and a line break, deleted text that must not show."""
    if document_xml is None:
        table = (
            "<w:tbl><w:tr><w:tc>" + _w_para("Fruit") + "</w:tc><w:tc>" + _w_para("Price") + "</w:tc></w:tr>"
            "<w:tr><w:tc>" + _w_para("Apple") + "</w:tc><w:tc>" + _w_para("3 €") + "</w:tc></w:tr></w:tbl>"
        )
        body = (
            _w_para("Annual Report", "Title")
            + _w_para("Intro text before any heading.")
            + _w_para("Budget", "Heading1")
            + "<w:p><w:r><w:t>Costs</w:t><w:tab/><w:t>rose</w:t><w:br/><w:t>sharply.</w:t></w:r>"
            "<w:del><w:r><w:delText>SECRET DELETED</w:delText></w:r></w:del></w:p>"
            + table
            + _w_para("Outlook", "Heading2")
            + _w_para("Next year looks bright.")
        )
        document_xml = docx_document_xml(body)
    styles = (
        f'<?xml version="1.0"?><w:styles {W}>'
        '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style></w:styles>'
    )
    return make_zip({"[Content_Types].xml": CT, "word/document.xml": document_xml, "word/styles.xml": styles})


def _slide(title: str, body: str) -> str:
    def shape(ph: str, text: str) -> str:
        return (
            f'<p:sp><p:nvSpPr><p:cNvPr id="1" name="x"/><p:cNvSpPr/><p:nvPr><p:ph type="{ph}"/></p:nvPr>'
            f"</p:nvSpPr><p:txBody><a:p><a:r><a:t>{text}</a:t></a:r></a:p></p:txBody></p:sp>"
        )

    return (
        f'<?xml version="1.0"?><p:sld {P} {A} {R}><p:cSld><p:spTree>'
        + shape("title", title)
        + shape("body", body)
        + shape("sldNum", "99")
        + "</p:spTree></p:cSld></p:sld>"
    )


def make_pptx() -> bytes:
    """Two slides listed in reverse file order (slide2.xml is shown first); notes on the second."""
    pres = (
        f'<?xml version="1.0"?><p:presentation {P} {R}><p:sldIdLst>'
        '<p:sldId id="256" r:id="rId2"/><p:sldId id="257" r:id="rId1"/></p:sldIdLst></p:presentation>'
    )
    rels = (
        f'<?xml version="1.0"?><Relationships {RELS}>'
        '<Relationship Id="rId1" Type="http://x/slide" Target="slides/slide1.xml"/>'
        '<Relationship Id="rId2" Type="http://x/slide" Target="slides/slide2.xml"/></Relationships>'
    )
    slide1_rels = (
        f'<?xml version="1.0"?><Relationships {RELS}>'
        '<Relationship Id="rId1" Type="http://x/notesSlide" Target="../notesSlides/notesSlide1.xml"/>'
        "</Relationships>"
    )
    notes = (
        f'<?xml version="1.0"?><p:notes {P} {A}><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r>'
        "<a:t>Speaker notes mention the pelican.</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld>"
        "</p:notes>"
    )
    return make_zip(
        {
            "[Content_Types].xml": CT,
            "ppt/presentation.xml": pres,
            "ppt/_rels/presentation.xml.rels": rels,
            "ppt/slides/slide1.xml": _slide("Second Title", "Closing words about pelicans."),
            "ppt/slides/_rels/slide1.xml.rels": slide1_rels,
            "ppt/notesSlides/notesSlide1.xml": notes,
            "ppt/slides/slide2.xml": _slide("Opening Title", "Welcome to the quarterly review."),
        }
    )


def make_xlsx() -> bytes:
    book = (
        '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'{R}><sheets><sheet name="Prices" sheetId="1" r:id="rId1"/>'
        '<sheet name="Notes" sheetId="2" r:id="rId2"/>'
        "</sheets></workbook>"
    )
    rels = (
        f'<?xml version="1.0"?><Relationships {RELS}>'
        '<Relationship Id="rId1" Type="http://x/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://x/worksheet" Target="/xl/worksheets/sheet2.xml"/>'
        "</Relationships>"
    )
    shared = (
        '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>Item</t></si><si><t>Cost</t></si><si><r><t>Wid</t></r><r><t>get</t></r></si></sst>"
    )
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    sheet1 = (
        f'<?xml version="1.0"?><worksheet {ns}><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="C2"><v>42.5</v></c></row>'
        "</sheetData></worksheet>"
    )
    sheet2 = (
        f'<?xml version="1.0"?><worksheet {ns}><sheetData><row r="1">'
        '<c r="A1" t="inlineStr"><is><t>Remember the flamingo</t></is></c><c r="B1" t="b"><v>1</v></c>'
        "</row></sheetData></worksheet>"
    )
    return make_zip(
        {
            "[Content_Types].xml": CT,
            "xl/workbook.xml": book,
            "xl/_rels/workbook.xml.rels": rels,
            "xl/sharedStrings.xml": shared,
            "xl/worksheets/sheet1.xml": sheet1,
            "xl/worksheets/sheet2.xml": sheet2,
        }
    )


ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"'
)


def _odf(kind: str, body: str) -> bytes:
    content = (
        f'<?xml version="1.0"?><office:document-content {ODF_NS}><office:body>{body}</office:body>'
        "</office:document-content>"
    )
    return make_zip({"content.xml": content}, mimetype=f"application/vnd.oasis.opendocument.{kind}")


def make_odt() -> bytes:
    return _odf(
        "text",
        "<office:text><text:p>Preface line.</text:p>"
        '<text:h text:outline-level="1">Chapter One</text:h>'
        '<text:p>Two<text:s text:c="2"/>spaces<text:tab/>tab<text:line-break/>next line'
        "<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>FOOTNOTE</text:p>"
        "</text:note-body></text:note> end.</text:p>"
        "<text:list><text:list-item><text:p>Listed walrus</text:p></text:list-item></text:list>"
        '<text:h text:outline-level="2">Chapter Two</text:h><text:p>Closing, see <text:bookmark-ref '
        'text:reference-format="text" text:ref-name="walrus">the walrus list</text:bookmark-ref>.</text:p>'
        "</office:text>",
    )


def make_ods() -> bytes:
    return _odf(
        "spreadsheet",
        '<office:spreadsheet><table:table table:name="Budget"><table:table-row>'
        "<table:table-cell><text:p>Rent</text:p></table:table-cell>"
        '<table:table-cell table:number-columns-repeated="2"><text:p>900</text:p></table:table-cell>'
        '<table:table-cell table:number-columns-repeated="16000"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1000"><table:table-cell/></table:table-row>'
        '</table:table><table:table table:name="Other"><table:table-row><table:table-cell>'
        "<text:p>Penguin</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet>",
    )


def make_odp() -> bytes:
    def page(name: str, title: str, body: str) -> str:
        return (
            f'<draw:page draw:name="{name}"><draw:frame presentation:class="title"><draw:text-box>'
            f"<text:p>{title}</text:p></draw:text-box></draw:frame><draw:frame><draw:text-box>"
            f"<text:p>{body}</text:p></draw:text-box></draw:frame></draw:page>"
        )

    return _odf(
        "presentation",
        "<office:presentation>"
        + page("p1", "Kickoff", "Goals for the year")
        + page("p2", "Wrap-up", "Thanks, otters")
        + "</office:presentation>",
    )


def make_epub() -> bytes:
    container = (
        '<?xml version="1.0"?><container version="1.0" '
        'xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
        '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
        "</rootfiles></container>"
    )
    opf = (
        '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><manifest>'
        '<item id="c2" href="text/chap%202.xhtml" media-type="application/xhtml+xml"/>'
        '<item id="c1" href="text/chap1.xhtml" media-type="application/xhtml+xml"/>'
        '<item id="css" href="style.css" media-type="text/css"/></manifest>'
        '<spine><itemref idref="c1"/><itemref idref="c2"/></spine></package>'
    )

    def chapter(title: str, body: str) -> str:
        return (
            '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml">'
            f"<head><title>{title}</title><style>p {{color: red}}</style></head><body>"
            f"<h1>{title}</h1><p>{body}</p></body></html>"
        )

    return make_zip(
        {
            "META-INF/container.xml": container,
            "OEBPS/content.opf": opf,
            "OEBPS/text/chap1.xhtml": chapter("The Beginning", "It was a dark &amp; stormy night."),
            "OEBPS/text/chap 2.xhtml": chapter("The End", "Everyone lived happily."),
            "OEBPS/style.css": "p {}",
        },
        mimetype="application/epub+zip",
    )


RTF_SAMPLE = (
    rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Helvetica;}{\f1\fcharset204 Arial Cyr;}}"
    rb"{\colortbl;\red255\green0\blue0;}{\*\generator Hand 1.0;}{\info{\title Hidden title}}"
    rb"\pard Caf\'e9 cr\'e8me\par "
    rb"Unicode \u8364\'80 euro and \u-3913? minus\par "
    rb"{\f1 \'cf\'f0\'e8\'e2\'e5\'f2}\par "
    rb"Tab\tab stop and escaped \{braces\} and back\\slash\par "
    rb"{\pict\pngblip 89504e470d0a}{\*\unknowndest secret}Visible end.}"
)


def write(folder: Path, name: str | bytes, data: bytes) -> Path:
    """Write ``data`` to folder/name (a bytes name may be non-UTF-8) and return the path."""
    import os

    if isinstance(name, bytes):
        path = os.path.join(os.fsencode(folder), name)
        with open(path, "wb") as f:
            f.write(data)
        return Path(os.fsdecode(path))
    path = folder / name
    path.write_bytes(data)
    return path
