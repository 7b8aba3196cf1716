"""The text a reply quotes is its own passage, ranked after the messages' own text.

Unit cases for the ways replies quote ("> " lines after "On …, Ann wrote:", interleaved answers,
Outlook's "-----Original Message-----" and its header block in the sender's language, a forward that is
all quote), then real mailing-list mail (the SpamAssassin ham corpus, tests/data/README.md): a message
and the reply that quotes it, a question and an Outlook reply that carries it; and the real stack,
where a line from the message finds the message before the reply that repeats it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core import Engine, Settings
from desktop_search.core.extract.dispatch import extract_data
from desktop_search.core.extract.mail_quotes import split_quoted

DATA = Path(__file__).resolve().parents[1] / "data"
ORIGINAL = DATA / "mail-spamassassin-carbonara.eml"
REPLY = DATA / "mail-spamassassin-carbonara-reply.eml"
QUESTION = DATA / "mail-spamassassin-ilug-question.eml"
OUTLOOK_REPLY = DATA / "mail-spamassassin-ilug-outlook-reply.eml"


def test_quoted_lines_and_their_introduction() -> None:
    body = (
        "Yes, the boiler is fixed.\n\nOn Tue, 3 Nov 2026 at 09:12, Ann Lee <ann@example.org> wrote:\n"
        "> Is the boiler fixed?\n>> Earlier: it leaks.\n\nThanks, Bo"
    )
    own, quoted = split_quoted(body)
    assert own == "Yes, the boiler is fixed.\n\n\nThanks, Bo"
    introduction = "On Tue, 3 Nov 2026 at 09:12, Ann Lee <ann@example.org> wrote:"
    assert quoted == f"{introduction}\nIs the boiler fixed?\n> Earlier: it leaks."


def test_interleaved_answers_are_own_text() -> None:
    own, quoted = split_quoted("> Does it build?\nYes, on Linux.\n> And on Windows?\nNot yet.")
    assert own == "Yes, on Linux.\nNot yet." and quoted == "Does it build?\nAnd on Windows?"


@pytest.mark.parametrize(
    "earlier",
    [
        "-----Original Message-----\nFrom: Ann\nSent: Tuesday\nTo: Bo\nSubject: Boiler\n\nIs it fixed?",
        "Von: Ann Lee\nGesendet: Dienstag, 3. November 2026 09:12\nAn: Bo\nBetreff: Heizung\n\nGeht sie?",
        "________________________________\nFrom: Ann Lee\nSent: Tuesday\nTo: Bo\nSubject: Boiler\n\nFixed?",
        "-----Ursprüngliche Nachricht-----\nVon: Ann\nGesendet: Di\nBetreff: X\n\nGeht sie?",
    ],
)
def test_outlook_carries_the_earlier_message_below(earlier: str) -> None:
    own, quoted = split_quoted(f"It works now.\n\nBo\n\n{earlier}")
    assert own == "It works now.\n\nBo" and quoted == earlier


def test_what_is_not_a_quote_stays() -> None:
    footer = "Bo\n_______________________________________________\nUsers mailing list\nusers@example.org"
    assert split_quoted(footer) == (footer, "")  # a list's footer rule is no earlier message
    forward = "> The whole forwarded text.\n> Nothing else."
    assert split_quoted(forward) == (forward, "")  # all quote: it is the message
    prose = "As Ann wrote: the boiler works.\nTo: whom it may concern"
    assert split_quoted(prose) == (prose, "")


def test_a_real_reply_keeps_its_quote_apart() -> None:
    reply = extract_data(REPLY.name, REPLY.read_bytes()).sections
    assert [s.navigation for s in reply] == [False, True]
    assert "Isn't it just basically a mixture of beaten egg and bacon" in reply[0].text
    assert "Carbonara is one of my favourites" not in reply[0].text
    assert reply[1].text.startswith("I just had to jump in here as Carbonara is one of my favourites")
    outlook = extract_data(OUTLOOK_REPLY.name, OUTLOOK_REPLY.read_bytes()).sections
    assert [s.navigation for s in outlook] == [False, True]
    assert "www.smoothwall.org" in outlook[0].text and "ppp0" not in outlook[0].text
    assert outlook[1].text.startswith("-----Original Message-----\nFrom: ilug-admin@linux.ie")
    question = extract_data(QUESTION.name, QUESTION.read_bytes()).sections
    assert [s.navigation for s in question] == [False, True]  # it quotes nothing: aside is ILUG's footer
    assert question[1].text.startswith("--\nIrish Linux Users' Group")


@pytest.mark.model
@pytest.mark.timeout(600)
def test_the_message_that_wrote_a_line_comes_before_the_replies(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for path in (ORIGINAL, REPLY, QUESTION, OUTLOOK_REPLY):
        shutil.copy(path, docs / path.name)
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        cream = engine.search("what are you supposed to use instead of cream in carbonara", k=4)
        router = engine.search("route non-LAN traffic through ppp0 with a Linux server", k=4)
        answer = engine.search("smoothwall saves time", k=4)
    finally:
        engine.close()
    assert [Path(h.path).name for h in cream[:2]] == [ORIGINAL.name, REPLY.name]
    assert [Path(h.path).name for h in router[:2]] == [QUESTION.name, OUTLOOK_REPLY.name]
    assert router[0].part is None  # a .eml in mbox form (a From_ line first) is one message: no label
    assert Path(answer[0].path).name == OUTLOOK_REPLY.name and not answer[0].navigation
