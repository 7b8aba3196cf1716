"""Excel 97–2003 (and 5.0/95) ``.xls`` workbooks: each sheet's cells as rows of text, read with xlrd.

The same form as an ``.xlsx`` (:func:`~desktop_search.core.extract.ooxml.extract_xlsx`): one section per
sheet with the sheet's name as its heading, a row's cells joined by tabs (a gap of empty columns kept,
up to ``MAX_EMPTY_COLUMNS``), empty rows left out. Numbers read without their format (3 for 3.0), dates
as ISO dates, booleans TRUE/FALSE; error cells (#DIV/0!) are left out. Hidden sheets are read too.
Password-protected workbooks are skipped with a reason.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator

import xlrd

from desktop_search.core.extract.results import (
    Deadline,
    Extracted,
    ExtractionFailed,
    FileSkipped,
    Part,
    assemble,
)
from desktop_search.core.extract.table_header import MAX_EMPTY_COLUMNS, table_heading

DAMAGED_REASON = "The Excel workbook is damaged (its records are cut off or corrupt)."
# what xlrd raises on a damaged workbook
_DAMAGED = (
    xlrd.XLRDError,
    xlrd.compdoc.CompDocError,
    AssertionError,
    IndexError,
    KeyError,
    ValueError,
    EOFError,
    struct.error,
    UnicodeDecodeError,
)


def extract_xls(data: bytes, deadline: Deadline) -> Extracted:
    book = _open(data)
    try:
        parts: list[Part] = []
        for index in range(book.nsheets):
            deadline.check()
            sheet = book.sheet_by_index(index)
            rows = list(_rows(sheet, book.datemode, deadline))
            parts.append(Part("\n".join(rows), heading=table_heading(sheet.name, rows)))
            book.unload_sheet(index)
    except _DAMAGED:
        raise ExtractionFailed(DAMAGED_REASON) from None
    finally:
        book.release_resources()
    return assemble(parts, "xls", page_count=None)


def _open(data: bytes) -> xlrd.book.Book:
    try:
        # xlrd reports oddities (a missing code page record) to its log file: keep them off stdout
        return xlrd.open_workbook(file_contents=data, logfile=io.StringIO(), on_demand=True)
    except xlrd.XLRDError as err:
        if "encrypt" in str(err).lower():
            raise FileSkipped("The Excel workbook is password-protected.") from None
        raise ExtractionFailed(f"The Excel workbook is damaged ({err}).") from None
    except _DAMAGED:
        raise ExtractionFailed(DAMAGED_REASON) from None


def _rows(sheet: xlrd.sheet.Sheet, datemode: int, deadline: Deadline) -> Iterator[str]:
    for r in range(sheet.nrows):
        if r % 1000 == 0:
            deadline.check()
        cells: list[str] = []
        for c, cell in enumerate(sheet.row(r)):
            value = " ".join(_text(cell, datemode).split())
            if not value:
                continue
            cells.extend([""] * max(0, min(c - len(cells), MAX_EMPTY_COLUMNS)))
            cells.append(value)
        if cells:
            yield "\t".join(cells)


def _text(cell: xlrd.sheet.Cell, datemode: int) -> str:
    kind, value = cell.ctype, cell.value
    if kind == xlrd.XL_CELL_TEXT:
        return str(value)
    if kind == xlrd.XL_CELL_NUMBER:
        return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(value)
    if kind == xlrd.XL_CELL_DATE:
        try:
            moment = xlrd.xldate.xldate_as_datetime(value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return repr(value)
        if value < 1:  # a time of day alone (Excel counts it from 1899-12-31)
            return moment.time().isoformat()
        return moment.date().isoformat() if moment.time() == moment.min.time() else moment.isoformat(" ")
    if kind == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if value else "FALSE"
    return ""  # empty, blank, or an error code
