"""A lower processor priority for the model's one-off background processes (calibration, int8 export).

They run on a first start while the indexer reads files into the keyword index; at normal priority
they take the cores that reading needs, and keyword search waits for a measurement the user never
sees. Lowered, they get what reading leaves, all of it once reading is over. Calibration stays fair:
its candidates take turns, so each is timed under the same load.
"""

from __future__ import annotations

import logging
import os

log = logging.getLogger(__name__)

BACKGROUND_NICENESS = 10  # POSIX nice increment; Windows gets BELOW_NORMAL_PRIORITY_CLASS


def lower_this_process() -> None:
    """Lower the calling process's priority (best effort: a refusal is logged, never raised)."""
    try:
        if hasattr(os, "nice"):
            os.nice(BACKGROUND_NICENESS)
        else:  # Windows
            import ctypes

            below_normal = 0x00004000
            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), below_normal)
    except (OSError, AttributeError) as exc:
        log.debug("could not lower the priority of this process: %s", exc)
