"""Which files are worth reading and which extractor reads them: by name, then by content.

A single compressed file (``.gz``, ``.bz2``, ``.xz``) is the file inside it, named by its name
without the suffix: ``manual.pdf.gz`` is a PDF, ``README.gz`` and ``changelog.Debian.gz`` texts (see
:func:`inner_name`); one whose inner name is no document (``ls.1.gz``, ``syslog.2.gz``, ``disk.img.xz``)
is not listed. Compressed tars (``.tar.gz``, ``.tgz``, …) are archives, read member by member like
``.zip`` and ``.tar``.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterable
from pathlib import PurePath


def _words(text: str) -> list[str]:
    return text.split()


PLAIN_EXTENSIONS = frozenset(
    _words(
        """
    txt text log out nfo me 1st asc tab diff patch po pot tex bib sty cls
    ltx org adoc asciidoc textile wiki mediawiki creole pod man roff nroff ms me t2t
    """
    )
)
CODE_EXTENSIONS = frozenset(
    _words(
        """
    py pyi pyw pyx pxd ipynb c h cc cpp cxx hpp hh hxx inl ino cu cuh m mm swift java kt kts scala sc groovy
    gradle clj cljs cljc edn cs fs fsi fsx vb bas js mjs cjs jsx ts tsx vue svelte astro go rs rb erb rake
    gemspec php phtml pl pm t raku lua r rmd jl dart elm ex exs erl hrl hs lhs ml mli mly mll re res nim zig
    v sv svh vhd vhdl d pas pp lpr ada adb ads f f77 f90 f95 f03 for cob cbl asm s lisp lsp el scm ss rkt
    tcl awk sed sh bash zsh fish ksh csh tcsh ps1 psm1 psd1 bat cmd vbs applescript sql psql ddl hql
    graphql gql proto thrift avdl capnp sol move cairo glsl hlsl frag vert wgsl shader cmake mk mak make
    ninja bazel bzl build gn gni meson nix dhall tf tfvars hcl cue jsonnet libsonnet rego
    json jsonc json5 jsonl ndjson geojson yaml yml toml ini cfg conf config cnf properties prop env
    editorconfig gitignore gitattributes gitmodules dockerignore npmrc htaccess xml xsd xsl xslt svg
    plist rss atom opml wsdl xaml csproj vbproj fsproj vcxproj props targets resx sln pbxproj iml
    css scss sass less styl tpl twig jinja jinja2 j2 mustache hbs handlebars ejs haml slim pug liquid njk
    reg inf desktop service socket timer mount ics vcf ldif gpx kml dot gv puml plantuml mermaid mmd
    """
    )
)
MARKDOWN_EXTENSIONS = frozenset({"md", "markdown", "mdown", "mkd", "mkdn", "mdx", "rmarkdown", "qmd"})
RST_EXTENSIONS = frozenset({"rst", "rest"})
# XML documents of prose (extract.xml_documents): DocBook, Mallard help pages, FictionBook e-books, TEI,
# DITA; an ".xml" file is one when its root element says so (else it is code)
LATEX_EXTENSIONS = frozenset({"tex", "ltx"})  # LaTeX read as such when it is (extract.latex)
XML_DOCUMENT_EXTENSIONS = frozenset({"dbk", "docbook", "page", "fb2", "tei", "dita"})
HTML_EXTENSIONS = frozenset({"html", "htm", "xhtml", "xht", "shtml", "mht"})
MAIL_EXTENSIONS = frozenset({"eml", "emlx", "msg", "mbox", "mbx", "tnef"})
# Subtitles and lyrics (a ".sub" may be MicroDVD text or VobSub pictures: those are skipped as binary)
SUBTITLE_EXTENSIONS = frozenset({"srt", "vtt", "sbv", "ass", "ssa", "lrc", "sub"})
CSV_EXTENSIONS = frozenset({"csv", "tsv"})  # not ".tab": guitar tablature and Stata use it too
NOTEBOOK_EXTENSIONS = frozenset({"ipynb"})  # Jupyter notebooks (also in CODE_EXTENSIONS: code by family)
# Archives, by how the name ends (".tar.gz" is an archive, a bare ".gz" is not: see the module docstring).
# Single compressed files, by their suffix: the file inside is read (see the module docstring)
COMPRESSED_SUFFIXES = frozenset({"gz", "bz2", "xz", "p7m"})  # one file wrapped (p7m: in its signature)
# a signed or encrypted message body saved from a mail on its own (RFC 8551 names it so): a message
_SMIME_BODY = re.compile(r"smime(?: ?\(\d+\))?\.p7m", re.IGNORECASE)
ARCHIVE_SUFFIXES = (".zip", ".tar", ".tgz", ".tbz", ".tbz2", ".txz", ".tar.gz", ".tar.bz2", ".tar.xz", ".7z")
DOCUMENT_EXTENSIONS = {
    "pdf": "pdf",
    "docx": "docx",
    "docm": "docx",
    "dotx": "docx",
    "pptx": "pptx",
    "pptm": "pptx",
    "ppsx": "pptx",
    "xlsx": "xlsx",
    "xlsm": "xlsx",
    "odt": "odt",
    "ott": "odt",
    "ods": "ods",
    "ots": "ods",
    "odp": "odp",
    "otp": "odp",
    "epub": "epub",
    "rtf": "rtf",
    # Word, Excel and PowerPoint 97-2003; such a file that is not a Compound File (plain text, HTML,
    # RTF, a .docx, a web report's HTML table named .xls) is read as what it is
    "doc": "doc",
    "xls": "xls",
    "ppt": "ppt",
    "pps": "ppt",
}
# Images whose text is recognised (OCR); a GIF or animated WebP by its first frame.
IMAGE_EXTENSIONS = frozenset(
    {"png", "jpg", "jpeg", "jfif", "jpe", "tif", "tiff", "webp", "bmp", "dib", "gif"}
)
SUPPORTED_EXTENSIONS: frozenset[str] = (
    PLAIN_EXTENSIONS
    | CODE_EXTENSIONS
    | MARKDOWN_EXTENSIONS
    | RST_EXTENSIONS
    | XML_DOCUMENT_EXTENSIONS
    | HTML_EXTENSIONS
    | MAIL_EXTENSIONS
    | SUBTITLE_EXTENSIONS
    | CSV_EXTENSIONS
    | frozenset(DOCUMENT_EXTENSIONS)
    | IMAGE_EXTENSIONS
)
# Extension-less names that are text by convention.
TEXT_NAMES = frozenset(
    _words(
        """
    readme license licence copying copyright authors contributors contributing changelog changes news
    history notice todo install makefile gnumakefile dockerfile containerfile vagrantfile jenkinsfile
    procfile gemfile rakefile podfile brewfile justfile snakefile cmakelists caddyfile pipfile
    """
    )
)
# Build and container recipes known by their whole name: code, though their extension (none, ".txt",
# ".am", ".in") says nothing.
CODE_NAMES = frozenset(
    _words(
        """
    makefile gnumakefile makefile.am makefile.in dockerfile containerfile vagrantfile jenkinsfile procfile
    gemfile rakefile podfile brewfile justfile snakefile caddyfile pipfile cmakelists.txt configure.ac
    sconstruct sconscript kconfig
    """
    )
)
# Formats parsed by third-party or zip/XML code: run them in the isolated worker pool.
# Archives and mail hold members of any of these formats.
RISKY_KINDS = frozenset(
    {
        "pdf",
        "doc",
        "xls",
        "ppt",
        "docx",
        "pptx",
        "xlsx",
        "odt",
        "ods",
        "odp",
        "epub",
        "rtf",
        "archive",
        "mail",
        "image",
    }
)
# Kinds whose every file needs OCR: indexed after the others in a run.
OCR_KINDS = frozenset({"image"})
CONTAINER_KINDS = frozenset({"archive", "mail"})  # files whose members are sub-documents
_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.text-template": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.spreadsheet-template": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
    b"application/vnd.oasis.opendocument.presentation-template": "odp",
    b"application/epub+zip": "epub",
}
_OOXML_PARTS = {"word/document.xml": "docx", "ppt/presentation.xml": "pptx", "xl/workbook.xml": "xlsx"}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _name(path: str | bytes | os.PathLike) -> str:
    return os.fsdecode(PurePath(os.fsdecode(path)).name)


def extension(path: str | bytes | os.PathLike) -> str:
    """Lower-case extension without the dot ('' if none); dot-files like '.bashrc' have none."""
    name = _name(path)
    stem, dot, ext = name.lstrip(".").rpartition(".")
    return ext.lower() if dot and stem else ""


# Files that are never documents: archives, media, fonts, binaries, databases (and Thunderbird's
# mail summaries, ".msf": a text index of the mbox beside it, whose messages are read). The scanner does not
# list them at all (a folder of photos should not fill the Files view with "skipped"). Anything else
# with an unknown extension is still looked at, and skipped with a reason when it is binary.
NOT_DOCUMENTS = frozenset(
    _words(
        """
    gz bz2 xz zst lz lzma lz4 z rar cab arj jar war ear apk aab ipa deb rpm
    snap flatpak appimage iso img dmg vhd vmdk qcow2 exe msi dll so dylib o obj a lib ko bin elf class
    pyc pyo pyd wasm ico icns heic heif avif raw cr2 cr3 nef
    arw dng orf rw2 psd xcf kra svgz eps ai mp3 m4a aac flac ogg oga opus wav wma aiff mid midi mp4 m4v
    mkv avi mov wmv webm flv mpg mpeg 3gp ttf otf woff woff2 eot pfb sqlite sqlite3 db mdb accdb
    pdb dat idx pack npy npz pt pth onnx safetensors gguf h5 hdf5 parquet feather pkl pickle
    msf
    """
    )
)


# Temporary, lock, swap, backup and partial-download files: editors and office suites write them while
# saving, browsers while downloading; they are never worth indexing, and they churn. This is the one
# temporary-file rule: the scanner (is_listed), the indexer's exclusions (at every folder level) and the
# folder watcher's default rule all apply it.
TEMPORARY_PREFIXES = (
    "~$",  # Microsoft Office owner files
    ".~lock",  # LibreOffice locks (.~lock.report.odt#)
    ".#",  # emacs locks
    ".goutputstream-",  # GTK safe write
)
TEMPORARY_SUFFIXES = (  # compared case-insensitively
    "~",  # backup copies (emacs, gedit, nano)
    ".swp",  # vim swap files (the name is also hidden: .foo.swp)
    ".swo",
    ".swx",
    ".tmp",
    ".temp",
    ".kate-swp",
    ".part",  # Firefox and wget downloads in progress
    ".partial",
    ".crdownload",  # Chrome downloads in progress
    ".download",  # Safari downloads in progress
    "___jb_tmp___",  # JetBrains safe write
    "___jb_old___",
)


def is_temporary_name(name: str) -> bool:
    """Whether a bare file or folder name is a temporary, lock, swap, backup or partial-download file."""
    if name.startswith(TEMPORARY_PREFIXES):
        return True
    if name.startswith("#") and name.endswith("#"):  # emacs auto-save
        return True
    return name.lower().endswith(TEMPORARY_SUFFIXES)


# Mail stores that are not read, with what to do instead. Told whatever the file's size: an Outlook data
# file is gigabytes, and "larger than the limit" would send its owner to raise a limit that cannot help.
_OUTLOOK_STORE_REASON = (
    "Outlook data files (.pst, .ost) are not read; drag the messages from Outlook into a folder (they are"
    " saved as .msg files, which are read) or export them to a mail program that keeps .eml or mbox files."
)
UNREAD_FORMAT_REASONS = {"pst": _OUTLOOK_STORE_REASON, "ost": _OUTLOOK_STORE_REASON}


def unread_format_reason(path: str | bytes | os.PathLike) -> str | None:
    """Why a file of a format people keep documents in is not read, and what to do, or None."""
    return UNREAD_FORMAT_REASONS.get(extension(path))


def is_tnef_name(path: str | bytes | os.PathLike) -> bool:
    """Outlook's ``winmail.dat`` as saved from a mail program that could not open it ("winmail (1).dat"):
    a message's attachments and body (:mod:`tnef`), though ``.dat`` is otherwise no document."""
    name = _name(path).lower()
    return name.startswith("winmail") and name.endswith(".dat")


