"""The ``desktop-search`` command: the app with no subcommand, and ``index`` / ``watch`` / ``search`` /
``status`` / ``check`` for scripts.

Machine-readable output (``--json``) goes to stdout, one object per line; progress, logs and errors go
to stderr only. Exit codes: 0 success, 1 a problem the user can fix (the message says what to do),
2 bad arguments, 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from desktop_search import __version__
from desktop_search.core import HOME_ENV, UserError

log = logging.getLogger("desktop_search")
SUBCOMMANDS = ("index", "watch", "search", "status", "check")


def _data_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="D",
        default=argparse.SUPPRESS,
        help="keep settings, index, cache and logs under D (also: $DESKTOP_SEARCH_HOME)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="desktop-search", description="Search your own files by meaning, in any language, offline."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more to stderr")
    _data_dir_option(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("index", help="scan folders, index what changed, exit")
    _data_dir_option(p)
    p.add_argument("paths", nargs="*", metavar="PATH", help="folders to add and index (default: all saved)")
    p.add_argument("--json", action="store_true", help="a summary of the run as one JSON object on stdout")

    p = sub.add_parser("watch", help="index, then keep the index up to date until interrupted")
    _data_dir_option(p)
    p.add_argument("paths", nargs="*", metavar="PATH", help="folders to add and watch (default: all saved)")

    p = sub.add_parser("search", help="search the index")
    _data_dir_option(p)
    p.add_argument("query", nargs="?", help="what to look for")
    p.add_argument("--queries", metavar="FILE", help='batch mode: a JSONL file of {"_id", "text"} objects')
    p.add_argument("--json", action="store_true", help="one JSON object per query on stdout")
    p.add_argument("-k", type=int, default=10, help="number of results (default 10)")
    p.add_argument("--folder", action="append", default=[], help="only under this folder (repeatable)")
    p.add_argument(
        "--type", action="append", default=[], metavar="EXT", help="only this file type (repeatable)"
    )
    p.add_argument("--mode", choices=("hybrid", "dense", "keyword"), default="hybrid")
    p.add_argument(
        "--flat", action="store_true", help="every page (its passages together), not one entry per file"
    )
    p.add_argument(
        "--min-strength",
        type=float,
        default=None,
        metavar="S",
        help="leave out results whose match strength (0..1) is below S (the window and quick search use "
        "0.45, the measured relevance floor, and keep results with a word of the query in them); "
        "default: keep all",
    )
    p.add_argument("--sort", choices=("relevance", "date"), default="relevance", help="date: newest first")

    p = sub.add_parser("status", help="what the index holds")
    _data_dir_option(p)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("check", help="check the index for inconsistencies (and repair them)")
    _data_dir_option(p)
    p.add_argument("--repair", action="store_true", help="fix what the check finds")
    p.add_argument("--json", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    multiprocessing.freeze_support()
    args_list = list(sys.argv[1:] if argv is None else argv)
    if launches_gui(args_list):
        return _launch_gui(args_list)
    args = build_parser().parse_args(args_list)
    _configure_logging(args.verbose)
    if getattr(args, "data_dir", None):
        os.environ[HOME_ENV] = os.path.abspath(os.path.expanduser(args.data_dir))
    handler = {
        "index": _cmd_index,
        "watch": _cmd_watch,
        "search": _cmd_search,
        "status": _cmd_status,
        "check": _cmd_check,
    }[args.command]
    try:
        return handler(args)
    except UserError as err:
        print(f"desktop-search: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("desktop-search: interrupted", file=sys.stderr)
        return 130


def launches_gui(args: Sequence[str]) -> bool:
    """No subcommand (and no help or version flag): the arguments start the app's window."""
    if {"-h", "--help", "--version"} & set(args):
        return False
    return not any(a in SUBCOMMANDS for a in args if not a.startswith("-"))


def _launch_gui(argv: list[str]) -> int:
    try:
        from desktop_search.gui.single_instance import forward_to_running_instance

        if forward_to_running_instance(argv):  # handed to the running app before the GUI's imports
            return 0
        from desktop_search.gui.app import main as gui_main
    except ImportError as err:
        print(f"desktop-search: the window cannot start ({err}).", file=sys.stderr)
        return 1
    return int(gui_main(argv) or 0)


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("chromadb", "httpx", "sentence_transformers", "transformers"):
        logging.getLogger(noisy).setLevel(logging.WARNING if verbose else logging.ERROR)


