"""A vector index that Chroma cannot read back (a crash cut its files short) is replaced on opening and
refilled from the vector cache: no crash, no encoder work, and the writer alone replaces it.

The damage is what CI met after a kill -9 mid-write: Chroma's ``index_metadata.pickle`` cut short, so
every read raises ``InternalError: ... Error deserializing pickle file``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_search.core.config.settings import Settings
from desktop_search.core.engine import Engine
from desktop_search.core.errors import StoreUnavailableError
from desktop_search.core.index.writerlock import WriterLock
from tests.support import preloaded_cli
from tests.support.fake_embedder import HashEmbedder
from tests.support.hash_cli import EMBED_DELAY_ENV

REPO = Path(__file__).resolve().parents[2]

NOTES = {
    "volcano.txt": "Basaltic lava flows from shield volcanoes travel far before they cool and harden.",
    "bread.txt": "A sourdough starter needs flour and water every day to keep its yeast alive.",
    "chess.txt": "The Sicilian defence answers the king's pawn opening with the c-pawn.",
}


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in NOTES.items():
        (folder / name).write_text(f"{text}\n\n{text} " * 3, encoding="utf-8")
    return folder


def _damage(home: Path) -> None:
    """Cut Chroma's HNSW metadata short, as a kill during its write does."""
    segments = [p.parent for p in (home / "data" / "index").glob("*/chroma/*/header.bin")]
    assert segments, "the vector index has no HNSW segment to damage"
    for segment in segments:
        (segment / "index_metadata.pickle").write_bytes(b"\x80\x04\x95cut short")


def _embedded(engine: Engine) -> tuple[int, int]:
    rows = engine.store.ledger.conn.execute("SELECT COUNT(*), TOTAL(embedded) FROM chunks").fetchone()
    return int(rows[0]), int(rows[1])


def test_a_damaged_vector_index_is_rebuilt_from_the_cache_without_the_encoder(tmp_path: Path) -> None:
    folder, home = _folder(tmp_path), tmp_path / "home"
    embedder = HashEmbedder()
    engine = Engine.open(home, embedder=embedder, settings=Settings().validate())
    engine.add_folder(folder)
    engine.index()
    passages, _ = _embedded(engine)
    engine.close()
    _damage(home)

    engine = Engine.open(home, embedder=embedder, settings=Settings().validate())
    try:
        report = engine.check()  # opening the vectors finds the damage and replaces the index
        assert report["vector_index_rebuilt"] is True and report["consistent"] is True
        assert report["passages_without_vectors"] == passages  # all waiting again, none lost
        result = engine.index()
        assert result.passages_reused == passages  # every vector came back from the cache
        assert _embedded(engine) == (passages, passages)
        assert engine.store.vectors.count() == passages
        assert engine.check()["missing_vectors"] == 0
        hits = engine.search("Sicilian defence king's pawn", mode="dense")
        assert hits and hits[0].path.endswith("chess.txt")
    finally:
        engine.close()


def test_a_reader_leaves_a_damaged_index_to_the_process_that_indexes(tmp_path: Path) -> None:
    folder, home = _folder(tmp_path), tmp_path / "home"
    engine = Engine.open(home, embedder=HashEmbedder(), settings=Settings().validate())
    engine.add_folder(folder)
    engine.index()
    passages, _ = _embedded(engine)
    lock_path = engine.paths.index_dir / "writer.lock"
    engine.close()
    _damage(home)

    other_process = WriterLock(lock_path)  # a second open file: flock treats it as another process
    other_process.acquire()
    try:
        engine = Engine.open(home, embedder=HashEmbedder(), settings=Settings().validate())
        with pytest.raises(StoreUnavailableError):
            engine.check()
        assert _embedded(engine) == (passages, passages)  # nothing changed: the writer repairs it
        engine.close()
    finally:
        other_process.release()


@pytest.mark.model
def test_after_a_rebuild_meaning_search_works_across_languages(real_embedder, tmp_path: Path) -> None:
    """Through the real model: the rebuilt index answers a German question about an English note."""
    folder, home = _folder(tmp_path), tmp_path / "home"
    engine = Engine.open(home, embedder=real_embedder, settings=Settings().validate())
    engine.add_folder(folder)
    engine.index()
    engine.close()
    _damage(home)

    engine = Engine.open(home, embedder=real_embedder, settings=Settings().validate())
    try:
        engine.load_model()  # as the app starts: the vector index opens with the model
        assert engine.store.vectors_rebuilt
        result = engine.index()
        assert result.passages_reused == _embedded(engine)[0] > 0
        hits = engine.search("Wie hält man einen Sauerteig am Leben?", mode="dense")
        assert hits and hits[0].path.endswith("bread.txt")
    finally:
        engine.close()


