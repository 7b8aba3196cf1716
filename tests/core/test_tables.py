"""Tables carry their column names: a spreadsheet's sheet heading and a CSV file's heading get the
header row ("version · codename · series · …", distro-info-data's real debian.csv), so a passage of rows
from the middle of a sheet says what its columns are. CSV files are parsed (quotes, delimiters, line
breaks inside fields), not read as plain text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core.extract import extract_file
from desktop_search.core.extract.csv_tables import extract_csv
from desktop_search.core.extract.results import Deadline
from desktop_search.core.extract.table_header import header_row, table_heading
from tests.core.extract_samples import check_offsets
from tests.support.real_search import search_folder

DATA = Path(__file__).resolve().parent.parent / "data"
DEBIAN = DATA / "distro-info-debian.csv"


def test_a_header_row_is_found_over_data_and_not_in_a_list() -> None:
    assert header_row(["Name\tAmount", "Rent\t900", "Food\t312.50"]) == ["Name", "Amount"]
    assert header_row(["Quarterly report", "Region\tRevenue\tGrowth", "North\t€ 1,200\t4%"]) == [
        "Region",
        "Revenue",
        "Growth",
    ]
    assert header_row(["Alice\tBob", "Carol\tDave", "Erin\tFrank"]) is None  # names: no data under them
    assert header_row(["1\t2\t3", "4\t5\t6"]) is None
    assert table_heading("Budget", ["Item\tCost", "Tea\t2"]) == "Budget › Item · Cost"
    assert table_heading(None, ["Alice\tBob"]) is None


def test_debian_s_release_table_reads_as_rows_under_its_columns() -> None:
    table = extract_file(DEBIAN)
    check_offsets(table)
    assert table.kind == "csv"
    [rows] = table.sections
    assert rows.heading == "version · codename · series · created · release · eol · eol-lts · eol-elts"
    assert "1.2\tRex\trex\t1996-06-17\t1996-12-12\t1998-06-05" in rows.text.splitlines()


def test_quotes_delimiters_and_line_breaks_inside_fields() -> None:
    csv = b'Name;City;Note\n"Smith, John";Lyon;"first line\nsecond line"\nDoe;Paris;12,50\n'
    parsed = extract_csv(csv, Deadline(10))
    assert parsed.text == "Name\tCity\tNote\nSmith, John\tLyon\tfirst line second line\nDoe\tParis\t12,50"
    assert parsed.sections[0].heading == "Name · City · Note"
    assert extract_csv(b"", Deadline(10)).text == ""


@pytest.mark.model
def test_a_row_is_found_with_its_columns(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DEBIAN, docs / "debian.csv")
    hits = search_folder(docs, tmp_path / "home", real_embedder, "Rex codename release")
    assert hits[0].heading.startswith("version · codename") and "Rex" in hits[0].text
