"""The Qt front end: main window, views, models, controllers, tray and quick search.

Everything here talks to the core through :class:`desktop_search.core.Engine` only.

pydantic (a dependency of chromadb) is imported here, before any module of this package imports
PySide6: PySide6's import hook (PYSIDE-2029) inspects every module imported after PySide6, and its
``hasattr(module, "__wrapped__")`` set off pydantic's lazy imports while pydantic itself was still
importing ("cannot import name 'import_string' from partially initialized module"), when the model
loader first imported chromadb in its thread: now and then the app started with "unexpected error
(loading the model)". Imported first, pydantic is whole before the hook sees it (about 25 ms).
"""

import contextlib

with contextlib.suppress(ImportError):
    import pydantic  # noqa: F401
