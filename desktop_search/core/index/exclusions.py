"""Which files and folders the indexer never looks at.

Patterns follow ``.gitignore`` rules (matched by ``pathspec``, which implements them exactly:
negation, anchoring, ``**``, trailing ``/`` for folders), relative to each watched folder. Hidden
files and folders (a name starting with ``.``) are excluded unless the user includes them, and so
are the app's own data folders and, at every folder level, temporary and lock files (the one rule
for those is :func:`desktop_search.core.extract.kinds.is_temporary_name`).

A documentation site built by Sphinx (a folder holding its ``searchindex.js``) keeps its pages, but
not the two folders Sphinx writes beside them: ``_sources`` (a copy of each page's source, which
ranked beside the page it built and said the same) and ``_static`` (the theme's stylesheets, scripts,
fonts and icons, whose icons went to OCR for nothing).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath

import pathspec

from desktop_search.core.extract.kinds import is_temporary_name

SITE_BUILD_FOLDERS = frozenset({"_sources", "_static"})
SITE_BUILD_MARKER = "searchindex.js"


def is_site_build_folder(path: str) -> bool:
    """A Sphinx site's ``_sources`` or ``_static`` folder (its ``searchindex.js`` beside it)."""
    if os.path.basename(path) not in SITE_BUILD_FOLDERS:
        return False
    return os.path.isfile(os.path.join(os.path.dirname(path), SITE_BUILD_MARKER))


class Exclusions:
    """Decides, per watched folder, whether a path is out of the index."""

    def __init__(
        self,
        patterns: Sequence[str],
        include_hidden: bool = False,
        private_dirs: Iterable[str | os.PathLike[str]] = (),
    ) -> None:
        self.include_hidden = include_hidden
        lines = [p.strip() for p in patterns if p.strip() and not p.strip().startswith("#")]
        self._spec = pathspec.GitIgnoreSpec.from_lines(lines)
        self._private = tuple(os.path.normcase(os.path.abspath(p)) for p in private_dirs)

    def _relative(self, path: str, root: str) -> str:
        rel = os.path.relpath(path, root)
        return PurePosixPath(*rel.split(os.sep)).as_posix() if rel != "." else ""

    def is_private(self, path: str) -> bool:
        """The app's own folders (index, cache): never indexed, even inside a watched folder."""
        norm = os.path.normcase(os.path.abspath(path))
        return any(norm == p or norm.startswith(p + os.sep) for p in self._private)

    def excludes_dir(self, path: str, root: str) -> bool:
        """True when the folder ``path`` (inside ``root``) and everything under it is skipped."""
        if path == root:
            return False
        name = os.path.basename(path)
        if not self.include_hidden and name.startswith("."):
            return True
        if self.is_private(path) or is_site_build_folder(path):
            return True
        rel = self._relative(path, root)
        return _has_temporary_part(rel) or self._spec.match_file(rel + "/")

    def excludes_file(self, path: str, root: str) -> bool:
        """True when the file ``path`` (inside ``root``) is skipped; its folders are not checked here."""
        name = os.path.basename(path)
        if not self.include_hidden and name.startswith("."):
            return True
        rel = self._relative(path, root)
        return _has_temporary_part(rel) or self._spec.match_file(rel)

    def excludes(self, path: str, root: str) -> bool:
        """Whether any part of ``path`` below ``root`` is excluded (for watcher events)."""
        if self.is_private(path):
            return True
        rel = self._relative(path, root)
        if rel.startswith(".."):
            return True
        parts = rel.split("/") if rel else []
        current = root
        for part in parts[:-1]:
            current = os.path.join(current, part)
            if self.excludes_dir(current, root):
                return True
        return bool(parts) and self.excludes_file(path, root)


def _has_temporary_part(rel: str) -> bool:
    """Whether the file or any folder of a relative ``/``-path is a temporary or lock file's name."""
    return any(is_temporary_name(part) for part in rel.split("/"))
