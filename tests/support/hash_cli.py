"""Test-only entry: ``python -m tests.support.hash_cli <desktop-search arguments>``.

Runs the ``desktop-search`` command (or, with no subcommand, the app) exactly as the real entry does,
except that the engine gets the fast :class:`~tests.support.fake_embedder.HashEmbedder` instead of the
configured model. For tests that start the CLI or the app as a separate process.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from desktop_search import cli
from tests.support.fake_embedder import HashEmbedder

EMBED_DELAY_ENV = "DESKTOP_SEARCH_TEST_EMBED_DELAY_S"  # seconds per embedding call


def hash_engine(data_dir: str | None = None) -> object:
    from desktop_search.core import Engine

    # a slow "encoder" on request, so a test can kill the process while passages are being embedded
    delay = float(os.environ.get(EMBED_DELAY_ENV, "0") or 0)
    return Engine.open(data_dir, embedder=HashEmbedder(delay_s=delay))


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    cli.engine_factory = hash_engine
    if cli.launches_gui(args):
        from desktop_search.gui import engine_bridge  # before the app's modules bind its default factory

        engine_bridge.default_engine_factory = hash_engine
    return cli.main(args)


if __name__ == "__main__":
    raise SystemExit(main())
