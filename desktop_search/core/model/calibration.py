"""Calibration proper: time candidate encoders on the same passages and pick the fastest that agrees.

Pure measurement: it takes candidate loaders (precision name → a function returning an encoder), so
tests inject wrong or failing ones, and it knows nothing of files, settings or processes. Where the
choice is stored and when calibration runs is :mod:`desktop_search.core.model.precision`'s business;
:mod:`desktop_search.core.model.calibration_process` runs it in a child process for the real model.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from desktop_search.core.model.calibration_passages import calibration_passages
from desktop_search.core.model.candidates import CandidateLoader, Encoder

log = logging.getLogger(__name__)

REFERENCE = "float32"
MIN_AGREEMENT = 0.995  # mean cosine to float32 a candidate must reach
MIN_SPEEDUP = 1.1  # below this gain float32 stays: the difference is noise, float32 is exact
GIVE_UP_SLOWDOWN = 1.3  # a candidate this much slower than float32 on the probe is not timed further
PROBE_SIZE = 4  # passages of the first timed pass of each candidate
WARMUP_SIZE = 1  # passages encoded untimed first (lazy kernel set-up)


@dataclass(frozen=True)
class CandidateResult:
    """How one precision did: speed, agreement with float32, or the error that disqualified it."""

    precision: str
    passages_per_s: float = 0.0
    agreement: float = 0.0  # mean cosine to float32 (1.0 for float32 itself)
    error: str = ""

    @property
    def usable(self) -> bool:
        return not self.error and self.agreement >= MIN_AGREEMENT


@dataclass(frozen=True)
class Calibration:
    """The outcome of :func:`calibrate`: the choice and every candidate's figures."""

    choice: str
    results: tuple[CandidateResult, ...] = field(default_factory=tuple)

    def speedup(self, precision: str) -> float:
        by_name = {r.precision: r for r in self.results}
        ref, other = by_name.get(REFERENCE), by_name.get(precision)
        if not ref or not other or not ref.passages_per_s:
            return 0.0
        return other.passages_per_s / ref.passages_per_s


def _timed(encode: Encoder, passages: Sequence[str]) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    vectors = np.asarray(encode(passages), dtype=np.float32)
    return time.perf_counter() - start, vectors


def _mean_cosine(a: np.ndarray, b: np.ndarray) -> float:
    if a.shape != b.shape or not np.all(np.isfinite(a)):
        return 0.0
    na = a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)
    nb = b / np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-12)
    return float(np.mean(np.sum(na * nb, axis=1)))


def calibrate(
    candidates: Mapping[str, CandidateLoader],
    passages: Sequence[str] | None = None,
    repeats: int = 2,
    min_agreement: float = MIN_AGREEMENT,
    min_speedup: float = MIN_SPEEDUP,
) -> Calibration:
    """Time each candidate on ``passages`` and pick the fastest that agrees with float32.

    ``candidates`` maps a precision name to a loader returning an encoder (texts → vectors); it must
    contain ``float32``, the reference. Loading is not timed; each candidate encodes a few passages to
    warm up, then a probe of :data:`PROBE_SIZE` passages, then (unless the probe shows it slower by
    :data:`GIVE_UP_SLOWDOWN` or disagreeing) all of them ``repeats`` times; the best time counts. An
    error in float32 itself propagates; an error in any other candidate only disqualifies it.
    """
    if REFERENCE not in candidates:
        raise ValueError("calibration needs the float32 candidate as its reference")
    texts = list(passages) if passages is not None else calibration_passages()
    warmup, probe = texts[:WARMUP_SIZE], texts[:PROBE_SIZE]

    encode = candidates[REFERENCE]()
    encode(warmup)
    probe_time = _timed(encode, probe)[0]
    ref_time, reference = min((_timed(encode, texts) for _ in range(max(1, repeats))), key=lambda r: r[0])
    del encode
    results = [CandidateResult(REFERENCE, len(texts) / ref_time, 1.0)]
    baseline = _Baseline(texts, reference, ref_time, probe_time)

    for name, loader in candidates.items():
        if name == REFERENCE:
            continue
        try:
            results.append(_measure(name, loader, baseline, repeats, min_agreement))
        except Exception as exc:  # a candidate that cannot run here is simply not chosen
            log.info("precision %s failed during calibration: %s", name, exc)
            results.append(CandidateResult(name, error=f"{type(exc).__name__}: {exc}"[:300]))
        gc.collect()

    ref_speed = results[0].passages_per_s
    usable = [r for r in results[1:] if not r.error and r.agreement >= min_agreement]
    best = max(usable, key=lambda r: r.passages_per_s, default=None)
    choice = REFERENCE
    if best is not None and best.passages_per_s >= min_speedup * ref_speed:
        choice = best.precision
    return Calibration(choice, tuple(results))


@dataclass(frozen=True)
class _Baseline:
    texts: list[str]
    reference: np.ndarray  # float32 vectors of texts
    seconds: float  # float32's best time for texts
    probe_seconds: float  # float32's time for texts[:PROBE_SIZE]


def _measure(
    name: str, loader: CandidateLoader, base: _Baseline, repeats: int, min_agreement: float
) -> CandidateResult:
    """Time one candidate; one that is clearly slower or disagrees on the probe is not timed further."""
    encode = loader()
    encode(base.texts[:WARMUP_SIZE])
    probe = base.texts[:PROBE_SIZE]
    probe_time, vectors = _timed(encode, probe)
    agreement = _mean_cosine(vectors, base.reference[: len(probe)])
    if agreement < min_agreement or probe_time > GIVE_UP_SLOWDOWN * base.probe_seconds:
        return CandidateResult(name, len(probe) / probe_time, agreement)
    best, vectors = _timed(encode, base.texts)
    agreement = _mean_cosine(vectors, base.reference)
    for _ in range(repeats - 1):
        best = min(best, _timed(encode, base.texts)[0])
    return CandidateResult(name, len(base.texts) / best, agreement)
