"""Counts in words for the window, the tray and quick search: "1 file", "12,480 files"."""

from __future__ import annotations


def counted(n: int, noun: str) -> str:
    """``n`` (with thousands separators) and ``noun``, plural unless ``n`` is one."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"
