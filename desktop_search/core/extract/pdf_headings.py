"""Each PDF page cut where its sections begin, each piece with the heading of the section it is in.

With an outline, a page is cut where the titles of the entries that start on it are found at a line
start (after an optional section number: "2.2.5 apt-get/apt-cache"); an entry whose title is not
found still names the text from the page top when it comes before every found one. Without an
outline, numbered section titles ("5.4.3 Simple questions") at a line start do the same. Text before
the first cut carries the heading in force at the end of the previous page.

A heading is the section's title (with its number when the text shows one), after its chapter
title when it is not the chapter itself: "Debian package management › 2.2.5 apt-get/apt-cache".
Outlines that store titles without their accents (Texinfo's: "3 Ubliche Notation" for "3 Übliche
Notation") still find their titles, and a heading reads as its page spells it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from desktop_search.core.accents import ACCENTED_LETTERS, fold
from desktop_search.core.extract.pdf_outline import OutlineEntry
from desktop_search.core.extract.sections import heading_path, numbered_titles, short_title

_QUOTES = "'’‘`´\"”“„«»"
# a section number before a title on its line (not a line above: a page number, a music example's "3")
_NUMBER_PREFIX = r"(?:(?:\d+|[A-Z])(?:\.\d+)*\.?[ \t]*)?"
_WORD = re.compile(r"\w+")

PagePart = tuple[str, str | None]  # text, heading
# text shorter than this before the first cut joins the section after it when it is a title: one line
# ("Chapter 2"), or up to three without a sentence's punctuation (Sphinx's "CHAPTER / ONE")
MIN_LEADING_CHARS = 40
_SENTENCE_MARK = re.compile(r"[.!?:;,](?=\s|$)|[。！？：；，、]")


def _title_char(ch: str) -> str:
    if ch in _QUOTES:
        return f"[{re.escape(_QUOTES)}]"
    letters = ACCENTED_LETTERS.get(ch.lower())  # an outline may drop the accents its page shows
    return f"[{letters}]" if letters else re.escape(ch)


def _title_pattern(title: str) -> re.Pattern[str]:
    # any spacing between characters: PDFs space CJK text and quotes their own way ("AMC で" for "AMCで")
    body = r"\s*".join(_title_char(ch) for ch in "".join(title.split()))
    return re.compile(rf"(?m)^[ \t]*({_NUMBER_PREFIX}{body})[ \t]*$", re.IGNORECASE)


def respelled(title: str, text: str) -> str:
    """``title`` with each word written without accents that ``text`` only writes with them ("Ubliche"
    → "Übliche" where the page reads "Übliche" and never "Ubliche"); other titles unchanged. A word
    the page also writes as the title does stays ("A minimal example" on a page with French "à")."""
    if not title.isascii():
        return title
    words = _WORD.findall(text)
    plain = {w.lower() for w in words if w.isascii()}
    accented: dict[str, str] = {}
    for w in words:
        if not w.isascii():
            accented.setdefault(fold(w), w)
    if not accented:
        return title

    def spell(match: re.Match[str]) -> str:
        word = match.group().lower()
        return match.group() if word in plain else accented.get(word, match.group())

    return _WORD.sub(spell, title)


def _heading(chapter: str, label: str, depth: int, parent: str | None = None) -> str:
    """A section's heading path: its chapter, the section it is in when that is not the chapter (a
    subsection's own title is often generic: "2.2.2 Procedure", "11.7.1 Linux users"), its title."""
    label = short_title(label)
    if depth == 0 or not chapter:
        return label
    section = short_title(parent) if depth >= 2 and parent else None
    return heading_path(short_title(chapter), section, label)


def _cut(text: str, cuts: list[tuple[int, str | None]], leading: str | None) -> list[PagePart]:
    """``text`` cut at ``cuts`` (offset, heading); the text before the first cut gets ``leading``."""
    bounds = list(cuts)
    lead = text[: bounds[0][0]].strip() if bounds else ""
    carried = 0  # parts that go on with the previous page's section (a title may not open them)
    if bounds and len(lead) < MIN_LEADING_CHARS and _title_only(lead):
        bounds[0] = (0, bounds[0][1])
    elif not bounds or bounds[0][0] > 0:
        bounds.insert(0, (0, leading))
        carried = 1
    parts: list[PagePart] = []
    # a part that is only its title ("2.1 Prerequisites", "CHAPTER / ONE / ARTICLES") opens the next one
    title_only = ""
    for i, (start, heading) in enumerate(bounds):
        end = bounds[i + 1][0] if i + 1 < len(bounds) else len(text)
        piece = title_only + text[start:end]
        if carried <= i < len(bounds) - 1 and _title_only(piece.strip()):
            title_only = piece
            continue
        title_only = ""
        if piece.strip():
            parts.append((piece, heading))
    return parts


