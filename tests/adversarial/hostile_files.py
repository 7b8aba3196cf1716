"""Generators of hostile and weird input, each written into a folder with its expected outcome.

Every :class:`HostileKind` writes one or more files (or folders, links, pipes) under a folder and
says how the indexer must end up treating them:

* ``failed`` / ``skipped``: a ledger row with that status and a reason matching ``reason``;
* ``indexed``: valid but weird (emoji or undecodable names, very long paths): indexed and searchable
  by the ``marker`` word its text carries;
* ``absent``: never becomes a ledger row (a symlink loop, a pipe, a device, a file that vanished);
  the point is that the scan and the indexer neither hang nor crash on it.

Some kinds are only meaningful under conditions (``requires``): ``unprivileged`` (root reads files
with mode 000, so those run in a subprocess as an unprivileged user, see ``unprivileged_runner``),
``symlinks``, ``fifo``, ``mknod``. ``hostile_kinds()`` lists them all; ``write_all`` writes the ones
this machine can produce and returns the expected outcome of every path written.

Everything here is generated in Python in well under a second per kind (the 100 MB files are
sparse or written from one repeated block), so the suite needs no fixtures on disk.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.core import mail_samples as ms
from tests.core.extract_samples import (
    CT,
    docx_document_xml,
    encrypt_pdf,
    make_docx,
    make_epub,
    make_pdf,
    make_zip,
    pdf_objects,
)

MB = 2**20
Outcome = str  # "failed" | "skipped" | "indexed" | "absent", or alternatives joined by "|"


@dataclass(frozen=True)
class Written:
    """One path a kind wrote, with what must become of it."""

    path: str  # may hold lone surrogates (an undecodable name), exactly as os.fsdecode gives it
    kind: str
    outcome: Outcome
    reason: str = ""  # regular expression the ledger reason must match (search, case-insensitive)
    marker: str = ""  # a word only this file's text contains (indexed kinds): search must find it

    def allows(self, outcome: str) -> bool:
        return outcome in self.outcome.split("|")


@dataclass(frozen=True)
class HostileKind:
    name: str
    make: Callable[[Path], list[Written]]
    requires: tuple[str, ...] = ()
    why: str = ""  # one line: what this kind attacks


# -- small builders ---------------------------------------------------------------------------------------


def _write(path: str | Path | bytes, data: bytes) -> str:
    with open(path, "wb") as f:
        f.write(data)
    return os.fsdecode(path)


def _stream(body: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(body), extra) + body + b"\nendstream"


def pdf_xobject_fanout(levels: int = 12, fanout: int = 10) -> bytes:
    """A one-page PDF whose page draws form X<levels>, which draws X<levels-1> ``fanout`` times, ...

    Text extraction walks every drawing: ``fanout ** levels`` visits (10^12), a few KB of file.
    Only the per-file time limit of the worker pool stops it.
    """
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    ]
    objects.append(b"")  # page, filled below
    objects.append(font)  # 4
    first_form = len(objects) + 1
    for level in range(levels + 1):
        if level == 0:
            body = b"BT /F1 12 Tf 72 720 Td (slowpoke) Tj ET"
            res = b"/Resources << /Font << /F1 4 0 R >> >>"
        else:
            body = b" ".join([b"/X%d Do" % (level - 1)] * fanout)
            res = b"/Resources << /XObject << /X%d %d 0 R >> /Font << /F1 4 0 R >> >>" % (
                level - 1,
                first_form + level - 1,
            )
        objects.append(_stream(body, b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] " + res))
    top = first_form + levels
    content = _stream(b"/X%d Do" % levels)
    objects.append(content)
    objects[2] = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R"
        b" /Resources << /XObject << /X%d %d 0 R >> /Font << /F1 4 0 R >> >> >>" % (len(objects), levels, top)
    )
    return pdf_objects(objects)


def pdf_huge_content_stream(megabytes: int = 24) -> bytes:
    """One page whose content stream holds millions of tiny text operators (slow to parse in Python)."""
    op = b"BT /F1 1 Tf 1 1 Td (a) Tj ET\n"
    body = op * (megabytes * MB // len(op))
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    return pdf_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R"
            b" /Resources << /Font << /F1 4 0 R >> >> >>",
            font,
            _stream(body),
        ]
    )


def pdf_zero_pages() -> bytes:
    return pdf_objects([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def pdf_page_tree_loop() -> bytes:
    """A page tree whose Pages node lists itself as a kid."""
    return pdf_objects([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"])


def pdf_deep_arrays(depth: int = 200_000) -> bytes:
    """An object nested ``depth`` arrays deep (a recursive parser's stack)."""
    deep = b"[" * depth + b"1" + b"]" * depth
    return pdf_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Deep 3 0 R >>",
            b"<< /Type /Pages /Kids [4 0 R] /Count 1 /Deep 3 0 R >>",
            deep,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R >>",
        ]
    )


