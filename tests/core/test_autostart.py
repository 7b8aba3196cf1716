"""Start with the system: the Linux entry is written and removed for real; Windows and macOS by content."""

from __future__ import annotations

import configparser
import plistlib
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_search.core.system import autostart

COMMAND = ["/opt/Desktop Search/bin/desktop-search", "--hidden"]


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path


def _parse_desktop(text: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return parser["Desktop Entry"]


def test_linux_entry_is_written_and_removed(xdg: Path) -> None:
    assert not autostart.is_enabled("linux")
    where = autostart.enable(COMMAND, platform="linux")
    entry_path = xdg / "config" / "autostart" / "desktop-search.desktop"
    assert where == str(entry_path)
    assert entry_path.is_file()
    assert autostart.is_enabled("linux")
    entry = _parse_desktop(entry_path.read_text("utf-8"))
    assert entry["Type"] == "Application"
    assert entry["Exec"] == '"/opt/Desktop Search/bin/desktop-search" --hidden'
    assert entry["X-GNOME-Autostart-enabled"] == "true"
    # enabling twice rewrites, never duplicates
    autostart.enable(COMMAND, platform="linux")
    assert list(entry_path.parent.iterdir()) == [entry_path]

    autostart.disable("linux")
    assert not entry_path.exists()
    assert not autostart.is_enabled("linux")
    autostart.disable("linux")  # disabling when disabled is fine


def test_default_command_starts_hidden(xdg: Path) -> None:
    autostart.enable(platform="linux")
    entry = _parse_desktop(autostart.xdg_autostart_path().read_text("utf-8"))
    assert entry["Exec"].endswith(" --hidden")
    autostart.set_enabled(False, platform="linux")
    assert not autostart.is_enabled("linux")


def test_desktop_exec_quoting() -> None:
    exec_line = autostart._desktop_exec(["/a b/py", "-m", "desktop_search", '--x="$1"', "50%"])
    assert exec_line == '"/a b/py" -m desktop_search "--x=\\"\\$1\\"" "50%%"'


class FakeRunKey:
    """Stands in for the HKCU Run key (the logic is the same; only winreg is replaced)."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def set(self, name: str, data: str) -> None:
        self.values[name] = data

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def delete(self, name: str) -> None:
        self.values.pop(name, None)


def test_windows_run_value() -> None:
    key = FakeRunKey()
    command = [r"C:\Program Files\Desktop Search\desktop-search.exe", "--hidden"]
    where = autostart.enable(command, platform="win32", run_key=key)
    assert where.endswith(r"Software\Microsoft\Windows\CurrentVersion\Run\Desktop Search")
    assert key.values == {"Desktop Search": r'"C:\Program Files\Desktop Search\desktop-search.exe" --hidden'}
    assert autostart.is_enabled("win32", run_key=key)
    autostart.disable("win32", run_key=key)
    assert key.values == {}
    assert not autostart.is_enabled("win32", run_key=key)


def test_macos_launch_agent(xdg: Path) -> None:
    plist = plistlib.loads(autostart.launch_agent_plist(COMMAND))
    assert plist["ProgramArguments"] == COMMAND
    assert plist["RunAtLoad"] is True
    assert plist["Label"] == autostart.LAUNCH_AGENT_LABEL

    autostart.enable(COMMAND, platform="darwin")
    path = xdg / "home" / "Library" / "LaunchAgents" / f"{autostart.LAUNCH_AGENT_LABEL}.plist"
    assert plistlib.loads(path.read_bytes())["ProgramArguments"] == COMMAND
    assert autostart.is_enabled("darwin")
    autostart.disable("darwin")
    assert not path.exists()


def test_linux_quick_search_launcher(xdg: Path) -> None:
    path = autostart.create_quick_search_shortcut(["desktop-search", "--quick-search"], platform="linux")
    assert path == xdg / "data" / "applications" / "desktop-search-quick-search.desktop"
    entry = _parse_desktop(path.read_text("utf-8"))
    assert entry["Exec"] == "desktop-search --quick-search"


def test_windows_shortcut_script_sets_hotkey() -> None:
    script = autostart.windows_shortcut_script(
        [r"C:\Apps\O'Brien\desktop-search.exe", "--quick-search"], r"C:\Users\me\Start\Quick.lnk"
    )
    assert "$s.TargetPath = 'C:\\Apps\\O''Brien\\desktop-search.exe'" in script
    assert "$s.Arguments = '--quick-search'" in script
    assert "$s.Hotkey = 'CTRL+ALT+SPACE'" in script


def test_macos_quick_search_script_runs_command(tmp_path: Path) -> None:
    script = tmp_path / "qs.command"
    script.write_text(autostart.macos_quick_search_script([sys.executable, "-c", "print('quick it''s')"]))
    script.chmod(0o755)
    out = subprocess.run([str(script)], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "quick its"


def test_app_command_keeps_the_data_dir(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    command = autostart.app_command("--hidden")
    assert command[-3:] == ["--data-dir", str(isolated_home), "--hidden"]
    monkeypatch.delenv("DESKTOP_SEARCH_HOME")
    assert "--data-dir" not in autostart.app_command("--hidden")


def test_platform_kind() -> None:
    assert autostart.platform_kind("win32") == "windows"
    assert autostart.platform_kind("darwin") == "macos"
    assert autostart.platform_kind("linux") == "linux"
    assert autostart.platform_kind("freebsd14") == "linux"
