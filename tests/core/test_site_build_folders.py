"""A Sphinx site's _sources and _static folders are out of the index; its pages, and such folders
elsewhere, are not."""

from __future__ import annotations

from pathlib import Path

from desktop_search.core.index.exclusions import Exclusions
from desktop_search.core.index.scanner import walk_folder


def _site(root: Path) -> Path:
    site = root / "docs" / "html"
    for name, text in {
        "searchindex.js": "Search.setIndex({})",
        "faq.html": "<h1>FAQ</h1><p>Bees.</p>",
        "_sources/faq.rst.txt": "FAQ\n===\n\nBees.",
        "_static/basic.css": "body { margin: 0 }",
        "_images/diagram.png": "",
    }.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text)
    other = root / "project" / "_static"
    other.mkdir(parents=True)
    (other / "app.css").write_text("body { color: red }")  # no site beside it: a user's own folder
    return site


def test_a_sphinx_sites_sources_and_theme_are_excluded(tmp_path: Path) -> None:
    site = _site(tmp_path)
    exclusions = Exclusions([])
    root = str(tmp_path)
    listed = sorted(
        str(Path(f.path).relative_to(tmp_path)) for f in walk_folder(root, exclusions, lambda p, e: None)
    )
    assert listed == [
        "docs/html/_images/diagram.png",
        "docs/html/faq.html",
        "docs/html/searchindex.js",
        "project/_static/app.css",
    ]
    assert exclusions.excludes(str(site / "_sources" / "faq.rst.txt"), root)  # a watcher event
    assert exclusions.excludes(str(site / "_static" / "basic.css"), root)
    assert not exclusions.excludes(str(site / "faq.html"), root)
    assert not exclusions.excludes(str(tmp_path / "project" / "_static" / "app.css"), root)
