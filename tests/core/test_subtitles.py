"""Subtitles and lyrics read as what is said, in parts of about a minute headed by their start time:
real files from webvtt-py's and pysubs2's test data (a Netflix WebVTT in Spanish, YouTube's rolling
auto-captions, an Advanced SubStation script) and chardet's (a SubRip file with a byte-order mark);
LRC and MicroDVD by hand. Found by the real engine by what is said."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_search.core.extract import extract_file
from desktop_search.core.extract.kinds import kind_by_name
from desktop_search.core.extract.results import Deadline
from desktop_search.core.extract.subtitles import clock, extract_subtitles
from tests.core.extract_samples import check_offsets
from tests.support.real_search import search_folder

DATA = Path(__file__).resolve().parent.parent / "data"
NETFLIX = DATA / "subtitles-netflix-chicas-del-cable.es.vtt"


def test_a_netflix_webvtt_reads_as_its_dialogue_by_the_minute() -> None:
    film = extract_file(NETFLIX)
    check_offsets(film)
    assert film.kind == "subtitles"
    first = film.sections[0]
    assert first.heading == "0:07"
    assert first.text.startswith(
        "[Alba] En 1928,\nlas mujeres éramos algo así como adornos\n"
    )  # one cue a line
    assert "-->" not in film.text and "<i>" not in film.text and "NOTE" not in film.text
    assert "position:" not in film.text and "\n1\n" not in film.text  # timings' settings, cue numbers
    starts = [s.heading for s in film.sections]
    assert starts[:3] == ["0:07", "1:09", "2:10"] and len(starts) > 40


def test_rolling_auto_captions_are_read_once_without_word_timings() -> None:
    captions = extract_file(DATA / "subtitles-youtube-auto-captions.vtt")
    assert captions.text == "yeah\nwhat\nthis will happen is I'm telling"
    assert [s.heading for s in captions.sections] == ["4:46"]


def test_an_advanced_substation_script_and_a_subrip_file() -> None:
    script = extract_file(DATA / "subtitles-pysubs2-example.ass")
    assert script.text.startswith(
        "It seems a paradox, does it not,\nthat the image formed on the Retina should be inverted?\n"
    )
    assert "Dialogue:" not in script.text and "\\N" not in script.text and "Default" not in script.text
    talk = extract_file(DATA / "subtitles-chardet-bom.srt")
    assert talk.text.startswith(
        "About 2 months ago I found myself on the comment section of YouTube\n"
        "And I was commenting, unfortunately I was commenting,"
    )


def test_lyrics_microdvd_and_a_file_without_cues() -> None:
    lrc = b"[ti:Morning Song]\n[ar:Someone]\n[00:12.00]The sun comes up\n[00:15.50][01:15.50]And we sing\n"
    song = extract_subtitles(lrc, Deadline(10))
    assert song.text == "The sun comes up\nAnd we sing\n\nAnd we sing"  # the refrain at 1:15 after a pause
    assert [s.heading for s in song.sections] == ["Morning Song › 0:12", "Morning Song › 1:15"]
    sub = b"{1}{1}25.000\n{250}{300}{y:i}Hello there|General Kenobi\n{400}{450}You are a bold one\n"
    # 25 frames a second: "You are…" comes 4 s after "Hello…" ends, a new paragraph
    assert extract_subtitles(sub, Deadline(10)).text == "Hello there General Kenobi\n\nYou are a bold one"
    plain = extract_subtitles(b"Just a note named .srt by mistake.\n", Deadline(10))
    assert plain.text == "Just a note named .srt by mistake."


def test_subtitle_names_and_clock() -> None:
    assert {kind_by_name(f"film.{ext}") for ext in ("srt", "vtt", "sbv", "ass", "ssa", "lrc", "sub")} == {
        "subtitles"
    }
    assert (clock(7.96), clock(750), clock(3723)) == ("0:07", "12:30", "1:02:03")


@pytest.mark.model
def test_what_is_said_is_found_with_its_time(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(NETFLIX, docs / "chicas-del-cable.vtt")
    hits = search_folder(docs, tmp_path / "home", real_embedder, "women in 1928 were like ornaments")
    assert hits[0].heading == "0:07" and "adornos" in hits[0].text
