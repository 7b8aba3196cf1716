"""Words that mailing-list footers and signatures repeat: do the messages that say them come first?

Corpus: the SpamAssassin public corpus's ham, as for ``mail_quotes.py`` (2,403 real mailing-list
messages of 2002; most end in their list's footer, many in a signature). Each query is a phrase that
footers or signatures repeat and that some messages also use in their own text ("unsubscribe",
"mailing list", "Hotmail"). A result (``Engine.search``, hybrid, grouped by file as the window shows
it, top 10) counts as right when the message's own text holds every word of the query: its text less
what it quotes (``mail_quotes``) and less its signature and footer (``mail_trailers``).

Reports, per query and overall: right results in the top 10 (precision@10, of at most the messages
that can be right), and how many of the index's passages of own text (not navigation) still carry a
list footer line ("listinfo", "To unsubscribe from this group"). ``--no-index`` searches the index in
``--cache`` as it is (an index built by an earlier version of the product, for a before figure).

    python benchmarks/mail_footers.py --mail <ham folder> --cache /tmp/ham-home [--no-index]
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import eprint, real_embedder

K = 10
QUERIES = (
    "unsubscribe",
    "mailing list",
    "subscription",
    "Hotmail",
    "Yahoo Groups",
    "sponsored",
    "Red Hat Linux rpm packages",
    "Irish Linux Users Group",
    "PGP signature",
    "MSN Messenger",
)
FOOTER_LINE = re.compile(r"listinfo|To unsubscribe from this group", re.IGNORECASE)


def own_texts(folder: Path) -> dict[str, str]:
    """Each message file's own text, lower-cased: its plain body less quotes, signature and footer."""
    from mail_quotes import _body

    from desktop_search.core.extract.mail_quotes import split_quoted
    from desktop_search.core.extract.mail_trailers import drop_armour, split_trailer

    texts = {}
    for path in sorted(folder.glob("*.eml")):
        own = split_trailer(split_quoted(drop_armour(_body(path)[2]))[0])[0]
        texts[path.name] = " ".join(re.findall(r"\w+", own.lower()))
    return texts


def says(own: str, query: str) -> bool:
    return all(re.search(rf"\b{re.escape(w)}\b", own) for w in re.findall(r"\w+", query.lower()))


def footer_passages(home: Path) -> tuple[int, int]:
    """(own-text passages holding a list footer line, all own-text passages) in the index's ledger."""
    ledger = next(home.glob("data/index/*/ledger.sqlite3"))
    with sqlite3.connect(ledger) as db:
        rows = db.execute("SELECT text FROM chunks WHERE navigation = 0").fetchall()
    return sum(1 for (text,) in rows if FOOTER_LINE.search(text)), len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mail", type=Path, required=True, help="the folder of .eml files")
    parser.add_argument("--cache", type=Path, required=True, help="the product's home for this index")
    parser.add_argument("--no-index", action="store_true", help="search the index as it is")
    args = parser.parse_args()
    from desktop_search.core import Engine, Settings

    owns = own_texts(args.mail)
    engine = Engine.open(args.cache, embedder=real_embedder(), settings=Settings(folders=[str(args.mail)]))
    per_query = {}
    try:
        if not args.no_index:
            engine.index()
        for query in QUERIES:
            names = [Path(h.path).name for h in engine.search(query, k=K)]
            right = sum(says(owns.get(n, ""), query) for n in names)
            possible = sum(says(own, query) for own in owns.values())
            per_query[query] = {"right@10": right, "of": min(K, possible), "messages_saying_it": possible}
    finally:
        engine.close()
    with_footer, passages = footer_passages(args.cache)
    right = sum(q["right@10"] for q in per_query.values())
    best = sum(q["of"] for q in per_query.values())
    eprint(json.dumps(per_query, indent=1))
    figures = {"precision@10": round(right / (K * len(QUERIES)), 3), "right": right, "at_most": best}
    print(json.dumps(figures | {"own_passages_with_footer": with_footer, "own_passages": passages}))


if __name__ == "__main__":
    main()
