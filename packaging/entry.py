"""Entry point of the packaged app (PyInstaller runs this file as ``__main__``).

``multiprocessing.freeze_support()`` comes first, before any heavy import: the extraction pool
starts its workers with the 'spawn' method, and in a frozen app each worker is this same
executable started again with multiprocessing's arguments. ``freeze_support`` runs the worker and
exits there, so a worker never imports Qt, torch or chromadb.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()

    from desktop_search.cli import main

    sys.exit(main())
