"""Shared fixtures.

Every test runs with ``DESKTOP_SEARCH_HOME`` pointing at its own tmp folder, so nothing touches the
real home. The converted offline model is cached once per checkout in ``.test-cache/`` (git-ignored;
one sub-folder per pytest-xdist worker) and shared by all tests of a run through the session-scoped
``real_embedder`` fixture.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
from pathlib import Path

import pytest

# before pytest-qt imports PySide6 (see desktop_search.gui's docstring: PySide6's import hook and
# pydantic's lazy imports)
with contextlib.suppress(ImportError):
    import pydantic  # noqa: F401

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
# one cache per pytest-xdist worker: the tests of a worker export, calibrate and delete in it freely
TEST_CACHE = REPO / ".test-cache" / os.environ.get("PYTEST_XDIST_WORKER", "")

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# torch's OpenMP threads sleep when idle instead of spinning: with one pytest-xdist worker per core,
# two workers' encoders share the cores, and spinning threads took the time the other one needed
# (six real-model test files, -n 2 on 2 cores: 228 s spinning, 189 s passive; 193 s on one thread each)
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# glibc: blocks above 32 MB (a float32 batch's activations) come from the heap and stay there for the
# next batch, instead of being mapped afresh each time, pages the kernel zeroes (embedding 160 SciFact
# abstracts: sys 14.1 -> 2.7 of ~110 CPU s, 3.75 M -> 0.61 M page faults). Both limits are needed: with
# the mmap threshold alone the freed blocks were trimmed and faulted in again (2.1-2.9 M faults). Not in
# the app: it raised the encoder's peak resident memory by about 110 MB (1,453 -> 1,578 MB); the app's
# torch batches on the CPU stay under 32 MB instead (token_batches), the tests' reference calls of
# sentence-transformers' own encode (whole batches of 32) do not.
for _name, _param in (("MALLOC_MMAP_THRESHOLD_", -3), ("MALLOC_TRIM_THRESHOLD_", -1)):
    os.environ.setdefault(_name, str(1 << 30))  # processes the tests start
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(_param, 1 << 30)  # this process (M_MMAP/M_TRIM_THRESHOLD)
# no CPU precision calibration in tests (test_precision.py covers it): deterministic float32
os.environ.setdefault("DESKTOP_SEARCH_PRECISION", "float32")
os.environ["DESKTOP_SEARCH_CACHE_DIR"] = str(TEST_CACHE)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "ds-home"
    monkeypatch.setenv("DESKTOP_SEARCH_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def real_model_folder() -> Path:
    """The default model as a local sentence-transformers folder (converted once, then cached)."""
    from desktop_search.core.config.paths import resolve_paths
    from desktop_search.core.config.settings import DEFAULT_MODEL
    from desktop_search.core.model.source import resolve_model_folder

    paths = resolve_paths(TEST_CACHE / "home")
    return resolve_model_folder(DEFAULT_MODEL, paths)


@pytest.fixture(scope="session")
def real_encoder(real_model_folder: Path):
    """One real embedder (CPU, float32) shared by every test of the process; it remembers nothing (for
    tests of the embedder itself: its threads, batches and precisions)."""
    from desktop_search.core.config.settings import DEFAULT_MODEL
    from desktop_search.core.model.sentence_transformer import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder(
        DEFAULT_MODEL, real_model_folder, device="cpu", precision="float32"
    )
    embedder.load()
    return embedder


@pytest.fixture(scope="session")
def real_embedder(real_encoder, tmp_path_factory: pytest.TempPathFactory):
    """The real embedder for tests that index and search: the same model, computing each passage's
    vector once per run (see ``tests.support.remembered_vectors``; shared by the xdist workers)."""
    from tests.support.remembered_vectors import RememberedVectors, remembering

    # a worker's basetemp is pytest-N/popen-gwK: the run's folder is shared by its workers only
    shared = tmp_path_factory.getbasetemp().parent / "remembered-vectors.sqlite3"
    in_xdist = bool(os.environ.get("PYTEST_XDIST_WORKER"))
    return remembering(real_encoder, RememberedVectors(shared if in_xdist else None))


@pytest.fixture
def hash_embedder():
    from tests.support.fake_embedder import HashEmbedder

    return HashEmbedder()
