"""`make bench`: run every benchmark of this folder in turn (each records how to read its numbers in README.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHMARKS = ["cases.py", "visibility.py"]


def main() -> int:
    here = Path(__file__).resolve().parent
    for name in BENCHMARKS:
        print(f"== bench/{name}", flush=True)
        code = subprocess.call([sys.executable, str(here / name), *sys.argv[1:]])
        if code:
            return code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
