"""The core's public face: every exported name resolves, and importing the package stays cheap."""

from __future__ import annotations

import subprocess
import sys

import desktop_search.core as core


def test_every_public_name_resolves_to_its_home() -> None:
    assert set(core.__all__) == set(core._HOMES)
    for name in core.__all__:
        value = getattr(core, name)
        assert value is not None
        home = core._HOMES[name]
        assert getattr(sys.modules[home], name) is value


def test_unknown_names_raise_attribute_error() -> None:
    try:
        core.NoSuchThing  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as err:
        assert "NoSuchThing" in str(err)
    else:
        raise AssertionError("an unknown name resolved")


def test_importing_the_package_loads_no_heavy_library() -> None:
    code = (
        "import sys, desktop_search.core\n"
        "heavy = ('numpy', 'torch', 'chromadb', 'sentence_transformers', 'PySide6')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""