def _default_engine(data_dir: str | None) -> Any:
    from desktop_search.core import Engine

    return Engine.open(data_dir)


# How the commands open the engine (given the data folder, None for the default). A module attribute so
# that the tests' own entry (tests/support/hash_cli.py) can hand the engine its fake embedder.
engine_factory: Callable[[str | None], Any] = _default_engine


def _open_engine() -> Any:
    return engine_factory(os.environ.get(HOME_ENV) or None)


@contextmanager
def _cancel_on_interrupt(control: Any) -> Iterator[None]:
    """First Ctrl+C cancels the job at its next safe point (the batch in hand is written)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(_signum: int, _frame: object) -> None:
        print("\ndesktop-search: stopping after the current batch…", file=sys.stderr)
        control.cancel()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class _ProgressLine:
    """A one-line progress display on a terminal; silent elsewhere."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self._width = 0

    def __call__(self, p: Any) -> None:
        if not self.tty:
            return
        total = max(p.files_total, 1)
        frac = min(1.0, p.files_done / total) if p.files_total else 0.0
        bar = "#" * int(frac * 24)
        eta = f" ETA {int(p.eta_s)} s" if p.eta_s else ""
        name = os.path.basename(p.current_file)[:40]
        line = (
            f"\r{p.phase:<10} [{bar:<24}] {p.files_done}/{p.files_total} files, "
            f"{p.chunks_done} chunks, {p.chunks_per_s:.1f}/s{eta} {name}"
        )
        self._width = max(self._width, len(line))
        self.stream.write(line.ljust(self._width))
        self.stream.flush()

    def done(self) -> None:
        if self.tty:
            self.stream.write("\n")


def _add_paths(engine: Any, paths: list[str]) -> list[str]:
    added = []
    for path in paths:
        engine.add_folder(path)
        added.append(os.path.abspath(os.path.expanduser(path)))
    return added


def _index_summary(result: Any, seconds: float, keyword_ready: list[float]) -> dict[str, Any]:
    """``index --json``: what the run did, and how soon its files were keyword-searchable (seconds from
    the command's start; null when the run stopped before)."""
    return {
        "files_indexed": result.files_indexed,
        "passages_embedded": result.chunks_done,
        "passages_reused": result.passages_reused,
        "seconds": round(seconds, 3),
        "keyword_ready_s": round(keyword_ready[0], 3) if keyword_ready else None,
    }


def _cmd_index(args: argparse.Namespace) -> int:
    from desktop_search.core import JobControl

    engine = _open_engine()
    try:
        _add_paths(engine, args.paths)
        if not engine.folders:
            print("desktop-search: no folders to index; name one: desktop-search index PATH", file=sys.stderr)
            return 1
        control = JobControl()
        bar = _ProgressLine()
        started = time.monotonic()
        keyword_ready: list[float] = []  # when every file of the run was keyword-searchable

        def report(p: Any) -> None:
            if p.keyword_ready_s is not None and not keyword_ready:
                keyword_ready.append(time.monotonic() - started)
            bar(p)

        with _cancel_on_interrupt(control):
            result = engine.index(report, control)
        bar.done()
        if args.json:
            print(json.dumps(_index_summary(result, time.monotonic() - started, keyword_ready)), flush=True)
        status = engine.status()
        files = status["files"]
        took = time.monotonic() - started
        summary = f"{result.phase}: {_files_line(files)}; {status['chunks']} chunks in {took:.1f} s"
        print(summary, file=sys.stderr)
        return 130 if str(result.phase) == "cancelled" else 0
    finally:
        engine.close()


def _cmd_watch(args: argparse.Namespace) -> int:
    engine = _open_engine()
    stop = threading.Event()
    try:
        _add_paths(engine, args.paths)
        if not engine.folders:
            print("desktop-search: no folders to watch; name one: desktop-search watch PATH", file=sys.stderr)
            return 1
        bar = _ProgressLine()
        engine.start_background(bar, watch=True)
        print(f"watching {len(engine.folders)} folder(s); Ctrl+C to stop", file=sys.stderr)
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        bar.done()
        return 0
    finally:
        engine.close()


def _filters(args: argparse.Namespace) -> Any:
    from desktop_search.core import SearchFilters

    return SearchFilters(
        folders=tuple(os.path.abspath(f) for f in args.folder),
        extensions=tuple(t.lower().lstrip(".") for t in args.type),
    )


