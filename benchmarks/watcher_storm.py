"""Event storm through the folder watcher: N files created by another process.

Prints how long the writer took, when the last file was delivered, how many callbacks carried
the changes (few large ones, not N), and the peak RSS of this process.

    python benchmarks/watcher_storm.py [--files 10000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop_search.core.watch.watcher import FolderChanges, FolderWatcher

_WRITER = (
    "import os, sys\n"
    "for i in range(int(sys.argv[2])):\n"
    "    open(os.path.join(sys.argv[1], f'f{i:06d}.txt'), 'w').write('x')"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    args = parser.parse_args()
    batches: list[FolderChanges] = []
    with tempfile.TemporaryDirectory() as folder:
        watcher = FolderWatcher(batches.append)  # default debounce 0.5 s, max delay 2 s
        watcher.set_folders([folder])
        watcher.start()
        want = {os.path.join(folder, f"f{i:06d}.txt") for i in range(args.files)}
        started = time.monotonic()
        subprocess.run([sys.executable, "-c", _WRITER, folder, str(args.files)], check=True)
        written = time.monotonic() - started
        got: set[str] = set()
        while not want <= got and time.monotonic() - started < written + 60:
            time.sleep(0.05)
            got = set().union(*(b.changed for b in list(batches)))
        delivered = time.monotonic() - started
        watcher.stop()
    try:
        import resource

        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    except ImportError:  # Windows
        rss_mb = float("nan")
    print(f"files written: {args.files} in {written:.2f} s (another process)")
    print(f"delivered: {len(got & want)}/{args.files}, last {delivered - written:.2f} s after the last write")
    print(f"callbacks: {len(batches)} (sizes {[b.size for b in batches]})")
    print(f"peak RSS: {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
