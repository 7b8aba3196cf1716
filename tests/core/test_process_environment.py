"""The core never changes the app process's environment in ways that reach torch.

A variable set at import time reaches every library loaded later: ``OMP_THREAD_LIMIT=1`` (once set
for Tesseract by the OCR module) capped torch's OpenMP pool, so the app encoded at half speed and
bfloat16 vectors came out at cosine 0.8 to float32. Such limits belong in the extraction worker.
"""

from __future__ import annotations

import json
import subprocess
import sys

_SCRIPT = """
import importlib, json, os, pkgutil
import desktop_search.core as core

def limits():
    return {k: v for k, v in os.environ.items() if k.startswith(("OMP_", "MKL_", "OPENBLAS_"))}

before = limits()
for info in pkgutil.walk_packages(core.__path__, "desktop_search.core."):
    importlib.import_module(info.name)
print(json.dumps({"before": before, "after": limits()}))
"""


def test_importing_every_core_module_sets_no_thread_limit() -> None:
    result = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, check=True)
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["after"] == seen["before"]
