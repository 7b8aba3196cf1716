"""The same passage in another language's edition of a document, folded under the better one.

A manual kept in several languages ("debian-reference.en.pdf", "debian-reference.fr.pdf"; KDE's
``doc/HTML/de/okular/…`` beside ``doc/HTML/en/okular/…``) answers a question once in each: across
languages the first results were often one section in three editions (on ``benchmarks/realdocs.py``'s
manuals, 103 of the 325 top-5 places of cross-language questions repeated a section already above).
A result that is a translation of a better one is folded under it, in its ``translations`` (the window
lists them under it as "FR p. 232", the command line as "in French: … p.232"), and the results below
move up.

A translation is a passage of another edition of the same document (the paths equal once their
language tag, a name part or a folder such as ``en`` / ``de`` / ``zh_CN`` / ``C``, is taken out;
:func:`edition_key`), in another language (by the language guesser), whose vector is close to the
better one's (:data:`TRANSLATION_COSINE`; a section's translation sits at 0.92 there, other sections of
the other edition at 0.84), and whose numbered section, where both headings have one, is the same
("2.7.6" in "Suivre testing" and "Tracking testing").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import PurePath

import numpy as np

from desktop_search.core.records import SearchHit
from desktop_search.core.search.language import shared_guesser
from desktop_search.core.store.pathkeys import from_key

log = logging.getLogger(__name__)

TRANSLATION_COSINE = 0.85  # passages of one numbered section in two editions (their numbers agree)
UNNUMBERED_COSINE = 0.90  # passages whose headings carry no section number to agree on
TRANSLATION_ROOM = 2  # results read for each one asked for, so folding still leaves as many
MAX_LISTED = 6  # translations listed under a result: every edition's best page, others up to this
# language tags of editions: ISO 639-1 codes of languages documentation is translated into, with a
# region or script ("pt_BR", "zh-cn", "sr@latin"); "C" is the untranslated original (GNOME's help)
_LANGUAGES = frozenset(
    """ar bg bn ca cs cy da de el en eo es et eu fa fi fr ga gl gu he hi hr hu hy id is it ja ka kk kn
    ko lt lv mk ml mr ms nb nl nn no pa pl pt ro ru sk sl sq sr sv ta te th tr uk ur uz vi zh""".split()  # noqa: SIM905
)  # fmt: skip
_TAG = re.compile(r"([a-z]{2})(?:[_-][A-Za-z]{2,4})?(?:@[a-z]+)?")
# a tag in a file's name, between separators before its extension: ".en", "_de", "-zh_CN"
_NAME_TAG = re.compile(r"[._\- ]([a-z]{2}(?:[_-][A-Za-z]{2,4})?(?:@[a-z]+)?)(?=[._\- ])")
_SECTION_NUMBER = re.compile(r"\b(\d+(?:\.\d+)+)\b")


def is_language_tag(token: str) -> bool:
    match = _TAG.fullmatch(token)
    return token == "C" or (match is not None and match.group(1) in _LANGUAGES)


def edition_key(path: str) -> tuple[str, bool]:
    """The path of a document's editions (``path`` with its language tag taken out) and whether it had
    one: "doc/debian-reference.en.pdf" and "doc/debian-reference.fr.pdf" give "doc/debian-reference.pdf"
    and True; "help/de/gnome-help/a.page" gives "help/gnome-help/a.page"; "notes.pdf" itself and False.
    The name's tag counts first, else the nearest folder's."""
    parts = list(PurePath(from_key(path).replace("\\", "/")).parts)
    if not parts:
        return path, False
    for match in reversed(list(_NAME_TAG.finditer(parts[-1]))):
        tag = match.group(1)
        if is_language_tag(tag):  # also out of the folders it names ("manual.de/manual.de.pdf")
            parts[-1] = parts[-1][: match.start()] + parts[-1][match.end() :]
            within = re.compile(rf"[._\- ]{re.escape(tag)}(?=[._\- ]|$)")
            folders = [within.sub("", part) for part in parts[:-1] if part != tag]
            return "/".join([*folders, parts[-1]]), True
    for i in range(len(parts) - 2, -1, -1):
        if is_language_tag(parts[i]):
            return "/".join(parts[:i] + parts[i + 1 :]), True
    return "/".join(parts), False


_NAMES = {
    "ar": "Arabic", "bg": "Bulgarian", "ca": "Catalan", "cs": "Czech", "da": "Danish", "de": "German",
    "el": "Greek", "en": "English", "es": "Spanish", "et": "Estonian", "fa": "Persian", "fi": "Finnish",
    "fr": "French", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian", "id": "Indonesian",
    "it": "Italian", "ja": "Japanese", "ko": "Korean", "lt": "Lithuanian", "lv": "Latvian", "nb": "Norwegian",
    "nl": "Dutch", "no": "Norwegian", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian",
    "sk": "Slovak", "sl": "Slovenian", "sr": "Serbian", "sv": "Swedish", "th": "Thai", "tr": "Turkish",
    "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip


def language_name(code: str | None) -> str:
    """A language's English name ("fr": "French"); the code itself for one not named here."""
    if not code:
        return "another language"
    return _NAMES.get(code.split("_")[0].split("-")[0].lower(), code)