def is_archive_name(path: str | bytes | os.PathLike) -> bool:
    """Whether the name is an archive's whose members are read (zip, tar and compressed tars, 7z)."""
    return bool(extension(path)) and _name(path).lower().endswith(ARCHIVE_SUFFIXES)


def inner_name(path: str | bytes | os.PathLike) -> str | None:
    """The name of the file a single compressed file holds ("notes.txt" for "notes.txt.gz"), or None
    when the name is not one (no compression suffix, a compressed tar, or nothing left before it)."""
    name = _name(path)
    if _SMIME_BODY.fullmatch(name):
        return "smime.eml"
    stem, dot, ext = name.rpartition(".")
    if not dot or ext.lower() not in COMPRESSED_SUFFIXES or not stem.strip(".") or is_archive_name(name):
        return None
    return stem


def is_compressed_document(path: str | bytes | os.PathLike) -> bool:
    """Whether the file is a single compressed file around a document (see the module docstring)."""
    inner = inner_name(path)
    if inner is None or inner_name(inner) is not None:
        return False
    return is_candidate(inner) or inner.split(".")[0].lower() in TEXT_NAMES  # "README.Debian"


def document_name(path: str | bytes | os.PathLike) -> str:
    """The name that says what a file holds: the inner name of a compressed document, else its own."""
    inner = inner_name(path)
    return inner if inner is not None and is_compressed_document(path) else _name(path)