def _hit_json(hit: Any) -> dict[str, Any]:
    from desktop_search.core import display

    return {
        "path": display(hit.path),
        "part": hit.part,
        "duplicates": [display(path) for path in hit.duplicates],
        "similar": [
            {"path": display(s.path), "part": s.part, "page": s.page, "chunk_id": s.chunk_id}
            for s in hit.similar
        ],
        "translations": [  # the same passage in other language editions (core.search.translations)
            {"path": display(t.path), "page": t.page, "language": t.language, "chunk_id": t.chunk_id}
            for t in hit.translations
        ],
        "modified": hit.modified,
        "page": hit.page,
        "heading": hit.heading,
        "score": round(float(hit.score), 6),
        "similarity": None if hit.similarity is None else round(float(hit.similarity), 6),
        "strength": None if hit.strength is None else round(float(hit.strength), 4),
        "text": hit.text,
        "start": hit.start,
        "end": hit.end,
        "chunk_id": hit.chunk_id,
        "inline": [_inline_json(passage) for passage in hit.inline],
    }


def _inline_json(passage: Any) -> dict[str, Any]:
    """A strong further passage of a grouped result's file, shown under it."""
    return {  # in the same sub-document ("part") as the result it is shown under
        "page": passage.page,
        "heading": passage.heading,
        "text": passage.text,
        "start": passage.start,
        "end": passage.end,
        "chunk_id": passage.chunk_id,
        "score": round(float(passage.score), 6),
        "strength": None if passage.strength is None else round(float(passage.strength), 4),
    }


def _strength(hit: Any) -> str:
    """The match strength as the window shows it ("87%"), or "words" for a hit found by its words alone
    (no strength to show: the model still loading, the passage not embedded yet, ``--mode keyword``)."""
    return f"{round(hit.display_score * 100)}%" if hit.has_strength else "words"


def _print_hits(query: str, hits: list[Any]) -> None:
    from desktop_search.core import display, language_name

    if not hits:
        print(f"No results for {query!r}.")
        return
    for hit in hits:
        page = f" p.{hit.page}" if hit.page else ""
        part = f" › {hit.part}" if hit.part else ""  # a member, message or attachment inside the file
        section = f" · {hit.shown_section}" if hit.shown_section else ""
        print(f"{hit.rank:>3}. {_strength(hit):>5}  {display(hit.path)}{part}{page}{section}")
        snippet = " ".join(hit.text.split())
        print(f"       {snippet[:200]}{'…' if len(snippet) > 200 else ''}")
        for passage in hit.inline:  # the file's other strong passages (grouped output)
            where = f"p.{passage.page}" if passage.page else "also"
            text = " ".join(passage.text.split())
            cut = f"{text[:120]}{'…' if len(text) > 120 else ''}"
            print(f"       ↳ {where} {_strength(passage)}  {cut}")
        for translation in hit.translations:  # the same passage in another language's edition
            where = f" p.{translation.page}" if translation.page else ""
            print(f"       ↳ in {language_name(translation.language)}: {display(translation.path)}{where}")
        if hit.more:
            print(f"       + {len(hit.more)} more from this file")
        if hit.duplicates:
            print(f"       also in: {', '.join(display(path) for path in hit.duplicates)}")
        if hit.similar:
            names = ", ".join(display(s.path) + (f" › {s.part}" if s.part else "") for s in hit.similar)
            print(f"       +{len(hit.similar)} similar: {names}")


