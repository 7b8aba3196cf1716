"""Plain text laid out in pages reads as one text: man-db's manual as groff paginated it (a running
header on every page, its number at the foot, words hyphenated at line ends) and RFC-style pages with
and without form feeds. Texts that are not paginated, or whose pages carry no furniture, are unchanged."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from desktop_search.core.extract import extract_file
from desktop_search.core.extract.plain_pages import unpaginated
from desktop_search.core.extract.terminal import terminal_text
from tests.support.real_search import search_folder

DATA = Path(__file__).resolve().parent.parent / "data"
MAN_DB = DATA / "man-db-manual.txt"
HEADER = re.compile(r"man-db\s+v2\.11\.2\s+2023-01-08")
LONE_NUMBER = re.compile(r"^\s*\d+\s*$", re.MULTILINE)


WORDS = [
    "time",
    "stamps",
    "offsets",
    "leap",
    "seconds",
    "calendar",
    "zones",
    "clocks",
    "hosts",
    "mail",
    "order",
    "precision",
    "years",
]


def _rfc_pages(form_feed: bool) -> str:
    pages = []
    for number in range(1, 7):
        body = "\n".join(
            "   " + " ".join(WORDS[(number * 7 + line + k) % len(WORDS)] for k in range(9))
            for line in range(44)
        )
        pages.append(
            (
                "RFC 3339       Date and Time on the Internet: Timestamps       July 2002\n\n\n"
                if number > 1
                else ""
            )
            + f"{number}. Section {WORDS[number]}\n\n"
            + f"   Its {WORDS[number + 3]} line ends with a hyphen-\n   ated word.\n"
            + f"{body}\n\n\n\n"
            + f"Klyne, et. al.              Standards Track                     [Page {number}]\n"
        )
    return ("\f\n" if form_feed else "\n").join(pages)


@pytest.mark.parametrize("form_feed", [True, False])
def test_rfc_pages_lose_their_headers_and_footers(form_feed: bool) -> None:
    text = unpaginated(_rfc_pages(form_feed))
    assert "Standards Track" not in text and "RFC 3339" not in text and "\f" not in text
    assert text.count("a hyphenated\n") == 6  # a lower-case word broken at a line end
    assert all(f"{n}. Section {WORDS[n]}\n" in text for n in range(1, 7))


def test_man_db_s_pages_are_one_text_again() -> None:
    raw = terminal_text(MAN_DB.read_text(encoding="utf-8"))
    assert len(HEADER.findall(raw)) == 27 and len(LONE_NUMBER.findall(raw)) >= 26
    text = unpaginated(raw)
    assert not HEADER.search(text) and not LONE_NUMBER.findall(text)
    assert "including the timestamp, the location\nand the whatis" in text  # was "loca-" / "tion"
    manual = extract_file(MAN_DB)
    assert not any(HEADER.search(s.text) for s in manual.sections)


def test_texts_without_page_furniture_are_unchanged() -> None:
    policy = (DATA / "python-policy.txt").read_text(encoding="utf-8")
    assert unpaginated(policy) == policy
    sections = "\f".join(f"Part {n}\n-------\n\nText of part {n} that is its own.\n" for n in range(8))
    assert unpaginated(sections) == sections  # form feeds between sections, nothing repeats


@pytest.mark.model
def test_a_passage_from_a_paginated_manual_has_no_header(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(MAN_DB, docs)
    hits = search_folder(
        docs, tmp_path / "home", real_embedder, "index database cache stores the timestamp and location"
    )
    assert "the location" in hits[0].text and not any(HEADER.search(hit.text) for hit in hits)
