"""Which numeric precision the embedder runs in on the CPU: measured once per machine and model.

Reduced precision is a large win on some processors and a loss on others (bfloat16 is fast only with
AVX-512 BF16 or AMX; without them PyTorch emulates it and runs several times *slower*), so it is
measured, not assumed:

* :func:`~desktop_search.core.model.calibration.calibrate` times each candidate (:data:`AUTO_CANDIDATES`:
  float32, bfloat16, int8) on a fixed set of multilingual passages
  (:mod:`desktop_search.core.model.calibration_passages`) and checks that its vectors agree with float32
  (mean cosine ≥ ``MIN_AGREEMENT``). The fastest agreeing candidate wins if it is at least
  ``MIN_SPEEDUP`` times faster than float32; otherwise float32 stays. A candidate that errors or
  disagrees is never chosen.
* :func:`resolve_cpu_precision` is what the engine calls (on its background thread, before loading
  the model for indexing): it returns the environment override, else the stored choice for this
  machine, else calibrates (seconds; up to about a minute on a busy 2-core CPU without native bf16)
  and stores the result in ``<cache dir>/cpu-precision.json`` beside the machine's
  :func:`cpu_signature` and whether the int8 export was ready. A new model, processor, torch or
  ONNX Runtime version re-measures, and so does a finished int8 export.
* :func:`cached_choice` returns the stored choice without measuring or importing torch (cheap enough
  for a settings dialog).
* A processor without native bfloat16 (:data:`NATIVE_BFLOAT16` flags) never measures bfloat16: emulated,
  it ran 1.5 passages/s against float32's 9.4 on the AVX2-only EPYC, and timing it held a first
  start's model load back by 25 s. With int8 not exported yet, float32 is then the only candidate and
  nothing is measured until the export is there.

``DESKTOP_SEARCH_PRECISION`` (see :func:`env_precision`) overrides every setting, for scripts and
benchmarks.

int8 is the model exported to ONNX with its MatMul weights quantised per channel, run by ONNX Runtime
(:mod:`desktop_search.core.model.onnx_export`; about 2x float32 on AVX2 processors, cosine to float32
about 0.997). The export is made once per model in the background, so it is measured only once it
exists (until then int8 is an erroring candidate); the embedder then re-calibrates. The real model's
candidates are built in :mod:`desktop_search.core.model.candidates` and measured in a child process
(:mod:`desktop_search.core.model.calibration_process`).
"""

from __future__ import annotations

import json
import logging
import os
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop_search.core.config.atomic_file import write_atomic
from desktop_search.core.config.paths import AppPaths
from desktop_search.core.model.calibration import (
    REFERENCE,
    Calibration,
    calibrate,
)
from desktop_search.core.model.calibration_process import calibrate_in_subprocess
from desktop_search.core.model.candidates import CandidateLoader
from desktop_search.core.model.onnx_export import EXPORTER_VERSION, cached_export

log = logging.getLogger(__name__)

PRECISION_ENV = "DESKTOP_SEARCH_PRECISION"
CPU_CANDIDATES = ("float32", "bfloat16", "int8")  # what the CPU can run
AUTO_CANDIDATES = ("float32", "bfloat16", "int8")  # what calibration may measure (see auto_candidates)
CHOICE_FILE = "cpu-precision.json"
# 2: choices stored before it were measured with torch capped at one OpenMP thread (OCR's limit leaked
# into the app's process), which halved float32 and broke bfloat16, so they are measured again.
# 3: candidates are timed in turns (see calibration.calibrate); a choice made while one candidate was
# timed through a burst of the indexer's load (int8 chosen where bfloat16 runs 3.3x float32) is redone.
FILE_VERSION = 3
# Processor features that decide whether bfloat16 / int8 matmuls are fast.
_RELEVANT_FLAGS = (
    "avx2",
    "avx512f",
    "avx512_bf16",
    "avx512_vnni",
    "avx512_fp16",
    "avx_vnni",
    "amx_bf16",
    "amx_int8",
    "amx_tile",
    "amx_fp16",
    # macOS arm64 sysctl names
    "FEAT_BF16",
    "FEAT_I8MM",
    "FEAT_DotProd",
    # Linux arm64 names
    "bf16",
    "i8mm",
    "asimddp",
    "sve",
)

