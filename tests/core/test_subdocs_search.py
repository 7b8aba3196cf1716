"""Mail and archives through the whole product: real model, real store, real files. A hit names its
container and the sub-document inside it; dates of messages filter; Open copies the member out; a
container renamed, edited or deleted behaves like a file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_search.core import Engine, SearchFilters, SearchHit, Settings, from_key, unpack_part
from tests.core.mail_samples import OTTERS, QUARTERLY, REFERENCE_PDF, mbox, message, zip_of
from tests.support.real_search import indexed_engine

pytestmark = pytest.mark.model
REPO = Path(__file__).resolve().parents[2]
PRECAUTIONS = "basic precautions before installing packages from mixed suites"
FERRY = "harbour ferry revenue from evening crossings"
JUNE = datetime(2024, 6, 1, tzinfo=UTC).timestamp()


def _messages():
    lunch = message("Lunch on Friday?", "Shall we try the new noodle bar near the station at noon?")
    report = message(
        "Q3 report and reference",
        "Hi team, the quarterly report and the Debian reference are attached.\n\nRegards, Ana",
        date=datetime(2024, 10, 2, 16, 0, tzinfo=UTC),
        attachments=(
            ("reference.pdf", REFERENCE_PDF.read_bytes(), "application/pdf"),
            ("q3.txt", QUARTERLY.encode(), "text/plain"),
        ),
    )
    return [lunch, report]


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory, real_embedder):
    docs = tmp_path_factory.mktemp("docs")
    (docs / "Archive.mbox").write_bytes(mbox(*_messages()))
    (docs / "bundle.zip").write_bytes(
        zip_of({"manuals/reference.pdf": REFERENCE_PDF.read_bytes(), "notes/otters.txt": OTTERS.encode()})
    )
    with indexed_engine(docs, tmp_path_factory.mktemp("home"), real_embedder) as engine:
        yield engine, docs


def _with_similar(hits: list[SearchHit]) -> list[SearchHit]:
    """The results and the near-identical passages folded under them: the same PDF attached to a
    message and packed in a zip gives the same passages, which fold into one result ("+1 similar")."""
    return [*hits, *(s for h in hits for s in h.similar)]


def test_mbox_attachment_hits_name_the_message_and_the_attachment(setup) -> None:
    engine, _docs = setup
    hits = _with_similar(engine.search(PRECAUTIONS, k=10))
    by_part = {(Path(h.path).name, h.part): h for h in hits}
    assert ("Archive.mbox", "message 2 / reference.pdf") in by_part
    assert ("bundle.zip", "manuals/reference.pdf") in by_part
    assert by_part[("Archive.mbox", "message 2 / reference.pdf")].page is not None
    assert by_part[("bundle.zip", "manuals/reference.pdf")].page is not None
    ferry = [h.part for h in engine.search(FERRY, k=5)]
    assert "message 2 / q3.txt" in ferry
    lunch = engine.search("where do we eat on Friday", k=3)
    assert lunch[0].part == "message 1" and lunch[0].heading == "Lunch on Friday?"


def test_message_dates_are_what_date_filters_see(setup) -> None:
    engine, _docs = setup
    before = SearchFilters(modified_before=JUNE)
    for mode in ("hybrid", "keyword", "dense"):
        hits = engine.search("noodle bar lunch report reference", k=20, filters=before, mode=mode)
        assert hits and {h.part for h in hits} == {"message 1"}, mode
    after = engine.search("quarterly report attached", k=20, filters=SearchFilters(modified_after=JUNE))
    assert "message 2" in {h.part for h in after} and "message 1" not in {h.part for h in after}


def test_open_copies_the_member_of_a_hit_out(setup) -> None:
    engine, _docs = setup
    hit = next(
        h for h in _with_similar(engine.search(PRECAUTIONS, k=10)) if h.part == "manuals/reference.pdf"
    )
    copy = unpack_part(from_key(hit.path), hit.part)
    assert copy.read_bytes() == REFERENCE_PDF.read_bytes() and copy.suffix == ".pdf"
    assert engine.check()["consistent"]


def test_renamed_edited_and_deleted_containers(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    lunch, report = _messages()
    (docs / "Archive.mbox").write_bytes(mbox(lunch, report))
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        os.rename(docs / "Archive.mbox", docs / "Old.mbox")
        engine.index()
        hits = engine.search("noodle bar", k=5, filters=SearchFilters(modified_before=JUNE))
        assert [(Path(h.path).name, h.part) for h in hits][:1] == [("Old.mbox", "message 1")]  # date kept
        otters = message("Otters at the mill", OTTERS, date=datetime(2024, 11, 5, tzinfo=UTC))
        (docs / "Old.mbox").write_bytes(mbox(lunch, report, otters))
        engine.index()
        found = engine.search("otters raised cubs at the mill pond", k=3)
        assert (Path(found[0].path).name, found[0].part) == ("Old.mbox", "message 3")
        assert engine.search("noodle bar", k=1)[0].part == "message 1"
        (docs / "Old.mbox").unlink()
        engine.index()
        assert engine.search("noodle bar", k=5, mode="keyword") == []
    finally:
        engine.close()


@pytest.mark.slow  # a CLI process loading the model
def test_cli_json_results_carry_the_part(setup, real_embedder, tmp_path: Path) -> None:
    _engine, docs = setup
    folder = tmp_path / "docs"
    shutil.copytree(docs, folder)
    env = {**os.environ, "PYTHONPATH": str(REPO)}  # with conftest's DESKTOP_SEARCH_CACHE_DIR
    env.pop("DESKTOP_SEARCH_HOME", None)
    home = str(tmp_path / "home")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "desktop_search", *args, "--data-dir", home],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    indexer = Engine.open(home, embedder=real_embedder, settings=Settings(folders=[str(folder)]))
    try:  # indexed here with the model already loaded; the search below is the command's own
        indexer.index()
    finally:
        indexer.close()
    out = run("search", "--json", "-k", "5", FERRY)
    assert out.returncode == 0, out.stderr[-2000:]
    results = json.loads(out.stdout.splitlines()[0])["results"]
    assert "message 2 / q3.txt" in {r["part"] for r in results}
    assert all("part" in r and "page" in r for r in results)


def test_a_maildir_folder_is_searchable_as_mail(tmp_path: Path, real_embedder) -> None:
    """A Maildir (mutt, offlineimap, notmuch) names each message file without an extension."""
    cur = tmp_path / "Mail" / "INBOX" / "cur"
    cur.mkdir(parents=True)
    ferry = message("Boat trip on Saturday", "The ferry to the island leaves at nine from pier four.")
    (cur / "1700000000.M1P2.mailhost,S=900:2,S").write_bytes(ferry.as_bytes())
    (cur / "1700000001.M3P4.mailhost,S=800:2,RS").write_bytes(_messages()[0].as_bytes())
    engine = Engine.open(
        tmp_path / "home", embedder=real_embedder, settings=Settings(folders=[str(tmp_path)])
    )
    try:
        engine.index()
        [best, *_] = engine.search("Wann fährt die Fähre zur Insel?", k=5)
        assert from_key(best.path).endswith(":2,S") and best.heading == "Boat trip on Saturday"
        assert best.text.startswith("From: Ana Pérez <ana@example.org>") and "MIME-Version" not in best.text
        assert engine.status()["files"]["indexed"] == 2
    finally:
        engine.close()
