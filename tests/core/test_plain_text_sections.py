"""A plain-text file with numbered section titles is cut at them, each part headed by its chapter and
section, as PDF passages are: the Debian Python Policy's text edition (Sphinx's text builder) and the
Chinese Debian Reference's (w3m). A numbered line inside a paragraph cuts nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core.extract import extract_file
from desktop_search.core.extract.plaintext import section_parts, title_line
from tests.core.extract_samples import check_offsets
from tests.support.real_search import search_folder

DATA = Path(__file__).resolve().parent.parent / "data"
POLICY = DATA / "python-policy.txt"


def test_the_python_policy_text_is_cut_at_its_numbered_sections() -> None:
    policy = extract_file(POLICY)
    check_offsets(policy)
    headings = [s.heading for s in policy.sections]
    assert (
        "3.2 Main packages" in headings
        and "3.3 Virtual packages for Python-version specific dependencies" in headings
    )
    assert not any("¶" in (h or "") for h in headings)  # Sphinx's pilcrow after each title
    [main] = [s for s in policy.sections if s.heading == "3.2 Main packages"]
    assert (
        main.text.startswith("3.2. Main packages¶\n")
        and "For every Python version provided in Debian" in main.text
    )


def test_the_chinese_text_edition_is_cut_at_its_sections() -> None:
    text = extract_file(DATA / "debian-reference.zh-cn.excerpt.txt")
    assert [s.heading for s in text.sections][1:] == [
        "1.3.3 MC 文件管理",
        "1.3.4 MC 命令行技巧",
        "1.3.5 MC 内部编辑器",
    ]


def test_numbered_lines_inside_paragraphs_and_lone_titles_cut_nothing() -> None:
    prose = (
        "Report\n\nSales grew.\n3.5 million units shipped\nin the third quarter.\n\n2.1 Outlook\n\nSteady."
    )
    assert section_parts(prose, title_line(prose)) == section_parts(prose, "Report")
    assert [p.heading for p in section_parts(prose, "Report")] == ["Report"]  # one title alone: no cut


@pytest.mark.model
def test_a_passage_of_the_text_edition_carries_its_section(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(POLICY, docs)
    hits = search_folder(
        docs,
        tmp_path / "home",
        real_embedder,
        "which package must provide the interpreter /usr/bin/pythonX.Y",
    )
    assert hits[0].heading == "3.2 Main packages"
