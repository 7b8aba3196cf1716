"""The worker pool: isolation, time limit, crashes, memory limit, threads, and the pool staying usable."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_search.core.extract import ExtractionFailed, ExtractorPool, FileSkipped
from tests.core import extract_hooks
from tests.core.extract_samples import check_offsets, make_docx, make_pdf, write


@pytest.fixture
def hooks() -> Iterator[None]:
    extract_hooks.install()  # in this process too, so the pool routes the test kinds to a worker
    yield
    extract_hooks.uninstall()


@pytest.fixture
def pool(hooks: None) -> Iterator[ExtractorPool]:
    with ExtractorPool(workers=1, memory_limit_mb=1024, initializer=extract_hooks.install) as p:
        yield p


def test_risky_formats_run_in_a_light_worker(tmp_path: Path, pool: ExtractorPool) -> None:
    r = pool.extract(write(tmp_path, "who.whoami", b"x"))
    pid = int(r.text.split()[1])
    assert pid != os.getpid() and pid in pool.worker_pids()
    assert r.text.endswith("heavy none")
    pdf = pool.extract(write(tmp_path, "doc.pdf", make_pdf([["one"], ["two"]])))
    assert [s.page for s in pdf.sections] == [1, 2]
    check_offsets(pdf)
    assert pool.extract(write(tmp_path, "notes.txt", b"small text")).text == "small text"


def test_timeout_kills_the_worker_and_the_pool_stays_usable(tmp_path: Path, pool: ExtractorPool) -> None:
    pool.extract(write(tmp_path, "warm.whoami", b"x"))  # start the worker outside the time limit
    with pytest.raises(ExtractionFailed) as info:
        pool.extract(write(tmp_path, "stuck.hang", b"x"), timeout_s=1.0)
    assert info.value.reason == "Extraction took longer than 1 s; the file may be damaged."
    assert pool.restarts == 1
    r = pool.extract(write(tmp_path, "after.pdf", make_pdf([["still works"]])))
    assert r.text == "still works"


def test_crash_is_a_failure_not_an_exception_storm(tmp_path: Path, pool: ExtractorPool) -> None:
    with pytest.raises(ExtractionFailed) as info:
        pool.extract(write(tmp_path, "boom.crash", b"x"))
    assert "crashed" in info.value.reason
    assert pool.extract(write(tmp_path, "ok.pdf", make_pdf([["alive"]]))).text == "alive"
    assert pool.restarts == 1


def test_memory_limit(tmp_path: Path, pool: ExtractorPool) -> None:
    if not hasattr(os, "getrlimit") and os.name == "nt":  # pragma: no cover
        pytest.skip("no RLIMIT_AS on Windows")
    with pytest.raises(ExtractionFailed) as info:
        pool.extract(write(tmp_path, "big.hog", b"x"))
    assert "memory" in info.value.reason
    assert pool.extract(write(tmp_path, "ok.pdf", make_pdf([["fine"]]))).text == "fine"


def test_skips_and_failures_cross_the_process_boundary(tmp_path: Path, pool: ExtractorPool) -> None:
    with pytest.raises(ExtractionFailed, match="damaged"):
        pool.extract(write(tmp_path, "bad.pdf", b"%PDF-1.4\n garbage without objects"))
    with pytest.raises(FileSkipped, match="Empty file"):
        pool.extract(write(tmp_path, "empty.pdf", b""))
    name = os.fsdecode(b"r\xe9sum\xe9-latin1.pdf")  # not valid UTF-8
    assert pool.extract(write(tmp_path, os.fsencode(name), make_pdf([["bytes name"]]))).text == "bytes name"


def test_many_threads_share_the_pool(tmp_path: Path, hooks: None) -> None:
    files = [write(tmp_path, f"d{i}.pdf", make_pdf([[f"document {i}"]])) for i in range(6)]
    files += [write(tmp_path, f"w{i}.docx", make_docx()) for i in range(2)]
    results: dict[Path, str] = {}
    errors: list[BaseException] = []

    def work(path: Path) -> None:
        try:
            results[path] = pool.extract(path).text
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    with ExtractorPool(workers=2) as pool:
        threads = [threading.Thread(target=work, args=(f,)) for f in files]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors
    assert all(results[files[i]] == f"document {i}" for i in range(6))
    assert "Annual Report" in results[files[6]]


def test_closed_pool_refuses(tmp_path: Path) -> None:
    pool = ExtractorPool()
    pool.close()
    with pytest.raises(RuntimeError):
        pool.extract(write(tmp_path, "a.pdf", make_pdf([["x"]])))


def test_routing_cheap_files_stay_in_process(tmp_path: Path) -> None:
    with ExtractorPool(isolate_above_bytes=1000) as pool:
        assert not pool.needs_isolation(write(tmp_path, "small.md", b"# hi"))
        assert pool.needs_isolation(write(tmp_path, "large.md", b"x" * 1001))
        assert pool.needs_isolation(write(tmp_path, "doc.odt", b"PK\x03\x04"))
        assert pool.needs_isolation(write(tmp_path, "pdf-in-disguise.txt", make_pdf([["x"]])))
        assert not pool.needs_isolation(write(tmp_path, "empty.pdf", b""))
        assert pool.worker_pids() == []  # nothing started a worker


def test_importing_extraction_is_light() -> None:
    import subprocess
    import sys

    code = (
        "import sys, desktop_search.core.extract as e; "
        "print(sorted(m for m in ('pypdf', 'torch', 'PySide6', 'chromadb') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_time_limit_counts_processor_time_not_a_busy_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_search.core.extract import results

    deadline = results.Deadline(0.2)
    time.sleep(0.4)  # waiting (another program has the processor) uses none of the budget
    deadline.check()
    end = time.thread_time() + 1.0
    with pytest.raises(ExtractionFailed):
        while time.thread_time() < end:  # working does
            deadline.check()
    monkeypatch.setattr(results, "WALL_FACTOR", 2.0)
    stalled = results.Deadline(0.1)
    time.sleep(0.25)  # a stalled read is stopped at WALL_FACTOR times the limit
    with pytest.raises(ExtractionFailed):
        stalled.check()


def test_a_workers_processor_time_is_read_from_outside() -> None:
    from desktop_search.core.extract.cpu_time import process_cpu_seconds

    used = process_cpu_seconds(os.getpid())
    if used is None:
        pytest.skip("this OS does not tell a process's processor time from outside")
    assert 0.0 < used <= time.process_time() + 0.05
