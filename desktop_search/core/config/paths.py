"""Where Desktop Search keeps its files.

Defaults follow the platform's conventions (platformdirs). ``DESKTOP_SEARCH_HOME`` (or the
``--data-dir`` option, which sets it) puts everything under one folder, so tests and
benchmarks never touch the real home. ``DESKTOP_SEARCH_CACHE_DIR`` moves only the cache
(the converted model), so test runs can share one conversion.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from desktop_search import APP_ID

HOME_ENV = "DESKTOP_SEARCH_HOME"
CACHE_ENV = "DESKTOP_SEARCH_CACHE_DIR"


@dataclass(frozen=True)
class AppPaths:
    """The four folders the app writes to."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path
    log_dir: Path

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.toml"

    @property
    def state_file(self) -> Path:
        """Remembered window state, kept apart from the user's settings."""
        return self.config_dir / "state.toml"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def models_dir(self) -> Path:
        return self.cache_dir / "models"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "desktop-search.log"

    def ensure(self) -> AppPaths:
        """Create the folders (readable only by the user) and return self."""
        for folder in (self.config_dir, self.data_dir, self.cache_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self


def resolve_paths(home: str | os.PathLike[str] | None = None) -> AppPaths:
    """Return the app's folders: under ``home`` or ``$DESKTOP_SEARCH_HOME`` if given, else per platform."""
    home = home or os.environ.get(HOME_ENV) or None
    if home:
        root = Path(home).expanduser().resolve()
        paths = AppPaths(root / "config", root / "data", root / "cache", root / "logs")
    else:
        import platformdirs

        paths = AppPaths(
            Path(platformdirs.user_config_dir(APP_ID, appauthor=False)),
            Path(platformdirs.user_data_dir(APP_ID, appauthor=False)),
            Path(platformdirs.user_cache_dir(APP_ID, appauthor=False)),
            Path(platformdirs.user_log_dir(APP_ID, appauthor=False)),
        )
    cache_override = os.environ.get(CACHE_ENV)
    if cache_override:
        paths = AppPaths(paths.config_dir, paths.data_dir, Path(cache_override).expanduser(), paths.log_dir)
    return paths
