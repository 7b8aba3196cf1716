"""One running app per user and data folder; a second launch hands its request to the first and exits.

The first instance takes a lock file in the data folder (held for its lifetime; Qt's ``QLockFile``
frees it when the process dies) and listens on a local socket (a Unix socket, or a named pipe on
Windows) whose name is derived from the user and the data folder. A later launch finds the lock
taken, connects, sends one line of JSON (:class:`InstanceMessage`: show the window, open quick search,
search for text), waits for ``ok`` and exits, so no second indexer ever starts.

A socket left behind by a crashed instance is found when connecting to it fails; it is removed
(``QLocalServer.removeServer``) and replaced.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass
from enum import Enum, StrEnum
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from desktop_search import APP_ID

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 64 * 1024
ACK = b"ok\n"
LOCK_FILE = "instance.lock"


class Action(StrEnum):
    """What a second launch asks the running instance to do."""

    SHOW = "show"  # show and raise the main window
    QUICK_SEARCH = "quick-search"  # open the quick-search popup (with ``query`` if given)
    HIDDEN = "hidden"  # nothing visible (a second ``--hidden`` start, e.g. autostart twice)


@dataclass(frozen=True)
class InstanceMessage:
    """One request from a second launch, sent as a JSON line."""

    action: Action = Action.SHOW
    query: str = ""

    def encode(self) -> bytes:
        return json.dumps({"action": self.action.value, "query": self.query}).encode("utf-8") + b"\n"

    @classmethod
    def decode(cls, data: bytes) -> InstanceMessage | None:
        """Parse one line; None (and a log line) for anything malformed."""
        try:
            raw = json.loads(data.decode("utf-8"))
            return cls(Action(raw.get("action", "show")), str(raw.get("query", ""))[:1000])
        except (ValueError, AttributeError, TypeError) as exc:
            log.warning("ignoring malformed message from a second instance: %s", exc)
            return None

    @classmethod
    def from_flags(cls, quick_search: bool = False, hidden: bool = False, query: str = "") -> InstanceMessage:
        """The request a launch with these command-line flags makes."""
        if quick_search or query:
            return cls(Action.QUICK_SEARCH, query)
        return cls(Action.HIDDEN if hidden else Action.SHOW)


class Role(Enum):
    """The outcome of :meth:`SingleInstance.claim`."""

    PRIMARY = "primary"  # this process is the instance; it listens for others
    FORWARDED = "forwarded"  # another instance runs and took the message; exit 0
    UNRESPONSIVE = "unresponsive"  # another instance holds the lock but does not answer


def _user_id() -> str:
    if hasattr(os, "getuid"):
        return str(os.getuid())
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment
        return "user"


def server_name(data_dir: str | os.PathLike[str]) -> str:
    """The local socket name for this user and data folder (short: Unix socket paths are limited)."""
    key = f"{_user_id()}\0{Path(data_dir).expanduser().resolve()}"
    return f"{APP_ID}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}"


def send_message(name: str, message: InstanceMessage, timeout_ms: int = 2000) -> bool:
    """Deliver ``message`` to the instance listening on ``name``; True once it acknowledged it.

    Blocking; meant for a second launch, which has nothing else to do.
    """
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    try:
        socket.write(message.encode())
        if not socket.waitForBytesWritten(timeout_ms):
            return False
        reply = b""
        deadline = time.monotonic() + timeout_ms / 1000
        while not reply.endswith(b"\n") and time.monotonic() < deadline:
            if not socket.waitForReadyRead(max(1, int((deadline - time.monotonic()) * 1000))):
                break
            reply += bytes(socket.readAll().data())
        return reply == ACK
    finally:
        socket.abort()


def _is_listening(name: str, timeout_ms: int = 500) -> bool:
    socket = QLocalSocket()
    socket.connectToServer(name)
    connected = socket.waitForConnected(timeout_ms)
    socket.abort()
    return connected


class SingleInstance(QObject):
    """Claims the instance for a data folder, then receives the requests of later launches.

    ``message_received`` carries an :class:`InstanceMessage` on the GUI thread.
    """

    message_received = Signal(object)

    def __init__(self, data_dir: str | os.PathLike[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.name = server_name(self.data_dir)
        self._lock: QLockFile | None = None
        self._server: QLocalServer | None = None
        self._buffers: dict[QLocalSocket, bytes] = {}

    @property
    def listening(self) -> bool:
        return self._server is not None and self._server.isListening()

    def claim(self, message: InstanceMessage, wait_s: float = 5.0) -> Role:
        """Become the instance, or forward ``message`` to the one that runs.

        A running instance that is still starting up may not listen yet: its lock is taken, so the
        message is retried for up to ``wait_s`` seconds before giving up (UNRESPONSIVE).
        """
        self.data_dir.mkdir(parents=True, exist_ok=True)
        lock = QLockFile(str(self.data_dir / LOCK_FILE))
        lock.setStaleLockTime(0)  # stale only when its process is gone, never by age
        if lock.tryLock(0):
            if send_message(self.name, message, timeout_ms=1000):
                lock.unlock()  # someone listens without the lock (an older build): it is the instance
                return Role.FORWARDED
            self._lock = lock
            self._listen()
            return Role.PRIMARY
        deadline = time.monotonic() + wait_s
        while True:
            if send_message(self.name, message):
                return Role.FORWARDED
            if time.monotonic() >= deadline:
                log.warning("another instance holds %s but does not answer on %s", LOCK_FILE, self.name)
                return Role.UNRESPONSIVE
            time.sleep(0.1)

    def _listen(self) -> None:
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            if _is_listening(self.name):
                log.warning("the instance socket %s is in use by another process", self.name)
                return
            # A socket left behind by a crashed instance: nothing answers on it, so replace it.
            log.info("replacing the stale instance socket %s", self.name)
            QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                log.warning("cannot listen on %s: %s", self.name, server.errorString())
                return
        server.newConnection.connect(self._accept)
        self._server = server

    def _accept(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))

    def _read(self, socket: QLocalSocket) -> None:
        data = self._buffers.get(socket, b"") + bytes(socket.readAll().data())
        if len(data) > MAX_MESSAGE_BYTES:
            log.warning("dropping an oversized message from a second instance")
            socket.abort()
            return
        if b"\n" not in data:
            self._buffers[socket] = data
            return
        line = data.split(b"\n", 1)[0]
        self._buffers[socket] = b""
        message = InstanceMessage.decode(line)
        socket.write(ACK)
        socket.flush()
        socket.disconnectFromServer()
        if message is not None:
            self.message_received.emit(message)

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()

    def close(self) -> None:
        """Stop listening and release the lock (at quit)."""
        for socket in list(self._buffers):
            socket.disconnected.disconnect()
            socket.readyRead.disconnect()
            socket.abort()
        self._buffers.clear()
        if self._server is not None:
            self._server.newConnection.disconnect()
            self._server.close()
            self._server = None
        # Run the pending deleteLater of finished connections now: deleting this object (and its
        # children) with those still queued crashes PySide.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None


def forward_to_running_instance(argv: list[str]) -> bool:
    """The quick path of a second launch: True when a running instance took the request.

    Called before the GUI modules are imported (``desktop_search.cli``), so a key bound to
    ``desktop-search --quick-search`` pays only for Python and QtCore. When no instance holds the lock
    it returns False at once and the app starts normally (where :meth:`SingleInstance.claim` settles
    any race with a launch at the same moment).
    """
    import argparse

    from desktop_search.core import resolve_paths

    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--data-dir")
    parser.add_argument("--quick-search", action="store_true")
    parser.add_argument("--hidden", action="store_true")
    args, _rest = parser.parse_known_args(argv)
    data_dir = resolve_paths(Path(args.data_dir).expanduser() if args.data_dir else None).data_dir
    lock_path = data_dir / LOCK_FILE
    if not lock_path.exists():
        return False
    lock = QLockFile(str(lock_path))
    lock.setStaleLockTime(0)
    if lock.tryLock(0):  # nobody runs
        lock.unlock()
        return False
    message = InstanceMessage.from_flags(args.quick_search, args.hidden)
    name = server_name(data_dir)
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline:  # it may be starting and not listening yet
        if send_message(name, message):
            return True
        time.sleep(0.1)
    return False
