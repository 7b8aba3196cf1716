"""The one temporary-file rule: the scanner, the indexer's exclusions and the watcher agree on each name."""

from __future__ import annotations

import os

import pytest

from desktop_search.core.extract.kinds import is_candidate, is_listed, is_temporary_name
from desktop_search.core.index.exclusions import Exclusions
from desktop_search.core.watch.filters import default_is_excluded

ROOT = os.path.abspath(os.sep + "watched")

TEMPORARY = [
    "~$report.docx",  # Office owner file
    ".#file.txt",  # emacs lock
    "file.swp",  # vim swap
    "File.SWP",
    "x.swo",
    "x.swx",
    "file~",  # backup copy
    "notes.txt~",
    ".~lock.x#",  # LibreOffice lock
    ".~lock.report.odt#",
    "file.tmp",
    "FILE.TMP",
    "x.temp",
    "x.kate-swp",
    "file.part",  # downloads in progress
    "X.PART",
    "x.partial",
    "file.crdownload",
    "x.Crdownload",
    "x.download",
    ".goutputstream-AB12",  # GTK safe write
    "x.txt___jb_tmp___",  # JetBrains safe write
    "x.txt___jb_old___",
    "#autosave#",  # emacs auto-save
]
ORDINARY = [
    "report.docx",
    "a~b.txt",
    "notes.part.txt",
    "tmp.txt",
    "swp.md",
    "#hashtag.md",
    "download.md",
    "4913.txt",
]


@pytest.mark.parametrize("name", TEMPORARY)
def test_every_layer_rejects_a_temporary_name(name: str) -> None:
    path = os.path.join(ROOT, name)
    assert is_temporary_name(name)
    assert not is_listed(path) and not is_candidate(path)
    assert default_is_excluded(path)
    for include_hidden in (False, True):
        exclusions = Exclusions([], include_hidden=include_hidden)
        assert exclusions.excludes_file(path, ROOT)
        assert exclusions.excludes_dir(path, ROOT)  # a folder of that name, and all below it
        assert exclusions.excludes(os.path.join(path, "inside.txt"), ROOT)
        assert exclusions.excludes_file(os.path.join(path, "inside.txt"), ROOT)


@pytest.mark.parametrize("name", ORDINARY)
def test_every_layer_keeps_an_ordinary_name(name: str) -> None:
    path = os.path.join(ROOT, name)
    assert not is_temporary_name(name)
    assert is_listed(path) and is_candidate(path)
    assert not default_is_excluded(path)
    exclusions = Exclusions([], include_hidden=False)
    assert not exclusions.excludes_file(path, ROOT) and not exclusions.excludes_dir(path, ROOT)
    assert not exclusions.excludes(os.path.join(path, "inside.txt"), ROOT)


def test_user_patterns_cannot_bring_a_temporary_file_back() -> None:
    exclusions = Exclusions(["!*.part"], include_hidden=True)
    assert exclusions.excludes_file(os.path.join(ROOT, "movie.part"), ROOT)
