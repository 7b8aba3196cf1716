"""Excel 97–2003 and 95 .xls workbooks, read from real files no one here wrote (tests/data/README.md):
sheets as sections, numbers, dates and times, Japanese; files named .xls that are not Excel; damaged
ones; then through the whole product."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core import Engine, Settings
from desktop_search.core.extract.dispatch import extract_data
from desktop_search.core.extract.results import ExtractionFailed
from desktop_search.core.index.outdated import is_outdated
from desktop_search.core.records import FileRecord, FileStatus

DATA = Path(__file__).resolve().parents[1] / "data"
GDATA = DATA / "excel97-gdata-example.xls"  # R gdata's example: four sheets, dates, times, NA
JAPANESE = DATA / "excel95-japanese.xls"  # Excel 95 (BIFF7), a sheet named 日本語 with Shift-JIS names


def _sections(path: Path) -> dict[str | None, str]:
    result = extract_data(path.name, path.read_bytes())
    assert result.kind == "xls"
    return {(s.heading or "").split(" › ")[0]: s.text for s in result.sections}


def test_each_sheet_is_a_section_named_after_it_with_its_columns() -> None:
    sheets = _sections(GDATA)
    headings = [s.heading for s in extract_data(GDATA.name, GDATA.read_bytes()).sections]
    assert headings == [
        "Sheet First › A · B · C",
        "Sheet Second › D · E · F · G · Factor",
        "Sheet with a very long name!",  # data from its first row: no header
        "Sheet with initial text › D · E · F · G · Factor",  # the header under two lines of text
    ]
    assert list(sheets) == [
        "Sheet First", "Sheet Second", "Sheet with a very long name!", "Sheet with initial text"
    ]  # fmt: skip
    assert sheets["Sheet First"].splitlines()[:3] == ["A\tB\tC", "1\t1\t1", "2\t4\t8"]  # 1, not 1.0
    assert "SecondRow\t2\t1\tNA\tNA\tGreen" in sheets["Sheet Second"]
    third = sheets["Sheet with a very long name!"]
    assert third.startswith("1\t2001-01-01\t01:01:00\t")  # a date, and a time of day alone
    assert "This line contains text that would need to be skipped" in sheets["Sheet with initial text"]


def test_an_excel_95_workbook_in_shift_jis() -> None:
    sheets = _sections(JAPANESE)
    assert list(sheets) == ["日本語"]
    assert "1\t川合孝典\tオープンシステム事業部\t37\tGCD00051@nifty.ne.jp" in sheets["日本語"]


def test_files_named_xls_that_are_not_excel_are_read_as_what_they_are() -> None:
    # web reports often send an HTML table or tab-separated text named .xls
    table = (
        b"<html><body><table><tr><td>Region</td><td>Revenue</td></tr>"
        b"<tr><td>North</td><td>42</td></tr></table></body></html>"
    )
    assert "North" in extract_data("report.xls", table).text
    assert "North\t42" in extract_data("export.xls", b"Region\tRevenue\nNorth\t42\n").text


def test_damaged_workbooks_get_a_reason() -> None:
    with pytest.raises(ExtractionFailed, match="Excel workbook is damaged"):
        extract_data("cut.xls", GDATA.read_bytes()[:9000])
    with pytest.raises(ExtractionFailed, match="Excel workbook is damaged"):
        extract_data("blank.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))


def test_an_xls_skipped_by_an_older_version_is_outdated() -> None:
    reason = "Old Microsoft Office format (.doc/.xls/.ppt) is not supported; save it as .docx."
    assert is_outdated(FileRecord(path="/d/a.xls", folder="/d", status=FileStatus.SKIPPED, reason=reason))
    assert not is_outdated(FileRecord(path="/d/a.vsd", folder="/d", status=FileStatus.SKIPPED, reason=reason))


@pytest.mark.model
def test_workbooks_are_indexed_and_found(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for path in (GDATA, JAPANESE):
        shutil.copy(path, docs / path.name)
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        assert engine.status()["files"]["indexed"] == 2
        hits = engine.search("オープンシステム事業部", k=3)
        assert (
            hits[0].path.endswith("excel95-japanese.xls")
            and hits[0].heading == "日本語 › 番号 · 名前 · 部署 · メール · メール"
        )
        hits = engine.search("FourthRow Black", k=3)
        assert hits[0].path.endswith("excel97-gdata-example.xls") and hits[0].heading.startswith(
            "Sheet Second › "
        )
    finally:
        engine.close()
