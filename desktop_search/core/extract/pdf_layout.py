"""Page furniture and broken words in a PDF's text: running headers and footers, hyphenated line ends.

A running header or footer is a line near the top or bottom of a page that repeats on most pages
once its numbers are set aside ("Auto Multiple Choice 87 / 92", "Debian Reference iv"). Books
alternate headers between odd and even pages, so a line also counts when it repeats on most pages
of one parity. Short documents give too little evidence and keep every line. On a page that OCR read
(a scan, or a screenshot page whose text layer held only the header), the header comes back a little
misspelt or split in two ("Handbuch fiir Debian Edu …", "48 / 98"): a line nearly the same as a
running line, with its page number, is that line.

A header may also name the chapter and section the page is in (the marks of LaTeX's book class:
"CHAPTER 3. CHOOSING A DEBIAN … 3.1. WHICH DEBIAN DISTRIBUTION …", then "CHAPTER 8. THE DEBIAN
PACKAGE …"), so no two chapters' headers are the same line. Such a header is known by its start, the
words up to the chapter's number (its *mark prefix*: ``chapter #.``, ``kapitel #.``, ``第#章``): a
page's first line whose mark prefix opens most pages is a running header, whatever titles follow it.
A chapter's opening page often drops the header and keeps only its number on the first line; in a
document with running lines, that bare number (arabic or roman: "ii") goes too. Where the number
stands alone at the foot instead (LaTeX's and Sphinx's plain style), it goes when it is exactly the
page's printed number, as the running lines' own numbers tell it (:func:`_printed_offset`).

Sphinx's manuals put the book's title beside the section in force: "1.2. Getting Set Up Ubuntu
Packaging Guide" on odd pages, "Ubuntu Packaging Guide Chapter 1. Articles" on even ones. Such a
line is known by its *affix*: words (two or more, no numbers, at least ``MIN_AFFIX_LETTERS`` letters)
that open or close the first (or last) line of most pages of one parity, when what they leave is a
numbered part or a contents title; a line that is the affix alone, or the start of a running line
(a title page's title), is no header, nor are slide titles that share their first words.

Texinfo and some Sphinx styles name the chapter or section in force beside the page number ("Chapter
2: Installing R under Unix-alikes 7", "12.6. Transformations 145" at the foot): a first or last line
that carries a page number at one end and repeats on a few pages is a running line of its part. A
part that runs over a page or two shows its line too seldom to repeat; its line goes when its number
is exactly the page's printed one, as the other running lines tell it (:func:`_part_mark`). An
edge line wholly in parentheses is furniture too when it repeats on a few pages or faces another
across a page break ("(continues on next page)" / "(continued from previous page)" where a listing
breaks).

DocBook's print styles head each page with the title of the chapter it is in ("How to use bzip2"
over every page of "2. How to use bzip2"), so each header runs over one chapter only: a page's first
line that opens a few pages and is, without its number, the title a chapter opened with (a numbered
first line, "Chapter 2. …" too, run on into the next line when it wrapped: "2. Using and understanding
the" / "Valgrind core") is that header. The chapter's title on its opening page stays, though
the header's words make an affix of it ("3. Programming with libbzip2" on the first page of a chapter
that runs over most of the book).

A word hyphenated at a line end ("Konfigu-" / "ration") is joined when the next line goes on in
lower case, unless the document itself writes that word with its hyphen elsewhere ("Unix-ähnlich");
a word broken across a page end is moved whole onto the earlier page.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TypeVar

from desktop_search.core.extract.pdf_navigation import is_navigation_title

EDGE_LINES = 3  # lines at the top and at the bottom of a page that may be furniture
MIN_PAGES = 4  # fewer pages: too little evidence for running lines
MIN_REPEATS = 3  # a running line is seen on at least this many pages...
MIN_SHARE = 0.5  # ...and on at least this share of all pages or of the pages of one parity
# an edge line this alike to a running line (difflib's ratio of their keys) is that line, misread by OCR;
# lines shorter than MIN_NEAR_CHARS (spaces aside) must match exactly: a near match of so few is chance
NEAR_RATIO = 0.9
MIN_NEAR_CHARS = 16
MAX_AFFIX_WORDS = 6  # an affix is at most this many words...
MIN_AFFIX_LETTERS = 12  # ...with at least this many letters ("how do i" opens questions, not headers)
MIN_NUMBERED_LETTERS = 6  # ...or, in two words or more, this many ("# mise en page"; not "chapter #")
MAX_HEADER_WORDS = 16  # a longer line is text that happens to open with the book's title

_NUMBER = re.compile(r"\d+")
_END_NUMBER = re.compile(r"^(\d+)(?:\s|$)|\s(\d+)$")  # a number at either end of a line
_ROMAN = r"m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
_EDGE_ROMAN = re.compile(rf"^{_ROMAN}(?=\s)|(?<=\s){_ROMAN}$")
_LONE_ROMAN = re.compile(rf"^(?=.){_ROMAN}$")  # lower case: front matter's "ii", not a letter "C"
_PARENTHESISED = re.compile(r"^\(.*[^\W\d_].*\)$")
_NUMBER_RUN = re.compile(r"#(?:\s*(?:/|of|von|de|sur|di|-|–|—|\|)?\s*#)+")
_SPACES = re.compile(r"\s+")
# a chapter's opening line, as a line key: "#. how to use bzip2", "chapter #. installing"
_CHAPTER_OPENING = re.compile(r"^(?:[^\W\d_]+ )?#\.? (\D+)$")
# a numbered part's title as a line key: "#.#. getting started with the gui", "chapter #. foreword",
# an appendix's "a.#. tex on linux"
_PART_MARK = re.compile(r"^(?:[^\W\d_]+ |[^\W\d_]\.)?#(?:\.#)*[.:]? [^\W\d_]")
MIN_PART_LETTERS = 4
_HYPHENATED = re.compile(r"([^\W\d_])-\n([^\W\d_]+)(\S*)[ \t]?")
_HYPHEN_WORDS = re.compile(r"[^\W\d_]+-[^\W\d_]+")
_LAST_WORD = re.compile(r"([^\W\d_]+)-$")
_FIRST_WORD = re.compile(r"([^\W\d_]+)(\S*)[ \t]?")


def line_key(line: str) -> str:
    """A line with its page numbers set aside: arabic runs and an edge roman numeral become one '#'."""
    key = _SPACES.sub(" ", line.strip().lower())
    key = _EDGE_ROMAN.sub("#", _NUMBER.sub("#", key))
    return _NUMBER_RUN.sub("#", key)


def mark_prefix(key: str) -> str | None:
    """A line key's words up to its first number, when the number comes within two words and a word
    comes with it (``chapter #.`` of "chapter #. choosing a debian …"); else None. A bare section
    number ("#.#. which …") is no mark prefix: numbered headings open many pages of a manual."""
    tokens = key.split(" ")[:2]
    for count, token in enumerate(tokens, start=1):
        if "#" in token:
            prefix = " ".join(tokens[:count])
            return prefix if any(ch.isalpha() for ch in prefix) else None
    return None


def _edges(lines: list[str]) -> tuple[list[int], list[int]]:
    """Indexes of the first and last few non-blank lines of a page."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return filled[:EDGE_LINES], filled[-EDGE_LINES:]


Affix = tuple[bool, str]  # words that open a line (True) or close it (False)
Key = TypeVar("Key", str, Affix)


def _running(keys_per_page: Sequence[set[Key]]) -> set[Key]:
    """The keys (line keys or affixes) seen on most pages, or on most pages of one parity."""
    pages = len(keys_per_page)
    overall: Counter[Key] = Counter()
    by_parity: tuple[Counter[Key], Counter[Key]] = (Counter(), Counter())
    for number, keys in enumerate(keys_per_page):
        overall.update(keys)
        by_parity[number % 2].update(keys)
    parity_pages = ((pages + 1) // 2, pages // 2)
    running = set()
    for key, seen in overall.items():
        if seen < MIN_REPEATS:  # a bare page number ("#") counts like any other line
            continue
        if seen >= MIN_SHARE * pages or any(
            by_parity[p][key] >= max(MIN_REPEATS, MIN_SHARE * parity_pages[p]) for p in (0, 1)
        ):
            running.add(key)
    return running


def _affixes(key: str) -> set[Affix]:
    """The affixes a line key offers (see the module docstring): words that open it and words that
    close it; none for a long line."""
    words = key.split(" ")
    if len(words) > MAX_HEADER_WORDS:
        return set()
    found = set()
    for count in range(2, min(MAX_AFFIX_WORDS, len(words) - 1) + 1):
        for opens, affix in ((True, words[:count]), (False, words[-count:])):
            if (
                "#" not in "".join(affix)
                and sum(ch.isalpha() for w in affix for ch in w) >= MIN_AFFIX_LETTERS
            ):
                found.add((opens, " ".join(affix)))
    return found


@dataclass(frozen=True)
class _PageEdges:
    """A page's lines, the indexes of its top and bottom edge lines, their line keys (computed once),
    the mark prefix of its first line and the affixes of its first and last lines."""

    lines: list[str]
    top: list[int]
    bottom: list[int]
    keys: dict[int, str]
    mark: str | None
    head_affixes: set[Affix]
    foot_affixes: set[Affix]

    @classmethod
    def of(cls, page: str) -> _PageEdges:
        lines = page.split("\n")
        top, bottom = _edges(lines)
        keys = {i: line_key(lines[i]) for i in (*top, *bottom)}
        mark = mark_prefix(keys[top[0]]) if top else None
        head = _affixes(keys[top[0]]) if top else set()
        foot = _affixes(keys[bottom[-1]]) if bottom else set()
        return cls(lines, top, bottom, keys, mark, head, foot)


def _numbered_repeats(keys: Sequence[str | None]) -> set[str]:
    """Keys seen on several pages that carry a page number at one end and words enough to be a title
    ("chapter #: installing r under unix-alikes #", "# mise en page"; a chapter's opening "chapter #"
    alone is no header)."""
    seen = Counter(k for k in keys if k)
    return {
        k
        for k, count in seen.items()
        if count >= MIN_REPEATS and "#" in (k.split(" ")[0], k.split(" ")[-1]) and _titled(k)
    }


def _titled(key: str) -> bool:
    """Whether a line key holds words enough to be a title: :data:`MIN_AFFIX_LETTERS` letters, or
    :data:`MIN_NUMBERED_LETTERS` in two words or more."""
    letters = sum(ch.isalpha() for ch in key)
    words = sum(1 for word in key.split(" ") if any(ch.isalpha() for ch in word))
    return letters >= MIN_AFFIX_LETTERS or (letters >= MIN_NUMBERED_LETTERS and words >= 2)


def _asides(edges: Sequence[_PageEdges]) -> dict[int, set[int]]:
    """The edge lines (by page index) wholly in parentheses that are furniture: one seen on several
    pages, or a pair at a page break ("(continues on next page)" above it, "(continued from previous
    page)" below it)."""
    found = [{i: k for i, k in p.keys.items() if _PARENTHESISED.match(k)} for p in edges]
    seen = Counter(k for lines in found for k in set(lines.values()))
    asides = {n: {i for i, k in lines.items() if seen[k] >= MIN_REPEATS} for n, lines in enumerate(found)}
    for n in range(len(edges) - 1):
        below = [i for i in edges[n].bottom if i in found[n]]
        above = [i for i in edges[n + 1].top if i in found[n + 1]]
        if below and above:
            asides[n].add(below[-1])
            asides[n + 1].add(above[0])
    return asides


def _chapter_heads(edges: Sequence[_PageEdges]) -> set[str]:
    """First lines that head a chapter's pages with its title (see the module docstring)."""
    firsts = Counter(p.keys[p.top[0]] for p in edges if p.top)
    titles = {title for p in edges for title in _opening_titles(p)}
    return {key for key in titles if firsts[key] >= MIN_REPEATS and sum(ch.isalpha() for ch in key) >= 4}


def _opening_titles(page: _PageEdges) -> set[str]:
    """The chapter title a page's first line opens with, as a line key without its number, alone and
    run on into the next line: a long title wraps ("2. Using and understanding the" / "Valgrind core"
    under the header "Using and understanding the Valgrind core"; "branch-" / "prediction profiler")."""
    opening = _CHAPTER_OPENING.match(page.keys[page.top[0]]) if page.top else None
    if opening is None:
        return set()
    title = opening.group(1)
    if len(page.top) < 2:
        return {title}
    rest = page.keys[page.top[1]]
    if title.endswith("-"):
        return {title, title + rest, title[:-1] + rest}
    return {title, f"{title} {rest}"}


def strip_running_lines(pages: Sequence[str]) -> list[str]:
    """The pages without their running headers and footers (unchanged when there are too few pages)."""
    if len(pages) < MIN_PAGES:
        return list(pages)
    edges = [_PageEdges.of(page) for page in pages]
    running_heads = _running([{p.keys[i] for i in p.top} for p in edges])
    running_feet = _running([{p.keys[i] for i in p.bottom} for p in edges])
    running_marks = _running([{p.mark} if p.mark else set() for p in edges])  # a mark heads the page
    head_affixes = _running([p.head_affixes for p in edges])
    foot_affixes = _running([p.foot_affixes for p in edges])
    asides = _asides(edges)
    numbered_heads = _numbered_repeats([p.keys[p.top[0]] if p.top else None for p in edges])
    numbered_feet = _numbered_repeats([p.keys[p.bottom[-1]] if p.bottom else None for p in edges])
    chapter_heads = _chapter_heads(edges)
    found = (
        chapter_heads,
        running_heads,
        running_feet,
        running_marks,
        head_affixes,
        foot_affixes,
        numbered_heads,
        numbered_feet,
    )
    if not any(found) and not any(asides.values()):
        return list(pages)
    drops: list[set[int]] = []
    opened: set[str] = set()  # numbered first lines seen so far: a chapter's title opens its first page
    for number, p in enumerate(edges, start=1):
        drop = _furniture(p.keys, p.top, running_heads) | _furniture(p.keys, p.bottom, running_feet)
        drop |= asides[number - 1]
        first = p.keys[p.top[0]] if p.top else ""
        opening = first not in opened and bool(_CHAPTER_OPENING.match(first))
        opened.add(first)
        if opening and first not in running_heads:  # not the header misread ("libbzip2" ends in a number)
            drop.discard(p.top[0])
        if p.top and (
            p.mark in running_marks
            or first in numbered_heads
            or first in chapter_heads
            or (not opening and _affixed(first, p.head_affixes & head_affixes, running_heads))
            or _page_number(p.lines[p.top[0]], number)
        ):
            drop.add(p.top[0])
        if p.bottom and (
            p.keys[p.bottom[-1]] in numbered_feet
            or _affixed(p.keys[p.bottom[-1]], p.foot_affixes & foot_affixes, running_feet)
        ):
            drop.add(p.bottom[-1])
        drops.append(drop)
    offset = _printed_offset(edges, drops)
    cleaned = []
    for number, (p, drop) in enumerate(zip(edges, drops, strict=True), start=1):
        if offset is not None and p.bottom and p.lines[p.bottom[-1]].strip() == str(number - offset):
            drop.add(p.bottom[-1])  # a chapter's opening page: its number alone at the foot
        if offset is not None:  # the part in force beside the printed number, seen on this page only
            drop.update(
                i for i in (p.top[:1] + p.bottom[-1:]) if _part_mark(p.keys[i], p.lines[i], number - offset)
            )
        cleaned.append("\n".join(line for i, line in enumerate(p.lines) if i not in drop))
    return cleaned


def _printed_offset(edges: Sequence[_PageEdges], drops: Sequence[set[int]]) -> int | None:
    """How far the printed page numbers run behind the pages' places in the file, read off the running
    lines dropped ("12 Chapter 2. School Level Experiments" on the file's page 18: 6), when most of
    them agree; None without such evidence. A chapter's opening page keeps only its number, alone at
    its foot ("11" below the chapter's first section, Sphinx's and LaTeX's plain page style): a last
    line that is exactly the page's printed number goes too. (A listing's output, "1", ends pages as
    often as a number does: without the offset a last line stays.)"""
    seen: Counter[int] = Counter()
    for number, (p, drop) in enumerate(zip(edges, drops, strict=True), start=1):
        for i in drop:
            printed = _END_NUMBER.search(p.lines[i].strip())
            value = printed and int(printed.group(1) or printed.group(2))
            if value and value <= number:
                seen[number - value] += 1
    if not seen:
        return None
    offset, count = seen.most_common(1)[0]
    return offset if count >= MIN_REPEATS and count >= MIN_SHARE * sum(seen.values()) else None


def _part_mark(key: str, line: str, printed: int) -> bool:
    """Whether an edge line is the numbered part in force beside the page's printed number: "2.2.
    Getting Started with the GUI 7" at the foot of Why3's page 13, "4 Chapter 1. Foreword" on its
    page 10. A section that runs over one or two pages shows its line too seldom to repeat (see
    :func:`_numbered_repeats`); its number being exactly the page's printed one tells it instead."""
    number = _END_NUMBER.search(line.strip())
    if number is None or int(number.group(1) or number.group(2)) != printed:
        return False
    rest = key[2:] if number.group(1) else key[:-2]
    return bool(_PART_MARK.match(rest)) and sum(ch.isalpha() for ch in rest) >= MIN_PART_LETTERS


def _affixed(key: str, shared: set[Affix], running: set[str]) -> bool:
    """Whether a line with running ``shared`` affixes is furniture: what the affix leaves is a numbered
    part ("chapter #. articles", "#.#. getting set up") or a contents page's title, and the line does not
    open a running line (a title page's "Handbuch für Debian Edu" opens its header "… 12 / 98"). Slides
    titled "Project Phoenix: Budget", "Project Phoenix: Timeline" keep their titles."""
    if not shared or any(line.startswith(key) for line in running):
        return False
    for opens, affix in shared:
        rest = key[len(affix) :] if opens else key[: len(key) - len(affix)]
        if "#" in rest or is_navigation_title(rest.strip()):
            return True
    return False


def _page_number(line: str, page: int) -> bool:
    """A page's first line that is only its printed number, in a document with running furniture: a
    chapter's opening page drops its header and keeps the number ("14" above "2 Dateien mit
    convert-ly aktualisieren"), a blank page of front matter its roman one ("ii"). Printed numbers
    never run ahead of the page's place in the file. (A last line is left alone: a listing's output,
    "1", ends pages as often as a number does.)"""
    text = line.strip()
    return (text.isdigit() and 1 <= int(text) <= page) or bool(_LONE_ROMAN.match(text))


def _furniture(line_keys: dict[int, str], edge: list[int], running: set[str]) -> set[int]:
    """The lines of one edge (``line_keys``: their keys by index) that are running furniture: a
    running line itself, or one misread by OCR (a scanned or image-only page: "Handbuch fiir Debian
    Edu … 48 / 98"). A misread line counts when it ends in its page number or has it beside it, split
    onto a line of its own ("47 / 97"), which goes too: a title page's "Auto Multiple Choice" is no
    header."""
    if not running:
        return set()
    keys = [line_keys[i] for i in edge]
    drop = {i for i, k in zip(edge, keys, strict=True) if k in running}
    for position, (i, k) in enumerate(zip(edge, keys, strict=True)):
        if i in drop or k == "#" or not _near_running(k, running):
            continue
        if k.endswith("#"):  # its page number is on it
            drop.add(i)
            continue
        beside = [j for j in (position - 1, position + 1) if 0 <= j < len(edge) and keys[j] == "#"]
        if beside:
            drop.update([i, edge[beside[0]]])
    return drop


def _near_running(key: str, running: set[str]) -> bool:
    """Whether ``key`` is nearly a running line, spaces aside (OCR adds and drops them: "マニ ュ ア ル")."""
    squeezed = key.replace(" ", "")
    if len(squeezed) < MIN_NEAR_CHARS:
        return False
    matchers = (SequenceMatcher(None, squeezed, line.replace(" ", "")) for line in running)
    # the quick ratios bound the ratio from above: most lines are ruled out without computing it
    return any(
        m.real_quick_ratio() >= NEAR_RATIO and m.quick_ratio() >= NEAR_RATIO and m.ratio() >= NEAR_RATIO
        for m in matchers
    )


def hyphenated_words(pages: Sequence[str]) -> set[str]:
    """Words the document writes with a hyphen inside a line ("unix-ähnlich"), lower-cased."""
    found: set[str] = set()
    for page in pages:
        found.update(w.lower() for w in _HYPHEN_WORDS.findall(page))
    return found


def _should_join(left_word: str, right: str, keep: Collection[str]) -> bool:
    """Join "left-" + "right" when both sides meet in lower case ("Konfigu-" / "ration", "Ma-" /
    "riaDB") and the document does not write the pair with a hyphen elsewhere."""
    return left_word[-1:].islower() and right[:1].islower() and f"{left_word}-{right}".lower() not in keep


def join_hyphenated(text: str, keep: Collection[str] = ()) -> str:
    """Words hyphenated across a line end joined again (see the module docstring)."""

    def join(match: re.Match[str]) -> str:
        left, right, rest = match.groups()
        start = match.start()
        word_start = start
        while word_start > 0 and text[word_start - 1].isalpha():
            word_start -= 1
        left_word = text[word_start:start] + left
        if rest.startswith("-") or not _should_join(left_word, right, keep):
            return match.group(0)
        return f"{left}{right}{rest}\n"

    return _HYPHENATED.sub(join, text)


def join_across_pages(pages: list[str], keep: Collection[str] = ()) -> list[str]:
    """A word hyphenated at the end of a page is completed with the start of the next page's text."""
    out = list(pages)
    for i in range(len(out) - 1):
        head = out[i].rstrip()
        ending = _LAST_WORD.search(head)
        following = out[i + 1].lstrip()
        start = _FIRST_WORD.match(following)
        if not ending or not start or start.group(2).startswith("-"):
            continue
        if not _should_join(ending.group(1), start.group(1), keep):
            continue
        out[i] = head[:-1] + start.group(1) + start.group(2)
        out[i + 1] = following[start.end() :]
    return out
