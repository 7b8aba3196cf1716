"""HTML and reference links inside Markdown, as READMEs write them: zstd's README (tests/data, gzipped
as Debian ships it) opens with a centred logo in HTML and cites benchmarks as "[lzbench]"; on small
texts and through the real product."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core.extract import extract_file
from desktop_search.core.extract.markdown import split_markdown
from tests.support.real_search import search_folder

DATA = Path(__file__).resolve().parent.parent / "data"
ZSTD_README = DATA / "zstd-README.md.gz"


def _text(markdown: str) -> str:
    return "\n".join(part.text for part in split_markdown(markdown))


def test_html_tags_go_and_an_image_reads_as_its_alt_text() -> None:
    text = _text(
        '<p align="center"><img src="logo.png" alt="Otter Tools" width="80"></p>\n\n'
        '<a id="ERR_NO_OTTER"></a>\nNo otter was found.<br/>Try the <b>pond</b>.\n'
    )
    assert text.split() == ["Otter", "Tools", "No", "otter", "was", "found.", "Try", "the", "pond."]


def test_code_placeholders_and_comparisons_keep_their_brackets() -> None:
    text = _text("Use `<img src=x>` in HTML.\nCall it with <file name> when a < b > c.\n")
    assert "`<img src=x>`" in text and "<file name>" in text and "a < b > c" in text


def test_an_html_heading_line_is_a_heading() -> None:
    parts = split_markdown('<h1 align="center">Otter Tools</h1>\n\nText.\n\n## Install\n\nRun it.\n')
    assert [p.heading for p in parts] == ["Otter Tools", "Otter Tools › Install"]


def test_defined_shortcut_links_and_escapes_read_as_text() -> None:
    text = _text(
        "Measured with [lzbench] on [Silesia][].\nSee note [1] and CHANGELOG\\_V20.\n\n[lzbench]: https://x\n"
    )
    assert "Measured with lzbench on Silesia." in text
    assert "note [1]" in text and "CHANGELOG_V20" in text  # "[1]" is no link: nothing defines it
    autolinks = _text("Report bugs at <https://github.com/nodejs/node/issues> or <security@nodejs.org>.")
    assert autolinks == "Report bugs at https://github.com/nodejs/node/issues or security@nodejs.org."


def test_zstd_s_readme_reads_as_text_with_its_sections() -> None:
    result = extract_file(ZSTD_README)
    assert result.text.startswith("Zstandard\n")  # the logo's alt text
    assert "<" not in result.text.split("Benchmarks")[0]  # no tag before its first section
    assert "using lzbench, an open-source in-memory benchmark" in result.text
    headings = {s.heading for s in result.sections}
    assert {"Benchmarks", "Build instructions › cmake"} <= headings


@pytest.mark.model
def test_a_readme_s_section_answers_through_the_product(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(ZSTD_README, docs / "README.md.gz")
    hits = search_folder(docs, tmp_path / "home", real_embedder, "how to build zstd with cmake", k=3)
    assert hits[0].heading == "Build instructions › cmake"
    assert "<" not in hits[0].text
