"""Containers whose members are documents of their own (archives, mail): part names, nesting, limits.

A container's members go through the same extractor dispatch as files on disk; each member's sections
are tagged with its *part*, the path of names that leads to it inside the container, joined by
:data:`SEP` ("reports/q3.pdf", "message 12 / invoice.pdf"). One :class:`Budget` is shared by a
whole container tree: the bomb limits of :mod:`safezip` (member size, total size, ratio to the file's
own size, member count) hold for every format and every level. Containers open at most
:data:`MAX_DEPTH` levels deep. What cannot be read is noted ("name: reason") and the rest goes on.

Time: each member starts with at least :data:`MEMBER_TIME_S` of processor time of its own, so a zip
of fifty manuals is not cut off at the single file's limit and one slow member does not use up the
time of the members after it; the whole tree gains at most :data:`MAX_TREE_EXTRA_S` that way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Protocol

from desktop_search.core.extract.ocr_reasons import OCR_LIFTS
from desktop_search.core.extract.results import (
    NO_TEXT_IN_PICTURE,
    WHOLE_FILE_NOTES,
    Deadline,
    Extracted,
    ExtractionFailed,
    FileSkipped,
    Part,
    assemble,
)
from desktop_search.core.extract.safezip import (
    BOMB_REASON,
    MAX_MEMBER_BYTES,
    MAX_MEMBERS,
    MAX_RATIO,
    MAX_TOTAL_BYTES,
    RATIO_FLOOR,
)

SEP = " / "  # between the names of a part's path: "message 12 / invoice.pdf"
MAX_DEPTH = 2  # an archive inside an archive is read; one more level is not
DEPTH_REASON = "Nested too deeply (a container inside a container inside this one); not read."
ENCRYPTED_REASON = "Password-protected; not read."
MEMBER_BOMB_REASON = "Expands to far more data than its size (a zip bomb?); not read."
TOO_MANY_REASON = f"More than {MAX_MEMBERS:,} members; the rest were not read."
MAX_NOTES_SHOWN = 3
OUT_OF_TIME_REASON = "Not read: reading the members before it took all the time allowed."
MEMBER_TIME_S = 60.0  # processor time each member may use, from its start
MAX_TREE_EXTRA_S = 1800.0  # what members may add to a container tree's time limit, all together
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def clean_name(name: str) -> str:
    """A member name as a part label: no control characters, no separator look-alike, no leading './'."""
    name = _CONTROL.sub(" ", name).replace(SEP, "/").strip()
    while name.startswith(("./", "/")):
        name = name[2:] if name.startswith("./") else name[1:]
    return name or "unnamed"


def unique_label(name: str, used: set[str]) -> str:
    """``name``, or "report (2).pdf", "report (3).pdf", … when a part before it has that label;
    the label returned is added to ``used``."""
    label, k = name, 2
    while label in used:
        stem, dot, ext = name.rpartition(".")
        label = f"{stem} ({k}).{ext}" if dot and stem else f"{name} ({k})"
        k += 1
    used.add(label)
    return label


def join(*labels: str | None) -> str | None:
    """The part path of nested labels (None ones left out); None when all are None."""
    kept = [label for label in labels if label]
    return SEP.join(kept) if kept else None


def split(part: str) -> list[str]:
    return [segment for segment in part.split(SEP) if segment]


class TreeTooLarge(ExtractionFailed):
    """The container as a whole passed a limit: nothing more of it is read."""


@dataclass
class Budget:
    """What a whole container tree may still decompress (see the module docstring)."""

    deadline: Deadline
    file_size: int
    total: int = 0
    members: int = 0
    extra_s: float = 0.0  # processor time granted to members beyond the file's own limit

    def member_time(self) -> None:
        """Give the next member its own processor time (see the module docstring)."""
        if self.extra_s < MAX_TREE_EXTRA_S:
            self.extra_s += self.deadline.renew(min(MEMBER_TIME_S, MAX_TREE_EXTRA_S - self.extra_s))

    def next_member(self) -> bool:
        """Time for the next member (a slow one before it may have used up its own); False when the
        tree's time is spent, and its remaining members are noted instead of read."""
        self.member_time()
        try:
            self.deadline.check()
        except ExtractionFailed:
            return False
        return True

    def refuse(self, declared: int, compressed: int | None = None) -> str | None:
        """The reason a member of ``declared`` bytes may not be read, or None."""
        if not self.next_member():
            return OUT_OF_TIME_REASON
        if declared > MAX_MEMBER_BYTES or self.total + declared > MAX_TOTAL_BYTES:
            return MEMBER_BOMB_REASON
        if compressed is not None and declared > RATIO_FLOOR and declared > MAX_RATIO * max(1, compressed):
            return MEMBER_BOMB_REASON
        return None

    def limit(self) -> int:
        """How many bytes the next member may really decompress to."""
        return min(MAX_MEMBER_BYTES, MAX_TOTAL_BYTES - self.total)

    def over_ratio(self, more: int) -> bool:
        """Whether ``more`` bytes on top of what was read make the tree a bomb (checked while reading)."""
        total = self.total + more
        return total > RATIO_FLOOR and total > MAX_RATIO * max(1, self.file_size)

    def add(self, size: int) -> None:
        """Count a member's real size; ExtractionFailed when the tree as a whole is a bomb."""
        self.total += size
        self.members += 1
        if self.over_ratio(0):
            raise TreeTooLarge(BOMB_REASON)
        if self.members > MAX_MEMBERS:
            raise TreeTooLarge(f"The file has too many members (over {MAX_MEMBERS:,}).")