def billion_laughs(root: str) -> str:
    """An XML document (``root`` is the element body) preceded by the classic entity bomb."""
    ents = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10)
    )
    return f'<?xml version="1.0"?><!DOCTYPE lolz [{ents}]>{root}'


def xlsx_with(shared_strings: str) -> bytes:
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    book = (
        f'<?xml version="1.0"?><workbook {ns} {rns}><sheets>'
        '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    rels = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://x/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    )
    sheet = (
        f'<?xml version="1.0"?><worksheet {ns}><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>'
        "</sheetData></worksheet>"
    )
    return make_zip(
        {
            "[Content_Types].xml": CT,
            "xl/workbook.xml": book,
            "xl/_rels/workbook.xml.rels": rels,
            "xl/sharedStrings.xml": shared_strings,
            "xl/worksheets/sheet1.xml": sheet,
        }
    )


def odt_with(content_xml: str) -> bytes:
    return make_zip({"content.xml": content_xml}, mimetype="application/vnd.oasis.opendocument.text")


ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
)


def _rezip(data: bytes, inflate: Callable[[str, bytes], bytes]) -> bytes:
    """Copy a zip, passing each member through ``inflate`` (fast deflate level: the bombs are big)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for info in src.infolist():
            out.writestr(info, inflate(info.filename, src.read(info)), compress_type=info.compress_type)
    return buf.getvalue()


BOMB_BYTES = 32 * MB  # inflates ~300x: far past the ratio limit, cheap to build


def docx_bomb() -> bytes:
    """A valid DOCX whose document.xml inflates from ~100 KB to 32 MB of spaces."""
    return _rezip(
        make_docx(),
        lambda name, d: (
            d.replace(b"<w:body>", b"<w:body>" + b" " * BOMB_BYTES, 1) if name == "word/document.xml" else d
        ),
    )


def ods_repeat_bomb() -> bytes:
    """A spreadsheet whose one cell claims 10^9 columns in each of 10^9 rows."""
    content = (
        f'<?xml version="1.0"?><office:document-content {ODF_NS}><office:body><office:spreadsheet>'
        '<table:table table:name="T"><table:table-row table:number-rows-repeated="1000000000">'
        '<table:table-cell table:number-columns-repeated="1000000000"><text:p>repeated flamingo</text:p>'
        "</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    return make_zip({"content.xml": content}, mimetype="application/vnd.oasis.opendocument.spreadsheet")


def epub_bomb() -> bytes:
    """A valid-looking EPUB whose one chapter inflates from ~100 KB to 32 MB of spaces."""
    return _rezip(
        make_epub(),
        lambda name, d: (
            d.replace(b"<p>", b"<p>" + b" " * BOMB_BYTES, 1) if name.endswith("chap1.xhtml") else d
        ),
    )


def nested_zip_bomb(levels: int = 4) -> bytes:
    """A zip of zips of zips (42.zip style) named like a document: no document part inside."""
    inner = b"\x00" * MB
    data = make_zip({"zeros.bin": inner})
    for level in range(levels):
        data = make_zip({f"layer{level}-{i}.zip": data for i in range(8)})
    return data


def _truncated_mbox(folder: Path) -> list[Written]:
    first = ms.message("Kayak trip", "We paddle to the heron colony on Saturday.")
    second = ms.message(
        "Minutes", "Minutes attached.", attachments=(("minutes.pdf", _good_pdf() * 3, "application/pdf"),)
    )
    data = ms.mbox(first, second)
    data = data[: data.index(b'filename="minutes.pdf"') + 400]  # cut inside the attachment
    return [Written(_write(folder / "cut.mbox", data), "mbox-truncated", "indexed", marker="heron")]


def _archive_bomb_beside_a_note(folder: Path) -> list[Written]:
    data = ms.zip_of({"zeros.txt": b"0" * (64 * MB), "note.txt": b"The pelican ledger is here."})
    return [Written(_write(folder / "mixed.zip", data), "zip-bomb-member", "indexed", marker="pelican")]


def _tar_gz_bomb() -> bytes:
    return ms.tar_of({"zeros.txt": bytes(48 * MB)}, "w:gz")


def _eml_unknown_attachment(folder: Path) -> list[Written]:
    msg = ms.message(
        "Installer",
        "The cormorant installer is attached.",
        attachments=(("setup.exe", os.urandom(8192), "application/octet-stream"),),
    )
    return [
        Written(
            _write(folder / "setup.eml", msg.as_bytes()),
            "eml-unknown-attachment",
            "indexed",
            marker="cormorant",
        )
    ]


def _text(folder: Path, name: str | bytes, marker: str, kind: str) -> Written:
    body = f"This note is about the {marker} and nothing else.\n".encode()
    path = os.path.join(os.fsencode(folder), name) if isinstance(name, bytes) else folder / name
    return Written(_write(path, body), kind, "indexed", marker=marker)


# -- the kinds --------------------------------------------------------------------------------------------


def _k(
    name: str, outcome: Outcome, reason: str, data: Callable[[], bytes], filename: str, why: str
) -> HostileKind:
    def make(folder: Path) -> list[Written]:
        return [Written(_write(folder / filename, data()), name, outcome, reason)]

    return HostileKind(name, make, why=why)


def _good_pdf() -> bytes:
    return make_pdf([["some text on a page"]])


def _sparse(folder: Path, name: str, size: int) -> str:
    path = folder / name
    with open(path, "wb") as f:
        f.truncate(size)
    return str(path)


def _single_line_100mb(folder: Path) -> list[Written]:
    path = folder / "one-line-100mb.txt"
    block = b"longline " * (MB // 9)
    with open(path, "wb") as f:
        while f.tell() < 100 * MB + 4096:
            f.write(block)
    return [Written(str(path), "text-100mb-single-line", "skipped", r"larger than")]


def _sparse_zeros(folder: Path) -> list[Written]:
    # 99 MB of zeros under the 100 MB limit: read, then recognised as binary.
    return [Written(_sparse(folder, "sparse-zeros.log", 99 * MB), "sparse-99mb-zeros", "skipped", r"binary")]


def _sparse_over(folder: Path) -> list[Written]:
    return [Written(_sparse(folder, "sparse-huge.txt", 4 * 2**30), "sparse-4gb", "skipped", r"larger than")]


def _symlink_loops(folder: Path) -> list[Written]:
    a, b = folder / "loop-a.txt", folder / "loop-b.txt"
    os.symlink(b, a)
    os.symlink(a, b)
    sub = folder / "cycle"
    sub.mkdir()
    os.symlink("..", sub / "up")  # a folder cycle: cycle/up/cycle/up/...
    os.symlink(folder, sub / "root-again")
    return [
        Written(str(a), "symlink-loop", "absent"),
        Written(str(b), "symlink-loop", "absent"),
        Written(str(sub / "up"), "symlink-folder-cycle", "absent"),
        Written(str(sub / "root-again"), "symlink-folder-cycle", "absent"),
    ]


def _dangling_symlink(folder: Path) -> list[Written]:
    link = folder / "dangling.md"
    os.symlink(folder / "does-not-exist.md", link)
    return [Written(str(link), "dangling-symlink", "absent")]


def _fifo(folder: Path) -> list[Written]:
    path = folder / "pipe.txt"
    os.mkfifo(path)  # opening it for reading would block forever
    return [Written(str(path), "fifo", "absent")]


def _device(folder: Path) -> list[Written]:
    path = folder / "zero-device.txt"
    os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # like /dev/zero: endless zeros
    return [Written(str(path), "char-device", "absent")]


def _device_link(folder: Path) -> list[Written]:
    path = folder / "urandom-link.txt"
    os.symlink("/dev/urandom", path)
    return [Written(str(path), "symlink-to-device", "absent")]


def _newline_name(folder: Path) -> list[Written]:
    return [_text(folder, "two\nlines\rname.txt", "pangolin", "name-with-newline")]


def _emoji_name(folder: Path) -> list[Written]:
    return [_text(folder, "📄 notes 🎉 ünïcödé.md", "narwhal", "name-with-emoji")]


def _undecodable_name(folder: Path) -> list[Written]:
    return [_text(folder, b"caf\xe9-\xff\xfe-latin1.txt", "axolotl", "name-not-utf8")]


def _windows_reserved_names(folder: Path) -> list[Written]:
    return [
        _text(folder, "CON.txt", "quokka", "windows-reserved-name"),
        _text(folder, "trailing dot. ", "okapi", "windows-reserved-name"),
    ]


def _long_path(folder: Path) -> list[Written]:
    deep = folder
    for i in range(6):
        deep = deep / (f"level{i}-" + "d" * 60)
    deep.mkdir(parents=True)
    name = "n" * 240 + ".txt"  # 244-byte name: near the 255-byte limit of most file systems
    written = _text(deep, name, "capybara", "path-over-260")
    assert len(written.path) > 260
    return [written]


def _unreadable_file(folder: Path) -> list[Written]:
    path = folder / "no-read-permission.txt"
    _write(path, b"secret words nobody may read")
    path.chmod(0)
    return [Written(str(path), "permission-denied-file", "failed", r"permission denied")]


def _unreadable_folder(folder: Path) -> list[Written]:
    sub = folder / "locked-folder"
    sub.mkdir()
    inner = _write(sub / "inside.txt", b"words inside a folder nobody may list")
    sub.chmod(0)
    return [Written(inner, "permission-denied-folder", "absent")]


def _nul_sprinkled(folder: Path) -> list[Written]:
    body = b"".join(b"word%d \x00" % i for i in range(2000))
    return [Written(_write(folder / "nul-bytes.txt", body), "nul-bytes", "skipped", r"binary")]


def _utf16_no_bom(folder: Path) -> list[Written]:
    body = ("The wombat sleeps in UTF-16 without a byte order mark.\n" * 20).encode("utf-16-le")
    return [
        Written(_write(folder / "utf16-nobom.txt", body), "utf16-without-bom", "indexed", marker="wombat")
    ]


def _invalid_utf8(folder: Path) -> list[Written]:
    body = b"Valid start about the ocelot, then broken bytes \xc3\x28 \xa0\xa1 \xf0\x28\x8c\x28 end.\n" * 10
    return [Written(_write(folder / "invalid-utf8.txt", body), "invalid-utf8", "indexed", marker="ocelot")]


def _random_bytes_txt(folder: Path) -> list[Written]:
    rnd = bytes((i * 7919 + (i >> 3) * 31) % 256 for i in range(64 * 1024))
    return [Written(_write(folder / "random.txt", rnd), "binary-named-txt", "skipped", r"binary")]


def _control_chars(folder: Path) -> list[Written]:
    body = bytes(range(1, 9)) * 4000
    return [Written(_write(folder / "controls.md", body), "control-characters", "skipped", r"binary")]


def _whitespace_only(folder: Path) -> list[Written]:
    return [
        Written(_write(folder / "blank.txt", b" \n\t\r\n" * 5000), "whitespace-only", "skipped", r"no text")
    ]


def _empty(folder: Path) -> list[Written]:
    return [Written(_write(folder / "empty.md", b""), "empty-file", "skipped", r"empty")]


def _deep_html(folder: Path) -> list[Written]:
    body = b"<html><body>" + b"<div>" * 100_000 + b"deep tapir text" + b"</div>" * 100_000 + b"</body></html>"
    return [Written(_write(folder / "deep.html", body), "deeply-nested-html", "indexed", marker="tapir")]


def _unclosed_html(folder: Path) -> list[Written]:
    body = b"<html><body><p>The gecko " + b"<span><b><i><a href='" * 20000 + b"x"
    return [Written(_write(folder / "unclosed.htm", body), "unclosed-html", "indexed", marker="gecko")]


def _deep_markdown(folder: Path) -> list[Written]:
    # 3,000 levels: past Python's recursion limit for a recursive parser, yet little text to embed
    body = b"> " * 3000 + b"the meerkat quote\n" + b"- " * 3000 + b"item\n" + b"*" * 3000 + b"\n"
    return [Written(_write(folder / "deep.md", body), "deeply-nested-markdown", "indexed", marker="meerkat")]


def _svg_laughs(folder: Path) -> list[Written]:
    svg = billion_laughs("<svg><text>the lemur &lol9;</text></svg>").encode()
    return [
        Written(_write(folder / "laughs.svg", svg), "entity-bomb-in-plain-xml", "indexed", marker="lemur")
    ]


def _image_corrupt(folder: Path) -> list[Written]:
    path = _write(folder / "scan.png", b"\x89PNG\r\n\x1a\n" + os.urandom(4096))
    jpeg = _write(folder / "photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64)
    return [
        Written(path, "image-corrupt", "failed", r"damaged"),
        Written(jpeg, "image-corrupt", "failed", r"damaged"),
    ]


def _image_huge_header(folder: Path) -> list[Written]:
    import struct
    import zlib

    ihdr = b"IHDR" + struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    chunk = struct.pack(">I", 13) + ihdr + struct.pack(">I", zlib.crc32(ihdr))
    path = _write(folder / "bomb.png", b"\x89PNG\r\n\x1a\n" + chunk + b"\x00" * 64)
    return [Written(path, "image-decompression-bomb", "failed", r"too large|damaged")]


def _tiff_10000_pages(folder: Path) -> list[Written]:
    """10,000 one-pixel pages, each an IFD pointing at the same one-byte strip (Pillow writes it slowly)."""
    import struct

    entries = [
        (256, 3, 1),
        (257, 3, 1),
        (258, 3, 1),
        (259, 3, 1),
        (262, 3, 1),
        (273, 4, 8),
        (278, 3, 1),
        (279, 4, 1),
    ]
    size = 2 + 12 * len(entries) + 4
    out = bytearray(b"II*\x00" + struct.pack("<I", 12) + b"\xff\x00\x00\x00")
    for page in range(10_000):
        out += struct.pack("<H", len(entries))
        for tag, typ, value in entries:
            out += struct.pack("<HHI", tag, typ, 1) + struct.pack("<I", value)
        out += struct.pack("<I", 0 if page == 9_999 else 12 + (page + 1) * size)
    path = _write(folder / "fax-archive.tif", bytes(out))
    return [Written(path, "tiff-10000-pages", "skipped", r"more than 500 pages")]


def _docx_truncated(folder: Path) -> list[Written]:
    path = _write(folder / "torn.docx", make_docx()[:300])
    return [Written(path, "docx-truncated", "failed", r"damaged")]


def _docx_external_entity(folder: Path) -> list[Written]:
    xml = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        + docx_document_xml("<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>").split("?>", 1)[1]
    )
    return [Written(_write(folder / "xxe.docx", make_docx(xml)), "docx-external-entity", "failed", r"entit")]


def _docx_unknown_zip(folder: Path) -> list[Written]:
    data = make_zip({"random/part.bin": b"\x00" * 100})
    return [Written(_write(folder / "not-really.docx", data), "docx-without-document", "failed", r"damaged")]


def _pdf_disguised_as_txt(folder: Path) -> list[Written]:
    data = make_pdf([["the disguised armadillo pdf"]])
    return [
        Written(_write(folder / "really-a-pdf.txt", data), "pdf-named-txt", "indexed", marker="armadillo")
    ]


def _changing_file(folder: Path) -> list[Written]:
    """Rewritten while it is being extracted (see ``extraction_hooks``); the final text must win."""
    path = _write(folder / "changing.nfo", b"old words about the first version")
    return [Written(path, "changes-during-extraction", "indexed", marker="chinchilla")]


def _vanishing_file(folder: Path) -> list[Written]:
    """Deleted while it is being extracted (see ``extraction_hooks``): must leave no ledger row."""
    path = _write(folder / "vanishing.lrc", b"words that will vanish mid-extraction")
    return [Written(path, "vanishes-during-extraction", "absent")]


KINDS: list[HostileKind] = [
    # PDF
    _k(
        "pdf-truncated",
        "failed",
        r"damaged",
        lambda: _good_pdf()[: len(_good_pdf()) // 3],
        "cut.pdf",
        "a PDF cut off a third of the way",
    ),
    _k(
        "pdf-garbage",
        "failed",
        r"damaged",
        lambda: b"%PDF-1.7\n" + os.urandom(8000),
        "noise.pdf",
        "a PDF header followed by noise",
    ),
    _k(
        "pdf-not-a-pdf",
        "failed",
        r"does not start like one",
        lambda: b"just words, no header" * 10,
        "fake.pdf",
        "a .pdf that is not one",
    ),
    _k(
        "pdf-encrypted",
        "failed",
        r"encrypted",
        lambda: encrypt_pdf(_good_pdf(), "s3cret"),
        "locked.pdf",
        "a PDF with a user password",
    ),
    _k("pdf-zero-pages", "skipped", r"no text", pdf_zero_pages, "zero-pages.pdf", "a PDF with no pages"),
    _k(
        "pdf-images-only",
        "skipped",
        r"no text layer",
        lambda: make_pdf([[], [], []]),
        "scan.pdf",
        "a PDF of pages without a text layer",
    ),
    _k(
        "pdf-page-tree-loop",
        "failed",
        r"damaged|nested|no text",
        pdf_page_tree_loop,
        "page-loop.pdf",
        "a page tree that contains itself",
    ),
    _k(
        "pdf-deep-arrays",
        "failed|skipped",
        r"damaged|nested|no text",
        pdf_deep_arrays,
        "deep-arrays.pdf",
        "an object nested 200,000 arrays deep",
    ),
    _k(
        "pdf-xobject-fanout",
        "failed|indexed",
        r"took longer than",
        pdf_xobject_fanout,
        "fanout.pdf",
        # pypdf bounds the walk itself (about 3.5 s here): on a fast or idle machine the page comes back
        # within the time limit, truncated; on a slower one the limit stops it. Either way within bounds.
        "forms drawing forms: 10^12 drawing operations in a few KB (time limit or pypdf's own bound)",
    ),
    _k(
        "pdf-huge-content-stream",
        "failed",
        r"took longer than|no text|damaged",
        pdf_huge_content_stream,
        "huge-stream.pdf",
        "a 24 MB content stream of tiny text operators (time limit)",
    ),
    # zip-based documents
    _k("docx-zip-bomb", "failed", r"zip bomb", docx_bomb, "bomb.docx", "32 MB of XML in a small DOCX"),
    _k("epub-zip-bomb", "failed", r"zip bomb", epub_bomb, "bomb.epub", "32 MB chapter in a small EPUB"),
    _k(
        "docx-nested-zip-bomb",
        "failed",
        r"damaged",
        nested_zip_bomb,
        "nested.docx",
        "zips of zips named .docx",
    ),
    _k(
        "docx-billion-laughs",
        "failed",
        r"entit",
        lambda: make_docx(
            billion_laughs(docx_document_xml("<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>").split("?>", 1)[1])
        ),
        "laughs.docx",
        "entity expansion in DOCX",
    ),
    _k(
        "xlsx-billion-laughs",
        "failed",
        r"entit",
        lambda: xlsx_with(
            billion_laughs(
                '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>'
            )
        ),
        "laughs.xlsx",
        "entity expansion in XLSX shared strings",
    ),
    _k(
        "odt-billion-laughs",
        "failed",
        r"entit",
        lambda: odt_with(
            billion_laughs(
                f"<office:document-content {ODF_NS}><office:body><office:text><text:p>&lol9;</text:p>"
                "</office:text></office:body></office:document-content>"
            )
        ),
        "laughs.odt",
        "entity expansion in ODT",
    ),
    _k(
        "ods-repeat-bomb",
        "indexed",
        r"",
        ods_repeat_bomb,
        "repeat.ods",
        "a cell repeated 10^18 times by attributes",
    ),
    _k(
        "xlsx-malformed-xml",
        "failed",
        r"damaged",
        lambda: make_zip({"xl/workbook.xml": "<not-closed>"}),
        "bad.xlsx",
        "unclosed XML in a spreadsheet",
    ),
    _k(
        "epub-not-a-zip",
        "failed",
        r"does not start like one",
        lambda: b"plain text, not a book" * 5,
        "text.epub",
        "an .epub that is plain text",
    ),
    _k(
        "ole-unknown",
        "skipped",
        r"unsupported file type",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096),
        "plan.vsd",
        "an OLE2 file no reader knows (Visio)",
    ),
    _k(
        "ppt-empty-ole",
        "failed",
        r"powerpoint presentation is damaged",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096),
        "blank.ppt",
        "an OLE2 signature and nothing else, named .ppt",
    ),
    _k(
        "xls-empty-ole",
        "failed",
        r"excel workbook is damaged",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096),
        "blank.xls",
        "an OLE2 signature and nothing else, named .xls",
    ),
    _k(
        "doc-empty-ole",
        "failed",
        r"word document is damaged",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096),
        "blank.doc",
        "an OLE2 signature and nothing else, named .doc",
    ),
    _k(
        "rtf-nesting-bomb",
        "failed",
        r"nested too deeply",
        lambda: b"{\\rtf1 " + b"{" * 100_000 + b"x" + b"}" * 100_000 + b"}",
        "deep.rtf",
        "RTF groups nested 100,000 deep",
    ),
    HostileKind("docx-truncated", _docx_truncated, why="a DOCX cut after 300 bytes"),
    # archives and mail: a member or attachment that cannot be read is noted, the rest indexed
    _k(
        "zip-bomb-archive",
        "skipped",
        r"zip bomb",
        lambda: ms.zip_of({"zeros.txt": b"0" * (64 * MB)}),
        "bomb.zip",
        "64 MB of zeros in a 64 KB zip",
    ),
    HostileKind("zip-bomb-member", _archive_bomb_beside_a_note, why="a bomb member beside a real note"),
    _k(
        "tar-gz-bomb", "failed", r"zip bomb", _tar_gz_bomb, "bomb.tar.gz", "48 MB of zeros in a 50 KB .tar.gz"
    ),
    _k(
        "zip-nested-too-deep",
        "skipped|failed",
        r"nested too deeply|zip bomb",
        nested_zip_bomb,
        "nested.zip",
        "42.zip style: zips of zips of zips, 4 levels",
    ),
    _k(
        "zip-password-protected",
        "failed",
        r"password-protected",
        lambda: ms.encrypted_zip("secret.txt", b"the vault code is 1234"),
        "locked.zip",
        "every member encrypted",
    ),
    _k(
        "zip-damaged",
        "failed",
        r"damaged",
        lambda: ms.zip_of({"a.txt": b"x" * 5000})[:-30],
        "cut.zip",
        "a zip without its central directory",
    ),
    _k(
        "seven-zip",
        "skipped",
        r"7z archives are not read",
        lambda: b"7z\xbc\xaf\x27\x1c" + bytes(512),
        "a.7z",
        "7z, not read",
    ),
    HostileKind("mbox-truncated", _truncated_mbox, why="an mbox cut inside a PDF attachment"),
    HostileKind("eml-unknown-attachment", _eml_unknown_attachment, why="an .exe attached to a message"),
    _k(
        "msg-truncated",
        "failed",
        r"outlook message is damaged",
        lambda: (Path(__file__).resolve().parents[1] / "data" / "outlook-embedded-message.msg").read_bytes()[
            :40_000
        ],
        "cut.msg",
        "a real Outlook message cut short (its sectors run past the end)",
    ),
    _k(
        "msg-empty-ole",
        "failed",
        r"outlook message is damaged",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096),
        "blank.msg",
        "an OLE2 signature and nothing else, named .msg",
    ),
    _k(
        "eml-binary",
        "skipped",
        r"binary",
        lambda: bytes(range(256)) * 40,
        "noise.eml",
        "random bytes named .eml",
    ),
    # images (OCR)
    HostileKind("image-corrupt", _image_corrupt, why="a PNG and a JPEG with valid magic and garbage after"),
    HostileKind("image-decompression-bomb", _image_huge_header, why="a PNG header claiming 100,000² pixels"),
    HostileKind("tiff-10000-pages", _tiff_10000_pages, why="a 10,000-page TIFF (not read page by page)"),
    HostileKind("docx-external-entity", _docx_external_entity, why="XXE: an entity reading /etc/passwd"),
    HostileKind("docx-without-document", _docx_unknown_zip, why="a zip without a document part named .docx"),
    # text
    HostileKind("text-100mb-single-line", _single_line_100mb, why="100 MB on one line (over the size limit)"),
    HostileKind("sparse-99mb-zeros", _sparse_zeros, why="99 MB of zeros under the size limit"),
    HostileKind("sparse-4gb", _sparse_over, why="a 4 GB sparse file"),
    HostileKind("nul-bytes", _nul_sprinkled, why="text sprinkled with NUL bytes"),
    HostileKind("utf16-without-bom", _utf16_no_bom, why="UTF-16LE text without a byte order mark"),
    HostileKind("invalid-utf8", _invalid_utf8, why="UTF-8 with invalid sequences"),
    HostileKind("binary-named-txt", _random_bytes_txt, why="random bytes named .txt"),
    HostileKind("control-characters", _control_chars, why="control characters named .md"),
    HostileKind("whitespace-only", _whitespace_only, why="a file of blanks"),
    HostileKind("empty-file", _empty, why="zero bytes"),
    HostileKind("deeply-nested-html", _deep_html, why="100,000 nested divs"),
    HostileKind("unclosed-html", _unclosed_html, why="20,000 unclosed tags and an open attribute"),
    HostileKind("deeply-nested-markdown", _deep_markdown, why="3,000 nested quotes and list markers"),
    HostileKind("entity-bomb-in-plain-xml", _svg_laughs, why="billion laughs in an .svg read as text"),
    HostileKind("pdf-named-txt", _pdf_disguised_as_txt, why="a PDF named .txt"),
    # names and paths
    HostileKind("name-with-newline", _newline_name, why="newline and carriage return in a name"),
    HostileKind("name-with-emoji", _emoji_name, why="emoji and accents in a name"),
    HostileKind("name-not-utf8", _undecodable_name, why="a name that is not valid UTF-8 (lone surrogates)"),
    HostileKind("windows-reserved-name", _windows_reserved_names, why="CON.txt, a name ending in dot-space"),
    HostileKind("path-over-260", _long_path, why="a path of 700+ characters, a 244-byte name"),
    # file system objects
    HostileKind(
        "symlink-loop", _symlink_loops, requires=("symlinks",), why="links to each other; a folder cycle"
    ),
    HostileKind("dangling-symlink", _dangling_symlink, requires=("symlinks",), why="a link to nothing"),
    HostileKind("symlink-to-device", _device_link, requires=("symlinks",), why="a .txt link to /dev/urandom"),
    HostileKind("fifo", _fifo, requires=("fifo",), why="a named pipe (reading blocks forever)"),
    HostileKind("char-device", _device, requires=("mknod",), why="a character device named .txt"),
    HostileKind("permission-denied-file", _unreadable_file, requires=("unprivileged",), why="mode 000 file"),
    HostileKind(
        "permission-denied-folder", _unreadable_folder, requires=("unprivileged",), why="mode 000 folder"
    ),
    # races (need ``extraction_hooks`` installed in the indexing process)
    HostileKind(
        "changes-during-extraction",
        _changing_file,
        requires=("hooks",),
        why="rewritten while being extracted",
    ),
    HostileKind(
        "vanishes-during-extraction",
        _vanishing_file,
        requires=("hooks",),
        why="deleted while being extracted",
    ),
]


def hostile_kinds() -> list[HostileKind]:
    return list(KINDS)


# -- what this machine can do -----------------------------------------------------------------------------


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def capabilities() -> set[str]:
    """Which ``requires`` tags this process can satisfy in-process."""
    caps = {"hooks"}
    if sys.platform != "win32":
        caps |= {"symlinks", "fifo"}
        if not is_root():
            caps.add("unprivileged")
        else:
            caps.add("mknod")
    return caps


def unprivileged_runner() -> list[str] | None:
    """A command prefix under which mode-000 files really are unreadable, or None when there is none.

    Not root: nothing needed. Root: ``setpriv`` drops the capabilities that bypass file permissions
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) and keeps uid 0, so the interpreter, the venv and the test
    folders stay reachable; without setpriv, ``runuser -u nobody`` (the folders must then be
    reachable by nobody).
    """
    if not is_root():
        return []
    setpriv = shutil.which("setpriv")
    if setpriv:
        caps = "-dac_override,-dac_read_search"
        return [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}", "--"]
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", "nobody", "--"]
    return None


def write_all(folder: Path, caps: set[str] | None = None) -> tuple[list[Written], list[str]]:
    """Write every kind this machine supports into ``folder``.

    Returns (written paths with their expectations, names of kinds left out with the reason).
    """
    caps = capabilities() if caps is None else caps
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Written] = []
    left_out: list[str] = []
    for kind in KINDS:
        missing = [r for r in kind.requires if r not in caps]
        if missing:
            left_out.append(f"{kind.name} (needs {', '.join(missing)})")
            continue
        written.extend(kind.make(folder))
    return written, left_out


# -- race hooks: extractors that change or delete their file mid-extraction ------------------------------

CHANGED_TEXT = "new words about the chinchilla, the second version"


def _mutating_extractor(data: bytes, deadline: object) -> object:
    """Reads the old text, then rewrites the file under the indexer's feet (once)."""
    from desktop_search.core.extract.results import Part, assemble

    text = data.decode()
    if "old words" in text:
        for path in _pending_targets("mutate"):
            Path(path).write_text(CHANGED_TEXT, encoding="utf-8")
            st = os.stat(path)
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))  # a visibly new mtime
    return assemble([Part(text)], "text")


