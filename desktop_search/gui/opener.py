"""Opening files with the system's default application, and revealing them in the file manager.

The app goes through one :class:`SystemOpener` (held by the app context) so tests can replace it.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from desktop_search.core import UserError, decompressed_copy, from_key, unpack_part

log = logging.getLogger(__name__)

# PDF viewers that take a page on the command line (Linux): desktop-file stem -> arguments
PDF_PAGE_ARGS = {
    "org.gnome.Evince": ["evince", "--page-label={page}", "{path}"],
    "evince": ["evince", "--page-label={page}", "{path}"],
    "okularApplication_pdf": ["okular", "--page", "{page}", "{path}"],
    "org.kde.okular": ["okular", "--page", "{page}", "{path}"],
    "org.pwmt.zathura": ["zathura", "--page={page}", "{path}"],
    "atril": ["atril", "--page-label={page}", "{path}"],
    "org.gnome.Papers": ["papers", "--page-label={page}", "{path}"],
    "qpdfview": ["qpdfview", "--unique", "{path}#{page}"],
}


class SystemOpener:
    """Opens a path key with the default application; reveals it in the file manager.

    A sub-document (``part``: an archive member, a message, an attachment) is first copied out of its
    container into a private temporary folder (see ``core.unpack_part``), and that copy is opened; so
    is a compressed document's decompressed copy (``core.decompressed_copy``).
    """

    def open(self, path_key: str, page: int | None = None, part: str | None = None) -> bool:
        path = from_key(path_key)
        try:
            # a compressed document opens decompressed, in the application of what it holds
            path = str(unpack_part(path, part)) if part else str(decompressed_copy(path) or path)
        except UserError as err:
            log.warning("cannot open %s in %s: %s", part or "the file", path, err)
            return False
        if page and path.lower().endswith(".pdf") and self._open_pdf_at_page(path, page):
            return True
        return QDesktopServices.openUrl(QUrl.fromLocalFile(path))

    def reveal(self, path_key: str) -> bool:
        path = from_key(path_key)
        try:
            if sys.platform == "win32":
                subprocess.Popen(["explorer", "/select,", os.path.normpath(path)])
                return True
            if sys.platform == "darwin":
                subprocess.Popen(["open", "-R", path])
                return True
            if self._reveal_freedesktop(path):
                return True
        except OSError as exc:
            log.warning("cannot reveal %s: %s", path, exc)
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).parent)))

    @staticmethod
    def _reveal_freedesktop(path: str) -> bool:
        """Ask the file manager over D-Bus to show and select the file (Nautilus, Dolphin, Nemo…)."""
        try:
            from PySide6.QtDBus import QDBusConnection, QDBusInterface
        except ImportError:
            return False
        bus = QDBusConnection.sessionBus()
        if not bus.isConnected():
            return False
        iface = QDBusInterface(
            "org.freedesktop.FileManager1",
            "/org/freedesktop/FileManager1",
            "org.freedesktop.FileManager1",
            bus,
        )
        if not iface.isValid():
            return False
        reply = iface.call("ShowItems", [QUrl.fromLocalFile(path).toString()], "")
        return not reply.errorMessage()

    @staticmethod
    def _open_pdf_at_page(path: str, page: int) -> bool:
        """Open a PDF at ``page`` with the default viewer where it takes a page argument (Linux)."""
        if not sys.platform.startswith("linux") or shutil.which("xdg-mime") is None:
            return False
        try:
            desktop = subprocess.run(
                ["xdg-mime", "query", "default", "application/pdf"],
                capture_output=True,
                text=True,
                timeout=2,
                check=False,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return False
        args = PDF_PAGE_ARGS.get(desktop.removesuffix(".desktop"))
        if not args or shutil.which(args[0]) is None:
            return False
        try:
            subprocess.Popen([a.format(page=page, path=path) for a in args], start_new_session=True)
        except OSError:
            return False
        return True
