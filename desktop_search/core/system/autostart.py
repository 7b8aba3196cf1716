"""Start with the system, and a desktop shortcut for quick search (no Qt).

Per platform, starting at login means:

* Linux (and other XDG desktops): a ``.desktop`` entry in ``$XDG_CONFIG_HOME/autostart/``.
* Windows: a value under ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run``.
* macOS: a LaunchAgent plist in ``~/Library/LaunchAgents/``.

The app starts hidden (``--hidden``), in the tray. The content each platform gets comes from pure
functions (:func:`xdg_autostart_entry`, :func:`windows_run_value`, :func:`launch_agent_plist`) so it is
tested on any OS; the Windows registry is reached through a small :class:`RunKey` interface, whose
winreg implementation is imported only on Windows.
"""

from __future__ import annotations

import importlib
import os
import plistlib
import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from desktop_search import APP_ID, APP_NAME
from desktop_search.core.config.atomic_file import write_atomic

AUTOSTART_FILE = f"{APP_ID}.desktop"
QUICK_SEARCH_FILE = f"{APP_ID}-quick-search.desktop"
LAUNCH_AGENT_LABEL = "io.github.desktop-search"
RUN_VALUE_NAME = APP_NAME
WINDOWS_RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
HIDDEN_FLAG = "--hidden"
QUICK_SEARCH_FLAG = "--quick-search"
# Windows shortcuts (.lnk) in the Start menu or on the desktop may carry a system-wide hotkey.
WINDOWS_QUICK_SEARCH_HOTKEY = "CTRL+ALT+SPACE"


def platform_kind(platform: str | None = None) -> str:
    """``"windows"``, ``"macos"`` or ``"linux"`` (every other Unix is treated as an XDG desktop)."""
    platform = platform or sys.platform
    if platform.startswith("win"):
        return "windows"
    if platform == "darwin":
        return "macos"
    return "linux"


def app_command(*flags: str) -> list[str]:
    """The command line that starts this installation of the app, followed by ``flags``.

    A frozen bundle starts its own executable; an installed package its ``desktop-search`` script;
    otherwise the current interpreter runs the package (``python -m desktop_search``). A data folder
    set with ``--data-dir`` (``$DESKTOP_SEARCH_HOME``) is kept, so the entry starts the same app.
    """
    from desktop_search.core.config.paths import HOME_ENV

    home = os.environ.get(HOME_ENV)
    flags = ("--data-dir", home, *flags) if home else flags
    if getattr(sys, "frozen", False):
        return [sys.executable, *flags]
    script = shutil.which(APP_ID)
    if script:
        return [str(Path(script).resolve()), *flags]
    return [sys.executable, "-m", "desktop_search", *flags]


# --- content (pure) ---------------------------------------------------------------------------------


def _desktop_exec(command: Sequence[str]) -> str:
    """Quote a command for a .desktop ``Exec`` key (Desktop Entry spec: double quotes, escaped ``"`$\\``)."""
    parts = []
    for arg in command:
        if arg and all(c.isalnum() or c in "-_./=:+,@" for c in arg):
            parts.append(arg)
        else:
            escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
            parts.append(f'"{escaped}"')
    # '%' introduces field codes; a literal one is written twice.
    return " ".join(parts).replace("%", "%%")


def xdg_autostart_entry(command: Sequence[str]) -> str:
    """The ``.desktop`` file that starts ``command`` at login on XDG desktops."""
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        f"Name={APP_NAME}\n"
        "Comment=Search your own files by meaning; starts hidden in the system tray\n"
        f"Exec={_desktop_exec(command)}\n"
        f"Icon={APP_ID}\n"
        "Terminal=false\n"
        "Categories=Utility;\n"
        "X-GNOME-Autostart-enabled=true\n"
        "X-GNOME-Autostart-Delay=5\n"
        "X-KDE-autostart-after=panel\n"
    )


