"""Run extraction over a folder of real documents and report what came out.

    python benchmarks/extract_real_docs.py /usr/share/doc [--pool] [--show N]

Prints counts per kind, skip and failure reasons, characters per second, and flags suspicious
output: many very long "words" (run-together text), spacing accents beside letters ("f¨ur": TeX's
OT1 fonts draw them over the letter), many replacement characters (a wrong encoding), or pages
without text in a PDF that has text elsewhere.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop_search.core.extract import (
    ExtractionFailed,
    ExtractorPool,
    FileSkipped,
    extract_file,
    is_candidate,
)

_WORD = re.compile(r"\S+")
# 25+ lower-case letters in a row (after an optional capital): words run together. CamelCase
# identifiers in code are not flagged.
_SPACING_ACCENT = re.compile(r"[¨´ˆ˜ˇ˚¸][^\W\d_]")
_LETTERS = re.compile(r"(?<![^\W\d_])[^\W\d_]?[a-zß-öø-ÿ]{24,}")


def suspicion(text: str, page_sections: list[int]) -> list[str]:
    """Reasons to look at an extraction by eye (empty when it looks fine)."""
    flags = []
    words = _WORD.findall(text)
    if words:
        long_words = sum(1 for w in words if _LETTERS.search(w))
        if long_words / len(words) > 0.01:
            flags.append(f"run-together words {long_words}/{len(words)}")
    accents = len(_SPACING_ACCENT.findall(text))  # "f¨ur": an accent drawn over a letter, left apart
    if accents > 5:
        flags.append(f"spacing accents beside letters {accents}")
    bad = text.count("\ufffd")
    if text and bad / len(text) > 0.001:
        flags.append(f"replacement chars {bad}")
    if page_sections:
        total, with_text = page_sections
        if with_text and with_text < total * 0.8:
            flags.append(f"pages with text {with_text}/{total}")
    return flags


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--pool", action="store_true", help="extract through ExtractorPool")
    parser.add_argument("--all", action="store_true", help="try every file, not only candidates")
    parser.add_argument("--show", type=int, default=15, help="suspicious files to list")
    args = parser.parse_args()

    kinds: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    failed: dict[str, list[str]] = defaultdict(list)
    suspicious: list[tuple[str, list[str]]] = []
    chars = 0
    seconds = 0.0
    pool = ExtractorPool() if args.pool else None
    try:
        for root, _dirs, files in os.walk(args.folder):
            for name in sorted(files):
                path = Path(root, name)
                if path.is_symlink() or not (args.all or is_candidate(path)):
                    if not args.all:
                        skipped["not a candidate by name"] += 1
                    continue
                start = time.perf_counter()
                try:
                    result = pool.extract(path) if pool else extract_file(path)
                except FileSkipped as err:
                    skipped[err.reason] += 1
                    continue
                except ExtractionFailed as err:
                    failed[err.reason].append(str(path))
                    continue
                finally:
                    seconds += time.perf_counter() - start
                kinds[result.kind] += 1
                chars += len(result.text)
                pages = (
                    [result.page_count or 0, len({s.page for s in result.sections})]
                    if result.page_count
                    else []
                )
                flags = suspicion(result.text, pages)
                if flags:
                    suspicious.append((str(path), flags))
    finally:
        if pool:
            pool.close()

    print(
        f"extracted {sum(kinds.values())} files, {chars:,} chars in {seconds:.1f} s "
        f"({chars / max(seconds, 1e-9):,.0f} chars/s)"
    )
    for kind, n in kinds.most_common():
        print(f"  {kind:10} {n}")
    print("skipped:")
    for reason, n in skipped.most_common():
        print(f"  {n:6}  {reason}")
    print("failed:")
    for reason, paths in sorted(failed.items(), key=lambda kv: -len(kv[1])):
        print(f"  {len(paths):6}  {reason}  e.g. {paths[0]}")
    print(f"suspicious: {len(suspicious)}")
    for path, flags in suspicious[: args.show]:
        print(f"  {path}: {'; '.join(flags)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
