"""Keyword first: the model's load waits while phase 1 reads files, for at most :data:`CAP_S`.

Loading the model is mostly Python (importing sentence-transformers and transformers, building the
modules), so it holds the interpreter lock that phase 1's extraction, chunking and ledger writes need
too: on a 2-core AVX2 EPYC, the 5,183 SciFact files were all keyword-searchable after 45 s with the load
beside phase 1 and after 23 s without it (the load itself takes about 20 s there). The model embeds
little meanwhile anyway: while phase 1 runs the encoder has one core, and a slow CPU embeds a few
passages a second on it. So the indexer holds the load back (:meth:`KeywordFirst.begin` when phase 1
starts, :meth:`KeywordFirst.end` when it is over), and :meth:`Engine.load_model` waits
(:meth:`KeywordFirst.wait`) before loading. The wait is capped: with a large backlog (minutes of phase
1) the model loads after :data:`CAP_S` all the same, so meaning is never far behind. A search during
the wait answers from the keyword leg, as during any load.

The window loads the model as soon as it opens, while the background service is still getting ready
(its extraction worker, the folder watcher, the scan): a load that began then was never held back, and
a backlog of files changed while the app was closed became searchable only beside it. So the service's
first run is announced (:meth:`KeywordFirst.expect`) before it starts, and a load waits for its scan to
say whether phase 1 comes (:meth:`KeywordFirst.settled` when the run is over), at most
:data:`EXPECT_CAP_S`: a start with nothing to read loads the model after the scan.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator

log = logging.getLogger(__name__)

CAP_S = 30.0  # the longest a model load waits for phase 1
EXPECT_CAP_S = 5.0  # the longest a model load waits for a starting run to begin phase 1 (or not)


class KeywordFirst:
    """Holds a model load back while phase 1 runs, at most ``cap_s`` from the phase's start, and while
    an announced run has not yet begun it, at most ``expect_cap_s`` from the announcement."""

    def __init__(
        self,
        cap_s: float = CAP_S,
        clock: Callable[[], float] = time.monotonic,
        expect_cap_s: float = EXPECT_CAP_S,
    ) -> None:
        self.cap_s = cap_s
        self.expect_cap_s = expect_cap_s
        self._clock = clock
        self._since: float | None = None
        self._expected: float | None = None  # when a run that may begin phase 1 was announced
        self._changed = threading.Condition()

    @property
    def reading(self) -> bool:
        """Whether phase 1 is running (and so a load would wait)."""
        with self._changed:
            return self._since is not None

    def expect(self) -> None:
        """A run is about to start: a load waits until it begins phase 1 or is over (:meth:`settled`)."""
        with self._changed:
            if self._since is None and self._expected is None:
                self._expected = self._clock()

    def settled(self) -> None:
        """A run is over: what it announced has come and gone, or never came."""
        with self._changed:
            self._expected = None
            self._changed.notify_all()

    @contextlib.contextmanager
    def settling(self) -> Iterator[None]:
        """A run (the one announced, if any): :meth:`settled` when it is over, however it ends."""
        try:
            yield
        finally:
            self.settled()

    def begin(self) -> None:
        """Phase 1 starts (a second begin keeps the first one's start)."""
        with self._changed:
            self._expected = None
            if self._since is None:
                self._since = self._clock()

    def end(self) -> None:
        """Phase 1 is over, cancelled or failed: a waiting load goes on."""
        with self._changed:
            self._since = None
            self._expected = None
            self._changed.notify_all()

    def wait(self) -> float:
        """Block while phase 1 runs, until its end or :attr:`cap_s` after its start, and while an
        announced run has not begun it, at most :attr:`expect_cap_s`; seconds waited."""
        started = self._clock()
        with self._changed:
            while (until := self._until()) is not None:
                left = until - self._clock()
                if left <= 0:
                    break
                self._changed.wait(left)
        waited = self._clock() - started
        if waited >= 0.5:
            log.info("the model load waited %.1f s for files to become keyword-searchable", waited)
        return waited

    def _until(self) -> float | None:
        """When a waiting load goes on at the latest (None: now); under the condition's lock."""
        if self._since is not None:
            return self._since + self.cap_s
        if self._expected is not None:
            return self._expected + self.expect_cap_s
        return None
