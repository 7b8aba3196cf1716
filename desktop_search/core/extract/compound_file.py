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