def _vanishing_extractor(data: bytes, deadline: object) -> object:
    from desktop_search.core.extract.results import Part, assemble

    for path in _pending_targets("vanish"):
        os.unlink(path)
    return assemble([Part(data.decode())], "text")


_TARGETS: dict[str, list[str]] = {"mutate": [], "vanish": []}


def _pending_targets(ext: str) -> list[str]:
    found = [p for p in _TARGETS[ext] if os.path.exists(p)]
    _TARGETS[ext] = []
    return found


def install_extraction_hooks(folder: Path) -> None:
    """Register the race extractors for the files ``write_all`` put in ``folder`` (.nfo and .lrc).

    Both are ordinary text extensions (so the scan takes them); the custom extractors run in the
    indexing process (kind "text" is not sent to the worker pool). No other file may use them.
    """
    from desktop_search.core.extract import register_extractor

    _TARGETS["mutate"] = [str(p) for p in folder.rglob("*.nfo")]
    _TARGETS["vanish"] = [str(p) for p in folder.rglob("*.lrc")]
    register_extractor("nfo", "text", _mutating_extractor)  # type: ignore[arg-type]
    register_extractor("lrc", "text", _vanishing_extractor)  # type: ignore[arg-type]


def uninstall_extraction_hooks() -> None:
    from desktop_search.core.extract import unregister_extractor

    unregister_extractor("nfo")
    unregister_extractor("lrc")
