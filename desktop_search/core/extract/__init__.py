"""Text extraction: from a file on disk to its text, cut into sections with exact offsets.

``extract_file`` reads a file in the calling process; ``ExtractorPool`` isolates the risky formats
(PDF, Office, ODF, EPUB, RTF, large files) in worker processes with time and memory limits.
Both raise :class:`FileSkipped` (deliberately not indexed) or :class:`ExtractionFailed` (should
have text but could not be read); each carries a ``reason`` sentence for the user.

Only the standard library and pypdf are used; nothing here imports Qt, torch or chromadb.
"""

from __future__ import annotations

from desktop_search.core.extract.dispatch import extract_file, register_extractor, unregister_extractor
from desktop_search.core.extract.kinds import SUPPORTED_EXTENSIONS, is_candidate
from desktop_search.core.extract.pool import ExtractorPool, WorkerUnavailable
from desktop_search.core.extract.results import Extracted, ExtractionFailed, FileSkipped, Section

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "Extracted",
    "ExtractionFailed",
    "ExtractorPool",
    "FileSkipped",
    "Section",
    "WorkerUnavailable",
    "extract_file",
    "is_candidate",
    "register_extractor",
    "unregister_extractor",
]