# Any of these (x86 AVX-512 BF16 or AMX; Arm BF16) runs bfloat16 matmuls natively.
NATIVE_BFLOAT16 = ("avx512_bf16", "amx_bf16", "FEAT_BF16", "bf16")

_calibration_lock = threading.Lock()


def auto_candidates(signature: Mapping[str, Any], int8_ready: bool) -> tuple[str, ...]:
    """What calibration measures on this machine: bfloat16 only where it is native, int8 once exported."""
    native_bf16 = any(flag in NATIVE_BFLOAT16 for flag in signature.get("cpu_flags", ()))
    return tuple(
        p for p in AUTO_CANDIDATES if (p != "bfloat16" or native_bf16) and (p != "int8" or int8_ready)
    )


# ---------------------------------------------------------------------------------------------
# Override and machine signature


def env_precision() -> str | None:
    """The precision forced by ``DESKTOP_SEARCH_PRECISION``, or None (unset, empty, ``auto`` or unknown)."""
    from desktop_search.core.config.settings import PRECISIONS

    value = os.environ.get(PRECISION_ENV, "").strip().lower()
    if not value or value == "auto":
        return None
    if value not in PRECISIONS:
        log.warning("ignoring %s=%r: use one of %s", PRECISION_ENV, value, ", ".join(PRECISIONS))
        return None
    return value


def _package_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def _cpu_model_and_flags() -> tuple[str, list[str]]:
    """The processor's name and the features in :data:`_RELEVANT_FLAGS` it has (no torch import)."""
    name = ""
    flags: set[str] = set()
    if sys.platform.startswith("linux"):
        try:
            text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        for line in text.splitlines():
            key, _, value = line.partition(":")
            key = key.strip().lower()
            if key in ("model name", "cpu model", "hardware") and value.strip() and not name:
                name = value.strip()
            elif key in ("flags", "features"):
                flags.update(value.split())
    elif sys.platform == "darwin":
        values = _sysctl("machdep.cpu.brand_string", "machdep.cpu.leaf7_features", "hw.optional")
        name = values.get("machdep.cpu.brand_string", "")
        flags.update(
            f.lower().replace(".", "_") for f in values.get("machdep.cpu.leaf7_features", "").split()
        )
        flags.update(
            k.rsplit(".", 1)[-1] for k, v in values.items() if k.startswith("hw.optional.") and v == "1"
        )
    name = name or platform.processor() or platform.machine()
    return name, sorted(flag for flag in _RELEVANT_FLAGS if flag in flags)


