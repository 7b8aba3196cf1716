"""Phase 2 of indexing: meaning next. Passages that phase 1 wrote without a vector (``chunks.embedded =
0`` in the ledger) are embedded in large batches that span files, the files cheapest to finish first
(:mod:`~desktop_search.core.index.embedding_order`; each batch the passages most alike in length among
the next waiting, so little is padded), and their vectors stored
(:meth:`~desktop_search.core.store.store.Store.write_vectors`).

The phase works from the ledger alone, so passages left waiting by a killed or cancelled run are
embedded by the next one. The model is loaded on the first passage that needs it (the load lets phase 1
read files first, see :mod:`~desktop_search.core.index.keyword_first`).
:meth:`EmbeddingPhase.embed_passages` is the one place passages become vectors.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from itertools import accumulate

import numpy as np

from desktop_search.core.extract.sections import SEPARATOR
from desktop_search.core.index.cached_embedding import embed_with_cache
from desktop_search.core.index.embedding_order import next_waiting
from desktop_search.core.index.jobs import JobControl
from desktop_search.core.index.progress import RunProgress
from desktop_search.core.model.protocol import Embedder
from desktop_search.core.records import Phase
from desktop_search.core.store.ledger import ChunkRow
from desktop_search.core.store.store import Store

FILL_WAIT_S = 1.0  # how long a batch may wait for phase 1 to bring enough passages to fill it
CHOICE_WINDOW = 4  # a group is chosen among this many times its size of the next waiting passages
# A group (one call of the encoder, stored at once; a pause waits for the group in flight) is this many
# of the encoder's batches. The encoder sorts a call's passages by token count, and a larger call sorts
# better: benchmarks/indexing.py --limit 2000 --precision int8 (4,888 passages, 2-core AVX-512 Xeon,
# runs interleaved) ran the pipeline at 0.874-0.886 of the bare encoder with groups of 4 batches (128
# of the newest 512) and 0.905-0.920 with 8 (256 of 1,024), at 150 MB less peak RSS. Cutting a group of
# 8 into two calls of 4, its passages in order of characters, lost the gain (0.859-0.893).
GROUP_BATCHES = 8
# While phase 1 runs, the CPU encoder works on one core fewer, and a group started then finishes on it
# even after phase 1 has ended (its threads are fixed per call): groups are then one batch, so the
# encoder takes every core within a batch of phase 1's end. With groups of 8 batches throughout,
# benchmarks/indexing.py --limit 1500 --precision int8 ran 17 of its 128 int8 batches on one thread
# though phase 1 was over after 6.6 s of the run's 108 s; with one-batch groups, 3 did. On the full
# corpus (--precision int8, the same machine, one run each) the pipeline went from 32.04 to 33.24
# chunks/s, all passages embedded after 387 s instead of 401 s.
SPARING_GROUP_BATCHES = 1
IDLE_WAIT_S = 0.5  # how long to wait for phase 1 when no passage is waiting


def most_alike(chunks: Sequence[ChunkRow], size: int) -> list[ChunkRow]:
    """The ``size`` passages of ``chunks`` closest to each other in length that include the first, of
    several such the earliest in ``chunks``' order (all when there are fewer).

    The encoder pads each batch to its longest passage: a group of similar lengths wastes little. On
    SciFact's 12,750 passages, groups of 128 taken in file order padded 14.5 % more tokens than they
    held; the most alike 128 of the newest 512 pad 2.7 %, less than sorting 512 at once (4.3 %).
    The first passage (the next in phase 2's order) is always in: without it, a passage much longer or
    shorter than its neighbours stayed behind group after group while the window moved on, and a
    file was searchable by meaning only at the end of the run (seven PDF manuals, 2,841 passages: no
    file finished before the last group).
    """
    if len(chunks) <= size:
        return list(chunks)
    size_of = [len(c.text) + len(c.heading or "") for c in chunks]
    ordered = sorted(range(len(chunks)), key=size_of.__getitem__)
    lengths = [size_of[i] for i in ordered]
    lateness = list(accumulate(ordered, initial=0))  # of a span: how far down the order its passages are
    at = ordered.index(0)
    starts = range(max(0, at - size + 1), min(at, len(ordered) - size) + 1)
    start = min(starts, key=lambda i: (lengths[i + size - 1] - lengths[i], lateness[i + size] - lateness[i]))
    return [chunks[i] for i in ordered[start : start + size]]


def embedding_text(text: str, heading: str | None) -> str:
    """What is embedded for a chunk: its heading (a section's, or a text's title) on a line before it,
    so a passage far from its title still carries what it is about; not repeated when the chunk
    begins with it."""
    heading = embedded_heading(heading)
    if not heading or heading in text[: len(heading) + 12]:  # "## Heading", "1. Heading"
        return text
    return f"{heading}\n{text}"


def embedded_heading(heading: str | None) -> str | None:
    """The heading a passage is embedded with: of a path of three titles or more, the first and the
    last ("chapter › own section"). The sections between name the passage in results and in keyword
    search; in its vector they measured a wash (realdocs and LilyPond, both scenarios) and adding
    them would embed most passages of a manual again."""
    titles = heading.split(SEPARATOR) if heading else []
    return heading if len(titles) < 3 else f"{titles[0]}{SEPARATOR}{titles[-1]}"


class EmbeddingPhase:
    """Embeds the ledger's waiting passages until none is left and phase 1 is over.

    ``load_model`` loads the embedder (the engine's ``load_model``: it also opens the vector store);
    ``group_chunks`` is the passages per encoder call (0: :data:`GROUP_BATCHES` of the embedder's
    batches)."""

    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        load_model: Callable[[], None] | None = None,
        group_chunks: int = 0,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self._load_model = load_model or (lambda: embedder.load())
        self._group_chunks = group_chunks
        self.wake = threading.Event()  # set by phase 1 after each write

    def embed_passages(self, texts: Sequence[str], counter: RunProgress | None = None) -> np.ndarray:
        """Texts in, normalised vectors out (one row per text); a text embedded before (by this model)
        takes its vector from the cache (:mod:`~desktop_search.core.index.cached_embedding`)."""
        vectors, reused = embed_with_cache(self.embedder, texts, self.store.vector_cache)
        if counter is not None:
            counter.passages_reused += reused
        return vectors

    def run(self, counter: RunProgress, control: JobControl, phase1_over: Callable[[], bool]) -> None:
        """Embed until nothing waits and ``phase1_over()``; raises Cancelled when cancelled."""
        try:
            self._embed_waiting(counter, control, phase1_over)
        finally:
            self._spare_a_core(False)

    def _embed_waiting(
        self, counter: RunProgress, control: JobControl, phase1_over: Callable[[], bool]
    ) -> None:
        ledger = self.store.ledger
        loaded = False
        while True:
            control.checkpoint(lambda: counter.report(Phase.PAUSED, force=True))
            over = phase1_over()  # read before the ledger: a write after it shows in the next round
            if not loaded:
                if not ledger.unembedded(1):
                    if over:
                        return
                    self._wait(IDLE_WAIT_S)
                    continue
                self._spare_a_core(not over)  # before the load: the int8 path waits for phase 1
                self._load_model()  # the first waiting passage: phase 1 goes on meanwhile
                loaded = True
            group = self._group_size(sparing=not over)
            waiting = next_waiting(ledger, CHOICE_WINDOW * group)
            deadline = time.monotonic() + FILL_WAIT_S
            while len(waiting) < group and not over and time.monotonic() < deadline:
                self._wait(deadline - time.monotonic())  # a larger batch embeds faster per passage
                over = phase1_over()
                waiting = next_waiting(ledger, CHOICE_WINDOW * group)
            batch = most_alike(waiting, group)
            if not batch:
                if over:
                    return
                self._wait(IDLE_WAIT_S)
                continue
            self._spare_a_core(not over)  # phase 1 reads files meanwhile: leave it a core
            vectors = self.embed_passages([embedding_text(c.text, c.heading) for c in batch], counter)
            stored = self.store.write_vectors(batch, vectors)
            counter.chunks_done += len(stored)
            paths = {c.path for c in stored}
            counter.meaning_done += len(paths - ledger.files_waiting(sorted(paths)))
            counter.report()

    def _group_size(self, sparing: bool) -> int:
        """Passages per encoder call: the configured group, else :data:`GROUP_BATCHES` of the
        embedder's batches (:data:`SPARING_GROUP_BATCHES` while phase 1 still runs)."""
        if self._group_chunks:
            return self._group_chunks
        batches = SPARING_GROUP_BATCHES if sparing else GROUP_BATCHES
        return max(16, batches * int(self.embedder.batch_size))

    def phase1_ended(self) -> None:
        """Phase 1 is over (called on its thread): wake phase 2, and let the embedder take every core
        (and start its int8 path) now rather than after the batch in flight, which on one thread of a
        slow CPU can take half a minute."""
        self.wake.set()
        self._spare_a_core(False)

    def _spare_a_core(self, spare: bool) -> None:
        """Tell an embedder that can run on fewer threads (the CPU one) whether phase 1 still runs."""
        spare_a_core = getattr(self.embedder, "spare_a_core", None)  # optional: not in the protocol
        if spare_a_core is not None:
            spare_a_core(spare)

    def _wait(self, seconds: float) -> None:
        self.wake.wait(max(0.0, seconds))
        self.wake.clear()
