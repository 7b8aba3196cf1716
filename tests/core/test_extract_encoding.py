"""Encodings of plain text files: BOMs, UTF-16 without BOM, legacy code pages, broken UTF-8."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_search.core.extract import extract_file
from tests.core.extract_samples import write

SAMPLES = {
    "fr": "Le cœur déçu mais l'âme plutôt naïve, Louÿs rêva de crapaüter en canoë au-delà des îles.",
    "ru": "Съешь же ещё этих мягких французских булок, да выпей чаю. Широкая электрификация южных губерний.",
    "el": "Η γρήγορη καφέ αλεπού πηδάει πάνω από τον τεμπέλη σκύλο. Ξεσκεπάζω την ψυχοφθόρα βδελυγμία.",
    "ja": "いろはにほへと ちりぬるを わかよたれそ つねならむ うゐのおくやま けふこえて あさきゆめみし",
}


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("utf-8", SAMPLES["ja"]),
        ("utf-8-sig", SAMPLES["ru"]),
        ("utf-16", SAMPLES["el"]),  # with BOM
        ("utf-16-le", "Plain ASCII mostly, with one é.\n" * 5),  # no BOM
        ("utf-16-be", "Big endian text without a byte order mark.\n" * 5),
        ("utf-32", SAMPLES["fr"]),
        ("utf-32-le", SAMPLES["ja"] + " 🎌"),  # no BOM: it was skipped as binary (its zero bytes)
        ("utf-32-be", SAMPLES["ru"]),
        ("cp1252", SAMPLES["fr"]),
        ("cp1251", SAMPLES["ru"]),
        ("cp1253", SAMPLES["el"]),
        ("shift_jis", SAMPLES["ja"]),
    ],
)
def test_encodings(tmp_path: Path, encoding: str, text: str) -> None:
    r = extract_file(write(tmp_path, "sample.txt", (text * 3).encode(encoding)))
    assert r.text == (text * 3).strip()


def test_mostly_utf8_with_one_broken_byte(tmp_path: Path) -> None:
    data = ("Grüße aus Köln, schöne Straße. " * 20).encode() + b"\xff" + b" Ende."
    r = extract_file(write(tmp_path, "mixed.txt", data))
    assert r.text.startswith("Grüße aus Köln") and r.text.endswith("\ufffd Ende.")


def test_a_few_legacy_bytes_read_as_western(tmp_path: Path) -> None:
    data = "Written by François Pinard.\nMaintained by others.\n".encode("latin-1")
    assert (
        extract_file(write(tmp_path, "AUTHORS", data)).text
        == "Written by François Pinard.\nMaintained by others."
    )


DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(
    ("name", "encoding", "words"),
    [
        ("subtitles-chardet-turkish-iso-8859-9.srt", "iso-8859-9", ["Benim adım Abaddon.", "Savaşçısı"]),
        ("text-chardet-turkish-windows-1254.txt", "cp1254", ["Terör örgütünün bankası olur mu?"]),
        # the code pages Turkish was read as: their own texts stay theirs
        ("text-chardet-romanian-windows-1250.txt", "cp1250", []),
        ("text-chardet-croatian-windows-1250.txt", "cp1250", []),
    ],
)
def test_turkish_is_told_from_western_and_central_european(name: str, encoding: str, words: list) -> None:
    """Real files of chardet's test corpus (tests/data/README.md): Turkish differs from Windows-1252 and
    -1250 in a few letters only, and statistics read it as one of them ("adým" for "adım")."""
    path = DATA / name
    text = extract_file(path).text
    for phrase in words:
        assert phrase in text
    if path.suffix == ".txt":
        assert text.split() == path.read_bytes().decode(encoding).split()
    else:  # a subtitle file reads as its cues
        assert not set("ýþðţ") & set(text)
