"""Zip and tar archives (plain, gzip, bzip2, xz): each member a sub-document named by its path inside.

Members go through the extractor dispatch like files on disk (see :mod:`subdocs`), under the shared
bomb limits: a member over them, an encrypted one or one that cannot be read is noted with its reason
and the rest goes on. In a compressed tar, a member over the limits ends the listing (skipping it
would mean decompressing it). 7z is not read: no maintained reader bundled here can stop a bomb
while it decompresses (see the README).
"""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from desktop_search.core.extract.results import Extracted, ExtractionFailed, FileSkipped
from desktop_search.core.extract.safezip import BOMB_REASON
from desktop_search.core.extract.subdocs import (
    ENCRYPTED_REASON,
    MEMBER_BOMB_REASON,
    OUT_OF_TIME_REASON,
    TOO_MANY_REASON,
    Budget,
    Gathered,
    Nesting,
    TreeTooLarge,
    clean_name,
    nothing_read,
)

SEVEN_ZIP_REASON = "7z archives are not read yet (no bundled reader can enforce the size limits)."
_TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz")
_SKIPPED_NAMES = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")
_READ_ERRORS = (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, tarfile.TarError)


def format_by_name(name: str) -> str | None:
    """'zip', 'tar' or '7z' from a file name, or None."""
    lower = name.lower()
    if lower.endswith(".zip"):
        return "zip"
    if lower.endswith(_TAR_SUFFIXES):
        return "tar"
    if lower.endswith(".7z"):
        return "7z"
    return None


def format_of(name: str, data: bytes) -> str:
    """The archive format by the bytes (a zip named .tar is read as a zip), else by the name."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "zip"
    if data.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z"
    return format_by_name(name) or "tar"


@dataclass(frozen=True)
class Entry:
    """A member: its cleaned path, and its bytes or the reason it was not read."""

    name: str
    data: bytes | None
    reason: str | None = None


def _skipped(name: str) -> bool:
    return name.startswith(_SKIPPED_NAMES[0]) or name.rsplit("/", 1)[-1] in _SKIPPED_NAMES[1:]


def _read_stream(stream: io.BufferedIOBase | None, declared: int, budget: Budget) -> bytes:
    """A member's bytes, stopped at the budget's limit and at twice its declared size."""
    if stream is None:
        raise ExtractionFailed("Cannot be read.")
    limit = budget.limit()
    chunks: list[bytes] = []
    size = 0
    while chunk := stream.read(1 << 20):
        size += len(chunk)
        if size > limit or size > max(declared, 1) * 2 + 1024:
            raise ExtractionFailed(MEMBER_BOMB_REASON)
        if budget.over_ratio(size):
            raise TreeTooLarge(BOMB_REASON)
        chunks.append(chunk)
        budget.deadline.check()
    budget.add(size)
    return b"".join(chunks)


def zip_entries(data: bytes, budget: Budget) -> Iterator[Entry]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except _READ_ERRORS as err:
        raise ExtractionFailed("The zip archive is damaged (its list of members cannot be read).") from err
    for n, info in enumerate(infos):
        if n >= 20000:
            yield Entry("…", None, TOO_MANY_REASON)
            return
        name = clean_name(info.filename)
        if info.is_dir() or _skipped(info.filename):
            continue
        if info.flag_bits & 0x1:
            yield Entry(name, None, ENCRYPTED_REASON)
            continue
        if not budget.next_member():
            yield Entry("…", None, f"The rest of the archive: {OUT_OF_TIME_REASON}")
            return
        reason = budget.refuse(info.file_size, info.compress_size)
        if reason:
            yield Entry(name, None, reason)
            continue
        try:
            with zf.open(info) as stream:
                yield Entry(name, _read_stream(stream, info.file_size, budget))  # type: ignore[arg-type]
        except TreeTooLarge:
            raise
        except ExtractionFailed as err:
            yield Entry(name, None, err.reason)
        except (*_READ_ERRORS, RuntimeError) as err:  # RuntimeError: an encryption flag zipfile found
            yield Entry(name, None, f"Cannot be read ({type(err).__name__}); it may be damaged.")


def tar_entries(data: bytes, budget: Budget) -> Iterator[Entry]:
    try:
        tf = tarfile.open(fileobj=io.BytesIO(data), mode="r:*")  # noqa: SIM115 (in memory; nothing to close)
    except _READ_ERRORS as err:
        raise ExtractionFailed("The tar archive is damaged (it cannot be opened).") from err
    compressed = data[257:262] != b"ustar"
    count = 0
    while True:
        if not budget.next_member():
            yield Entry("…", None, f"The rest of the archive: {OUT_OF_TIME_REASON}")
            return
        try:
            info = tf.next()
        except _READ_ERRORS as err:
            cut = "cut off" if isinstance(err, EOFError | tarfile.ReadError) else "damaged"
            yield Entry("…", None, f"The archive is {cut} after {count} members ({type(err).__name__}).")
            return
        if info is None:
            return
        count += 1
        if count > 20000:
            yield Entry("…", None, TOO_MANY_REASON)
            return
        name = clean_name(info.name)
        if not info.isfile() or _skipped(info.name):
            continue
        reason = budget.refuse(info.size)
        if reason:
            yield Entry(name, None, reason)
            if compressed:
                yield Entry("…", None, "The rest of the archive lies beyond that member; not read.")
                return
            continue
        try:
            yield Entry(name, _read_stream(tf.extractfile(info), info.size, budget))  # type: ignore[arg-type]
        except TreeTooLarge:
            raise
        except ExtractionFailed as err:
            yield Entry(name, None, err.reason)
        except _READ_ERRORS as err:
            yield Entry(name, None, f"Cannot be read ({type(err).__name__}); it may be damaged.")


def entries(fmt: str, data: bytes, budget: Budget) -> Iterator[Entry]:
    if fmt == "7z":
        raise FileSkipped(SEVEN_ZIP_REASON)
    return zip_entries(data, budget) if fmt == "zip" else tar_entries(data, budget)


def extract_archive(name: str, data: bytes, nesting: Nesting) -> Extracted:
    """Every member's sections, each under its path; members not read are in ``notes``."""
    gathered = Gathered()
    for entry in entries(format_of(name, data), data, nesting.budget):
        if entry.data is None:
            gathered.note(entry.name, entry.reason or "Not read.")
        else:
            gathered.add_member(entry.name, entry.name, entry.data, nesting)
    if not gathered.parts:
        raise nothing_read(gathered.notes, "archive")
    return gathered.extracted("archive")


def find_member(name: str, data: bytes, label: str, budget: Budget) -> tuple[str, bytes]:
    """The bytes of the member whose part label is ``label`` (and its file name)."""
    for entry in entries(format_of(name, data), data, budget):
        if entry.name == label:
            if entry.data is None:
                raise ExtractionFailed(f"{label}: {entry.reason}")
            return entry.name.rsplit("/", 1)[-1], entry.data
    raise ExtractionFailed(f"'{label}' is no longer in the archive.")