def document_extension(path: str | bytes | os.PathLike) -> str:
    """The extension of what a file holds ("txt" for "notes.txt.gz"): what ``type:`` filters match."""
    return extension(document_name(path))


def is_listed(path: str | bytes | os.PathLike) -> bool:
    """Whether the scanner lists a file at all: not an editor temp file, not a known non-document."""
    name = _name(path)
    if not name or is_temporary_name(name):
        return False
    return (
        extension(path) not in NOT_DOCUMENTS
        or is_archive_name(path)
        or is_compressed_document(path)
        or is_tnef_name(path)
    )


def is_candidate(path: str | bytes | os.PathLike) -> bool:
    """A cheap check by name: is the file worth trying to extract?"""
    name = _name(path)
    if not name or is_temporary_name(name):
        return False
    if inner_name(name) is not None:
        return is_compressed_document(name)
    ext = extension(path)
    if ext:
        return ext in SUPPORTED_EXTENSIONS or is_archive_name(path) or is_tnef_name(path)
    base = name.lstrip(".").lower()
    return base in TEXT_NAMES or base.split("-")[0] in TEXT_NAMES or base.endswith("rc")


def kind_by_name(path: str | bytes | os.PathLike) -> str | None:
    """The extractor kind an extension promises (a compressed document's: its inner file's), or None
    when the name says nothing."""
    path = document_name(path)
    ext = extension(path)
    if ext in DOCUMENT_EXTENSIONS:
        return DOCUMENT_EXTENSIONS[ext]
    if is_archive_name(path):
        return "archive"
    if ext in MAIL_EXTENSIONS or is_tnef_name(path):
        return "mail"
    if ext in IMAGE_EXTENSIONS:
        return "image"
    if ext in HTML_EXTENSIONS:
        return "html"
    if ext in MARKDOWN_EXTENSIONS:
        return "markdown"
    if ext in RST_EXTENSIONS:
        return "rst"
    if ext in XML_DOCUMENT_EXTENSIONS:
        return "xmldoc"
    if ext in NOTEBOOK_EXTENSIONS:
        return "notebook"
    if ext in CODE_EXTENSIONS:
        return "code"
    if ext in SUBTITLE_EXTENSIONS:
        return "subtitles"
    if ext in CSV_EXTENSIONS:
        return "csv"
    if ext in PLAIN_EXTENSIONS:
        return "text"
    return None


