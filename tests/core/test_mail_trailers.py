"""Signatures, list footers and PGP armour: kept apart from a message's own text, or dropped.

Real messages from the SpamAssassin public corpus (tests/data/README.md): ILUG's footer under a
signature separator, Yahoo! Groups' sponsor block and footer, a message signed inline with PGP and one
signed as multipart/signed, and a Hotmail message with an unlabelled Windows-1252 apostrophe.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core import Engine, Settings
from desktop_search.core.extract.dispatch import extract_data
from desktop_search.core.extract.mail_parts import ENCRYPTED_REASON
from desktop_search.core.extract.mail_trailers import drop_armour, split_trailer

DATA = Path(__file__).resolve().parent.parent / "data"
QUESTION = DATA / "mail-spamassassin-ilug-question.eml"
CARBONARA = DATA / "mail-spamassassin-carbonara.eml"
INLINE_SIGNED = DATA / "mail-spamassassin-pgp-inline-signed.eml"
MIME_SIGNED = DATA / "mail-spamassassin-pgp-multipart-signed.eml"
HOTMAIL = DATA / "mail-spamassassin-hotmail-unlabelled.eml"
RYANAIR = DATA / "mail-spamassassin-ryanair-disclaimer.eml"
MAILMAN_FOOTER = (
    "_______________________________________________\n"
    "RPM-List mailing list <RPM-List@freshrpms.net>\n"
    "http://lists.freshrpms.net/mailman/listinfo/rpm-list"
)


def sections(path: Path):
    return extract_data(path.name, path.read_bytes()).sections


def test_signature_and_list_footer_are_the_trailer() -> None:
    signature = "-- \nVille Skyttä\nville.skytta at iki.fi\n\n\n"
    text = "The RPMs work for me.\n\nVille\n\n" + signature + MAILMAN_FOOTER
    own, trailer = split_trailer(text)
    assert own == "The RPMs work for me.\n\nVille"
    assert trailer.startswith("-- \nVille Skyttä") and trailer.endswith("listinfo/rpm-list")
    no_space = "Fixed in CVS.\n--\nBrian Hatch\nwww.hackinglinuxexposed.com"  # the separator's space lost
    assert split_trailer(no_space) == ("Fixed in CVS.", "--\nBrian Hatch\nwww.hackinglinuxexposed.com")
    footer_only = "See the new build.\n\n" + MAILMAN_FOOTER
    assert split_trailer(footer_only) == ("See the new build.", MAILMAN_FOOTER)
    fork = "Any chance of an explanation?\n\nhttp://xent.com/mailman/listinfo/fork\n"
    assert split_trailer(fork) == ("Any chance of an explanation?", "http://xent.com/mailman/listinfo/fork")
    signed_off = "Who cares?\nR\nhttp://xent.com/mailman/listinfo/fork"  # no blank line above it
    assert split_trailer(signed_off) == ("Who cares?\nR", "http://xent.com/mailman/listinfo/fork")
    tagline = "I never ate a doughnut.\n\n______________________\nJoin MSN Hotmail.\nhttp://www.hotmail.com"
    assert split_trailer(tagline)[1].startswith("______________________\nJoin MSN Hotmail.")


def test_a_disclaimer_is_the_trailer() -> None:
    english = (
        "Thanks for the quote.\n\nBest, Ann\n\nThis e-mail and any attachments are confidential and may be"
        "\nlegally privileged. It is intended solely for the addressee. If you have received this"
        "\ne-mail in error, please notify the sender."
    )
    assert split_trailer(english) == ("Thanks for the quote.\n\nBest, Ann", english.split("\n\n", 2)[2])
    german = (
        "Anbei die Rechnung.\n\nGrüße\nJan\n\n****************************************\nDiese E-Mail enthält"
        " vertrauliche und/oder rechtlich geschützte Informationen. Wenn Sie nicht der richtige Adressat"
        " sind oder diese E-Mail irrtümlich erhalten haben, informieren Sie bitte sofort den Absender."
    )
    assert split_trailer(german)[0] == "Anbei die Rechnung.\n\nGrüße\nJan"
    short = "Here are the figures.\n\nPlease keep this confidential and privileged, thanks."
    assert split_trailer(short) == (short, "")  # too short for a disclaimer: the writer's own words
    early = "Intro.\n\n" + english.split("\n\n", 2)[2] + "\n\n" + "\n".join(f"point {n}" for n in range(40))
    assert split_trailer(early) == (early, "")  # a whole message follows it


def test_what_is_no_trailer_stays() -> None:
    long_after = "Intro.\n-- \n" + "\n".join(f"line {n} of the message" for n in range(30))
    assert split_trailer(long_after) == (long_after, "")  # a "--" with a whole message below it
    rule_in_text = "Results:\n----------------------\nall 12 tests pass\nno listing changed\nthat is it\nok"
    assert split_trailer(rule_in_text) == (rule_in_text, "")  # a rule with no list or link under it
    about_lists = "I left the mailing list at yahoogroups.\nIt was too noisy\nfor me."
    assert split_trailer(about_lists) == (about_lists, "")  # a paragraph about lists is the message
    leaving = "Thanks, all.\nI will leave the mailing list now."
    assert split_trailer(leaving) == (leaving, "")  # names a list, gives no address: own words
    only_signature = "-- \nAnn Lee\nACME"
    assert split_trailer(only_signature) == (only_signature, "")  # nothing of its own would be left


def test_pgp_armour_is_dropped_and_dash_escapes_undone() -> None:
    signed = (
        "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA1\n\nHello.\n- -- \nAnn\n"
        "-----BEGIN PGP SIGNATURE-----\nVersion: GnuPG v1\n\niD8DBQE9\n=Uwqj\n-----END PGP SIGNATURE-----\n"
    )
    assert drop_armour(signed) == "\nHello.\n-- \nAnn\n"
    plain = "A line - -- that stays.\n- -- stays too: the message is not signed"
    assert drop_armour(plain) == plain


def test_real_messages_keep_their_own_text_apart() -> None:
    question = sections(QUESTION)
    assert [s.navigation for s in question] == [False, True]
    assert question[0].text.rstrip().endswith("Thanks,\nDermot.")
    assert "listmaster" not in question[0].text and "listmaster@linux.ie" in question[1].text
    carbonara = sections(CARBONARA)
    assert all("Yahoo! Groups" not in s.text for s in carbonara if not s.navigation)
    assert any("forteana-unsubscribe@egroups.com" in s.text for s in carbonara if s.navigation)


def test_a_company_disclaimer_and_an_appended_footer_part_go_aside() -> None:
    mail = extract_data(RYANAIR.name, RYANAIR.read_bytes())
    own, aside = [s for s in mail.sections if s.part is None]
    assert "Bumblebee Communications" in own.text and not own.navigation
    assert "DISCLAIMER" not in own.text and "unsubscribe" not in own.text
    assert aside.navigation and "E-MAIL DISCLAIMER" in aside.text
    assert aside.text.rstrip().endswith("leave-customers-949326K@mail.ryanairmail.com")
    assert "attachment 2.txt" not in own.text  # the list's footer part is no attachment
    # Outlook's winmail.dat holds only the body again, in RTF: no attachment to name, nothing unread
    assert "Attachments:" not in own.text and "winmail.dat" not in own.text
    assert mail.notes == ()


def test_signed_messages_read_without_their_armour() -> None:
    inline = sections(INLINE_SIGNED)
    assert "I am wondering if there are any techniques to make a CD-Key" in inline[0].text
    assert all("PGP" not in s.text and "iD8DBQE9" not in s.text for s in inline)
    assert inline[-1].navigation and inline[-1].text.split()[:3] == ["--", "Yannick", "Gingras"]
    mime = extract_data(MIME_SIGNED.name, MIME_SIGNED.read_bytes())
    assert all(s.part is None for s in mime.sections)  # the signature part is no attachment
    assert "Attachments:" not in mime.sections[0].text and "BEGIN PGP" not in mime.text
    assert "I'll be submitting a bug/patch for this shortly." in mime.sections[0].text
    assert "Randomly Generated Tagline" not in mime.sections[0].text  # below its "-- " separator


def test_unlabelled_windows_1252_reads_as_written() -> None:
    hotmail = sections(HOTMAIL)
    assert "\ufffd" not in "".join(s.text for s in hotmail)
    assert "Join the world’s largest e-mail service with MSN Hotmail." in hotmail[-1].text
    assert hotmail[-1].navigation and "Hotmail" not in hotmail[0].text


def test_an_encrypted_message_says_so() -> None:
    raw = (
        b"From: Ann <ann@example.org>\nTo: Bob <bob@example.org>\nSubject: Keys\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="b"\n\n'
        b"--b\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n"
        b'--b\nContent-Type: application/octet-stream; name="encrypted.asc"\n\n'
        b"-----BEGIN PGP MESSAGE-----\n\nhQEMA0xyz\n=abcd\n-----END PGP MESSAGE-----\n\n--b--\n"
    )
    extracted = extract_data("keys.eml", raw)
    assert "hQEMA0xyz" not in extracted.text and "Version: 1" not in extracted.text
    assert "From: Ann <ann@example.org>" in extracted.sections[0].text
    assert extracted.notes == (f"message: {ENCRYPTED_REASON}",)


@pytest.mark.model
@pytest.mark.timeout(600)
def test_a_message_about_unsubscribing_comes_before_footers(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for path in (QUESTION, CARBONARA, INLINE_SIGNED, HOTMAIL):
        shutil.copy(path, docs / path.name)
    (docs / "leaving.eml").write_text(
        "From: Ann <ann@example.org>\nTo: rpm-list@freshrpms.net\nSubject: leaving\n\n"
        "How do I unsubscribe from this list? I no longer use Red Hat.\n\nAnn\n\n" + MAILMAN_FOOTER + "\n",
        encoding="utf-8",
    )
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        unsubscribe = engine.search("unsubscribe", k=20, grouped=False)
        hotmail = engine.search("Hotmail", k=20, grouped=False)
    finally:
        engine.close()
    assert Path(unsubscribe[0].path).name == "leaving.eml" and not unsubscribe[0].navigation
    footers = [h for h in unsubscribe if "unsubscribe" in h.text.lower()][1:]
    assert footers and all(h.navigation for h in footers)  # still found, after own text
    tagline = [h for h in hotmail if "Hotmail" in h.text]
    assert [(Path(h.path).name, h.navigation) for h in tagline] == [(HOTMAIL.name, True)]