def test_damage_found_after_the_startup_run_is_refilled_by_the_service(tmp_path: Path) -> None:
    """The app's service has finished its first run (nothing changed, the vectors never opened) when a
    search opens the damaged index: the rebuild asks the service for a run, which refills it."""
    folder, home = _folder(tmp_path), tmp_path / "home"
    engine = Engine.open(home, embedder=HashEmbedder(), settings=Settings().validate())
    engine.add_folder(folder)
    engine.index()
    passages, _ = _embedded(engine)
    engine.close()
    _damage(home)

    engine = Engine.open(home, embedder=HashEmbedder(), settings=Settings().validate())
    try:
        engine.start_background(watch=False)
        assert engine.wait_idle(30)
        assert not engine.store.vectors_rebuilt  # the start-up run had nothing to embed
        engine.search("sourdough starter", mode="dense")  # opens the vector index: damaged, replaced
        assert engine.store.vectors_rebuilt
        assert engine.wait_idle(30)
        assert _embedded(engine) == (passages, passages)
        hits = engine.search("sourdough starter flour water", mode="dense")
        assert hits and hits[0].path.endswith("bread.txt")
    finally:
        engine.close()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The CLI with the tests' model-free embedder, forked from a process that has imported it."""
    return preloaded_cli.run(*args, cwd=REPO, timeout=120)


def test_the_cli_check_says_the_index_was_replaced_and_the_next_run_refills_it(tmp_path: Path) -> None:
    folder, home = _folder(tmp_path), tmp_path / "home"
    assert _cli("index", "--data-dir", str(home), str(folder)).returncode == 0
    _damage(home)
    check = _cli("check", "--data-dir", str(home))
    assert check.returncode == 0, check.stderr
    assert "could not be read" in check.stdout and "passages wait for their vectors" in check.stdout
    assert _cli("index", "--data-dir", str(home)).returncode == 0
    report = json.loads(_cli("check", "--json", "--data-dir", str(home)).stdout)
    assert report["consistent"] and not report["vector_index_rebuilt"]
    assert report["passages_without_vectors"] == 0 and report["missing_vectors"] == 0


def test_a_clean_close_clears_the_write_marker_and_a_kill_leaves_it(tmp_path: Path) -> None:
    folder, home = _folder(tmp_path), tmp_path / "home"
    engine = Engine.open(home, embedder=HashEmbedder(), settings=Settings().validate())
    engine.add_folder(folder)
    engine.index()
    marker = engine.store.index_dir / "vectors-writing"
    assert marker.exists()  # vectors were written in this session
    engine.close()
    assert not marker.exists()

    for n in range(40):  # new passages in several embedding calls
        text = " ".join(f"Glacier {n} carved valley {i} over {i * n} years." for i in range(150))
        (folder / f"glacier-{n}.txt").write_text(text, encoding="utf-8")
    env = {**os.environ, EMBED_DELAY_ENV: "0.5"}  # slow embedding: the kill lands while it writes
    proc = preloaded_cli.start("index", "--data-dir", str(home), str(folder), env=env, cwd=REPO)
    deadline = time.monotonic() + 60
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # its own session: with its extraction workers
    proc.communicate(30)
    assert marker.exists()  # left for the next opener, which reads the index in a child first
    assert _cli("check", "--data-dir", str(home)).returncode == 0
    assert not marker.exists()  # the child found it healthy


_DAMAGE_BY_SEGFAULT = """
import sys
from pathlib import Path

import numpy as np

from desktop_search.core.store.vectors import VectorMeta, VectorStore

# over Chroma's HNSW sync threshold (1,000), then writes no read has replayed yet, as at a kill
store = VectorStore(Path(sys.argv[1]) / "chroma", "test/model")
meta = VectorMeta("p", "f", ("f",), "txt", 0.0)
rng = np.random.default_rng(0)
for prefix, n in (("a", 2000), ("b", 100)):
    vectors = rng.standard_normal((n, 64)).astype(np.float32)
    store.upsert([f"{prefix}{i}" for i in range(n)], vectors, [meta] * n)
    if prefix == "a":
        store.count()  # replays the log into the HNSW files; the second write stays in the log
store.close()
"""

_OPEN = """
import sys
from pathlib import Path

from desktop_search.core.store.store import Store

if __name__ == "__main__":
    store = Store(Path(sys.argv[1]), "test/model")
    print(store.vectors.count(), store.vectors_rebuilt)
"""


def test_an_index_that_would_crash_the_reader_is_read_in_a_child_and_replaced(tmp_path: Path) -> None:
    """A kill while Chroma wrote ``header.bin`` leaves it cut short; reading it then is a segmentation
    fault inside hnswlib (measured with chromadb 1.5.9: exit code -11 on every open). With the writer's
    marker left behind, the next opener reads it in a child first and replaces it instead."""
    index_dir = tmp_path / "index"
    subprocess.run([sys.executable, "-c", _DAMAGE_BY_SEGFAULT, str(index_dir)], cwd=REPO, check=True)
    header = next((index_dir / "chroma").glob("*/header.bin"))
    header.write_bytes(header.read_bytes()[:50])
    (index_dir / "vectors-writing").touch()  # what a killed writer leaves
    opened = subprocess.run(
        [sys.executable, "-c", _OPEN, str(index_dir)], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout.split() == ["0", "True"]  # an empty index, to be refilled from the cache
    assert not (index_dir / "vectors-writing").exists()
