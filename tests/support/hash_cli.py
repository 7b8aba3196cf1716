"""Test-only entry: ``python -m tests.support.hash_cli <desktop-search arguments>``.

Runs the ``desktop-search`` command (or, with no subcommand, the app) exactly as the real entry does,
except that the engine gets the fast :class:`~tests.support.fake_embedder.HashEmbedder` instead of the
configured model. For tests that start the CLI or the app as a separate process.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from desktop_search import cli
from tests.support.fake_embedder import HashEmbedder


def hash_engine(data_dir: str | None = None) -> object:
    from desktop_search.core import Engine

    return Engine.open(data_dir, embedder=HashEmbedder())


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    cli.engine_factory = hash_engine
    if cli.launches_gui(args):
        from desktop_search.gui import engine_bridge  # before the app's modules bind its default factory

        engine_bridge.default_engine_factory = hash_engine
    return cli.main(args)


if __name__ == "__main__":
    raise SystemExit(main())
