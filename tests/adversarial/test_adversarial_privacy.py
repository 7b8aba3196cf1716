"""Offline and private: the network guard works, Chroma telemetry is off, index files are the user's only."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from tests.adversarial import netguard
from tests.adversarial.checks import assert_private


def test_guard_refuses_outbound_and_records_it() -> None:
    for attempt in (
        lambda: socket.create_connection(("203.0.113.7", 80), timeout=1),
        lambda: socket.getaddrinfo("huggingface.co", 443),
        lambda: socket.socket(socket.AF_INET6, socket.SOCK_STREAM).connect_ex(("2001:db8::1", 443, 0, 0)),
        lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("198.51.100.1", 53)),
    ):
        with pytest.raises(netguard.OutboundConnectionBlocked):
            attempt()
    assert len(netguard.take_attempts()) == 4  # taken, so this test itself passes


def test_guard_lets_loopback_and_unix_sockets_through(tmp_path: Path) -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    threading.Thread(target=lambda: server.accept()[0].sendall(b"hi"), daemon=True).start()
    with socket.create_connection(("localhost", port), timeout=5) as c:
        assert c.recv(2) == b"hi"
    server.close()
    a, b = socket.socketpair()
    a.sendall(b"unix")
    assert b.recv(4) == b"unix"
    a.close()
    b.close()
    assert netguard.take_attempts() == []


def test_guard_reaches_child_processes(no_network: Path) -> None:
    code = (
        "import socket\n"
        "try:\n    socket.create_connection(('192.0.2.1', 443), timeout=1)\n"
        "except OSError as e:\n    print(type(e).__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "OutboundConnectionBlocked"
    assert "192.0.2.1" in no_network.read_text()
    no_network.unlink()  # seen; do not fail this test for it


def test_chroma_telemetry_is_off_even_when_the_environment_asks_for_it(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from desktop_search.core.store.vectors import VectorStore\n"
        "v = VectorStore(Path(sys.argv[1]), 'm')\n"
        "print(v._client.get_settings().anonymized_telemetry)\n"
    )
    env_on = {"ANONYMIZED_TELEMETRY": "True"}
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "chroma")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env_on},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_store_files_are_readable_only_by_the_user(tmp_path: Path) -> None:
    from desktop_search.core.records import FileRecord, FileStatus
    from desktop_search.core.store.ledger import ChunkRow
    from desktop_search.core.store.pathkeys import chunk_id
    from desktop_search.core.store.store import Store

    index = tmp_path / "data" / "index"
    store = Store(index, "m")
    path = str(tmp_path / "doc.txt")
    chunks = [ChunkRow(chunk_id(path, 0), path, 0, "private words", 0, 13)]
    store.write_file(FileRecord(path, str(tmp_path), FileStatus.PENDING), chunks, np.ones((1, 8), np.float32))
    store.check()
    assert_private(index)  # while open: WAL files included
    store.close()
    assert_private(index)
