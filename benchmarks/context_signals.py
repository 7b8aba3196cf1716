"""Context beyond the passage, measured on the real manuals: which dense signal finds the right page?

Reads the passages and vectors that ``realdocs.py`` indexed (its cache) and ranks every passage for
each question with the dense leg only, under several scorings that need no new embedding:

- ``passage``: the passage's own cosine (the product's dense leg);
- ``+section b``: plus ``b`` times the cosine of its section's mean vector (same file and heading);
- ``+page b``: plus ``b`` times the cosine of its page's mean vector;
- ``+neighbours b``: plus ``b`` times the cosine of the mean of the passage and the ones beside it.

Navigation passages (contents pages) rank last in every variant, as in the product. Metrics are
realdocs.py's (flat, same language and cross language).

    python benchmarks/context_signals.py          # after python benchmarks/realdocs.py has built its cache
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import realdocs
from common import CACHE, real_embedder


def load_passages(engine) -> tuple[list, np.ndarray]:
    """Every chunk row of the index (ordered by file and number) and its vector."""
    rows = []
    for record in engine.files():
        rows.extend(sorted(engine.store.ledger.chunks_of(record.path), key=lambda c: c.number))
    vectors = engine.store.vectors.get_vectors([r.chunk_id for r in rows])
    return rows, np.stack([vectors[r.chunk_id] for r in rows]).astype("float32")


def group_means(vectors: np.ndarray, keys: list) -> np.ndarray:
    """For each passage, the normalised mean vector of the passages sharing its key."""
    members: dict = defaultdict(list)
    for i, key in enumerate(keys):
        members[key].append(i)
    means = np.zeros_like(vectors)
    for idx in members.values():
        mean = vectors[idx].mean(axis=0)
        means[idx] = mean / max(float(np.linalg.norm(mean)), 1e-9)
    return means


def neighbour_means(vectors: np.ndarray, rows: list) -> np.ndarray:
    means = np.zeros_like(vectors)
    for i in range(len(rows)):
        idx = [j for j in (i - 1, i, i + 1) if 0 <= j < len(rows) and rows[j].path == rows[i].path]
        mean = vectors[idx].mean(axis=0)
        means[i] = mean / max(float(np.linalg.norm(mean)), 1e-9)
    return means


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=CACHE / "realdocs")
    parser.add_argument("--weights", default="0.3,0.6,1.0")
    args = parser.parse_args(argv)
    from desktop_search.core import Engine, from_key

    documents, questions, _ = realdocs.load_questions()
    embedder = real_embedder()
    engine = Engine.open(args.cache / "home", embedder=embedder)
    rows, vectors = load_passages(engine)
    names = [Path(from_key(r.path)).name for r in rows]
    navigation = np.array([r.navigation for r in rows])
    context = {
        "section": group_means(vectors, [(r.path, r.heading or f"page {r.page}") for r in rows]),
        "page": group_means(vectors, [(r.path, r.page) for r in rows]),
        "neighbours": neighbour_means(vectors, rows),
    }
    weights = [float(w) for w in args.weights.split(",")]
    queries = {q["id"]: np.asarray(embedder.embed_query(q["question"]), dtype="float32") for q in questions}

    def ranking(scores: np.ndarray) -> list[realdocs.Row]:
        scores = np.where(navigation, scores - 10.0, scores)  # navigation last
        order = np.argsort(-scores)[: realdocs.FETCH_K]
        return [realdocs.Row(names[i], (rows[i].page,) if rows[i].page else ()) for i in order]

    variants = {"passage": lambda q: vectors @ q}
    for label, means in context.items():
        for w in weights:
            variants[f"+{label} {w:g}"] = lambda q, m=means, w=w: vectors @ q + w * (m @ q)
    ranks: dict = defaultdict(list)
    for question in questions:
        q = queries[question["id"]]
        for name, score in variants.items():
            rows_ranked = ranking(score(q))
            for scenario, hidden, gold in realdocs.scenarios(question, documents):
                rank = realdocs.first_gold_rank(rows_ranked, hidden, gold)
                ranks[(name, scenario)].append(rank)
                ranks[(name, f"{scenario}-{question['lang']}")].append(rank)
    print(f"{'variant':<18} {'scenario':<9} {'n':>3} {'hit@1':>6} {'hit@5':>6} {'mrr@10':>6}")
    for (name, scenario), values in sorted(ranks.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        m = realdocs.summarise(values)
        print(
            f"{name:<18} {scenario:<9} {m['n']:>3} {m['hit@1']:>6.3f} {m['hit@5']:>6.3f} {m['mrr@10']:>6.3f}"
        )
    engine.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
