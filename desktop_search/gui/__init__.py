"""The Qt front end: main window, views, models, controllers, tray and quick search.

Everything here talks to the core through :class:`desktop_search.core.Engine` only.

pydantic (a dependency of chromadb) is imported here, before any module of this package imports
PySide6: PySide6's import hook (PYSIDE-2029) inspects every module imported after PySide6, and its
``hasattr(module, "__wrapped__")`` set off pydantic's lazy imports while pydantic itself was still
importing ("cannot import name 'import_string' from partially initialized module"), when the model
loader first imported chromadb in its thread: now and then the app started with "unexpected error
(loading the model)". Imported first, pydantic is whole before the hook sees it (about 25 ms).

On Python 3.11, None, True and False get extra references before anything here calls Qt
(:mod:`desktop_search.gui.pinned_singletons`: PySide6 6.12 gives back references it never took, and
the interpreter aborts once one of their counts reaches zero).
"""

import contextlib

from desktop_search.gui.pinned_singletons import pin_singletons

with contextlib.suppress(ImportError):
    import pydantic  # noqa: F401

pin_singletons()
