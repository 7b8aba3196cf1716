"""Section titles of a plain-text file: where it is cut and what heads each part.

Four kinds of title, each a line of its own:

* titles marked with "=" as AsciiDoc and MediaWiki write them ("== Installing", "=== Options ==="),
  levelled by their count of "=", with the text's AsciiDoc two-line titles beside them;
* numbered section titles between blank lines, two or more numbers ("3.2.  Message Format", "1.3.3. MC
  文件管理"), levelled by their count of numbers; with them, chapter titles with one number ("1.
  Introduction", "IV. Writing", "Chapter 3. Errors") when numbered in order and the numbered sections
  after each are its own ("3.2" after "3."), and then appendices ("Appendix A. …");
* underlined titles ("Git 2.27 Release Notes" over "======", "PermitRootLogin" over "-------", as
  Markdown's setext headings and reST's are written): levelled by their adornment style's place in
  the order the text first uses them; the adornment lines are not text;
* in a text with neither, titles in capitals on lines of their own (a manual page's "DESCRIPTION",
  "SEE ALSO"; an old README's "INSTALLATION"), three or more.

A text needs two titles of a kind (:data:`MIN_SECTION_TITLES`) to be cut; marked titles win over
underlined ones, and underlined ones over numbered ones.
"""

from __future__ import annotations

import re

from desktop_search.core.extract.plain_contents import contents_spans
from desktop_search.core.extract.sections import numbered_titles, title_level

MIN_SECTION_TITLES = 2  # numbered titles a text needs before it is cut at them
# a chapter title with one number, standing alone: "1.  Introduction", "IV. Writing", "Chapter 3. Errors"
_NAME = r"[^\W\d_][^\n]{1,80}"
_CHAPTER_TITLE = re.compile(
    rf"^(?:(?:Chapter|CHAPTER)[ \t]+(?P<word>\d{{1,2}}|[IVXLC]{{1,7}})\.?(?:[ \t]+(?P<word_name>{_NAME}))?"
    rf"|(?P<arabic>\d{{1,2}})\.[ \t]+(?P<arabic_name>{_NAME})"
    rf"|(?P<roman>[IVXLC]{{1,7}})\.[ \t]+(?P<roman_name>{_NAME}))$",
    re.MULTILINE,
)
_APPENDIX_TITLE = re.compile(r"^Appendix[ \t]+([A-Z])[.:]?[ \t]+([^\W\d_][^\n]{1,80})$", re.MULTILINE)
_CHAPTER_END = re.compile(r"[.,;:!]$|(?:\.\s?){3,}")  # how a sentence or a contents line ends
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def _roman_value(numeral: str) -> int:
    values = [_ROMAN[c] for c in numeral]
    return sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0], strict=True))


def _standing_alone(text: str, start: int) -> bool:
    """The line at ``start`` has a blank line (or the text's edge) before and after it."""
    if start:  # text[start - 1] is the line break that ends the line before
        before_start = text.rfind("\n", 0, start - 1) + 1
        if text[before_start : start - 1].strip():
            return False
    end = text.find("\n", start)
    if end < 0:
        return True
    after_end = text.find("\n", end + 1)
    return not text[end + 1 : after_end if after_end >= 0 else len(text)].strip()


Cut = tuple[int, str, int]  # (offset, heading label, level)
Span = tuple[int, int]  # (start, end) offsets of a contents list


def outside(cuts: list[Cut], spans: list[Span]) -> list[Cut]:
    """The cuts that are not inside one of ``spans`` (contents lists: their entries cut nothing)."""
    return [cut for cut in cuts if not any(a <= cut[0] < b for a, b in spans)]


def _number_and_name(match: re.Match[str]) -> tuple[int, str]:
    """A chapter title's number and name ("CHAPTER IV." alone has none: Project Gutenberg's books put
    the name on a line of its own)."""
    numeral = match.group("word") or match.group("arabic") or match.group("roman")
    number = int(numeral) if numeral.isdigit() else _roman_value(numeral)
    name = match.group("word_name") or match.group("arabic_name") or match.group("roman_name") or ""
    return number, name.rstrip("¶ ")


def _chapter_titles(text: str) -> list[Cut]:
    """Chapter titles with one number that stand alone, numbered 1, 2, 3, … (or I, II, III, …; or from
    0) in reading order, and again from 1 for appendices or a book's next part; a run needs two titles,
    so a lone "1. Install" or a numbered list's item between paragraphs is not one."""
    runs: list[list[tuple[int, Cut]]] = [[]]  # each run: (number, cut) in order
    for match in _CHAPTER_TITLE.finditer(text):
        number, title = _number_and_name(match)
        if _CHAPTER_END.search(title) or not _standing_alone(text, match.start()):
            continue
        run = runs[-1]
        cut = (match.start(), " ".join(match.group(0).rstrip("¶ ").split()), 1)
        if run and number == run[-1][0] + 1:
            run.append((number, cut))
        elif number in (0, 1):  # a run begins (a lone title before it was no chapter)
            if len(run) < MIN_SECTION_TITLES:
                run.clear()
            else:
                runs.append(run := [])
            run.append((number, cut))
    return [cut for run in runs if len(run) >= MIN_SECTION_TITLES for _, cut in run]


