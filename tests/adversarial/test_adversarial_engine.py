"""End to end: a folder of hostile files and a few good ones through the real engine and model.

Every hostile file ends "failed" or "skipped" with a reason (or, for what is not a file at all, is
never listed); the good and the valid-but-weird files are indexed and searchable; nothing is left
behind in the user's folder, the data dir or the temp dir; nothing hangs.
"""

from __future__ import annotations

import importlib.util
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_search.core.config.settings import Settings
from desktop_search.core.records import FileStatus
from desktop_search.core.store.pathkeys import to_key
from tests.adversarial import hostile_files as hf
from tests.adversarial.checks import assert_private
from tests.core.extract_samples import make_docx, make_pdf

pytestmark = pytest.mark.model

GOOD = {
    "good/recipe.md": b"# Bread\n\nKnead the dough for ten minutes, then let it rise until doubled.\n",
    "good/astronomy.txt": b"Jupiter is the largest planet of the solar system; its Red Spot is a storm.\n",
    "good/report.pdf": make_pdf([["Quarterly revenue grew by twelve percent."], ["Costs were flat."]]),
    "good/minutes.docx": make_docx(),
}


def _snapshot(folder: Path) -> set[str]:
    return {os.path.join(d, n) for d, dirs, files in os.walk(folder) for n in dirs + files}


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh TMPDIR for this process and its children, to prove no temp file is left behind."""
    tmp = tmp_path / "tmpdir"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", None)  # recomputed from TMPDIR
    yield tmp
    tempfile.tempdir = None


@pytest.mark.timeout(420)
def test_hostile_folder_end_to_end(tmp_path: Path, real_embedder: object, private_tmp: Path) -> None:
    from desktop_search.core.engine import Engine

    folder = tmp_path / "docs"
    written, left_out = hf.write_all(folder)
    for rel, data in GOOD.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    before = _snapshot(folder) - {w.path for w in written if w.outcome == "absent" and "vanish" in w.path}
    data_dir = tmp_path / "data"
    hf.install_extraction_hooks(folder)
    engine = Engine.open(data_dir=data_dir, embedder=real_embedder, settings=Settings(extract_timeout_s=3.0))
    try:
        engine.add_folder(folder)
        done = engine.index()
        assert done.phase.value == "done", done
        engine.index()  # a rescan, as after the watcher's event: picks up the file changed mid-extraction
        records = {r.path: r for r in engine.files()}
        wrong: list[str] = []
        for w in written:
            rec = records.get(to_key(w.path))
            got = rec.status.value if rec else "absent"
            if w.outcome == "absent":
                if rec and (rec.status not in (FileStatus.FAILED, FileStatus.SKIPPED) or not rec.reason):
                    wrong.append(f"{w.kind}: listed as {got} ({rec.reason!r}); expected absent or refused")
                continue
            if not w.allows(got):
                wrong.append(f"{w.kind}: expected {w.outcome}, got {got} ({rec.reason if rec else ''!r})")
            elif got in ("failed", "skipped") and not (rec and re.search(w.reason, rec.reason, re.I)):
                wrong.append(f"{w.kind}: reason {rec.reason if rec else None!r} does not match {w.reason!r}")
        # a folder cycle must not index the same files again under longer and longer paths
        wrong += [f"followed a link cycle: {p}" for p in records if "/cycle/up/" in p or "root-again" in p]
        assert not wrong, "\n".join(wrong)

        for w in written:
            if w.outcome == "indexed" and w.marker:
                assert w.marker in engine.extracted_text(w.path), f"{w.kind}: {w.marker!r} not stored"
        assert "chinchilla" in engine.extracted_text(str(folder / "changing.nfo"))  # the final version won
        for rel in GOOD:
            assert records[to_key(str(folder / rel))].status == FileStatus.INDEXED, rel
        if importlib.util.find_spec("desktop_search.core.search.searcher"):  # the search issue's module
            for w in written:
                if w.outcome == "indexed" and w.marker:
                    hits = engine.search(w.marker, k=5, mode="keyword")
                    assert any(h.path == to_key(w.path) for h in hits), f"{w.kind}: {w.marker!r} not found"
            assert not engine.search("vanish mid-extraction", k=5, mode="keyword")
            hits = engine.search("which planet is the biggest?", k=3)
            assert hits and hits[0].path.endswith("astronomy.txt")
            hits = engine.search("how long should I knead bread dough", k=3)
            assert hits and hits[0].path.endswith("recipe.md")
        assert engine.check(repair=False)["consistent"] is True
    finally:
        hf.uninstall_extraction_hooks()
        engine.close()

    assert _snapshot(folder) - before == set(), "the app wrote into the user's folder"
    assert list(private_tmp.iterdir()) == [], "temp files left behind"
    leftovers = [
        p for p in data_dir.rglob("*") if p.name.endswith((".tmp", ".part")) or p.name.startswith("tmp")
    ]
    assert leftovers == []
    assert_private(data_dir / "data" if (data_dir / "data").exists() else data_dir)
    print(f"hostile kinds written: {len({w.kind for w in written})}; left out: {left_out}")
