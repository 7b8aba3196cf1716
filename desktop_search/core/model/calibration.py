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
PROBE_SIZE = 4  # passages of the first timed pass of each candidate (encoded once untimed before)
PROBE_ROUNDS = 2  # timed probes of each candidate, in turns; the fastest counts


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
    contain ``float32``, the reference. Loading is not timed. The candidates take turns at everything
    they encode (float32, bfloat16, int8, float32, …): first a probe of :data:`PROBE_SIZE` passages,
    once untimed (it builds the kernels for its shapes), then :data:`PROBE_ROUNDS` times timed. One that
    disagrees with float32 on it, or whose best probe is slower than float32's by
    :data:`GIVE_UP_SLOWDOWN`, is not timed further. The others encode all the passages ``repeats``
    times, and each one's best time counts. Taking turns matters on a first start: calibration
    runs beside the indexer's text extraction, whose load comes and goes, and timing one candidate
    after the other once let a burst of it fall on bfloat16 alone (measured at 2.5 passages/s against
    float32's 9.2, where it runs 3.3x faster than float32 on that machine). An error in float32 itself
    propagates; an error in any other candidate only disqualifies it.
    """
    if REFERENCE not in candidates:
        raise ValueError("calibration needs the float32 candidate as its reference")
    texts = list(passages) if passages is not None else calibration_passages()
    probe = texts[:PROBE_SIZE]

    encoders: dict[str, Encoder] = {REFERENCE: candidates[REFERENCE]()}
    failed: dict[str, str] = {}
    for name, loader in candidates.items():
        if name != REFERENCE:
            try:
                encoders[name] = loader()
            except Exception as exc:  # a candidate that cannot run here is simply not chosen
                _failed(failed, name, exc)

    probes: dict[str, tuple[float, np.ndarray]] = {}
    for round_ in range(PROBE_ROUNDS + 1):  # round 0 builds the kernels for the probe's shapes
        for name, encode in encoders.items():
            if name in failed:
                continue
            try:
                seconds, vectors = _timed(encode, probe)
            except Exception as exc:
                if name == REFERENCE:
                    raise
                _failed(failed, name, exc)
                continue
            if round_ and seconds < probes.get(name, (float("inf"), vectors))[0]:
                probes[name] = (seconds, vectors)
    ref_probe_time, ref_probe = probes[REFERENCE]
    agreement = {name: _mean_cosine(vectors, ref_probe) for name, (_t, vectors) in probes.items()}
    timed = [
        name
        for name, (seconds, _v) in probes.items()
        if name == REFERENCE
        or (agreement[name] >= min_agreement and seconds <= GIVE_UP_SLOWDOWN * ref_probe_time)
    ]

    best: dict[str, float] = {}
    full: dict[str, np.ndarray] = {}
    for _ in range(max(1, repeats)):
        for name in [n for n in timed if n not in failed]:
            try:
                seconds, vectors = _timed(encoders[name], texts)
            except Exception as exc:
                if name == REFERENCE:
                    raise
                _failed(failed, name, exc)
                continue
            best[name] = min(best.get(name, seconds), seconds)
            full.setdefault(name, vectors)
    del encoders
    gc.collect()

    results = []
    for name in candidates:
        if name in failed:
            results.append(CandidateResult(name, error=failed[name]))
        elif name in best:
            results.append(
                CandidateResult(name, len(texts) / best[name], _mean_cosine(full[name], full[REFERENCE]))
            )
        else:  # stopped at the probe
            results.append(CandidateResult(name, len(probe) / probes[name][0], agreement[name]))
    results.sort(key=lambda r: r.precision != REFERENCE)  # float32 first
    ref_speed = results[0].passages_per_s
    usable = [r for r in results[1:] if not r.error and r.agreement >= min_agreement and r.precision in best]
    fastest = max(usable, key=lambda r: r.passages_per_s, default=None)
    choice = REFERENCE
    if fastest is not None and fastest.passages_per_s >= min_speedup * ref_speed:
        choice = fastest.precision
    return Calibration(choice, tuple(results))


def _failed(failed: dict[str, str], name: str, exc: Exception) -> None:
    log.info("precision %s failed during calibration: %s", name, exc)
    failed[name] = f"{type(exc).__name__}: {exc}"[:300]