class MemberExtractor(Protocol):
    """The dispatch's extraction of bytes named like a file (``dispatch.extract_nested``)."""

    def __call__(self, path: str, data: bytes, nesting: Nesting, /) -> Extracted: ...


@dataclass(frozen=True)
class Nesting:
    """Where an extraction runs: the shared budget, how many containers it is inside, and the dispatch
    that reads members (passed in, so this module does not import the dispatch that imports it)."""

    budget: Budget
    extract: MemberExtractor
    depth: int = 0
    ocr: str = "on"  # the file's OCR mode, for its members too: 'on', 'off' or 'defer'

    def deeper(self) -> Nesting:
        return Nesting(self.budget, self.extract, self.depth + 1, self.ocr)


@dataclass
class Gathered:
    """A container's parts and notes as its members are read."""

    parts: list[Part] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ocr_pages: int = 0  # members' pages and pictures read by OCR
    unread_scans: int = 0  # members' scanned pages and pictures left for OCR (off or not installed)

    def note(self, label: str | None, reason: str) -> None:
        self.notes.append(f"{label}: {reason}" if label else reason)

    def add_member(
        self,
        label: str,
        name: str,
        data: bytes,
        nesting: Nesting,
        date: float | None = None,
        quiet: bool = False,
    ) -> None:
        """Extract a member's bytes (``name`` chooses the extractor) and keep its sections under ``label``.
        A member skipped is a note, unless it is a picture without text (a photo attached) or ``quiet``
        (a picture a message shows: any skip of it is no note)."""
        nesting.budget.member_time()
        try:
            extracted = nesting.extract(name, data, nesting.deeper())
        except TreeTooLarge:
            raise
        except FileSkipped as why:
            if why.reason in OCR_LIFTS:  # a picture or a scan: read once OCR can run, not a defect
                self.unread_scans += 1
            elif not quiet and why.reason != NO_TEXT_IN_PICTURE:  # a photo attached is no defect
                self.note(label, why.reason)
            return
        except ExtractionFailed as why:
            self.note(label, why.reason)
            return
        for s in extracted.sections:
            self.parts.append(
                Part(s.text, s.page, s.heading, s.navigation, join(label, s.part), s.date or date)
            )
        self.notes.extend(
            f"{label}: {n}" if n in WHOLE_FILE_NOTES else f"{label}{SEP}{n}" for n in extracted.notes
        )
        self.ocr_pages += extracted.ocr_pages
        self.unread_scans += extracted.unread_scans

    def extracted(self, kind: str) -> Extracted:
        """The container's parts as one extraction, with its members' notes and OCR counts."""
        result = assemble(self.parts, kind, notes=self.notes, ocr_pages=self.ocr_pages)
        return replace(result, unread_scans=self.unread_scans)


def notes_reason(notes: Iterable[str]) -> str:
    """One sentence for the Files view: how many parts were not read in full, the first few with their
    reason; a note about the whole file (a cut-off image) as it is."""
    notes = list(notes)
    if not notes:
        return ""
    if all(n in WHOLE_FILE_NOTES for n in notes):
        return " ".join(dict.fromkeys(notes))
    shown = "; ".join(notes[:MAX_NOTES_SHOWN])
    more = f"; and {len(notes) - MAX_NOTES_SHOWN} more" if len(notes) > MAX_NOTES_SHOWN else ""
    what = "part was" if len(notes) == 1 else "parts were"
    return f"{len(notes)} {what} not read in full: {shown}{more}"


def nothing_read(notes: list[str], label: str) -> Exception:
    """The error for a container none of whose members could be read."""
    if notes and all(n.endswith(ENCRYPTED_REASON) for n in notes):
        return ExtractionFailed(f"The {label} is password-protected; its members were not read.")
    if not notes:
        return FileSkipped(f"The {label} is empty.")
    count = "1 part" if len(notes) == 1 else f"{len(notes)} parts"
    return FileSkipped(f"Nothing in the {label} could be read ({count}; {notes[0]})")
