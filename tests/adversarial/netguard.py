"""Refuse and record every outbound network attempt; loopback and Unix sockets pass.

``install()`` replaces ``socket.socket.connect`` / ``connect_ex`` / ``sendto``,
``socket.create_connection`` and ``socket.getaddrinfo``. A call that names a host other than
loopback raises :class:`OutboundConnectionBlocked` and is recorded in :data:`attempts` (and appended
to the file named by ``$DESKTOP_SEARCH_NETGUARD_LOG``, so child processes report too: the
``site/sitecustomize.py`` beside this file installs the guard in every Python child that has the
folder on ``PYTHONPATH``). A caller that swallows the error is still caught: the test fixture fails
the test when anything was recorded.

Self-contained (standard library only): it is loaded by path in child processes.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import traceback
from typing import Any

LOG_ENV = "DESKTOP_SEARCH_NETGUARD_LOG"
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", ""})

attempts: list[str] = []
_originals: dict[str, Any] = {}
_owner = {"pid": -1, "log_here": False}


class OutboundConnectionBlocked(OSError):
    """Raised instead of reaching the network."""

    def __init__(self, what: str) -> None:
        super().__init__(errno.ENETUNREACH, f"network access blocked by the test suite: {what}")


def is_local_host(host: object) -> bool:
    if host is None:
        return True  # getaddrinfo(None, port): the local machine
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    name = str(host).strip("[]").lower().rstrip(".")
    if name in LOCAL_NAMES or name.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified


def _record(what: str) -> None:
    where = "".join(traceback.format_stack(limit=8)[:-2])
    entry = f"{what} (pid {os.getpid()})\n{where}"
    attempts.append(entry)
    log = os.environ.get(LOG_ENV)
    if log and (_owner["log_here"] or os.getpid() != _owner["pid"]):  # a child, or a forked copy
        try:
            with open(log, "a", encoding="utf-8") as f:
                f.write(entry + "\n---\n")
        except OSError:
            pass
    raise OutboundConnectionBlocked(what)


def _check_address(sock: socket.socket, address: object, verb: str) -> None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return  # Unix sockets, netlink: not the network
    host = address[0] if isinstance(address, tuple) and address else address
    if not is_local_host(host):
        _record(f"{verb} to {address!r}")


def _connect(self: socket.socket, address: Any) -> Any:
    _check_address(self, address, "connect")
    return _originals["connect"](self, address)


def _connect_ex(self: socket.socket, address: Any) -> Any:
    _check_address(self, address, "connect_ex")
    return _originals["connect_ex"](self, address)


def _sendto(self: socket.socket, data: Any, *args: Any) -> Any:
    address = args[-1] if args else None
    _check_address(self, address, "sendto")
    return _originals["sendto"](self, data, *args)


def _create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
    if not is_local_host(address[0]):
        _record(f"create_connection to {address!r}")
    return _originals["create_connection"](address, *args, **kwargs)


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if not is_local_host(host):
        _record(f"getaddrinfo({host!r})")
    return _originals["getaddrinfo"](host, *args, **kwargs)


def install(log_to_file: bool = False) -> None:
    """Guard this process; ``log_to_file`` (child processes) also appends attempts to the log file."""
    if _originals:
        return
    _owner.update(pid=os.getpid(), log_here=log_to_file)
    _originals.update(
        connect=socket.socket.connect,
        connect_ex=socket.socket.connect_ex,
        sendto=socket.socket.sendto,
        create_connection=socket.create_connection,
        getaddrinfo=socket.getaddrinfo,
    )
    socket.socket.connect = _connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = _sendto  # type: ignore[method-assign,assignment]
    socket.create_connection = _create_connection  # type: ignore[assignment]
    socket.getaddrinfo = _getaddrinfo  # type: ignore[assignment]


def uninstall() -> None:
    if not _originals:
        return
    socket.socket.connect = _originals["connect"]  # type: ignore[method-assign]
    socket.socket.connect_ex = _originals["connect_ex"]  # type: ignore[method-assign]
    socket.socket.sendto = _originals["sendto"]  # type: ignore[method-assign]
    socket.create_connection = _originals["create_connection"]
    socket.getaddrinfo = _originals["getaddrinfo"]
    _originals.clear()


def take_attempts() -> list[str]:
    """The attempts recorded in this process (not its children) since the last call (and forget them)."""
    found = list(attempts)
    attempts.clear()
    return found
