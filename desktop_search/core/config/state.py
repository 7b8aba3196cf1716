"""Remembered UI state (window geometry, last filters), apart from the user's settings."""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path
from typing import Any

from desktop_search.core.config.settings import write_toml_atomic

log = logging.getLogger(__name__)


def load_state(path: Path) -> dict[str, Any]:
    """Return the remembered state, or an empty dict when there is none or it is unreadable."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        log.warning("ignoring unreadable state file %s: %s", path, exc)
        return {}


def save_state(state: dict[str, Any], path: Path) -> None:
    write_toml_atomic(state, path)
