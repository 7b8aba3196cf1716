"""Desktop Search: search your own files by meaning, in any language, fully offline."""

__version__ = "0.1.0"
APP_NAME = "Desktop Search"
APP_ID = "desktop-search"
