"""The extraction pipeline's own speed against another checkout's, taking turns.

Runs ``Extractor().extract_many`` over the same generated complaints (the ingest bench's
templates) in a child process for this checkout and for ``--other`` (a worktree of an
earlier commit), alternately, and prints each turn's docs/s and the median ratio this ÷
other. The machine is shared and noisy: a single pair means little, the median of several
is the figure.

    git worktree add /tmp/base 66d565e
    .venv/bin/python bench/nlp_ab.py --other /tmp/base --pairs 7
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent

CHILD = """
import sys, time
sys.path.insert(0, "bench")
from generate import simple_pairs
from nlp.pipeline import Extractor
ex = Extractor()
items = [(t, None) for t, *_ in simple_pairs({n}, seed=11)]
list(ex.extract_many(items[: max(1, {n} // 10)]))
t = time.perf_counter()
list(ex.extract_many(items))
print(len(items) / (time.perf_counter() - t))
"""


def docs_per_second(checkout: Path, n: int) -> float:
    """One timed extraction of ``n`` complaints with ``checkout``'s ``nlp`` package."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    out = subprocess.run(
        [sys.executable, "-c", CHILD.format(n=n)],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", type=Path, required=True, help="another checkout")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--n", type=int, default=600, help="complaints per turn")
    args = parser.parse_args()
    ratios: list[float] = []
    print(f"{'pair':<6}{'this docs/s':>12}{'other docs/s':>14}{'ratio':>8}")
    for i in range(args.pairs):
        turns = [HERE, args.other] if i % 2 == 0 else [args.other, HERE]
        speed = {path: docs_per_second(path, args.n) for path in turns}
        ratio = speed[HERE] / speed[args.other]
        ratios.append(ratio)
        print(f"{i + 1:<6}{speed[HERE]:>12.1f}{speed[args.other]:>14.1f}{ratio:>8.2f}")
    print(f"median ratio this ÷ other over {len(ratios)} pairs: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