_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"BM")


def kind_by_magic(head: bytes) -> str | None:
    """The format the first bytes reveal: 'pdf', 'rtf', 'zip', 'ole2', 'image' or None."""
    if head.startswith(_IMAGE_MAGIC[:-1]) or (head.startswith(b"RIFF") and head[8:12] == b"WEBP"):
        return "image"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(OLE2_MAGIC):
        return "ole2"
    return None


def book_folder(names: Iterable[str]) -> str | None:
    """``"epub/"`` when every member of a zip lies in that one folder and it holds a ``mimetype``: a
    book zipped one folder up (Debian Edu's manuals are packed so), else None."""
    names = set(names)
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) != 1 or "mimetype" in names:
        return None
    folder = tops.pop() + "/"
    return folder if folder + "mimetype" in names else None


def zip_kind(data: bytes) -> str | None:
    """Which document a zip holds (ODF/EPUB by mimetype, OOXML by its main part), or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "mimetype" in names and zf.getinfo("mimetype").file_size < 200:
                kind = _ODF_MIMETYPES.get(zf.read("mimetype").strip())
                if kind:
                    return kind
            folder = book_folder(names)
            if (
                folder
                and zf.getinfo(folder + "mimetype").file_size < 200
                and zf.read(folder + "mimetype").strip() == b"application/epub+zip"
            ):
                return "epub"
            for part, kind in _OOXML_PARTS.items():
                if part in names:
                    return kind
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None
    return None


def looks_like_html(head: bytes) -> bool:
    start = head[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html")) or (
        start.startswith(b"<?xml") and b"<html" in head[:2048].lower()
    )
