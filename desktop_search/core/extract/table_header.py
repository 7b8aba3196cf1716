"""A table's column names, carried by every passage cut from it.

A spreadsheet or CSV file is read as rows, one a line, cells apart by tabs; a passage cut from the
middle of a long sheet is rows of values ("1.2\tRex\trex\t1996-06-17\t1996-12-12\t1998-06-05") that
say nothing of what the columns are. The sheet's heading (which every passage is embedded with) gets
its header row: "debian › version · codename · series · created · release · eol".

A header row is found among the first rows: two or more cells, each a short label (letters, not a
number or a date), with a row of data (a number, a date or an amount in some cell) below it. A sheet of
text only (a list of names) has no header row this way, which is right: its first row is data too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from desktop_search.core.extract.sections import SEPARATOR, short_title

MAX_EMPTY_COLUMNS = 20  # empty cells kept between two filled ones of a sheet's row (.xlsx, .xls)
LOOK_ROWS = 10  # the header is among the first rows...
MAX_LABEL_CHARS = 50  # ... each cell a short label
MAX_LABEL_WORDS = 6
CELL_SEPARATOR = " · "
_NUMBER = re.compile(r"^[-+(]?[$€£¥]?\s?\d[\d.,:/ -]*%?\)?$|^\d{4}-\d{2}-\d{2}")


def _is_value(cell: str) -> bool:
    return bool(_NUMBER.match(cell.strip()))


def _is_label(cell: str) -> bool:
    cell = cell.strip()
    return (
        bool(cell)
        and len(cell) <= MAX_LABEL_CHARS
        and len(cell.split()) <= MAX_LABEL_WORDS
        and any(ch.isalpha() for ch in cell)
        and not _is_value(cell)
    )


def header_row(rows: Sequence[str]) -> list[str] | None:
    """The column names of tab-separated ``rows``, when one of the first rows reads as a header."""
    head = [row.split("\t") for row in rows[:LOOK_ROWS]]
    for n, cells in enumerate(head):
        filled = [c.strip() for c in cells if c.strip()]
        if len(filled) < 2 or not all(_is_label(c) for c in filled):
            continue
        if any(any(_is_value(c) for c in below) for below in head[n + 1 :]):
            return filled
        return None  # labels with no data under them: a list, not a table's header
    return None


def table_heading(name: str | None, rows: Sequence[str]) -> str | None:
    """``name`` (a sheet's, or None for a CSV file) with the table's column names after it."""
    header = header_row(rows)
    if header is None:
        return name
    columns = short_title(CELL_SEPARATOR.join(header))
    return f"{name}{SEPARATOR}{columns}" if name else columns