def _title_only(piece: str) -> bool:
    """Whether a part is a title alone: one line, or up to three short ones that hold no sentence (a
    chapter's opening: "KAPITEL 1 / Artikel"); not "4.5 タイトル / タイトルをつけるには…。"."""
    if "\n" not in piece:
        return True
    return piece.count("\n") < 3 and len(piece) < MIN_LEADING_CHARS and not _SENTENCE_MARK.search(piece)


def split_by_outline(
    pages: Sequence[str], entries: Sequence[OutlineEntry], skip: Sequence[bool]
) -> list[list[PagePart]]:
    """The pages cut at the outline entries that start on them (``skip``: pages left whole, untitled)."""
    by_page: dict[int, list[OutlineEntry]] = {}
    for entry in entries:
        by_page.setdefault(entry.page, []).append(entry)
    carried: str | None = None
    chapters: dict[str, str] = {}  # a chapter's outline title -> as its page spells it
    labels: dict[int, str] = {}  # depth -> the title last entered there, as its page spells it
    result: list[list[PagePart]] = []
    for number, text in enumerate(pages):
        on_page = by_page.get(number, [])
        if skip[number]:
            result.append([(text, None)] if text.strip() else [])
            for entry in on_page:
                parent = _entered(labels, entry.depth, entry.title)
                carried = _heading(
                    chapters.get(entry.chapter, entry.chapter), entry.title, entry.depth, parent
                )
            continue
        cuts: list[tuple[int, str | None]] = []
        leading, pos = carried, 0
        for entry in on_page:
            match = _title_pattern(entry.title).search(text, pos)
            title = respelled(entry.title, text) if match is None else match.group(1)
            if entry.depth == 0:  # named as the outline names it, in its page's spelling
                chapters[entry.title] = respelled(entry.title, text)
            chapter = chapters.get(entry.chapter, entry.chapter)
            heading = _heading(chapter, title, entry.depth, _entered(labels, entry.depth, title))
            if match is None:
                if not cuts:  # named before anything found here: it starts at the page top
                    leading = heading
            else:
                cuts.append((match.start(), heading))
                pos = match.end()
            carried = heading
        result.append(_cut(text, cuts, leading))
    return result


def _entered(labels: dict[int, str], depth: int, title: str) -> str | None:
    """Records the entry ``title`` at ``depth`` (closing deeper ones); returns the title it is under."""
    for deeper in [d for d in labels if d >= depth]:
        del labels[deeper]
    labels[depth] = title
    return labels.get(depth - 1)


def split_by_numbered_titles(
    pages: Sequence[str], skip: Sequence[bool], openings: Mapping[int, tuple[str, str] | None] | None = None
) -> list[list[PagePart]]:
    """The pages cut at numbered section titles, for a PDF without an outline. ``openings``: pages
    whose text comes after a contents list, with the (number, title) of the chapter the list opens
    when its first line names one ("3. Programming with libbzip2"): that chapter heads the page's text
    before its first title, and its sections; without one, the text before the first title has none."""
    titles: dict[str, str] = {}  # section number -> its line
    carried: str | None = None
    result: list[list[PagePart]] = []
    for number, text in enumerate(pages):
        if skip[number]:
            result.append([(text, None)] if text.strip() else [])
            continue
        if openings is not None and number in openings:
            chapter = openings[number]
            carried = None
            if chapter is not None:
                carried = titles[chapter[0]] = f"{chapter[0]} {chapter[1]}"
        cuts: list[tuple[int, str | None]] = []
        for start, section, title in numbered_titles(text):
            label = f"{section} {title}"
            titles[section] = label
            numbers = section.split(".")
            known = [
                titles[n] for n in (".".join(numbers[:k]) for k in range(1, len(numbers))) if n in titles
            ]
            top, parent = (known[0], known[-1]) if known else (None, None)
            cuts.append((start, _heading(top or parent or "", label, len(numbers) - 1, parent)))
        result.append(_cut(text, cuts, carried))
        if cuts:
            carried = cuts[-1][1]
    return result
