"""Processor time of a worker process, read from outside it (Linux ``/proc``; elsewhere unknown).

Extraction limits count processor time, not wall time: on a busy machine (the encoder beside it, a
build, other programs) a 250-page manual that needs 14 s of processor time took 158 s of wall time
here, and a wall-clock limit called it damaged.
"""

from __future__ import annotations

import os

try:
    _TICKS = os.sysconf("SC_CLK_TCK")
except (AttributeError, ValueError, OSError):  # Windows
    _TICKS = 0


def process_cpu_seconds(pid: int) -> float | None:
    """User plus system time of ``pid`` in seconds, or None where the OS does not tell."""
    if not _TICKS:
        return None
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return None
    # fields after the command name (which may hold spaces and parentheses): state is field 3
    fields = stat[stat.rfind(b")") + 2 :].split()
    try:
        return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime: fields 14 and 15
    except (IndexError, ValueError):
        return None
