"""Hard-wrapped paragraphs flow to the preview's width; lists, tables, code and short lines keep their
breaks; every offset of the original lands on the same character in the reflowed text. On real text:
man-db's manual (groff, justified at 78 columns) and a real mailing-list message wrapped by its mail
program."""

from __future__ import annotations

from email import message_from_bytes
from pathlib import Path

import pytest

from desktop_search.core import SearchHit, Span
from desktop_search.core.extract import extract_file
from desktop_search.gui.preview_controller import passage_html
from desktop_search.gui.reflow import reflowed

DATA = Path(__file__).resolve().parent.parent / "data"


def _check_offsets(text: str) -> str:
    shown, where = reflowed(text)
    assert len(where) == len(text) + 1 and where == sorted(where) and where[-1] == len(shown)
    assert all(shown[where[i]] == ch for i, ch in enumerate(text) if not ch.isspace())
    return shown


def test_man_db_s_justified_paragraphs_flow_and_its_lists_and_headings_stay() -> None:
    text = extract_file(DATA / "man-db-manual.txt").text
    shown = _check_offsets(text)
    assert (
        "Since then the database index scheme has evolved greatly. Every manual page and stray cat page "
        "on the system is registered in an index database cache which stores various details" in shown
    )
    assert "\n1.2.  The manual page system\n" in shown  # a heading keeps its own line
    assert "\n     /usr/share/man\n" in shown  # an indented block too


def test_a_mail_wrapped_at_its_margin_flows_and_its_signature_stays() -> None:
    mail = message_from_bytes((DATA / "mail-spamassassin-carbonara.eml").read_bytes())
    body = mail.get_payload()
    assert isinstance(body, str)
    shown = _check_offsets(body)
    assert "ask what the hell are you supposed to use instead of cream?" in shown
    assert "\nStew\n-- \nStewart Smith\n" in shown


@pytest.mark.parametrize(
    "text",
    [
        "$ sudo apt-get install --no-install-recommends build-essential\n$ make\n$ sudo make install\n" * 3,
        "Name       Size      Owner and the purpose of the file in this table\n" * 4,
        "- a first item of the list that is long enough to reach the margin\n- a second item\n" * 3,
        "short\nlines\nof verse\n",
    ],
)
def test_listings_tables_lists_and_short_lines_keep_their_breaks(text: str) -> None:
    assert _check_offsets(text) == text


def test_the_preview_marks_the_passage_and_its_words_in_the_reflowed_text() -> None:
    text = (
        "Intro line that stays short.\n\n"
        "A paragraph that an editor wrapped at the right margin of the page, long\n"
        "enough to wrap, and it goes on about the stray cat pages of the manual\n"
        "system until it ends here.\n"
    ) * 2
    start = text.index("A paragraph")
    end = text.index("ends here.") + len("ends here.")
    passage = text[start:end]
    word = passage.index("stray cat")
    hit = SearchHit("c1", "/docs/manual.txt", passage, None, start, end, highlights=(Span(word, word + 9),))
    shown = passage_html(text, hit)
    assert "margin of the page, long enough to wrap" in shown
    assert "about the <b style='background: rgba(255, 196, 0, 0.55);'>stray cat</b> pages" in shown
    code = SearchHit("c2", "/docs/manual.py", passage, None, start, end)
    assert "page, long\nenough" in passage_html(text, code)  # code keeps its lines


@pytest.mark.parametrize(
    "name", ["rtf-libreoffice-mathguide-footnotes.rtf", "docx-libreoffice-mathguide-footnotes.docx"]
)
def test_a_documents_paragraphs_are_not_joined_in_the_preview(name: str) -> None:
    """A word processor's extracted lines are whole paragraphs: reflowing joined every long one to the
    next (the LibreOffice Math Guide's RTF: 24 lines shown as 16)."""
    text = extract_file(DATA / name).text[:2000]  # all of it in the preview's window
    first = text.split("\n", 1)[0]
    hit = SearchHit("c1", f"/docs/{name}", first, None, 0, len(first))
    assert passage_html(text, hit).count("\n") == text.count("\n") > 10


def test_code_in_a_web_page_keeps_its_lines_in_the_preview() -> None:
    text = "Example:\nif start <= dt < start + HOUR:\n"
    text += "    # Gap (a non-existent hour): reverse the fold rule.\n    return HOUR if dt.fold else ZERO\n"
    text += "A paragraph of text that is long enough. " * 4
    hit = SearchHit("c1", "/docs/library/datetime.html", text, None, 0, len(text))
    shown = passage_html(text, hit)
    assert "rule.\n    return HOUR" in shown