def _cmd_search(args: argparse.Namespace) -> int:
    if not args.query and not args.queries:
        print("desktop-search: give a QUERY or --queries FILE", file=sys.stderr)
        return 2
    from desktop_search.core import parse_query, sort_hits, split_weak

    engine = _open_engine()
    try:
        filters = _filters(args)

        def run(text: str, query_filters: Any = filters) -> list[Any]:
            hits = engine.search(text, k=args.k, filters=query_filters, grouped=not args.flat, mode=args.mode)
            if args.min_strength is not None:
                hits = split_weak(hits, args.min_strength, keep_word_matches=False)[0]
            return sort_hits(hits, args.sort)

        if args.queries:
            with open(args.queries, encoding="utf-8") as fh:
                for number, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    try:
                        item = json.loads(line)
                        qid, text = item["_id"], str(item["text"])
                    except (ValueError, KeyError, TypeError):
                        print(
                            f"desktop-search: line {number} of {args.queries} is not a query", file=sys.stderr
                        )
                        continue
                    hits = run(text)
                    if args.json:
                        print(
                            json.dumps(
                                {"_id": qid, "results": [_hit_json(h) for h in hits]}, ensure_ascii=False
                            )
                        )
                    else:
                        print(f"# {qid}: {text}")
                        _print_hits(text, hits)
                    sys.stdout.flush()
            return 0
        # one typed query reads its operators as the window does; batch queries (benchmarks) are plain text
        parsed = parse_query(args.query, engine.folders)
        hits = run(parsed.text, parsed.filters(filters))
        if args.json:
            answer = {"query": args.query, "messages": list(parsed.messages)}
            print(json.dumps({**answer, "results": [_hit_json(h) for h in hits]}, ensure_ascii=False))
        else:
            for message in parsed.messages:
                print(f"desktop-search: {message}", file=sys.stderr)
            _print_hits(args.query, hits)
        return 0
    finally:
        engine.close()


def _files_line(files: dict[str, int]) -> str:
    """The files' counts for a person: "12 indexed, 322 searchable by keyword (meaning not yet
    embedded), 0 skipped, …"; the keyword-only count only while there are such files (a run stopped
    or paused before phase 2 ended, or a model that could not load)."""
    keyword_only = files.get("keyword_only", 0)
    waiting = f"{keyword_only} searchable by keyword (meaning not yet embedded), " if keyword_only else ""
    return (
        f"{files['indexed']} indexed, {waiting}{files['skipped']} skipped, {files['failed']} failed, "
        f"{files['pending']} pending"
    )


def _indexing_line(indexing: dict[str, Any]) -> str:
    """Where a run is (this process's or the window's): "indexing, 1,200 / 4,114 files searchable ·
    meaning 300 / 4,114 · 14 min left"."""
    parts = [
        f"{indexing['phase']}, {indexing['files_done']:,} / {indexing['files_total']:,} files searchable"
    ]
    if indexing["meaning_total"]:
        parts.append(f"meaning {indexing['meaning_done']:,} / {indexing['meaning_total']:,}")
    if indexing["eta_s"]:
        parts.append(f"{max(1, round(indexing['eta_s'] / 60))} min left")
    return " · ".join(parts)


def _cmd_status(args: argparse.Namespace) -> int:
    engine = _open_engine()
    try:
        status = engine.status()
    finally:
        engine.close()
    if args.json:
        print(json.dumps(status, ensure_ascii=False))
        return 0
    files = status["files"]
    print(f"model:    {status['model']}")
    print(f"folders:  {', '.join(status['folders']) or '(none)'}")
    if status["unavailable_folders"]:
        print(f"missing:  {', '.join(status['unavailable_folders'])} (entries kept)")
    print(f"files:    {_files_line(files)}")
    if status["indexing"]["phase"] not in ("idle", "done", "cancelled"):
        print(f"indexing: {_indexing_line(status['indexing'])}")
    print(f"chunks:   {status['chunks']}")
    print(f"store:    {status['store_bytes'] / 2**20:.1f} MB in {status['data_dir']}")
    for failure in status["failures"][:50]:
        print(f"  failed: {failure['path']}: {failure['reason']}")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    engine = _open_engine()
    try:
        report = engine.check(repair=args.repair)
    finally:
        engine.close()
    if args.json:
        print(json.dumps(report))
        return 0 if report["consistent"] or report["repaired"] else 1
    if report["vector_index_rebuilt"]:
        print(
            "The vector index could not be read (an earlier crash cut it short) and was replaced; "
            "the next index run refills it from the saved vectors, without re-embedding."
        )
    if report["consistent"]:
        waiting = report.get("passages_without_vectors", 0)
        later = f" {waiting:,} passages wait for their vectors (the next index run embeds them)."
        print("The index is consistent." + (later if waiting else ""))
    else:
        verb = "Repaired" if report["repaired"] else "Found"
        print(
            f"{verb}: {report['orphan_vectors']} orphan vectors, "
            f"{report['missing_vectors']} missing vectors, "
            f"{report['orphan_chunks']} orphan chunk rows, {len(report['files_requeued'])} files to re-index."
        )
        if not report["repaired"]:
            print("Run `desktop-search check --repair` to fix it.")
    return 0 if report["consistent"] or report["repaired"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
