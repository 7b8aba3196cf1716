"""Keep None, True and False alive on Python 3.11 against PySide6 6.12's lost references.

PySide6 6.12.0 (its abi3 wheels, built against Python 3.12 where these objects are immortal) gives
back a reference to None it never took on every call of a Qt method that returns nothing
(``label.setText``, ``widget.update``, ``view.repaint`` ...), and one to True or False on every
``Signal.emit`` and ``disconnect``. Python 3.12 ignores that; Python 3.11 counts it, and once a count
reaches zero the interpreter aborts ("Fatal Python error: none_dealloc: deallocating None"). Measured
here with PySide6 6.12.0 on Python 3.11.7: -1.00 reference to None per ``setText``, -1.00 to True per
``emit``; the window, indexing a 10,000-file storm, lost about 110 references to None and 20 to True a
second, from about 55,000 and 11,000: an abort after minutes of indexing. PySide6 6.11.3 loses none.

:func:`pin_singletons` adds 2**40 references to each of them on Python < 3.12, which is what 3.12's
immortality amounts to: no count of lost references a session can reach brings them to zero. It
writes the reference count field CPython puts first in every object; on 3.12+ it does nothing.
"""

from __future__ import annotations

import ctypes
import platform
import sys

PINNED_REFERENCES = 1 << 40
SINGLETONS = (None, True, False, Ellipsis, NotImplemented)  # those Python 3.12 makes immortal


def pin_singletons() -> bool:
    """Give the singletons :data:`PINNED_REFERENCES` more references (once); True if it did."""
    if sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        return False
    for obj in SINGLETONS:
        count = ctypes.c_ssize_t.from_address(id(obj))  # PyObject.ob_refcnt, the first field
        if count.value < PINNED_REFERENCES:
            count.value += PINNED_REFERENCES
    return True
