"""Installs the test suite's network guard in child Python processes (see ../netguard.py).

Active only when ``$DESKTOP_SEARCH_NETGUARD_LOG`` is set; the adversarial conftest puts this folder on
``PYTHONPATH`` for the processes a test starts (CLI runs, extraction workers).
"""

import importlib.util
import os
import pathlib

_GUARD = pathlib.Path(__file__).resolve().parent.parent / "netguard.py"

if os.environ.get("DESKTOP_SEARCH_NETGUARD_LOG") and _GUARD.exists():
    _spec = importlib.util.spec_from_file_location("_desktop_search_netguard", _GUARD)
    if _spec and _spec.loader:
        _guard = importlib.util.module_from_spec(_spec)
        _spec.loader.exec_module(_guard)
        _guard.install(log_to_file=True)
