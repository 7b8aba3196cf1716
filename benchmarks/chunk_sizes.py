"""SciFact quality by chunk size: dense, keyword and hybrid nDCG@10 for several chunk targets.

Each abstract is chunked by the product's :class:`Chunker` (overlap scaled like the default, 40 of 220
tokens), embedded with its heading as the indexer does, and keyword-indexed in an in-memory FTS5 table
with the product's tokenizer. The hybrid leg is the product's fusion (dense ranks over the union,
coverage, :func:`fuse`). The dense leg is exact (numpy), not Chroma's HNSW, so the 220 figure can
differ from ``quality.py`` in the third decimal. Embedding every size is slow on a CPU; on a GPU
machine each size takes seconds:

    python benchmarks/chunk_sizes.py --sizes 100,150,220,320,480 [--model-folder DIR]

Prints one JSON line per size.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scifact
from common import real_embedder

from desktop_search.core.extract.plaintext import extract_plain
from desktop_search.core.extract.results import Deadline
from desktop_search.core.index.chunking import Chunker
from desktop_search.core.index.indexer import embedding_text
from desktop_search.core.search.fusion import (
    COVERAGE_POWER,
    STRAY_COVERAGE_POWER,
    Candidate,
    assign_dense_ranks,
    fuse,
)
from desktop_search.core.search.highlight import Highlighter, query_terms
from desktop_search.core.search.keyword import KeywordAnswer, fts_terms
from desktop_search.core.search.searcher import clean_query, dense_query_text, weigh_keyword_match
from desktop_search.core.store.schema import FTS_TOKENIZER

K = 10
DEPTH = 50  # candidates per leg, as the searcher fetches for k <= 16


def first_files(order: list[int], docs: list[str]) -> list[str]:
    seen: list[str] = []
    for i in order:
        if docs[i] not in seen:
            seen.append(docs[i])
            if len(seen) == K:
                break
    return seen


def chunk_corpus(chunker: Chunker) -> tuple[list[str], list[str | None], list[str]]:
    texts: list[str] = []
    heads: list[str | None] = []
    docs: list[str] = []
    for d in scifact.corpus():
        data = f"{d['title'].strip()}\n\n{d['text'].strip()}\n".encode()
        extracted = extract_plain(data, Deadline(60))
        for c in chunker.chunk(extracted.text, extracted.sections):
            texts.append(c.text)
            heads.append(c.heading)
            docs.append(d["_id"])
    return texts, heads, docs


def evaluate(size: int, embedder, queries: dict[str, str], qvecs, qrels) -> dict[str, float]:
    chunker = Chunker(embedder.count_tokens, size, round(size * 40 / 220), embedder.max_tokens)
    texts, heads, docs = chunk_corpus(chunker)
    started = time.perf_counter()
    passages = [embedding_text(t, h) for t, h in zip(texts, heads, strict=True)]
    vectors = np.asarray(embedder.embed_documents(passages))
    took = time.perf_counter() - started
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE c USING fts5(text, heading, tokenize='{FTS_TOKENIZER}')")
    db.executemany("INSERT INTO c(rowid, text, heading) VALUES (?, ?, ?)",
                   [(i, t, h or "") for i, (t, h) in enumerate(zip(texts, heads, strict=True))])  # fmt: skip
    sums = {"dense": 0.0, "keyword": 0.0, "hybrid": 0.0}
    for qid, text in queries.items():
        sims = vectors @ qvecs[qid]
        dense = [int(i) for i in np.argsort(-sims)[:DEPTH]]
        sql = "SELECT rowid, bm25(c, 1.0, 0.5) AS r FROM c WHERE c MATCH ? ORDER BY r LIMIT ?"
        words = fts_terms(text)
        keyword = db.execute(sql, (" OR ".join(words), DEPTH)).fetchall()
        count = "SELECT count(*) FROM c WHERE c MATCH ?"
        known = sum(1 for w in words if db.execute(count, (w,)).fetchone()[0])
        stray_power = STRAY_COVERAGE_POWER if KeywordAnswer([], len(words), known).foreign else COVERAGE_POWER
        sums["dense"] += scifact.ndcg(first_files(dense, docs), qrels[qid])
        sums["keyword"] += scifact.ndcg(first_files([r for r, _ in keyword], docs), qrels[qid])
        terms = query_terms(text)
        highlighter = Highlighter(terms)
        candidates = {i: Candidate(str(i), float(sims[i])) for i in dense}
        for rank, (i, score) in enumerate(keyword, start=1):
            c = candidates.setdefault(i, Candidate(str(i), float(sims[i])))
            c.keyword_score, c.keyword_rank = -score, rank
            weigh_keyword_match(c, terms, highlighter, texts[i], heads[i])
        live = list(candidates.values())
        assign_dense_ranks(live)
        fused = fuse(live, stray_coverage_power=stray_power)
        sums["hybrid"] += scifact.ndcg(first_files([int(c.chunk_id) for c in fused], docs), qrels[qid])
    result = {mode: round(total / len(queries), 4) for mode, total in sums.items()}
    return {"chunk_tokens": size, **result, "chunks": len(texts), "embed_s": round(took, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="150,220,320")
    parser.add_argument("--model-folder", type=Path, default=None, help="a converted model folder")
    args = parser.parse_args(argv)
    if args.model_folder is not None:
        from desktop_search.core.config.settings import DEFAULT_MODEL
        from desktop_search.core.model.sentence_transformer import SentenceTransformerEmbedder

        embedder = SentenceTransformerEmbedder(
            DEFAULT_MODEL, args.model_folder, device="auto", precision="float32"
        )
        embedder.load()
    else:
        embedder = real_embedder()
    queries = {q["_id"]: q["text"] for q in scifact.test_queries()}
    qrels = scifact.qrels()
    qvecs = {
        qid: np.asarray(embedder.embed_query(dense_query_text(clean_query(text))))
        for qid, text in queries.items()
    }
    for size in (int(s) for s in args.sizes.split(",")):
        print(json.dumps(evaluate(size, embedder, queries, qvecs, qrels)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
