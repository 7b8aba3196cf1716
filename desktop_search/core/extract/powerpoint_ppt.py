"""PowerPoint 97–2003 ``.ppt`` presentations: each slide's text and notes, read with olefile ([MS-PPT]).

A ``.ppt`` is a Compound File whose ``PowerPoint Document`` stream is a tree of records (an 8-byte
header: version and instance, type, length; version 0xF marks a container). Records refer to each
other by persist id; the persist directory maps ids to stream offsets. It is found from the
``Current User`` stream, which points at the last edit (UserEditAtom); each edit points at its
directory and at the edit before it (a file saved incrementally has several; the newest entry wins).

The document's slide list gives the slides in presentation order. A slide's text is every text atom
inside its container (title and body placeholders, text boxes, table cells, in drawing order), and
its speaker notes are those of the notes page its SlideAtom names; like a ``.pptx``, each slide is a
section with its number as page and its title as heading. Older files keep the text in the slide list
itself, after each slide's entry; that text is used where the slide's container has none. Placeholders
of slide numbers ("*") are dropped. Encrypted presentations are skipped with a reason.
"""

from __future__ import annotations

import struct

from desktop_search.core.extract.compound_file import open_compound, read_stream
from desktop_search.core.extract.results import (
    Deadline,
    Extracted,
    ExtractionFailed,
    FileSkipped,
    Part,
    assemble,
)

# record types
_SLIDE_ATOM = 0x03EF
_SLIDE_LIST, _SLIDE_PERSIST, _TEXT_HEADER = 0x0FF0, 0x03F3, 0x0F9F
_TEXT_CHARS, _TEXT_BYTES = 0x0FA0, 0x0FA8
_USER_EDIT, _PERSIST_DIRECTORY, _CURRENT_USER = 0x0FF5, 0x1772, 0x0FF6
_TITLES = frozenset({0, 6})  # TextHeaderAtom: title, centred title
_NOTES_TEXT = 2
_MAX_EDITS = 10_000  # a chain of edits longer than this is a loop


class _Damaged(Exception):
    pass


def extract_ppt(data: bytes, deadline: Deadline) -> Extracted:
    with open_compound(data, "PowerPoint presentation") as ole:
        if ole.exists("EncryptedSummary"):  # written only by an encrypted save
            raise FileSkipped("The PowerPoint presentation is password-protected.")
        if not ole.exists("PowerPoint Document") or not ole.exists("Current User"):
            raise ExtractionFailed("The PowerPoint presentation is damaged (a stream is missing).")
        stream = read_stream(ole, "PowerPoint Document")
        current = read_stream(ole, "Current User")
    try:
        deck = _Deck(stream, current)
        parts = []
        for number, (slide, listed) in enumerate(deck.slides(), start=1):
            deadline.check()
            texts = deck.texts(slide) or listed
            notes = [text for kind, text in deck.texts(deck.notes_of(slide)) if kind == _NOTES_TEXT]
            title = next((text for kind, text in texts if kind in _TITLES), None)
            body = "\n".join(text for _, text in texts)
            if notes:
                body = body + "\n\n" + "\n".join(notes)
            parts.append(Part(body, page=number, heading=" ".join(title.split()) if title else None))
    except (_Damaged, struct.error, IndexError, RecursionError):
        raise ExtractionFailed(
            "The PowerPoint presentation is damaged (its records do not add up)."
        ) from None
    return assemble(parts, "ppt", page_count=len(parts))


def _header(buf: bytes, at: int) -> tuple[int, int, int, int]:
    """(version, instance, type, length) of the record at ``at``."""
    version_instance, kind, length = struct.unpack_from("<HHI", buf, at)
    return version_instance & 0xF, version_instance >> 4, kind, length