def _appendix_titles(text: str) -> list[Cut]:
    """Appendix titles that stand alone, lettered A, B, C, … in reading order ("Appendix B. Protocol
    Encoding"): chapters of their own, so an appendix's passages are not headed by the last chapter."""
    cuts: list[Cut] = []
    for match in _APPENDIX_TITLE.finditer(text):
        title = match.group(2).rstrip("¶ ")
        in_order = ord(match.group(1)) - ord("A") == len(cuts)
        if in_order and not _CHAPTER_END.search(title) and _standing_alone(text, match.start()):
            cuts.append((match.start(), " ".join(match.group(0).rstrip("¶ ").split()), 1))
    return cuts


def _in_their_chapters(chapters: list[Cut], sections: list[tuple[int, str]]) -> bool:
    """Every numbered section after a chapter title is numbered in that chapter ("3.2" in "3. …"):
    a contents list's or a numbered list's items read as chapters otherwise."""
    for start, number in sections:
        before = [label for at, label, _ in chapters if at < start]
        if before and _chapter_number(before[-1]) != number.split(".")[0]:
            return False
    return True


def _chapter_number(label: str) -> str:
    appendix = _APPENDIX_TITLE.match(label)
    if appendix is not None:
        return appendix.group(1)
    match = _CHAPTER_TITLE.match(label)
    if match is None:  # pragma: no cover - labels are the titles the pattern matched
        return ""
    return str(_number_and_name(match)[0])


def section_titles(text: str, contents: list[Span]) -> list[Cut]:
    """Where ``text`` is cut: its numbered section titles that stand alone, and its chapter titles,
    outside its contents lists; none when there are fewer than :data:`MIN_SECTION_TITLES`."""
    spaced = text.replace("\xa0", " ")  # "1.3.3.\xa0MC": the same offsets, the title rule's spaces
    numbered = [
        (start, number, name)
        for start, number, name in numbered_titles(spaced)
        if _standing_alone(text, start) and not any(a <= start < b for a, b in contents)
    ]
    chapters = outside(_chapter_titles(spaced), contents)
    if not _in_their_chapters(chapters, [(start, number) for start, number, _ in numbered]):
        chapters = []
    if chapters:  # an appendix ends the last chapter
        chapters = sorted(chapters + outside(_appendix_titles(spaced), contents))
    sections = [
        (start, f"{number} {name.rstrip('¶ ')}", title_level(number) + (1 if chapters else 0))
        for start, number, name in numbered
    ]
    cuts = sorted(chapters + sections)
    return cuts if len(cuts) >= MIN_SECTION_TITLES else []


# a line of one character repeated, under (and maybe over) a title
_ADORNMENT = re.compile(r"^[ \t]*([=\-~^*#+])\1{2,}[ \t]*$")  # not "_": nroff's rules and underlines
_COLUMNS = re.compile(r"\S {3,}\S|\t")  # a table's header row, not a title
MAX_UNDERLINED_CHARS = 100
MAX_TITLE_INDENT = 4
_PROMPTS = ("$ ", "% ", "# ")  # a shell's prompt before a command


def _underlines(title: str, adornment: str) -> bool:
    """Whether ``adornment`` is as long as ``title``, give or take (a rule across the page is not)."""
    length, width = len(title.strip()), len(adornment.strip())
    return abs(width - length) <= max(3, length * 0.3)


def listing_fences(lines: list[str]) -> set[str]:
    """The rules a text fences listings with: a rule after a blank line that comes again, the same,
    two or more lines further down (AsciiDoc's "----" blocks). A line between two of them is a listing
    of one line ("$ git commit"), not a title over- and underlined as reST writes one; a rule under a
    line of text is an underline, and a pair around one line closes there."""
    fences: set[str] = set()
    opened: tuple[int, str] | None = None  # the rule that opened a block: (line, rule)
    for n, line in enumerate(lines):
        if _ADORNMENT.match(line) is None:
            continue
        rule = line.strip()
        if opened is not None and opened[1] == rule:
            if n - opened[0] > 2:
                fences.add(rule)
            opened = None
        else:
            opened = (n, rule) if n == 0 or not lines[n - 1].strip() else None
    return fences


Underlined = tuple[int, str, tuple[str, bool]]  # (title line, label, style: character, overlined)