def _sysctl(*keys: str) -> dict[str, str]:
    """``key: value`` pairs from one ``sysctl`` call (macOS); missing keys are simply absent."""
    try:
        done = subprocess.run(["sysctl", *keys], capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return {}
    pairs = (line.partition(":") for line in done.stdout.splitlines())
    return {key.strip(): value.strip() for key, sep, value in pairs if sep}


def cpu_signature(model_name: str) -> dict[str, Any]:
    """What the measured choice depends on: model, processor (bf16/int8 features), torch, ONNX Runtime."""
    cpu, flags = _cpu_model_and_flags()
    return {
        "model": model_name,
        "cpu": cpu,
        "cpu_flags": flags,
        "cpu_count": os.cpu_count() or 0,
        "torch": _package_version("torch"),
        "onnxruntime": _package_version("onnxruntime"),
        "int8_export": EXPORTER_VERSION,  # a new kind of export runs at another speed
    }


# ---------------------------------------------------------------------------------------------
# The stored choice


def choice_path(paths: AppPaths) -> Path:
    """Where the measured choices live (cache dir: deleting it only costs a re-measurement)."""
    return paths.cache_dir / CHOICE_FILE


def _read_choices(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable %s: %s", path, exc)
        return {}
    if not isinstance(data, dict) or data.get("version") != FILE_VERSION:
        return {}
    models = data.get("models")
    return models if isinstance(models, dict) else {}


def _write_choices(path: Path, models: dict[str, Any]) -> None:
    write_atomic(path, json.dumps({"version": FILE_VERSION, "models": models}, indent=2).encode("utf-8"))


def stored_calibration(model_name: str, paths: AppPaths) -> dict[str, Any] | None:
    """The stored record for ``model_name`` (choice, signature, figures), whatever machine it was for."""
    record = _read_choices(choice_path(paths)).get(model_name)
    return record if isinstance(record, dict) else None


def cached_choice(
    model_name: str,
    paths: AppPaths,
    signature: Mapping[str, Any] | None = None,
    int8_ready: bool | None = None,
) -> str | None:
    """The stored choice for this model on this machine, or None if it must be (re-)measured.

    ``int8_ready`` (whether the int8 export exists now; None: not checked) must match what it was at the
    measurement. Cheap: reads a small JSON file and the processor's name and flags; never imports torch.
    """
    record = stored_calibration(model_name, paths)
    if record is None:
        return None
    current = dict(signature) if signature is not None else cpu_signature(model_name)
    if record.get("signature") != current:
        return None
    if int8_ready is not None and bool(record.get("int8_ready")) != int8_ready:
        return None
    choice = record.get("choice")
    return choice if choice in CPU_CANDIDATES else None


def store_choice(
    model_name: str,
    paths: AppPaths,
    calibration: Calibration,
    signature: Mapping[str, Any] | None = None,
    int8_ready: bool = False,
) -> None:
    """Record ``calibration`` for ``model_name`` with this machine's signature."""
    path = choice_path(paths)
    models = _read_choices(path)
    models[model_name] = {
        "choice": calibration.choice,
        "signature": dict(signature) if signature is not None else cpu_signature(model_name),
        "int8_ready": int8_ready,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "results": [asdict(r) for r in calibration.results],
    }
    _write_choices(path, models)


# ---------------------------------------------------------------------------------------------
# The engine's entry point


def resolve_cpu_precision(
    model_name: str,
    model_folder: Path,
    paths: AppPaths,
    *,
    force: bool = False,
    candidates: Mapping[str, CandidateLoader] | None = None,
    onnx_folder: Path | None = None,
) -> str:
    """The precision to embed with on this CPU: override, else stored choice, else measured now.

    Slow the first time on a machine (loads the model in each precision and times it: seconds to a
    minute on a busy slow CPU), instant afterwards. Call it from a background thread, never a UI thread.
    ``force`` re-measures even when a choice is stored. ``onnx_folder`` holds the int8 export (measured
    only when it is ready). Never raises for a measurement failure: the answer is then float32 (and
    nothing is stored, so the next start tries again).
    """
    forced = env_precision()
    if forced is not None:
        return forced
    with _calibration_lock:  # two threads asking at once measure once
        signature = cpu_signature(model_name)
        int8_ready = onnx_folder is not None and cached_export(model_folder, onnx_folder) is not None
        if not force:
            stored = cached_choice(model_name, paths, signature, int8_ready)
            if stored is not None:
                return stored
        precisions = auto_candidates(signature, int8_ready)
        if candidates is None and precisions == (REFERENCE,):
            return REFERENCE  # nothing to compare it with (stored nothing: an export will re-ask)
        start = time.perf_counter()
        try:
            if candidates is not None:
                calibration = calibrate(candidates, repeats=1)
            else:  # the real model: in a child process, so its copies never add to the app's memory
                calibration = calibrate_in_subprocess(model_folder, precisions, onnx_folder)
        except Exception:
            log.exception("precision calibration failed; using float32")
            return REFERENCE
        figures = ", ".join(
            f"{r.precision} {r.passages_per_s:.1f}/s cos {r.agreement:.4f}{' ' + r.error if r.error else ''}"
            for r in calibration.results
        )
        log.info(
            "precision calibration for %s took %.1f s: %s (%s)",
            model_name,
            time.perf_counter() - start,
            calibration.choice,
            figures,
        )
        try:
            store_choice(model_name, paths, calibration, signature, int8_ready)
        except OSError as exc:
            log.warning("cannot store the precision choice: %s", exc)
        return calibration.choice
