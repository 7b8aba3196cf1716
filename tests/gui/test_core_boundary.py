"""The GUI reaches the core only through its public face, ``desktop_search.core`` (and ``core.system``).

Every module of ``desktop_search/gui`` is parsed, not imported: imports at the top, inside functions and
under ``TYPE_CHECKING`` count alike, as do ``importlib.import_module("desktop_search.core.…")`` calls.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GUI = REPO / "desktop_search" / "gui"
CORE = REPO / "desktop_search" / "core"
PUBLIC = "desktop_search.core"
ALLOWED_SUBPACKAGE = "desktop_search.core.system"
IMPORT_FUNCTIONS = {"import_module", "__import__"}


def _is_core_submodule(name: str) -> bool:
    """A module or package under ``desktop_search/core`` (as opposed to a name the package exports)."""
    return (CORE / name).is_dir() or (CORE / f"{name}.py").is_file()


def _allowed(module: str) -> bool:
    return module in (PUBLIC, ALLOWED_SUBPACKAGE) or module.startswith(ALLOWED_SUBPACKAGE + ".")


def _absolute(node: ast.ImportFrom, package: str) -> str:
    """The absolute module of a ``from … import`` (relative ones resolved against ``package``)."""
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = parts[: len(parts) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def forbidden_core_imports(source: str, package: str = "desktop_search.gui") -> list[str]:
    """The ``desktop_search.core.*`` modules ``source`` imports other than the public face and system."""
    found: list[str] = []

    def check(module: str) -> None:
        if (module == PUBLIC or module.startswith(PUBLIC + ".")) and not _allowed(module):
            found.append(module)

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                check(alias.name)
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, package)
            check(module)
            if module == PUBLIC:  # ``from desktop_search.core import engine`` reaches past the face
                for alias in node.names:
                    if _is_core_submodule(alias.name):
                        check(f"{PUBLIC}.{alias.name}")
            elif module == "desktop_search":
                for alias in node.names:
                    if alias.name == "core":
                        check(PUBLIC)
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if name in IMPORT_FUNCTIONS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                check(first.value)
    return found


def gui_modules() -> list[Path]:
    return sorted(GUI.rglob("*.py"))


def test_the_checker_sees_every_kind_of_import() -> None:
    source = """
import importlib
from desktop_search.core import Engine, SearchHit
from desktop_search.core.system import autostart
import desktop_search.core.system.autostart
from desktop_search.core.records import Span
from desktop_search.core import engine
from ..core.store import pathkeys

def later():
    import desktop_search.core.search.highlight
    from desktop_search.core.config.settings import Settings
    return importlib.import_module("desktop_search.core.index.jobs")
"""
    assert sorted(forbidden_core_imports(source)) == sorted(
        [
            "desktop_search.core.records",
            "desktop_search.core.engine",
            "desktop_search.core.store",
            "desktop_search.core.search.highlight",
            "desktop_search.core.config.settings",
            "desktop_search.core.index.jobs",
        ]
    )


@pytest.mark.parametrize("path", gui_modules(), ids=lambda p: str(p.relative_to(GUI)))
def test_gui_module_imports_only_the_public_core(path: Path) -> None:
    package = "desktop_search." + ".".join(path.relative_to(REPO / "desktop_search").parent.parts)
    assert forbidden_core_imports(path.read_text(encoding="utf-8"), package) == []
