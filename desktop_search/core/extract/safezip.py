"""Zip and XML reading for Office, ODF and EPUB files, guarded against bombs.

A zip member is refused when its declared or actual size passes a limit or its compression ratio is
absurd; XML with a DOCTYPE or ENTITY declaration is refused (no entity expansion, no external
entities). Office documents never need either.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from xml.etree import ElementTree as ET

from desktop_search.core.extract.results import Deadline, ExtractionFailed

MAX_MEMBER_BYTES = 256 * 2**20
MAX_TOTAL_BYTES = 512 * 2**20
MAX_RATIO = 200  # uncompressed / compressed, checked for members over RATIO_FLOOR bytes
RATIO_FLOOR = 2 * 2**20
MAX_MEMBERS = 20000
BOMB_REASON = "The document expands to far more data than its size (a zip bomb?); it was not read."
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)


class SafeZip:
    """A read-only view of a zip archive that counts every byte it decompresses."""

    def __init__(self, data: bytes, kind_label: str, deadline: Deadline) -> None:
        self.label = kind_label
        self.deadline = deadline
        self._total = 0
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zf.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
            raise ExtractionFailed(f"The {kind_label} file is damaged (not a valid zip archive).") from err
        if len(infos) > MAX_MEMBERS:
            raise ExtractionFailed(f"The {kind_label} file has too many parts ({len(infos)}).")
        self.infos = {info.filename: info for info in infos}

    def names(self) -> list[str]:
        return list(self.infos)

    def has(self, name: str) -> bool:
        return name in self.infos

    def read(self, name: str) -> bytes:
        """A member's bytes; ExtractionFailed when missing, damaged or bomb-like."""
        self.deadline.check()
        info = self.infos.get(name)
        if info is None:
            raise ExtractionFailed(f"The {self.label} file is damaged (part '{name}' is missing).")
        if info.file_size > MAX_MEMBER_BYTES or self._total + info.file_size > MAX_TOTAL_BYTES:
            raise ExtractionFailed(BOMB_REASON)
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(1, info.compress_size):
            raise ExtractionFailed(BOMB_REASON)
        limit = min(MAX_MEMBER_BYTES, MAX_TOTAL_BYTES - self._total)
        chunks: list[bytes] = []
        size = 0
        try:
            with self.zf.open(info) as member:
                while chunk := member.read(1 << 20):
                    size += len(chunk)
                    if size > limit or size > max(info.file_size, 1) * 2 + 1024:
                        raise ExtractionFailed(BOMB_REASON)
                    chunks.append(chunk)
        except ExtractionFailed:
            raise
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError) as err:
            raise ExtractionFailed(
                f"The {self.label} file is damaged (part '{name}' cannot be read)."
            ) from err
        self._total += size
        return b"".join(chunks)

    def xml(self, name: str) -> ET.Element:
        return parse_xml(self.read(name), self.label)

    def close(self) -> None:
        self.zf.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def parse_xml(data: bytes, label: str) -> ET.Element:
    """Parse XML that must not declare a DTD or entities."""
    if _DTD.search(data[:65536]) or b"<!ENTITY" in data or b"<!entity" in data:
        raise ExtractionFailed(
            f"The {label} file contains XML entity declarations, which are refused for safety."
        )
    try:
        return ET.fromstring(data)
    except ET.ParseError as err:
        raise ExtractionFailed(f"The {label} file is damaged (invalid XML).") from err


def resolve(base: str, href: str) -> str:
    """A zip member path from a relationship target relative to ``base`` (a member path)."""
    from urllib.parse import unquote

    href = unquote(href.split("#", 1)[0])
    if href.startswith("/"):
        return href.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), href))


def local(tag: str) -> str:
    """An element's tag without its namespace."""
    return tag.rsplit("}", 1)[-1]
