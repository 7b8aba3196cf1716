"""Read a file's bytes within a size limit, turning every OS error into a reason a user can read."""

from __future__ import annotations

import errno
import os
import stat

from desktop_search.core.extract.results import ExtractionFailed, FileSkipped

DEFAULT_MAX_BYTES = 100 * 2**20
PathLike = str | bytes | os.PathLike


def size_limit_reason(max_bytes: int) -> str:
    return f"Larger than the {max_bytes / 2**20:g} MB limit."


def os_error_reason(err: OSError) -> str:
    """A sentence for an OS error, without traceback text."""
    if isinstance(err, FileNotFoundError):
        return "The file no longer exists (it was moved or deleted)."
    if isinstance(err, PermissionError):
        return "Permission denied: the file cannot be read."
    if isinstance(err, IsADirectoryError):
        return "This is a folder, not a file."
    if err.errno in (errno.EIO, errno.ENXIO, errno.ENODEV):
        return "The disk reported an error while reading the file."
    detail = err.strerror or type(err).__name__
    return f"The file cannot be read ({detail})."


def file_size(path: PathLike) -> int:
    """The size of a regular file; FileSkipped for folders, devices and pipes."""
    try:
        st = os.stat(path)
    except OSError as err:
        raise ExtractionFailed(os_error_reason(err)) from None
    if not stat.S_ISREG(st.st_mode):
        raise FileSkipped("Not a regular file.")
    return st.st_size


def read_head(path: PathLike, n: int = 8192) -> bytes:
    """The first ``n`` bytes (for sniffing the format)."""
    try:
        with open(path, "rb") as f:
            return f.read(n)
    except OSError as err:
        raise ExtractionFailed(os_error_reason(err)) from None


def read_bounded(path: PathLike, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The whole file, or FileSkipped when it is empty or larger than ``max_bytes``."""
    size = file_size(path)
    if size > max_bytes:
        raise FileSkipped(size_limit_reason(max_bytes))
    if size == 0:
        raise FileSkipped("Empty file.")
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as err:
        raise ExtractionFailed(os_error_reason(err)) from None
    if len(data) > max_bytes:
        raise FileSkipped(size_limit_reason(max_bytes))
    if not data:
        raise FileSkipped("Empty file.")
    return data
