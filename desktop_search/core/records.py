"""Small frozen dataclasses that travel between the core and its callers (GUI, CLI, benchmarks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class FileStatus(StrEnum):
    """Where a file stands in the ledger."""

    PENDING = "pending"  # seen, not yet (or not completely) indexed
    INDEXED = "indexed"
    SKIPPED = "skipped"  # deliberately not indexed (binary, too large, unsupported); reason says why
    FAILED = "failed"  # extraction failed; reason says why
    UNAVAILABLE = "unavailable"  # its folder is missing (unplugged drive); entries are kept


class Phase(StrEnum):
    """What the indexer is doing."""

    IDLE = "idle"
    LOADING_MODEL = "loading model"
    SCANNING = "scanning"
    INDEXING = "indexing"
    PAUSED = "paused"
    DONE = "done"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class IndexProgress:
    """One progress report from the indexer (rate-limited by the sender)."""

    phase: Phase
    files_done: int = 0
    files_total: int = 0
    chunks_done: int = 0
    current_file: str = ""
    chunks_per_s: float = 0.0
    eta_s: float | None = None
    failed: int = 0
    message: str = ""
    # keyword first, meaning next: ``files_done`` counts files keyword-searchable (or skipped, failed);
    # ``meaning_done`` of ``meaning_total`` files with passages have all their vectors
    meaning_done: int = 0
    meaning_total: int = 0
    files_indexed: int = 0  # files of the run that got passages (or were renamed)
    passages_reused: int = 0  # passages whose vector was reused, not computed
    keyword_ready_s: float | None = None  # seconds from the run's start until phase 1 was done
    postponed: int = 0  # files left for the next run, through no fault of their own (no worker started)
    # files an earlier run left keyword-searchable, their passages waiting for vectors: this run embeds
    # them (counted in ``meaning_total``) and they are searchable from its start
    keyword_only_at_start: int = 0


@dataclass(frozen=True)
class FileRecord:
    """One row of the file ledger."""

    path: str
    folder: str
    status: FileStatus
    size: int = 0
    mtime: float = 0.0
    content_hash: str = ""
    reason: str = ""
    chunk_count: int = 0
    model: str = ""
    indexed_at: float = 0.0
    # what built the passages (see extract.versions): the extractor kind ('' when unknown) and the
    # extractor's and the chunker's versions; 1 means "before versions existed"
    kind: str = ""
    extractor_version: int = 1
    chunking_version: int = 1
    ocr_pages: int = 0  # pages (or images) whose text was recognised by OCR


@dataclass(frozen=True)
class SearchFilters:
    """Restrictions applied inside the store query."""

    folders: tuple[str, ...] = ()  # absolute folder paths; a hit must be under one of them
    extensions: tuple[str, ...] = ()  # lower-case, without dot: ("pdf", "md")
    modified_after: float | None = None  # POSIX timestamps
    modified_before: float | None = None
    include_unavailable: bool = False
    phrases: tuple[str, ...] = ()  # a passage must contain each (case- and accent-folded)
    excluded: tuple[str, ...] = ()  # words or phrases a passage must not contain


@dataclass(frozen=True)
class Span:
    """A character range inside a passage's text, to highlight."""

    start: int
    end: int


# a passage whose first this many characters (beyond its section's title) hold that title shows it already
SECTION_OPENING_CHARS = 120


@dataclass(frozen=True)
class SearchHit:
    """One passage found by a search."""

    chunk_id: str
    path: str
    text: str
    page: int | None
    start: int  # character offsets of the passage in the file's extracted text
    end: int
    heading: str | None = None
    similarity: float | None = None  # cosine similarity of the dense leg (None: not found densely)
    strength: float | None = None  # the cosine as a 0..1 match strength on the model's scale
    keyword_score: float | None = None  # BM25 of the keyword leg (None: no keyword match)
    score: float = 0.0  # fused score, higher is better; used for ranking
    rank: int = 0  # 1-based fused rank
    highlights: tuple[Span, ...] = ()
    more: tuple[SearchHit, ...] = field(default=())  # further passages of the same file (grouped mode)
    # grouped mode: the file's strong other passages, shown under it (core.search.grouping); not in more
    inline: tuple[SearchHit, ...] = field(default=())
    navigation: bool = False  # a table of contents or an index, ranked after every passage of real text
    modified: float = 0.0  # the file's modification time (POSIX)
    duplicates: tuple[str, ...] = ()  # other files with identical content, folded into this one
    similar: tuple[SearchHit, ...] = field(default=())  # near-identical passages of other files, folded
    # the sub-document inside a container file: an archive member's path ("reports/q3.pdf"), a message
    # ("message 12") or an attachment ("message 12 / invoice.pdf"); None for a plain file
    part: str | None = None
    # the similarity the dense leg ranked by, on the same scale, where the query lost its language's
    # offset first (core.search.match_strength); what is shown; None where it is the plain cosine
    ranked_strength: float | None = None
    # the same passage in other language editions of the document, folded under it
    # (core.search.translations); ``language`` is set on a result that has them and on each of them
    translations: tuple[SearchHit, ...] = field(default=())
    language: str | None = None

    @property
    def shown_section(self) -> str:
        """The innermost section of the heading for a result line ("9.8.10 Undeleting …" of "System
        tips › 9.8.10 …"), after the section it is in when the path names one ("2.2 Measuring
        Resistance › 2.2.2 Procedure"); without the innermost when the passage's first lines hold it
        already, "" when nothing is left: a listing or a paragraph in the middle of a long section
        then still says what the section is about."""
        if not self.heading:
            return ""
        titles = [" ".join(title.split()) for title in self.heading.split(" › ")]
        section, within = titles[-1], titles[-2] if len(titles) >= 3 else ""
        opening = " ".join(self.text[: len(section) + SECTION_OPENING_CHARS].split())
        if not section or section in opening:
            return within
        return f"{within} › {section}" if within else section

    @property
    def has_strength(self) -> bool:
        """False for a passage found by its words alone whose meaning was not compared with the query
        (the model still loading, the passage not embedded yet, a keyword-only search): it has no
        match strength to show, and shows none rather than 0 %."""
        return self.ranked_strength is not None or self.strength is not None or self.similarity is not None

    @property
    def display_score(self) -> float:
        """0..1 confidence for display: the strength of the similarity the hit was ranked by, else the
        match strength (see ``core.search.match_strength``), else the clipped cosine, else 0."""
        if self.ranked_strength is not None:
            return self.ranked_strength
        if self.strength is not None:
            return self.strength
        return max(0.0, min(1.0, self.similarity or 0.0))
