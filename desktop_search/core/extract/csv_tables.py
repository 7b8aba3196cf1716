"""CSV and TSV files: rows read as a table's, one a line with cells apart by tabs, as spreadsheets are;
the header row's column names head the file's passages (:mod:`~desktop_search.core.extract.table_header`).

Read as plain text, a CSV row is its quoting and delimiters ('"Smith, John",1996-06-17,"12,50"'); the
cells of a quoted field with a line break in it, one record, were two lines. The delimiter is sniffed
from the first rows (comma, semicolon, tab, bar); a file that does not parse as a table reads as
plain text.
"""

from __future__ import annotations

import csv
import io

from desktop_search.core.extract.encoding import decode_text
from desktop_search.core.extract.results import Deadline, Extracted, Part, assemble
from desktop_search.core.extract.table_header import table_heading

SNIFF_CHARS = 16384
DELIMITERS = ",;\t|"


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text[:SNIFF_CHARS], delimiters=DELIMITERS)
    except csv.Error:
        return csv.excel_tab if text[:SNIFF_CHARS].count("\t") > text[:SNIFF_CHARS].count(",") else csv.excel


def table_rows(text: str, deadline: Deadline) -> list[str] | None:
    """The rows of a CSV text, cells joined by tabs; None when it does not parse as a table."""
    rows: list[str] = []
    try:
        for number, record in enumerate(csv.reader(io.StringIO(text), _dialect(text))):
            if number % 10000 == 0:
                deadline.check()
            cells = [" ".join(cell.split()) for cell in record]
            if any(cells):
                rows.append("\t".join(cells).rstrip("\t"))
    except csv.Error:  # a field over the parser's limit, a stray quote at the end of the file
        return None
    return rows


def extract_csv(data: bytes, deadline: Deadline) -> Extracted:
    text = decode_text(data)
    rows = table_rows(text, deadline)
    if not rows:
        return assemble([Part(text)], "csv")
    return assemble([Part("\n".join(rows), heading=table_heading(None, rows))], "csv")
