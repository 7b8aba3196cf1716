"""Where and how the model runs: the device, the precision and the document batch size.

Pure functions of settings and of what the machine offers (torch is passed in, so they are unit-tested
with fake torch modules). The CPU precision measured per machine lives in
:mod:`desktop_search.core.model.precision`.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import platform
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

GiB = 1024**3
CPU_PRECISIONS = ("float32", "bfloat16", "int8")
GPU_PRECISIONS = ("float16", "bfloat16", "float32")


def choose_device(preference: str, torch_module: Any) -> str:
    """Pick ``cuda``, ``mps`` or ``cpu``. ``preference`` is a setting: auto, cpu, cuda or mps.

    A preference the machine cannot honour falls back to the CPU with a warning rather than failing.
    """
    has_cuda = bool(torch_module.cuda.is_available())
    mps = getattr(getattr(torch_module, "backends", None), "mps", None)
    has_mps = bool(mps is not None and mps.is_available())
    if preference == "cpu":
        return "cpu"
    if preference == "cuda":
        if has_cuda:
            return "cuda"
        log.warning("CUDA was asked for but is not available; using the CPU")
        return "cpu"
    if preference == "mps":
        if has_mps:
            return "mps"
        log.warning("MPS was asked for but is not available; using the CPU")
        return "cpu"
    if has_cuda:
        return "cuda"
    if has_mps:
        return "mps"
    return "cpu"


def device_without_torch(preference: str) -> str | None:
    """``cpu`` when the setting or the installed torch leaves no other device, known without importing
    torch (1.3 s and 190 MB on a 2-core EPYC): the preference is ``cpu``, or ``auto`` with a torch
    build for the CPU alone (its ``version.py`` names no CUDA, ROCm or XPU) and no Apple GPU. None
    when only torch can tell (:func:`choose_device`)."""
    if preference == "cpu":
        return "cpu"
    if preference != "auto" or (sys.platform == "darwin" and platform.machine() == "arm64"):
        return None
    try:
        spec = importlib.util.find_spec("torch")
        locations = list(spec.submodule_search_locations or []) if spec is not None else []
        text = (Path(locations[0]) / "version.py").read_text(encoding="utf-8") if locations else ""
    except (ImportError, OSError, ValueError, IndexError):
        return None
    builds = [re.search(rf"^{name}\b[^=\n]*=\s*(.+)$", text, re.M) for name in ("cuda", "hip", "xpu")]
    if all(b is not None and b.group(1).strip() == "None" for b in builds):
        return "cpu"
    return None


def physical_cores() -> int:
    """The processor's physical cores (torch's default thread count), read without torch: unique
    (package, core) pairs of ``/proc/cpuinfo`` on Linux, else the logical count."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    cores = set()
    for block in text.split("\n\n"):
        package = re.search(r"^physical id\s*:\s*(\d+)", block, re.M)
        core = re.search(r"^core id\s*:\s*(\d+)", block, re.M)
        if package and core:
            cores.add((package.group(1), core.group(1)))
    logical = os.cpu_count() or 1
    return max(1, min(len(cores), logical)) if cores else logical


def default_precision(device: str) -> str:
    """Half precision on GPUs; on the CPU float32 unless calibration chose better."""
    return "float16" if device in ("cuda", "mps") else "float32"


def effective_precision(
    preference: str, device: str, override: str | None = None, cpu_auto: Callable[[], str] | None = None
) -> str:
    """The precision the model runs in: ``override`` (the environment) beats ``preference`` (a setting).

    ``auto`` is half precision on a GPU and, on the CPU, whatever ``cpu_auto`` returns (the calibrated
    choice, see :mod:`desktop_search.core.model.precision`), else float32. A precision the device cannot use
    (int8 on a GPU, float16 on the CPU) becomes the device's default.
    """
    wanted = override or preference
    if device == "cpu":
        if wanted == "auto":
            wanted = cpu_auto() if cpu_auto is not None else "float32"
        return wanted if wanted in CPU_PRECISIONS else "float32"  # fp16 matmuls are slow or missing on CPUs
    return wanted if wanted in GPU_PRECISIONS else default_precision(device)


def choose_batch_size(device: str, free_gpu_bytes: int | None = None, configured: int = 0) -> int:
    """Batch size for document embedding.

    ``configured`` (a setting, 0 = auto) wins. On CUDA the batch grows with free memory (a 256-token
    batch of 128 needs well under 1 GiB for a small model); on the CPU a moderate batch keeps padding
    waste and latency low.
    """
    if configured > 0:
        return configured
    if device == "cuda":
        if free_gpu_bytes is None:
            return 64
        if free_gpu_bytes >= 8 * GiB:
            return 256
        if free_gpu_bytes >= 4 * GiB:
            return 128
        if free_gpu_bytes >= 2 * GiB:
            return 64
        return 16
    if device == "mps":
        return 64
    return 32