def _underlined(lines: list[str]) -> tuple[list[Underlined], set[int]]:
    """The underlined (or over- and underlined) titles among ``lines``, and their adornment lines."""
    found: list[Underlined] = []
    dropped: set[int] = set()
    fences = listing_fences(lines)
    for n in range(len(lines) - 1):
        line, under = lines[n], _ADORNMENT.match(lines[n + 1])
        body = line.strip()
        if (
            under is None
            or not body
            or len(body) > MAX_UNDERLINED_CHARS
            or _ADORNMENT.match(line)
            or len(line) - len(line.lstrip()) > MAX_TITLE_INDENT
            or _COLUMNS.search(body)
            or body.endswith((";", "{", "}", "\\"))  # a line of code over a listing's closing rule
            or not _underlines(line, lines[n + 1])
        ):
            continue
        over = (
            n > 0
            and (m := _ADORNMENT.match(lines[n - 1])) is not None
            and m.group(1) == under.group(1)
            and len(lines[n - 1].strip()) == len(lines[n + 1].strip())  # a listing's rules differ
            and _underlines(line, lines[n - 1])
        )
        if over and (lines[n - 1].strip() in fences or body.startswith(_PROMPTS)):
            continue  # a listing of one line between rules: the text's fences, or a shell command
        if not over and n > 0 and lines[n - 1].strip():
            continue  # a paragraph's last line over a rule
        found.append((n, " ".join(body.rstrip("¶ ").split()), (under.group(1), over)))
        dropped.update({n - 1, n + 1} if over else {n + 1})
    return found, dropped


def underlined_titles(text: str) -> tuple[str, list[Cut]]:
    """``text`` without the adornment lines of its underlined titles, and those titles as cuts in it
    (see the module docstring); ``text`` and no cuts when it has fewer than two."""
    lines = text.split("\n")
    found, dropped = _underlined(lines)
    if len(found) < MIN_SECTION_TITLES:
        return text, []
    text, offsets = _rewritten(lines, dropped)
    first_line, first_label, first_style = found[0]
    later = [style for _, _, style in found[1:]]
    cuts: list[Cut] = []
    if first_style in later and not "\n".join(lines[: max(0, first_line - 1)]).strip():
        # the text opens with its title and its style comes back lower down: the document's title,
        # the later titles levelled among themselves
        cuts, found = [(offsets[first_line], first_label, 0)], found[1:]
    order = list(dict.fromkeys(style for _, _, style in found))  # styles in order of first use
    cuts += [(offsets[n], label, order.index(style) + 1) for n, label, style in found]
    return text, cuts


# AsciiDoc's (and MediaWiki's) one-line titles: "== Section", "=== Subsection ===", "= Document title"
_MARKED_TITLE = re.compile(r"^(={1,6})[ \t]+(\S[^\n]*?)(?:[ \t]+=+)?[ \t]*$")
# the lines that may stand over a title: "[[how-to]]", "[#id]", "[appendix]"
_BLOCK_ANCHOR = re.compile(r"^\[(?:\[[^\]\n]*\]|#[^\]\n]*|[a-z]+)\][ \t]*$")
_ATTRIBUTE_ENTRY = re.compile(r"^:!?[A-Za-z0-9_][\w-]*!?:(?:[ \t].*)?$")
ASCIIDOC_UNDERLINES = "=-~^+"  # a two-line title's underline, for the same level as "=", "==", "===", …
_BLOCK_FENCE = re.compile(r"^(?:-{4,}|\.{4,}|`{3}.*)[ \t]*$")  # AsciiDoc's listing and literal blocks


