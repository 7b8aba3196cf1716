"""Licence and copyright notices rank as answers on the query's own words (unit level)."""

from __future__ import annotations

import pytest

from desktop_search.core.search.fusion import Candidate
from desktop_search.core.search.license_passages import (
    asks_about_licences,
    is_license_file_name,
    is_license_heading,
    is_license_passage,
    is_license_text,
    unmatched_license,
)
from desktop_search.core.search.unmatched import demote_unmatched
from desktop_search.core.store.ledger import ChunkRow

GPL_NOTICE = (  # the notice of the GNU GPL, as a README or a manual's appendix prints it
    "This program is free software; you can redistribute it and/or modify\n"
    "it under the terms of the GNU General Public License as published by\n"
    "the Free Software Foundation; either version 2 of the License, or\n"
    "(at your option) any later version."
)
GPL_BODY = (  # section 4 of the GPL v2: no phrase of a notice, the licence's own wording
    "4. You may not copy, modify, sublicense, or distribute the Program\n"
    "except as expressly provided under this License."
)
DISCLAIMER = (  # the MIT licence's disclaimer alone (a README's last section)
    'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT\n'
    "NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND\n"
    "NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM."
)
DEP5 = (  # debianutils' debian/copyright
    "Files: installkernel\nCopyright:\n Copyright (C) 1995 - 1998, Ian A. Murdock <imurdock@debian.org>\n"
    " Copyright (C) 1998, 1999, Guy Maor\nLicense: GPL-2+\n"
)
README_FOOTER = "## License\n\nMIT. Copyright: 2020 the authors. See LICENSE for details."
CONTRACT = (  # one legal phrase of a contract a user wrote: not a licence
    "The supplier shall deliver the goods by 1 March. In no event shall a late delivery exceed ten days\n"
    "without written notice to the buyer."
)
PROSE = "bzip2recover takes a single argument, the name of the damaged file, and writes the blocks it finds."


def _row(text: str, path: str = "/docs/manual.txt", part: str | None = None) -> ChunkRow:
    return ChunkRow(
        chunk_id=path + text[:8], path=path, number=0, text=text, start=0, end=len(text), part=part
    )


@pytest.mark.parametrize(
    ("name", "licence"),
    [
        ("copyright", True),  # /usr/share/doc/<package>/copyright
        ("COPYING", True),
        ("COPYING.LIB", True),
        ("LICENSE", True),
        ("LICENSE-MIT", True),
        ("LICENCE.txt", True),
        ("NOTICE", True),
        ("GPL-2", True),  # /usr/share/common-licenses
        ("LGPL-2.1", True),
        ("Apache-2.0", True),
        ("BSD", True),
        ("apache.txt", False),  # notes on the web server
        ("copyright-notes.md", True),
        ("licensing-faq.md", False),
        ("README", False),
        ("mit.txt", False),
    ],
)
def test_licence_files_by_name(name: str, licence: bool) -> None:
    assert is_license_file_name(name) is licence


@pytest.mark.parametrize("text", [GPL_NOTICE, DISCLAIMER, DEP5, GPL_NOTICE.replace("\n", " ").upper()])
def test_licence_wording(text: str) -> None:
    assert is_license_text(text)


@pytest.mark.parametrize("text", [README_FOOTER, CONTRACT, PROSE, "Released under the GPL."])
def test_text_that_mentions_a_licence_or_a_legal_phrase_is_not_one(text: str) -> None:
    assert not is_license_text(text)


def test_a_licence_files_every_passage_is_licence_and_an_archive_member_counts_by_its_name() -> None:
    assert is_license_passage(_row(PROSE, "/src/proj/COPYING"))
    assert is_license_passage(_row(PROSE, "/src/proj.zip", part="proj/LICENSE"))
    assert not is_license_passage(_row(PROSE, "/src/proj.zip", part="proj/README"))


@pytest.mark.parametrize(
    ("heading", "licence"),
    [
        ("B GNU Free Documentation License", True),  # a Texinfo manual's appendix
        ("A GNU Free Documentation License › ADDENDUM: How to use this License", True),
        ("Appendix A. GPL", True),
        ("Lizenz", True),
        ("3.2 Licenses", True),
        ("Copyright and License", True),
        ("Configuring the license server", False),
        ("2.3 License keys", False),
        ("Licensing your product", False),
        ("Copyright notices in source files", False),
        (None, False),
    ],
)
def test_a_section_that_names_a_licence_is_one(heading: str | None, licence: bool) -> None:
    assert is_license_heading(heading) is licence
    gfdl = "A “Transparent” copy of the Document means a machine-readable copy"  # no licence wording
    row = ChunkRow(
        chunk_id="c", path="/docs/manual.pdf", number=0, text=gfdl, start=0, end=1, heading=heading
    )
    assert is_license_passage(row) is licence


@pytest.mark.parametrize(
    ("query", "asks"),
    [
        ("Darf ich das Programm weitergeben?", True),
        ("プログラムを配布してもよいですか", True),
        ("Ist die Software kostenlos?", True),
        ("¿Puedo redistribuir el programa?", True),
        ("is there a warranty", True),
        ("Can I use this under the GPL?", True),
        ("how do I recover data from a damaged bzip2 file", False),
        ("パッケージに署名する方法", False),
        ("what changed in the Linux distributions", False),
    ],
)
def test_questions_about_licensing_in_any_language(query: str, asks: bool) -> None:
    assert asks_about_licences(query) is asks


def _ranked(*words: str) -> tuple[list[Candidate], dict[str, ChunkRow]]:
    licence, prose = _row(GPL_NOTICE, "/doc/pkg/copyright"), _row(PROSE)
    ranked = [
        Candidate(licence.chunk_id, 0.9, 1, content_words=frozenset(words), score=0.02),
        Candidate(prose.chunk_id, 0.85, 2, score=0.015),
    ]
    return ranked, {licence.chunk_id: licence, prose.chunk_id: prose}


def _order(ranked: list[Candidate], rows: dict[str, ChunkRow]) -> list[str]:
    return [rows[c.chunk_id].path for c in demote_unmatched(ranked, rows, [(unmatched_license, 0.5)])]


def test_a_licence_found_by_meaning_alone_falls_below_prose() -> None:
    assert _order(*_ranked()) == ["/docs/manual.txt", "/doc/pkg/copyright"]


def test_a_licence_found_on_words_every_licence_uses_falls_too() -> None:
    """ "recover data from a damaged file": a disclaimer's "loss of data … damages" names nothing."""
    assert _order(*_ranked("data", "damaged", "software")) == ["/docs/manual.txt", "/doc/pkg/copyright"]


@pytest.mark.parametrize("word", ["debianutils", "warranty", "murdock"])
def test_a_licence_the_query_names_keeps_its_place(word: str) -> None:
    assert _order(*_ranked("data", word)) == ["/doc/pkg/copyright", "/docs/manual.txt"]


def test_factor_one_changes_nothing() -> None:
    ranked, rows = _ranked()
    assert demote_unmatched(ranked, rows, [(unmatched_license, 1.0)]) == ranked