def quick_search_desktop_entry(command: Sequence[str]) -> str:
    """A launcher (``.desktop``) that opens the quick-search popup; bind a key to it in the desktop."""
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        f"Name={APP_NAME} — Quick search\n"
        "Comment=Open the Desktop Search quick-search popup\n"
        f"Exec={_desktop_exec(command)}\n"
        f"Icon={APP_ID}\n"
        "Terminal=false\n"
        "Categories=Utility;\n"
        "StartupNotify=false\n"
    )


def windows_run_value(command: Sequence[str]) -> tuple[str, str]:
    """The (name, data) of the ``Run`` registry value: data is a Windows command line."""
    return RUN_VALUE_NAME, subprocess.list2cmdline(list(command))


def launch_agent_plist(command: Sequence[str]) -> bytes:
    """The LaunchAgent plist (XML) that starts ``command`` at login on macOS."""
    return plistlib.dumps(
        {
            "Label": LAUNCH_AGENT_LABEL,
            "ProgramArguments": list(command),
            "RunAtLoad": True,
            "KeepAlive": False,
            "ProcessType": "Interactive",
            "LimitLoadToSessionType": "Aqua",
        },
        fmt=plistlib.FMT_XML,
    )


def windows_shortcut_script(
    command: Sequence[str], link_path: str, hotkey: str = WINDOWS_QUICK_SEARCH_HOTKEY
) -> str:
    """PowerShell that creates a ``.lnk`` shortcut for quick search with a system-wide hotkey.

    Windows honours the hotkey of shortcuts in the Start menu and on the desktop, without privileges.
    """

    def ps(value: str) -> str:
        return "'" + value.replace("'", "''") + "'"

    target, *args = command
    return (
        "$s = (New-Object -ComObject WScript.Shell).CreateShortcut("
        f"{ps(link_path)}); "
        f"$s.TargetPath = {ps(target)}; "
        f"$s.Arguments = {ps(subprocess.list2cmdline(args))}; "
        f"$s.Description = {ps(APP_NAME + ' quick search')}; "
        f"$s.Hotkey = {ps(hotkey)}; "
        "$s.Save()"
    )


def macos_quick_search_script(command: Sequence[str]) -> str:
    """A shell script for a macOS Shortcuts/Automator "Run Shell Script" action bound to a key."""
    return "#!/bin/sh\n" + "exec " + shlex.join(command) + "\n"


# --- where the files go -----------------------------------------------------------------------------


def xdg_config_home() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")


def xdg_data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def xdg_autostart_path() -> Path:
    return xdg_config_home() / "autostart" / AUTOSTART_FILE


def launch_agent_path() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"


# --- the Windows registry, behind a small interface ------------------------------------------------


class RunKey(Protocol):
    """The ``HKCU\\...\\Run`` key: enough of it to write, read and delete one value."""

    def set(self, name: str, data: str) -> None: ...

    def get(self, name: str) -> str | None: ...

    def delete(self, name: str) -> None: ...


def _winreg() -> Any:
    """The Windows registry module (imported on use: it exists only on Windows)."""
    return importlib.import_module("winreg")


class WinRegRunKey:
    """:class:`RunKey` over the real registry (Windows only; winreg is imported on use)."""

    def set(self, name: str, data: str) -> None:
        winreg = _winreg()

        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY) as key:
            winreg.SetValueEx(key, name, 0, winreg.REG_SZ, data)

    def get(self, name: str) -> str | None:
        winreg = _winreg()

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY) as key:
                value, _kind = winreg.QueryValueEx(key, name)
        except FileNotFoundError:
            return None
        return str(value)

    def delete(self, name: str) -> None:
        winreg = _winreg()

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
                winreg.DeleteValue(key, name)
        except FileNotFoundError:
            pass


# --- enable / disable / is_enabled ------------------------------------------------------------------


def _write_atomic(path: Path, data: bytes) -> None:
    write_atomic(path, data, mode=0o644)


