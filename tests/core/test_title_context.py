"""A plain text's title line gives every chunk of the file its context: as heading, and in the embedding."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from desktop_search.core.config.settings import Settings
from desktop_search.core.engine import Engine
from desktop_search.core.extract.plaintext import title_line
from desktop_search.core.index.indexer import embedding_text
from desktop_search.core.store.pathkeys import to_key

BODY = " ".join(
    f"Sentence {i} describes how the colony keeps its queen warm through the cold." for i in range(90)
)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Winter bees\n\nThe colony clusters together.", "Winter bees"),
        ("\n  Winter bees  \r\n\r\nThe colony clusters together.", "Winter bees"),
        ("Winter bees\nThe colony clusters together.", None),  # no blank line after it
        ("Winter bees\n\n", None),  # nothing after it
        ("x" * 200 + "\n\nshort", None),  # too long for a title
        ("One paragraph only.", None),
    ],
)
def test_title_line(text: str, title: str | None) -> None:
    assert title_line(text) == title


def test_embedding_text_prefixes_the_heading_once() -> None:
    assert embedding_text("The colony clusters.", "Winter bees") == "Winter bees\nThe colony clusters."
    assert (
        embedding_text("Winter bees\n\nThe colony clusters.", "Winter bees")
        == "Winter bees\n\nThe colony clusters."
    )
    assert embedding_text("## Watering\n\nAt dawn.", "Watering") == "## Watering\n\nAt dawn."
    assert embedding_text("No heading.", None) == "No heading."


def test_a_passage_is_embedded_with_its_chapter_and_own_title_only() -> None:
    """The sections between them are for results and keyword search: its vector stays as before."""
    heading = "School Level Experiments › 2.2 Measuring Resistance › 2.2.2 Procedure"
    assert embedding_text("Connect it.", heading) == "School Level Experiments › 2.2.2 Procedure\nConnect it."
    assert embedding_text("Connect it.", "Chapter › 2.2 Own") == "Chapter › 2.2 Own\nConnect it."


@pytest.mark.model
def test_every_chunk_of_a_titled_text_carries_and_embeds_the_title(tmp_path: Path, real_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bees.txt").write_text(f"How honeybees survive winter\n\n{BODY}\n", encoding="utf-8")
    (docs / "code.py").write_text("import os\n\nprint(os.sep)\n" + "x = 1\n" * 20, encoding="utf-8")
    engine = Engine.open(tmp_path / "home", embedder=real_embedder, settings=Settings().validate())
    try:
        engine.add_folder(docs)
        engine.index()
        chunks = engine.store.ledger.chunks_of(to_key(str(docs / "bees.txt")))
        assert len(chunks) >= 3
        assert {c.heading for c in chunks} == {"How honeybees survive winter"}
        assert all(c.heading is None for c in engine.store.ledger.chunks_of(to_key(str(docs / "code.py"))))
        last = chunks[-1]
        stored = engine.store.vectors.get_vectors([last.chunk_id])[last.chunk_id]
        expected = real_embedder.embed_documents([f"How honeybees survive winter\n{last.text}"])[0]
        assert float(np.dot(stored, expected)) > 0.9999
        hits = engine.search("honeybees", k=50, grouped=False, mode="keyword")
        assert {h.chunk_id for h in hits} == {c.chunk_id for c in chunks}  # the title counts for all
    finally:
        engine.close()
