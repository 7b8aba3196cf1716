"""An edited mailbox re-embeds only its new or changed messages; the others keep their vectors."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from desktop_search.core.config.settings import Settings
from desktop_search.core.engine import Engine
from tests.core.mail_samples import OTTERS, QUARTERLY, mbox, message, zip_of
from tests.support.fake_embedder import HashEmbedder


class CountingEmbedder(HashEmbedder):
    """Remembers every text it embedded."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.extend(texts)
        return super().embed_documents(texts)


def _messages() -> list:
    return [
        message("Lunch on Friday?", "Shall we try the new noodle bar near the station at noon?"),
        message("Q3", QUARTERLY, attachments=(("q3.txt", QUARTERLY.encode(), "text/plain"),)),
        message("Otters", OTTERS, date=datetime(2024, 11, 5, tzinfo=UTC)),
    ]


def test_an_edited_mbox_embeds_only_new_and_changed_messages(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    lunch, report, otters = _messages()
    box = docs / "Inbox.mbox"
    box.write_bytes(mbox(lunch, report))
    embedder = CountingEmbedder()
    engine = Engine.open(tmp_path / "home", embedder=embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        first = len(embedder.seen)
        assert first >= 3
        embedder.seen.clear()

        changed = message("Lunch on Friday?", "Shall we try the new ramen place near the station at one?")
        box.write_bytes(mbox(changed, report, otters))
        engine.index()
        assert embedder.seen and all("noodle" not in t and "harbour" not in t for t in embedder.seen)
        assert any("ramen" in t for t in embedder.seen) and any("otters" in t for t in embedder.seen)
        assert engine.check()["consistent"]
        hits = engine.search("harbour ferry evening crossings", k=3, mode="keyword", grouped=False)
        assert {h.part for h in hits} >= {"message 2", "message 2 / q3.txt"}
        assert engine.search("ramen", k=1, mode="keyword")[0].part == "message 1"
        assert not engine.search("noodle", k=1, mode="keyword")

        embedder.seen.clear()
        box.write_bytes(mbox(report, otters))  # the first message deleted: the others are renumbered
        engine.index()
        assert embedder.seen == []
        assert engine.search("otters", k=1, mode="keyword")[0].part == "message 2"
        assert engine.check()["consistent"]
    finally:
        engine.close()


def test_a_changed_zip_reuses_the_vectors_of_unchanged_members(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.zip").write_bytes(zip_of({"q3.txt": QUARTERLY.encode()}))
    embedder = CountingEmbedder()
    engine = Engine.open(tmp_path / "home", embedder=embedder, settings=Settings(folders=[str(docs)]))
    try:
        engine.index()
        embedder.seen.clear()
        (docs / "a.zip").write_bytes(zip_of({"q3.txt": QUARTERLY.encode(), "otters.txt": OTTERS.encode()}))
        engine.index()
        assert embedder.seen and all("harbour" not in t for t in embedder.seen)
        assert any("otters" in t for t in embedder.seen)
        assert {h.part for h in engine.search("harbour otters", k=5, mode="keyword")} == {
            "q3.txt",
            "otters.txt",
        }
    finally:
        engine.close()