class _Deck:
    def __init__(self, stream: bytes, current: bytes) -> None:
        self.buf = stream
        _, _, kind, _ = _header(current, 0)
        if kind != _CURRENT_USER:
            raise _Damaged
        edit_at = struct.unpack_from("<I", current, 16)[0]  # CurrentUserAtom.offsetToCurrentEdit
        self.persist: dict[int, int] = {}
        self.document: int | None = None
        for _ in range(_MAX_EDITS):
            _, _, kind, _ = _header(stream, edit_at)
            if kind != _USER_EDIT:
                raise _Damaged
            last_edit, directory, document = struct.unpack_from("<III", stream, edit_at + 16)
            if self.document is None:
                self.document = document
            self._read_directory(directory)
            if last_edit == 0:
                break
            edit_at = last_edit
        if self.document not in self.persist:
            raise _Damaged
        self._notes: dict[int, int] | None = None  # notes page id -> offset, read on first need

    def _read_directory(self, at: int) -> None:
        _, _, kind, length = _header(self.buf, at)
        if kind != _PERSIST_DIRECTORY:
            raise _Damaged
        pos, end = at + 8, at + 8 + length
        while pos + 4 <= end:
            entry = struct.unpack_from("<I", self.buf, pos)[0]
            first, count = entry & 0xFFFFF, entry >> 20
            offsets = struct.unpack_from(f"<{count}I", self.buf, pos + 4)
            for n, offset in enumerate(offsets):
                self.persist.setdefault(first + n, offset)  # newer edits were read first
            pos += 4 + 4 * count

    def _children(self, at: int) -> list[tuple[int, int, int, int]]:
        """(type, instance, body offset, length) of the records inside the container at ``at``."""
        version, _, _, length = _header(self.buf, at)
        if version != 0xF:
            return []
        found, pos, end = [], at + 8, min(len(self.buf), at + 8 + length)
        while pos + 8 <= end:
            _, instance, kind, size = _header(self.buf, pos)
            found.append((kind, instance, pos, size))
            pos += 8 + size
        return found

    def _find(self, at: int, kind: int, depth: int) -> int | None:
        for child_kind, _, pos, _ in self._children(at):
            if child_kind == kind:
                return pos
            if depth > 1:
                found = self._find(pos, kind, depth - 1)
                if found is not None:
                    return found
        return None

    def slides(self) -> list[tuple[int | None, list[tuple[int, str]]]]:
        """Each slide in presentation order: its container's offset, and the text the slide list
        itself holds for it (older files)."""
        slides: list[tuple[int | None, list[tuple[int, str]]]] = []
        text_type = 4
        for child, child_at, size in self._slide_list(instance=0):
            if child == _SLIDE_PERSIST:
                ref = struct.unpack_from("<I", self.buf, child_at + 8)[0]
                slides.append((self.persist.get(ref), []))
            elif child == _TEXT_HEADER and size >= 4:
                text_type = struct.unpack_from("<I", self.buf, child_at + 8)[0]
            elif child in (_TEXT_CHARS, _TEXT_BYTES) and slides:
                slides[-1][1].append((text_type, self._text(child, child_at, size)))
        return slides

    def _slide_list(self, instance: int) -> list[tuple[int, int, int]]:
        """(type, offset, length) of the records in the document's slide list of ``instance`` (0 the
        slides, 2 the notes pages)."""
        assert self.document is not None
        return [
            (child, child_at, size)
            for kind, list_instance, pos, _ in self._children(self.persist[self.document])
            if kind == _SLIDE_LIST and list_instance == instance
            for child, _, child_at, size in self._children(pos)
        ]

    def notes_of(self, slide: int | None) -> int | None:
        """The offset of the slide's notes page, if it has one: its SlideAtom names the notes page's id,
        which the notes list (the slide list of instance 2) maps to a persist id."""
        atom = self._find(slide, _SLIDE_ATOM, depth=1) if slide is not None else None
        if atom is None or _header(self.buf, atom)[3] < 20:
            return None
        notes_id = struct.unpack_from("<I", self.buf, atom + 8 + 16)[0]  # SlideAtom.notesIdRef
        if self._notes is None:
            self._notes = {}
            for child, child_at, size in self._slide_list(instance=2):
                if child == _SLIDE_PERSIST and size >= 16:  # persist id at 0, the notes page's id at 12
                    ref, _, _, notes = struct.unpack_from("<IIII", self.buf, child_at + 8)
                    if ref in self.persist:
                        self._notes[notes] = self.persist[ref]
        return self._notes.get(notes_id) if notes_id else None

    def texts(self, container: int | None, depth: int = 0) -> list[tuple[int, str]]:
        """(text type, text) of every text atom inside ``container``, in record order."""
        if container is None or depth > 32:
            return []
        found: list[tuple[int, str]] = []
        text_type = 4
        for kind, _, pos, size in self._children(container):
            if kind == _TEXT_HEADER and size >= 4:
                text_type = struct.unpack_from("<I", self.buf, pos + 8)[0]
            elif kind in (_TEXT_CHARS, _TEXT_BYTES):
                text = self._text(kind, pos, size)
                if text.strip() and text.strip() != "*":  # "*": a slide number's placeholder
                    found.append((text_type, text))
            else:
                found.extend(self.texts(pos, depth + 1))
        return found

    def _text(self, kind: int, at: int, size: int) -> str:
        raw = self.buf[at + 8 : at + 8 + size]
        text = raw.decode("utf-16-le", "replace") if kind == _TEXT_CHARS else raw.decode("latin-1")
        return text.replace("\r", "\n").replace("\x0b", "\n")
