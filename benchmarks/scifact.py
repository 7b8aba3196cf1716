"""BEIR SciFact from ../shared/datasets/scifact: the corpus written as one file per abstract, queries, qrels.

Shared by the quality and indexing benchmarks. Each abstract becomes ``<_id>.txt``: the title on the
first line, a blank line, then the abstract, so a hit's file name is its document id.
"""

from __future__ import annotations

import csv
import json
import math
import os
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCIFACT = Path(os.environ.get("DESKTOP_SEARCH_SCIFACT", REPO.parent / "shared" / "datasets" / "scifact"))


def corpus(limit: int | None = None) -> list[dict[str, str]]:
    docs = []
    with open(SCIFACT / "corpus.jsonl", encoding="utf-8") as fh:
        for line in fh:
            docs.append(json.loads(line))
            if limit is not None and len(docs) >= limit:
                break
    return docs


def write_corpus(folder: Path, limit: int | None = None) -> int:
    """Write the abstracts as files (once; an existing complete folder is reused). Returns the count."""
    folder.mkdir(parents=True, exist_ok=True)
    docs = corpus(limit)
    marker = folder / f".complete-{len(docs)}"
    if marker.exists():
        return len(docs)
    write_docs(folder, docs)
    marker.write_text("")
    return len(docs)


def write_docs(folder: Path, docs: list[dict[str, str]]) -> None:
    """Each abstract as ``<_id>.txt``: title, blank line, abstract."""
    for doc in docs:
        text = f"{doc.get('title', '').strip()}\n\n{doc.get('text', '').strip()}\n"
        (folder / f"{doc['_id']}.txt").write_text(text, encoding="utf-8")


def test_queries() -> list[dict[str, str]]:
    """The 300 test claims that have relevance judgements."""
    judged = qrels()
    queries = []
    with open(SCIFACT / "queries.jsonl", encoding="utf-8") as fh:
        for line in fh:
            q = json.loads(line)
            if q["_id"] in judged:
                queries.append({"_id": q["_id"], "text": q["text"]})
    return queries


def qrels() -> dict[str, dict[str, int]]:
    judged: dict[str, dict[str, int]] = defaultdict(dict)
    with open(SCIFACT / "qrels-test.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            judged[row["query-id"]][row["corpus-id"]] = int(row["score"])
    return dict(judged)


def ndcg(ranked: list[str], rel: dict[str, int], k: int = 10) -> float:
    """nDCG@k of a ranking of document ids against graded judgements."""
    dcg = sum(rel.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(sorted(rel.values(), reverse=True)[:k]))
    return dcg / idcg if idcg else 0.0