def enable(
    command: Sequence[str] | None = None, platform: str | None = None, run_key: RunKey | None = None
) -> str:
    """Start the app (hidden, in the tray) at login. Returns where the entry went, for messages.

    ``command`` defaults to this installation's command line with ``--hidden``.
    """
    command = list(command) if command is not None else app_command(HIDDEN_FLAG)
    kind = platform_kind(platform)
    if kind == "windows":
        name, data = windows_run_value(command)
        (run_key or WinRegRunKey()).set(name, data)
        return f"HKCU\\{WINDOWS_RUN_KEY}\\{name}"
    if kind == "macos":
        path = launch_agent_path()
        _write_atomic(path, launch_agent_plist(command))
        return str(path)
    path = xdg_autostart_path()
    _write_atomic(path, xdg_autostart_entry(command).encode("utf-8"))
    return str(path)


def disable(platform: str | None = None, run_key: RunKey | None = None) -> None:
    """Remove the start-at-login entry (nothing happens when there is none)."""
    kind = platform_kind(platform)
    if kind == "windows":
        (run_key or WinRegRunKey()).delete(RUN_VALUE_NAME)
        return
    path = launch_agent_path() if kind == "macos" else xdg_autostart_path()
    path.unlink(missing_ok=True)


def is_enabled(platform: str | None = None, run_key: RunKey | None = None) -> bool:
    kind = platform_kind(platform)
    if kind == "windows":
        return (run_key or WinRegRunKey()).get(RUN_VALUE_NAME) is not None
    path = launch_agent_path() if kind == "macos" else xdg_autostart_path()
    return path.is_file()


def set_enabled(enabled: bool, platform: str | None = None, run_key: RunKey | None = None) -> None:
    """Make the system match the ``start_with_system`` setting."""
    if enabled:
        enable(platform=platform, run_key=run_key)
    else:
        disable(platform=platform, run_key=run_key)


# --- quick-search shortcut --------------------------------------------------------------------------


def create_quick_search_shortcut(
    command: Sequence[str] | None = None, platform: str | None = None, folder: Path | None = None
) -> Path:
    """Create a launcher for ``desktop-search --quick-search``; returns its path.

    * Linux: a ``.desktop`` launcher in ``$XDG_DATA_HOME/applications`` (menus and the desktop's
      keyboard settings list it, so a key can be bound to it).
    * Windows: a Start-menu ``.lnk`` with the system-wide hotkey Ctrl+Alt+Space (via PowerShell).
    * macOS: an executable ``.command`` script in ``~/Applications`` for a Shortcuts action to run.

    ``folder`` overrides where it goes (tests).
    """
    command = list(command) if command is not None else app_command(QUICK_SEARCH_FLAG)
    kind = platform_kind(platform)
    if kind == "windows":
        start_menu = Path(os.environ.get("APPDATA", Path.home())) / "Microsoft/Windows/Start Menu/Programs"
        link = (folder or start_menu) / f"{APP_NAME} quick search.lnk"
        link.parent.mkdir(parents=True, exist_ok=True)
        script = windows_shortcut_script(command, str(link))
        subprocess.run(
            ["powershell", "-NoProfile", "-NonInteractive", "-Command", script], check=True, timeout=30
        )
        return link
    if kind == "macos":
        path = (folder or Path.home() / "Applications") / f"{APP_NAME} quick search.command"
        _write_atomic(path, macos_quick_search_script(command).encode("utf-8"))
        path.chmod(0o755)
        return path
    path = (folder or xdg_data_home() / "applications") / QUICK_SEARCH_FILE
    _write_atomic(path, quick_search_desktop_entry(command).encode("utf-8"))
    path.chmod(0o755)
    return path


def shortcut_hint(platform: str | None = None) -> str:
    """How to bind a key to the launcher :func:`create_quick_search_shortcut` made, in one sentence."""
    kind = platform_kind(platform)
    if kind == "windows":
        return "Press Ctrl+Alt+Space anywhere; change the key in the shortcut's Properties → Shortcut key."
    if kind == "macos":
        return (
            "In the Shortcuts app, make a shortcut that runs this script (Run Shell Script) and give it a "
            "keyboard shortcut in its details."
        )
    return (
        "Bind a key to it in your desktop's keyboard settings (GNOME: Keyboard → Custom Shortcuts, command "
        "“desktop-search --quick-search”; KDE: Shortcuts → Add New → Application)."
    )
