"""Helpers shared by the benchmarks: the real model, and indexing files into a Store.

``index_files`` follows the product's own pipeline (extract_file -> Chunker -> embed_documents ->
Store.write_files) for use where the Engine is not available.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CACHE = REPO / "benchmarks" / ".cache"
TEST_CACHE = REPO / ".test-cache"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
if TEST_CACHE.exists():
    os.environ.setdefault("DESKTOP_SEARCH_CACHE_DIR", str(TEST_CACHE))
sys.path.insert(0, str(REPO))


def eprint(*args: object) -> None:
    print(*args, file=sys.stderr, flush=True)


def real_embedder(precision: str | None = None, threads: int | None = None):
    """The default model on the CPU (the converted offline copy, cached like the tests' one).

    ``threads`` caps torch's intra-op threads. On a shared, oversubscribed CPU one thread embeds a
    query ~10x faster than two (measured 76 ms vs 703 ms at load average 12 on 2 cores).
    """
    if threads:
        import torch

        torch.set_num_threads(threads)
    from desktop_search.core.config.paths import resolve_paths
    from desktop_search.core.config.settings import DEFAULT_MODEL
    from desktop_search.core.model.sentence_transformer import SentenceTransformerEmbedder
    from desktop_search.core.model.source import resolve_model_folder

    home = TEST_CACHE / "home" if TEST_CACHE.exists() else None
    folder = resolve_model_folder(DEFAULT_MODEL, resolve_paths(home))
    precision = precision or os.environ.get("DESKTOP_SEARCH_PRECISION", "float32")
    embedder = SentenceTransformerEmbedder(DEFAULT_MODEL, folder, device="cpu", precision=precision)
    embedder.load()
    return embedder


def index_files(store, embedder, files: Sequence[Path], folder: Path, batch_chunks: int = 256) -> int:
    """Extract, chunk, embed and store ``files`` (the product's steps, minus the indexer thread)."""
    from desktop_search.core.extract import extract_file
    from desktop_search.core.index.chunking import Chunker
    from desktop_search.core.records import FileRecord, FileStatus
    from desktop_search.core.store.ledger import ChunkRow
    from desktop_search.core.store.pathkeys import chunk_id, to_key

    chunker = Chunker(embedder.count_tokens, 220, 40, embedder.max_tokens)
    pending: list[tuple[FileRecord, list[ChunkRow]]] = []
    total = 0
    started = time.monotonic()

    def flush() -> None:
        nonlocal total
        texts = [c.text for _, rows in pending for c in rows]
        vectors = embedder.embed_documents(texts)
        items, pos = [], 0
        for record, rows in pending:
            items.append((record, rows, vectors[pos : pos + len(rows)]))
            pos += len(rows)
        store.write_files(items)
        total += len(texts)
        pending.clear()
        rate = total / max(1e-9, time.monotonic() - started)
        eprint(f"  indexed {total} chunks ({rate:.0f}/s)")

    for path in files:
        extracted = extract_file(path)
        key = to_key(str(path))
        stat = path.stat()
        ext = path.suffix.lstrip(".").lower()
        chunks = chunker.chunk(extracted.text, extracted.sections)
        rows = [
            ChunkRow(chunk_id(key, c.number), key, c.number, c.text, c.start, c.end, c.page, c.heading,
                     ext, stat.st_mtime)
            for c in chunks
        ]  # fmt: skip
        record = FileRecord(
            key, to_key(str(folder)), FileStatus.PENDING, size=stat.st_size, mtime=stat.st_mtime
        )
        pending.append((record, rows))
        if sum(len(r) for _, r in pending) >= batch_chunks:
            flush()
    if pending:
        flush()
    return total


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    pos = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[pos]
