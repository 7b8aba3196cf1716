"""Compound Files (OLE2), the container of Outlook ``.msg`` and of Word, Excel and PowerPoint 97–2003
files: opened with olefile for the readers of those formats (:mod:`outlook`, :mod:`word_doc`,
:mod:`powerpoint_ppt`; xlrd opens ``.xls`` itself)."""

from __future__ import annotations

import io

import olefile

from desktop_search.core.extract.results import ExtractionFailed


def open_compound(data: bytes, what: str) -> olefile.OleFileIO:
    """``data`` as a Compound File; ExtractionFailed "The ``what`` is damaged (…)" when it is not one."""
    try:
        return olefile.OleFileIO(io.BytesIO(data))  # bytes under 1,536 would be taken for a file name
    except (OSError, ValueError) as err:
        raise ExtractionFailed(f"The {what} is damaged ({err}).") from None


def read_stream(ole: olefile.OleFileIO, path: str) -> bytes:
    """The whole of the stream at ``path`` ("WordDocument", "__attach_version1.0_#00000000/…")."""
    with ole.openstream(path) as stream:
        return bytes(stream.read())


OLE_PACKAGE_STREAM = "\x01Ole10Native"  # an object of Windows' Packager: a whole file, wrapped


def packaged_file(data: bytes) -> tuple[str, bytes] | None:
    """The file name and bytes an OLE Package object wraps (a PDF dropped into an RTF mail or a Word
    document shows as its icon: Windows' Packager stores the file itself in the object's
    ``\\x01Ole10Native`` stream: its size, flags, label, source path, a temporary path, then the
    bytes); None when ``data`` is no such object or the stream does not read so."""
    try:
        with open_compound(data, "object") as ole:
            if not ole.exists(OLE_PACKAGE_STREAM):
                return None
            native = read_stream(ole, OLE_PACKAGE_STREAM)
    except ExtractionFailed:
        return None
    try:
        at = 6  # the stream's size and the flags
        label, at = _string_at(native, at)
        _source, at = _string_at(native, at)
        at += 4  # a type and flags
        temp_size = int.from_bytes(native[at : at + 4], "little")
        temp_path = native[at + 4 : at + 4 + temp_size].split(b"\0", 1)[0].decode("cp1252", "replace")
        at += 4 + temp_size
        size = int.from_bytes(native[at : at + 4], "little")
        body = native[at + 4 : at + 4 + size]
    except ValueError:
        return None
    if size == 0 or len(body) != size:
        return None
    name = label or temp_path.replace("\\", "/").rsplit("/", 1)[-1]
    return name.strip(), body


def _string_at(data: bytes, at: int) -> tuple[str, int]:
    """The NUL-terminated ANSI string at ``at`` and where the bytes after it start."""
    end = data.index(b"\0", at)  # ValueError when there is none
    return data[at:end].decode("cp1252", "replace"), end + 1
