"""One typed settings model, saved as TOML in the user config dir.

User settings live here; remembered window state (geometry, last filters) lives apart in
``state.toml`` (see :mod:`desktop_search.core.config.state`). Unknown keys are ignored, missing keys take
defaults, and ``version`` drives migrations of older files.
"""

from __future__ import annotations

import dataclasses
import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_search.core.config.atomic_file import write_atomic
from desktop_search.core.errors import SettingsError

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1
DEFAULT_MODEL = "intfloat/multilingual-e5-small"
DEVICES = ("auto", "cpu", "cuda", "mps")
PRECISIONS = ("auto", "float32", "bfloat16", "float16", "int8")
DEFAULT_EXCLUSIONS = (
    "node_modules/",
    "__pycache__/",
    ".git/",
    "*.pyc",
    "*.o",
    "*.tmp",
    "~$*",
)


@dataclass
class Settings:
    """Everything the user can set. Field defaults are the app's defaults."""

    version: int = SETTINGS_VERSION
    folders: list[str] = field(default_factory=list)
    exclusions: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUSIONS))
    include_hidden: bool = False
    max_file_size_mb: int = 100
    extract_timeout_s: float = 60.0
    ocr: bool = True  # recognise text in images and scanned PDF pages
    model: str = DEFAULT_MODEL
    model_path: str = ""  # a local model folder that takes precedence over every other source
    device: str = "auto"
    precision: str = "auto"
    chunk_tokens: int = 220
    chunk_overlap_tokens: int = 40
    batch_size: int = 0  # 0: chosen for the device
    dense_weight: float = 1.0
    keyword_weight: float = 1.0  # with the squared-coverage keyword vote; see benchmarks/quality.py
    watch: bool = True
    start_with_system: bool = False
    theme: str = "system"

    def validate(self) -> Settings:
        """Clamp or reject values that would break the app; return self."""
        if self.device not in DEVICES:
            raise SettingsError(f"Unknown device {self.device!r}.", f"Use one of {', '.join(DEVICES)}.")
        if self.precision not in PRECISIONS:
            raise SettingsError(
                f"Unknown precision {self.precision!r}.", f"Use one of {', '.join(PRECISIONS)}."
            )
        self.chunk_tokens = max(32, min(int(self.chunk_tokens), 500))
        self.chunk_overlap_tokens = max(0, min(int(self.chunk_overlap_tokens), self.chunk_tokens // 2))
        self.batch_size = max(0, int(self.batch_size))
        self.max_file_size_mb = max(1, int(self.max_file_size_mb))
        self.extract_timeout_s = max(1.0, float(self.extract_timeout_s))
        return self

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Settings:
        raw = _migrate(dict(raw))
        known = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key not in known:
                log.warning("ignoring unknown setting %r", key)
                continue
            values[key] = value
        try:
            return cls(**values).validate()
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"The settings file has an invalid value: {exc}.") from exc


def _migrate(raw: dict[str, Any]) -> dict[str, Any]:
    """Bring a settings dict from any older version to the current one."""
    version = int(raw.get("version", SETTINGS_VERSION))
    # Version 1 is the first; future migrations go here as `if version < N: ...`.
    raw["version"] = max(version, SETTINGS_VERSION)
    return raw


def load_settings(path: Path) -> Settings:
    """Read settings from ``path``; a missing file gives the defaults."""
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError:
        return Settings()
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(
            f"Cannot read the settings file {path}: {exc}.", "Fix or delete the file to use defaults."
        ) from exc
    return Settings.from_dict(raw)


def save_settings(settings: Settings, path: Path) -> None:
    """Write settings atomically (a crash never leaves half a file)."""
    write_toml_atomic(settings.to_dict(), path)


def write_toml_atomic(data: dict[str, Any], path: Path) -> None:
    """Write ``data`` as TOML to ``path`` atomically (:func:`write_atomic`)."""
    import tomli_w

    write_atomic(path, tomli_w.dumps(data).encode("utf-8"))
