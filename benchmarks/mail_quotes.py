"""Replies that quote a message: does the message that wrote a line come before the replies that repeat it?

Corpus: the SpamAssassin public corpus's ham (2,403 real mailing-list messages of 2002), as the Debian
package ``golang-github-gatherstars-com-jwz-dev`` ships it (``apt-get download`` it, ``dpkg-deb -x``, and
pass ``usr/share/gocode/src/github.com/gatherstars-com/jwz/test/testdata/ham``). Pairs: a reply R whose
In-Reply-To names a message P of the corpus, and a line of at least 8 words that R quotes ("> …") and P
wrote itself (in P's own text, not quoted by P). The query is that line, searched through the product
(``Engine.search``, hybrid, grouped by file as the window shows it, k=20); 150 pairs drawn with a fixed seed.

Reports: how often P is the first result, how often a reply that quotes the line ranks above P, MRR@20
of P, and how many P are not in the 20 results.

    python benchmarks/mail_quotes.py --mail <ham folder> --cache /tmp/ham-home
"""

from __future__ import annotations

import argparse
import email
import json
import random
import sys
from email import policy
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import eprint, real_embedder

PAIRS, K, SEED, MIN_WORDS = 150, 20, 1, 8


def _body(path: Path) -> tuple[str, str, str]:
    """(Message-Id, In-Reply-To, plain body) of a message file."""
    msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    try:
        part = msg.get_body(preferencelist=("plain",))
        text = part.get_content() if part is not None else ""
    except Exception:
        text = ""
    return (msg.get("Message-Id") or "").strip(), (msg.get("In-Reply-To") or "").strip(), text


def quote_pairs(folder: Path) -> tuple[list[tuple[str, str]], dict[str, set[str]]]:
    """(parent file, quoted line) pairs, and for each pair's line the files that quote it."""
    from desktop_search.core.extract.mail_quotes import split_quoted

    messages = {f.name: _body(f) for f in sorted(folder.glob("*.eml"))}
    by_id = {mid: name for name, (mid, _, _) in messages.items() if mid}
    found: list[tuple[str, str]] = []
    for name, (_, parent_id, text) in messages.items():
        parent = by_id.get(parent_id)
        if not parent or parent == name:
            continue
        written = " ".join(split_quoted(messages[parent][2])[0].split())
        for line in text.splitlines():
            quoted = " ".join(line.lstrip("> ").split())
            long_enough = len(quoted.split()) >= MIN_WORDS
            if line.startswith(">") and not line.startswith(">>") and long_enough and quoted in written:
                found.append((parent, quoted))
                break
    random.Random(SEED).shuffle(found)
    found = found[:PAIRS]
    quoting = {
        line: {
            n for n, (_, _, t) in messages.items()
            if any(q.startswith(">") and line in " ".join(q.lstrip("> ").split()) for q in t.splitlines())
        }
        for _, line in found
    }  # fmt: skip
    return found, quoting


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mail", type=Path, required=True, help="the folder of .eml files")
    parser.add_argument("--cache", type=Path, required=True, help="the product's home for this index")
    args = parser.parse_args()
    from desktop_search.core import Engine, Settings

    pairs, quoting = quote_pairs(args.mail)
    engine = Engine.open(args.cache, embedder=real_embedder(), settings=Settings(folders=[str(args.mail)]))
    try:
        engine.index()
        first = above = missing = 0
        reciprocal = 0.0
        for parent, line in pairs:
            names = [Path(h.path).name for h in engine.search(line, k=K)]
            if parent not in names:
                missing += 1
                above += any(n in quoting[line] for n in names)
                continue
            rank = names.index(parent) + 1
            first += rank == 1
            reciprocal += 1 / rank
            above += any(n in quoting[line] for n in names[: rank - 1])
    finally:
        engine.close()
    n = len(pairs)
    eprint(f"{n} pairs over {len(list(args.mail.glob('*.eml')))} messages")
    figures = {"pairs": n, "original_first": round(first / n, 3), "quote_above_original": round(above / n, 3)}
    print(json.dumps(figures | {"mrr@20": round(reciprocal / n, 3), "original_missing": missing}))


if __name__ == "__main__":
    main()
