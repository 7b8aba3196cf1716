"""The chunker: sizes, overlap, boundaries, pages and offsets."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from desktop_search.core.index.chunking import Chunker
from tests.support.fake_embedder import HashEmbedder


@dataclass(frozen=True)
class Sec:
    start: int
    end: int
    page: int | None = None
    heading: str | None = None


def _paragraphs(n: int, words: int) -> str:
    return "\n\n".join(
        " ".join(f"w{p}x{i}." if i % 12 == 11 else f"w{p}x{i}" for i in range(words)) for p in range(n)
    )


@pytest.fixture
def counter() -> HashEmbedder:
    return HashEmbedder()


def test_offsets_are_exact_and_sizes_bounded(counter: HashEmbedder) -> None:
    text = _paragraphs(30, 70)
    chunker = Chunker(counter.count_tokens, target_tokens=100, overlap_tokens=20, max_tokens=512)
    chunks = chunker.chunk(text, [Sec(0, len(text))])
    assert len(chunks) > 10
    for n, chunk in enumerate(chunks):
        assert chunk.number == n
        assert text[chunk.start : chunk.end] == chunk.text
        assert counter.count_tokens([chunk.text])[0] <= 100 + 2
    # every word of the text is in some chunk
    covered = " ".join(c.text for c in chunks)
    assert all(word in covered for word in text.split()[::37])


def test_overlap_repeats_the_tail_of_the_previous_chunk(counter: HashEmbedder) -> None:
    text = _paragraphs(1, 600)  # one paragraph of many sentences
    chunks = Chunker(counter.count_tokens, target_tokens=80, overlap_tokens=20).chunk(
        text, [Sec(0, len(text))]
    )
    assert len(chunks) > 3
    sizes = counter.count_tokens([c.text for c in chunks])
    pairs = list(itertools.pairwise(zip(chunks, sizes, strict=True)))
    # a chunk with room for a sentence of the previous one's end starts with it
    roomy = [(a, b) for (a, _), (b, n) in pairs if n <= 80 + 2 - 15]
    assert roomy and all(a.end > b.start for a, b in roomy)
    assert all(b.start > a.start for a, b in itertools.pairwise(chunks))  # always advances


def test_cuts_at_sentence_ends(counter: HashEmbedder) -> None:
    text = " ".join(f"Sentence number {i} says something short." for i in range(200))
    chunks = Chunker(counter.count_tokens, target_tokens=60, overlap_tokens=0).chunk(
        text, [Sec(0, len(text))]
    )
    assert all(c.text.endswith(".") for c in chunks)


def test_chunks_never_span_pages_and_keep_headings(counter: HashEmbedder) -> None:
    page1 = "alpha " * 30
    page2 = "beta " * 30
    text = page1 + "\n\n" + page2
    sections = [Sec(0, len(page1), 1, "Intro"), Sec(len(page1) + 2, len(text), 2, "Body")]
    chunks = Chunker(counter.count_tokens, target_tokens=200).chunk(text, sections)
    assert [(c.page, c.heading) for c in chunks] == [(1, "Intro"), (2, "Body")]


def test_unbreakable_text_is_cut_under_the_model_maximum(counter: HashEmbedder) -> None:
    text = "x" * 50_000 + " " + " ".join(["word"] * 5000)
    chunker = Chunker(counter.count_tokens, target_tokens=220, max_tokens=300)
    chunks = chunker.chunk(text, [Sec(0, len(text))])
    assert max(counter.count_tokens([c.text for c in chunks])) <= 300


def test_empty_and_blank_documents_give_no_chunks(counter: HashEmbedder) -> None:
    chunker = Chunker(counter.count_tokens)
    assert chunker.chunk("", [Sec(0, 0)]) == []
    assert chunker.chunk("   \n\n  ", [Sec(0, 7)]) == []


@pytest.mark.model
def test_real_tokenizer_keeps_chunks_under_512_tokens(real_embedder) -> None:
    text = ("Ein langer Satz über Suchmaschinen und Vektoren, der sich wiederholt. " * 400) + (
        "長い日本語の文章です。" * 300
    )
    chunker = Chunker(real_embedder.count_tokens, target_tokens=220, overlap_tokens=40, max_tokens=512)
    chunks = chunker.chunk(text, [Sec(0, len(text))])
    counts = real_embedder.count_tokens([c.text for c in chunks])
    assert max(counts) <= 512 - 8
    assert min(counts) > 20
    assert sum(1 for n in counts if n >= 150) >= len(counts) // 2


def _sentences(n: int, seed: int = 0) -> list[str]:
    words = ["alpha", "beta", "gamma", "delta", "river", "stone", "light", "paper", "cloud", "metal"]
    return [
        " ".join(words[(i * 7 + j * 3 + seed) % len(words)] + str(i) for j in range(8 + (i * 5) % 9)) + "."
        for i in range(n)
    ]


def _layouts() -> list[str]:
    """Short paragraphs, and long paragraphs of many sentences."""
    short = "\n\n".join(" ".join(_sentences(300)[k : k + 3]) for k in range(0, 300, 3))
    long = "\n\n".join(" ".join(_sentences(300)[k : k + 40]) for k in range(0, 300, 40))
    return [short, long]


_INSERTED = (
    "An inserted sentence about something new that the writer added later, long enough to move what"
    " follows it by a few words. "
)


@pytest.mark.parametrize("layout", [0, 1])
def test_an_insertion_near_the_top_moves_only_the_chunks_around_it(
    counter: HashEmbedder, layout: int
) -> None:
    text = _layouts()[layout]
    chunker = Chunker(counter.count_tokens, target_tokens=120, overlap_tokens=20)
    before = [c.text for c in chunker.chunk(text, [Sec(0, len(text))])]
    edited = _INSERTED + text
    after = [c.text for c in chunker.chunk(edited, [Sec(0, len(edited))])]
    assert len(before) > 20
    assert len(set(after) - set(before)) <= 3  # passages that need embedding (greedy packing: all 34)
    # a sentence inserted in the middle too
    middle = text.index(". ", len(text) // 2) + 2
    edited = text[:middle] + _INSERTED + text[middle:]
    after = [c.text for c in chunker.chunk(edited, [Sec(0, len(edited))])]
    assert len(set(after) - set(before)) <= 3


def test_cuts_prefer_paragraph_breaks(counter: HashEmbedder) -> None:
    text = "\n\n".join(" ".join(_sentences(200, seed=p)[p * 4 : p * 4 + 4]) for p in range(40))
    chunks = Chunker(counter.count_tokens, target_tokens=150, overlap_tokens=0).chunk(
        text, [Sec(0, len(text))]
    )
    ends = [c.end for c in chunks[:-1]]
    at_paragraph = [text[e : e + 2] == "\n\n" for e in ends]
    assert len(ends) > 5 and all(at_paragraph)


def test_whole_chunks_are_counted_again_only_near_the_limit(counter: HashEmbedder) -> None:
    """Units meet at whitespace, so a chunk's count is its units' sum: chunks far below the limit are
    not tokenized a second time."""
    calls: list[list[str]] = []

    def count(texts):  # type: ignore[no-untyped-def]
        calls.append(list(texts))
        return counter.count_tokens(texts)

    text = _paragraphs(30, 60)
    chunker = Chunker(count, target_tokens=150, overlap_tokens=20, max_tokens=512)
    chunks = chunker.chunk(text, [Sec(0, len(text))])
    assert len(chunks) > 5
    assert [c.text for c in chunks] not in calls


def test_a_chunk_whose_whole_counts_more_than_its_units_is_still_split(counter: HashEmbedder) -> None:
    """A tokenizer whose counts are not additive at joins (here: 8 tokens more at each paragraph
    break) still gets no chunk over the limit: chunks estimated near it are counted whole and split."""

    def count(texts):  # type: ignore[no-untyped-def]
        return [n + 8 * t.count("\n\n") for t, n in zip(texts, counter.count_tokens(texts), strict=True)]

    text = _paragraphs(60, 30)
    chunker = Chunker(count, target_tokens=280, overlap_tokens=40, max_tokens=300)
    chunks = chunker.chunk(text, [Sec(0, len(text))])
    assert max(count([c.text for c in chunks])) <= 300 - 8
    assert all(text[c.start : c.end] == c.text for c in chunks)


def test_a_few_last_words_are_not_cut_off_as_a_passage_of_their_own(counter: HashEmbedder) -> None:
    """A page's last words after a paragraph that nearly fills the target (the lyrics a printed score
    leaves: "Aaa", "Bee") stay with it: alone, a crumb's vector is its heading's. Words enough for a
    passage of their own are still cut off."""
    chunker = Chunker(counter.count_tokens, target_tokens=100, overlap_tokens=20)
    body = " ".join(f"word{i}" for i in range(98))  # 98 tokens: with the crumbs, over the target
    crumbs = f"{body}\n\nAaa\n\nBee Cee"
    chunks = chunker.chunk(crumbs, [Sec(0, len(crumbs), page=3, heading="Piano and lyrics")])
    assert [c.text for c in chunks] == [crumbs]
    assert counter.count_tokens([crumbs])[0] - 2 <= 100 * 1.3

    tail = " ".join(f"tail{i}" for i in range(40))
    longer = f"{body}\n\n{tail}"
    chunks = chunker.chunk(longer, [Sec(0, len(longer))])
    assert len(chunks) == 2 and chunks[0].text == body
    assert all(counter.count_tokens([c.text])[0] - 2 <= 100 for c in chunks)
