"""What extraction returns: the text of a file cut into sections, and the two ways it can stop."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    """A piece of the extracted text; ``start``/``end`` are offsets into :attr:`Extracted.text`."""

    text: str
    start: int
    end: int
    page: int | None = None
    heading: str | None = None
    navigation: bool = False  # a table of contents or an index: listed, never ranked above real text
    # the sub-document it belongs to: None for a plain file; an archive member's path
    # ("reports/q3.pdf"), a message ("message 12") or an attachment ("message 12 / invoice.pdf")
    part: str | None = None
    date: float | None = None  # the sub-document's own date (a message's), POSIX seconds


@dataclass(frozen=True)
class Extracted:
    """A file's text: all sections joined with a blank line, offsets exact.

    ``notes`` lists what a container could not read, one "name: reason" each (a member over the
    limits, an encrypted one, an attachment in an unknown format); the rest of it is in ``sections``.
    """

    text: str
    sections: tuple[Section, ...]
    kind: str
    page_count: int | None = None
    notes: tuple[str, ...] = ()
    ocr_pages: int = 0  # pages (or images) whose text was recognised by OCR
    unread_scans: int = 0  # scanned pages left unread: OCR off or not installed (read again once it runs)


class ExtractionFailed(Exception):
    """The file should have text but it could not be read; ``reason`` is a sentence for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class FileSkipped(Exception):
    """The file is deliberately not indexed (binary, too large, unsupported); ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Part:
    """One section as an extractor produces it, before the parts are joined."""

    text: str
    page: int | None = None
    heading: str | None = None
    navigation: bool = False
    part: str | None = None  # see Section
    date: float | None = None


WALL_FACTOR = 5.0  # wall time allowed per second of the processor-time limit (a busy machine is slow)


class Deadline:
    """A cooperative time limit: long extractors call :meth:`check` between pages or members.

    It counts the extracting thread's processor time, so a busy machine does not use up a file's
    budget (see :mod:`~desktop_search.core.extract.cpu_time`); wall time stops a file only at
    :data:`WALL_FACTOR` times the limit (an extractor waiting on a stalled disk).
    """

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._cpu_end = time.thread_time() + timeout_s
        self._wall_end = time.monotonic() + WALL_FACTOR * timeout_s
        self.on_extend: Callable[[float], None] | None = None  # the worker tells its pool

    def extend(self, seconds: float) -> None:
        """Give slow, expected work (a page to recognise) more time, and tell whoever watches."""
        self._cpu_end += seconds
        self._wall_end += WALL_FACTOR * seconds
        self.timeout_s += seconds
        if self.on_extend is not None:
            self.on_extend(seconds)

    def renew(self, seconds: float) -> float:
        """Make sure at least ``seconds`` of processor time are left from now (a container's next
        member gets time of its own); returns the seconds added (0 when enough were left)."""
        added = max(0.0, time.thread_time() + seconds - self._cpu_end)
        if added:
            self._wall_end = max(self._wall_end, time.monotonic())  # the wall limit renews with it
            self.extend(added)
        return added

    def check(self) -> None:
        if time.thread_time() > self._cpu_end or time.monotonic() > self._wall_end:
            raise ExtractionFailed(timeout_reason(self.timeout_s))


def timeout_reason(timeout_s: float) -> str:
    return f"Extraction took longer than {timeout_s:g} s; the file may be damaged."


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufeff]|[\ud800-\udfff]")
# symbol fonts' glyphs (Wingdings bullets, OpenSymbol's formula signs, icon fonts) in the private use
# area: no model or keyword reads them, and FTS5 glued them to the letters beside them ("\ue09en")
_PRIVATE_USE = re.compile(r"[ \t]*[\ue000-\uf8ff]+[ \t]*")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_BLANK_RUNS = re.compile(r"\n{3,}")


def clean_text(text: str) -> str:
    """Normalize line ends, drop control characters and lone surrogates, set symbol fonts' private
    glyphs aside (a space), trim blank runs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\x0b", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\xa0", " ")
    text = _CONTROL.sub(lambda m: "" if m.group() < "\ud800" or m.group() > "\udfff" else "\ufffd", text)
    text = _PRIVATE_USE.sub(" ", text)
    text = _TRAILING_SPACE.sub("\n", text)
    text = _BLANK_RUNS.sub("\n\n", text)
    return text.strip()


def comment_line(text: str, author: str = "") -> str:
    """A comment as every format writes it after the text it is on: "Comment (Ann): …"."""
    return f"Comment ({author}): {text}" if author else f"Comment: {text}"


def assemble(
    parts: Iterable[Part],
    kind: str,
    page_count: int | None = None,
    notes: Iterable[str] = (),
    ocr_pages: int = 0,
) -> Extracted:
    """Join the non-empty parts with a blank line and record each one's exact offsets."""
    pieces: list[str] = []
    sections: list[Section] = []
    pos = 0
    for part in parts:
        text = clean_text(part.text)
        if not text:
            continue
        if pieces:
            pieces.append("\n\n")
            pos += 2
        heading = " ".join(part.heading.split()) if part.heading else None
        sections.append(
            Section(
                text, pos, pos + len(text), part.page, heading or None, part.navigation, part.part, part.date
            )
        )
        pieces.append(text)
        pos += len(text)
    return Extracted("".join(pieces), tuple(sections), kind, page_count, tuple(notes), ocr_pages)


# A note about the whole file (not one of its members): shown as it is, or after a member's name.
CUT_OFF_IMAGE_NOTE = "The image seems damaged or cut off; what could be read of it is indexed."
WHOLE_FILE_NOTES = frozenset({CUT_OFF_IMAGE_NOTE})

NO_TEXT_IN_PICTURE = "No text was recognised in the image."  # a photo: nothing to tell inside a container

OCR_PAGE_BUDGET_S = 60.0  # extra time a page being recognised adds to a file's limit (busy machines)


class NeedsOcr(Exception):
    """The file's text is in images; raised when recognition is deferred (see ``ocr`` in dispatch)."""