def marked_titles(text: str) -> tuple[str, list[Cut]]:
    """``text`` with its one-line titles ("== Installing", as AsciiDoc and MediaWiki write them) bare
    and their block anchors ("[[installing]]") gone, and those titles as cuts in it, levelled by their
    count of "=" ("= Title" opening the text is the document's title); with them, the text's titles
    in AsciiDoc's two-line form ("Title" over "=====" as "= Title", over "-----" as "== Title", …).
    ``text`` and no cuts when it has no one-line title or fewer than two section titles. Lines inside
    listings ("----" to "----") are not titles."""
    lines = text.split("\n")
    found: list[tuple[int, str, int]] = []  # (line, title, count of "=")
    dropped: set[int] = set()
    listing: set[int] = set()  # lines inside listings
    fence: str | None = None
    for n, line in enumerate(lines):
        if fence is not None:
            listing.add(n)
        if _BLOCK_FENCE.match(line):
            rule = line.strip()[:3] if line.startswith("`") else line.strip()
            if fence == rule:
                fence = None
            elif fence is None and (n == 0 or not lines[n - 1].strip() or lines[n - 1][:1] in "[."):
                fence = rule  # after a blank line, a block's attributes or title: not an underline
            continue
        match = _MARKED_TITLE.match(line) if fence is None else None
        if match is None:
            continue
        anchors = n - 1
        while anchors >= 0 and _BLOCK_ANCHOR.match(lines[anchors]):
            anchors -= 1
        if anchors >= 0 and lines[anchors].strip():
            continue  # a line of a paragraph that starts with "=" ("== 3" in a formula's text)
        found.append((n, " ".join(match.group(2).split()), len(match.group(1))))
        dropped.update(range(anchors + 1, n))
    if not found:
        return text, []
    underlined, _ = _underlined(lines)  # AsciiDoc's two-line titles: "Title" over "=====", "-----", …
    for n, title, (character, over) in underlined:
        if not over and character in ASCIIDOC_UNDERLINES and n not in listing:
            found.append((n, title, ASCIIDOC_UNDERLINES.index(character) + 1))
            dropped.add(n + 1)
    found.sort()
    opens = found[0][2] == 1 and not "".join(lines[: found[0][0]]).strip()
    if opens:  # the header's attribute entries (":toc:", ":sectanchors:") are settings, not text
        header = range(found[0][0] + 1, found[1][0] if len(found) > 1 else len(lines))
        dropped.update(n for n in header if _ATTRIBUTE_ENTRY.match(lines[n]))
    if len(found) - opens < MIN_SECTION_TITLES:  # the document's title alone cuts nothing
        return text, []
    text, offsets = _rewritten(lines, dropped, {n: title for n, title, _ in found})
    cuts: list[Cut] = []
    if opens:
        cuts, found = [(offsets[found[0][0]], found[0][1], 0)], found[1:]
    order = sorted({marks for _, _, marks in found})
    cuts += [(offsets[n], title, order.index(marks) + 1) for n, title, marks in found]
    return text, cuts


def _rewritten(
    lines: list[str], dropped: set[int], replaced: dict[int, str] | None = None
) -> tuple[str, dict[int, int]]:
    """The text of ``lines`` less the ``dropped`` ones, some ``replaced`` (a title's line by its bare
    title), and where each kept line now starts."""
    replaced = replaced or {}
    offsets: dict[int, int] = {}
    kept: list[str] = []
    size = 0
    for n, line in enumerate(lines):
        if n in dropped:
            continue
        line = replaced.get(n, line)
        offsets[n] = size
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept), offsets


MIN_CAPITAL_TITLES = 3  # titles in capitals a text needs: one or two are a warning, an acronym
MAX_CAPITAL_WORDS = 6


def _capital(line: str) -> bool:
    """An unindented short line in capitals: "DESCRIPTION", "REPORTING BUGS", "SEE ALSO"."""
    body = line.strip()
    letters = [ch for ch in body if ch.isalpha()]
    return (
        bool(body)
        and line == line.lstrip()
        and len(letters) >= 2
        and all(ch.isupper() for ch in letters)
        and len(body.split()) <= MAX_CAPITAL_WORDS
        and not body.endswith((".", ",", ";"))
    )


def capital_titles(text: str) -> list[Cut]:
    """Titles in capitals on lines of their own, a blank line before and a blank or indented line
    after: a manual page's "NAME", "SYNOPSIS", "DESCRIPTION", an old README's "INSTALLATION" (for texts
    with no titles of the other kinds); none when there are fewer than :data:`MIN_CAPITAL_TITLES`."""
    lines = text.split("\n")
    cuts: list[Cut] = []
    offset = 0
    for n, line in enumerate(lines):
        after = lines[n + 1] if n + 1 < len(lines) else ""
        if (
            _capital(line)
            and (n == 0 or not lines[n - 1].strip())
            and (not after.strip() or after[:1].isspace())
        ):
            cuts.append((offset, " ".join(line.split()).strip("*#: "), 1))  # org's "* INTRODUCTION"
        offset += len(line) + 1
    return cuts if len(cuts) >= MIN_CAPITAL_TITLES else []


def text_titles(text: str) -> tuple[str, list[Cut], list[Span]]:
    """``text`` without the marks of its titles (AsciiDoc's "==", underlines' adornment lines), where it
    is cut (titles of one kind: marked, else underlined, else numbered and chapters, else in capitals;
    none inside a contents list), and its contents lists
    (:func:`~desktop_search.core.extract.plain_contents.contents_spans`)."""
    text, titled = marked_titles(text)
    if not titled:
        text, titled = underlined_titles(text)
    contents = contents_spans(text)
    if titled:
        cuts = outside(titled, contents)
        return text, cuts if len(cuts) >= MIN_SECTION_TITLES else [], contents
    return text, section_titles(text, contents) or outside(capital_titles(text), contents), contents
