"""Single compressed files (``manual.pdf.gz``, ``notes.txt.bz2``, ``README.gz``), and signed ones
(``contract.pdf.p7m``): the file inside.

gzip, bzip2 and xz compress one file, not a folder of them; Debian ships its manuals so
(``/usr/share/doc/bzip2/manual.pdf.gz``), and people keep old notes and logs so. The file inside is
named by the name without the suffix (:func:`~desktop_search.core.extract.kinds.inner_name`) and read
as that file would be, under the bomb limits of :mod:`safezip` shared with archives, and never to more
bytes than the same file on disk may have (:data:`~desktop_search.core.extract.reading.DEFAULT_MAX_BYTES`).
A file named so that is not compressed at all is read as it is. Compressed tars are archives
(:mod:`archives`); zstd, lz4 and the rest are not read (the standard library has no reader for them).
A ``.p7m`` wraps one file in its signature, not compressed (:func:`smime.signed_payload`): it is read the
same way, as the document its name says; ``smime.p7m``, a mail's signed body saved on its own, as a
message (:func:`~desktop_search.core.extract.kinds.inner_name`). An encrypted one is listed as skipped.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib

from desktop_search.core.extract.reading import DEFAULT_MAX_BYTES, size_limit_reason
from desktop_search.core.extract.results import ExtractionFailed, FileSkipped
from desktop_search.core.extract.safezip import BOMB_REASON
from desktop_search.core.extract.subdocs import Budget

# suffix -> (the format's first bytes, its name for messages)
_FORMATS = {
    "gz": (b"\x1f\x8b", "gzip"),
    "bz2": (b"BZh", "bzip2"),
    "xz": (b"\xfd7zXZ\x00", "xz"),
}
SIGNED_REASON = "The signed file (.p7m) is damaged, or its signature holds no document (one kept beside it)."
ENCRYPTED_REASON = "The file (.p7m) is encrypted: only its recipient's key opens it."
_ERRORS = (OSError, EOFError, ValueError, zlib.error, lzma.LZMAError)


def _open(suffix: str, data: bytes) -> io.BufferedIOBase:
    raw = io.BytesIO(data)
    if suffix == "gz":
        return gzip.GzipFile(fileobj=raw)
    if suffix == "bz2":
        return bz2.BZ2File(raw)
    return lzma.LZMAFile(raw)


def decompress(name: str, data: bytes, budget: Budget) -> bytes:
    """The bytes of the file the compressed file ``name`` holds (``data`` as it is when it is not
    compressed in the format its name says). FileSkipped when they are larger than a file may be,
    ExtractionFailed when the data is damaged or a bomb."""
    suffix = name.rpartition(".")[2].lower()
    if suffix == "p7m":
        return _signed(data, budget)
    magic, label = _FORMATS[suffix]
    if not data.startswith(magic):
        return data
    limit = min(budget.limit(), DEFAULT_MAX_BYTES)
    chunks: list[bytes] = []
    size = 0
    try:
        with _open(suffix, data) as stream:
            while chunk := stream.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise FileSkipped(f"{size_limit_reason(limit).rstrip('.')} when decompressed.")
                if budget.over_ratio(size):
                    raise ExtractionFailed(BOMB_REASON)
                chunks.append(chunk)
                budget.deadline.check()
    except _ERRORS as err:
        cut = "cut off" if isinstance(err, EOFError) else "damaged"
        raise ExtractionFailed(f"The {label}-compressed file is {cut}; it cannot be decompressed.") from None
    budget.add(size)
    return b"".join(chunks)


def _signed(data: bytes, budget: Budget) -> bytes:
    """The document inside a signed file; ``data`` as it is when it is not signed at all."""
    from desktop_search.core.extract.smime import encrypted_file, looks_signed, signed_payload

    if not looks_signed(data):
        return data
    if encrypted_file(data):
        raise FileSkipped(ENCRYPTED_REASON)
    inner = signed_payload(data)
    if inner is None:
        raise ExtractionFailed(SIGNED_REASON)
    limit = min(budget.limit(), DEFAULT_MAX_BYTES)
    if len(inner) > limit:
        raise FileSkipped(size_limit_reason(limit))
    budget.add(len(inner))
    return inner
