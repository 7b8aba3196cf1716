"""Open a sub-document: copy an archive member, a message or an attachment out of its container file into
a private temporary folder (0700, one per session, removed when the program exits), for the system's
default application to open; a compressed document (``manual.pdf.gz``) is opened as a decompressed copy
the same way, so its own application (the PDF viewer, not an archive manager) shows it.

Only the container is parsed here (its list of members, or its messages), under the same bomb limits
as indexing; the member itself is written out as it is, never parsed. The same reading gives the
preview a picture's bytes (:func:`picture_data`: a scan, a photo, a mail's screenshot), shown above
its recognised text.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from pathlib import Path

from desktop_search.core.errors import UserError
from desktop_search.core.extract.dispatch import part_data
from desktop_search.core.extract.kinds import IMAGE_EXTENSIONS, extension, is_compressed_document
from desktop_search.core.extract.reading import PathLike, read_bounded
from desktop_search.core.extract.results import ExtractionFailed, FileSkipped

_lock = threading.Lock()
_session_dir: Path | None = None


def session_dir() -> Path:
    """This session's private folder for opened members (created on first use, removed at exit)."""
    global _session_dir
    with _lock:
        if _session_dir is None or not _session_dir.is_dir():
            _session_dir = Path(tempfile.mkdtemp(prefix="desktop-search-open-"))  # mode 0700
            os.chmod(_session_dir, 0o700)
            atexit.register(shutil.rmtree, _session_dir, True)
        return _session_dir


def _safe_name(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".")
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    return name[:200] or "member"


def unpack_part(path: PathLike, part: str) -> Path:
    """Write sub-document ``part`` of the container file ``path`` to a new private folder; its path.

    Raises :class:`UserError` when the container or the part cannot be read any more.
    """
    try:
        name, data = part_data(path, part)
    except (ExtractionFailed, FileSkipped) as why:
        what = part or os.path.basename(os.fsdecode(path))
        raise UserError(f"Cannot open '{what}': {why.reason}") from None
    folder = Path(tempfile.mkdtemp(prefix="part-", dir=session_dir()))
    target = folder / _safe_name(name)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    return target


def decompressed_copy(path: PathLike) -> Path | None:
    """A private decompressed copy of a compressed document, for the application of what it holds;
    None for any other file (it opens as it is). :class:`UserError` when it cannot be decompressed."""
    return unpack_part(path, "") if is_compressed_document(path) else None


PICTURE_MAX_BYTES = 64 * 2**20  # a picture bigger than this is not previewed


def is_picture(path: PathLike, part: str | None = None) -> bool:
    """Whether a hit's file, or its part (a mail's picture, an archive's photo), is a picture."""
    return extension(part.rsplit("/", 1)[-1] if part else path) in IMAGE_EXTENSIONS


def picture_data(path: PathLike, part: str | None = None) -> bytes | None:
    """The bytes of the picture a hit comes from, for a preview: the file itself, or its ``part``;
    None when it is no picture, too large, or can no longer be read (the preview shows text only)."""
    if not is_picture(path, part):
        return None
    try:
        data = part_data(path, part)[1] if part else read_bounded(path, PICTURE_MAX_BYTES)
    except (ExtractionFailed, FileSkipped, OSError):
        return None
    return data if 0 < len(data) <= PICTURE_MAX_BYTES else None
