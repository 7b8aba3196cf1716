"""A copy of an embedder whose phase 2 stands still until the test releases it (the match scale, which
the model's load measures, passes), so a test can look at the index between the two phases."""

from __future__ import annotations

import copy
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from desktop_search.core.search.match_strength import CALIBRATION_PAIRS

SCALE_PASSAGES = [passage for _, passage in CALIBRATION_PAIRS]


def gated(embedder: Any, timeout: float = 120.0) -> tuple[Any, threading.Event]:
    """A shallow copy of ``embedder`` whose ``embed_documents`` waits for the returned event to be set
    (at most ``timeout`` seconds, then the test fails)."""
    release = threading.Event()
    blocked = copy.copy(embedder)

    def embed_documents(texts: Sequence[str]) -> np.ndarray:
        if list(texts) != SCALE_PASSAGES:
            assert release.wait(timeout), "the test never released the embedder"
        return embedder.embed_documents(texts)  # type: ignore[no-any-return]

    blocked.embed_documents = embed_documents
    return blocked, release