def shared_keys(paths: Iterable[str]) -> set[str]:
    """The edition keys (:func:`edition_key`) that two or more of ``paths`` share, one of them tagged:
    the documents whose editions are among them (a few microseconds a path)."""
    return _shared((path, *edition_key(path)) for path in paths)


def _shared(keyed: Iterable[tuple[str, str, bool]]) -> set[str]:
    """:func:`shared_keys` of (path, edition key, tagged) triples."""
    found: dict[str, set[str]] = {}
    tagged: set[str] = set()
    for path, key, has_tag in keyed:
        found.setdefault(key, set()).add(path)
        if has_tag:
            tagged.add(key)
    return {key for key in tagged if len(found[key]) > 1}


def room_for(k: int, paths: Iterable[str]) -> int:
    """How many results to read for ``k`` shown: :data:`TRANSLATION_ROOM` times as many where two of
    the candidates' ``paths`` are editions of one document (translations may fold), else ``k``."""
    return TRANSLATION_ROOM * k if shared_keys(paths) else k


def guessed_language(text: str) -> str | None:
    """The language of a passage (the shared guesser's likeliest), None when it cannot be guessed."""
    try:
        return shared_guesser().guess(text)
    except Exception:
        log.warning("could not guess a passage's language", exc_info=True)
        return None


def section_number(heading: str | None) -> str | None:
    """The number of the innermost numbered section in a heading path ("2.2.2" of "… › 2.2 … › 2.2.2 …")."""
    numbers = _SECTION_NUMBER.findall(heading or "")
    return numbers[-1] if numbers else None


def fold_translations(
    results: Sequence[SearchHit],
    vectors: Callable[[list[str]], Mapping[str, np.ndarray]],
    language_of: Callable[[str], str | None],
) -> list[SearchHit]:
    """``results`` (best first) with each translation of a better result folded into that one's
    ``translations``; the results left are re-ranked 1..n. ``vectors`` reads passages' vectors by chunk
    id, ``language_of`` guesses a text's language; neither is called when no two results are editions."""
    keyed = [(hit.path, *edition_key(hit.path)) for hit in results]
    editions = _shared(keyed)
    if not editions:
        return list(results)
    keys = [key for _path, key, _tagged in keyed]
    candidates = [i for i, key in enumerate(keys) if key in editions]
    found = vectors([results[i].chunk_id for i in candidates])
    guessed: dict[int, str | None] = {}

    def language(i: int) -> str | None:  # guessed only for pairs that pass the cheaper checks
        if i not in guessed:
            guessed[i] = language_of(results[i].text)
        return guessed[i]

    in_editions = set(candidates)
    kept: list[int] = []
    folded: dict[int, list[SearchHit]] = {}
    for i, hit in enumerate(results):
        home = None
        if i in in_editions:
            home = next(
                (
                    j
                    for j in kept
                    if j in in_editions
                    and keys[j] == keys[i]
                    and results[j].path != hit.path
                    and _alike(results[j], hit, found)
                    and _other_language(language(j), language(i))
                ),
                None,
            )
        if home is None:
            kept.append(i)
        else:
            folded.setdefault(home, []).extend(_edition_passages(hit, guessed[i]))
    return [
        replace(
            results[i],
            rank=rank,
            translations=results[i].translations + _listed(folded.get(i, [])),
            language=guessed.get(i) if i in folded else results[i].language,
        )
        for rank, i in enumerate(kept, start=1)
    ]


def _listed(passages: list[SearchHit]) -> tuple[SearchHit, ...]:
    """The folded passages a result lists: each edition's best first, then their other pages, at most
    :data:`MAX_LISTED` in all."""
    firsts: list[SearchHit] = []
    others: list[SearchHit] = []
    seen: set[str] = set()
    for passage in passages:
        (others if passage.path in seen else firsts).append(passage)
        seen.add(passage.path)
    return tuple([*firsts, *others][: max(MAX_LISTED, len(firsts))])


def _edition_passages(hit: SearchHit, language: str | None) -> list[SearchHit]:
    """What a folded result lists under the better one: its passage, and the strong passages of its
    file shown inline with it (grouped results) on other pages, each marked with the language."""
    pages = {hit.page}
    shown = [replace(hit, language=language, inline=(), more=())]
    for passage in hit.inline:
        if passage.path == hit.path and passage.page not in pages:
            pages.add(passage.page)
            shown.append(replace(passage, language=language))
    return shown


def _other_language(first: str | None, second: str | None) -> bool:
    """Two passages' guessed languages differ (neither unknown)."""
    return first is not None and second is not None and first != second


def _alike(a: SearchHit, b: SearchHit, vectors: Mapping[str, np.ndarray]) -> bool:
    """Whether two passages of editions of one document say the same (see the module's description):
    their section numbers agree where both have one, and their vectors are close."""
    numbers = section_number(a.heading), section_number(b.heading)
    if None not in numbers and numbers[0] != numbers[1]:
        return False
    va, vb = vectors.get(a.chunk_id), vectors.get(b.chunk_id)
    if va is None or vb is None or va.shape != vb.shape:
        return False
    threshold = TRANSLATION_COSINE if None not in numbers else UNNUMBERED_COSINE
    return float(np.dot(va, vb)) >= threshold
