"""Plain text and source code: decode, keep as one section."""

from __future__ import annotations

from desktop_search.core.extract.encoding import decode_text
from desktop_search.core.extract.results import Deadline, Extracted, Part, assemble


def extract_plain(data: bytes, deadline: Deadline, kind: str = "text") -> Extracted:
    return assemble([Part(decode_text(data))], kind)
