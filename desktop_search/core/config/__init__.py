"""Configuration: the user's settings (TOML), remembered UI state, and where the app keeps its files.

Owns ``Settings`` and its migrations, ``UiState``, and ``AppPaths`` (platformdirs, with the
``DESKTOP_SEARCH_HOME`` override). Imports only the standard library, platformdirs and
``core.errors``; every other subsystem may import it.
"""
