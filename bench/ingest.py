"""Ingest benchmark: end-to-end intake against the bare NLP, in the same run.

Generates N invented complaints (default 2,000; about 70 % Spanish), then

* **bare NLP**: the same spaCy pipelines (with the project's components) over the same
  texts through ``nlp.pipe`` — the ceiling;
* **ingest**: ``receive`` (stored first, status ``received``), then batched extraction
  and one transaction of facts per complaint, into a fresh embedded store.

Prints docs/s for both, the ratio (goal: ingest ≥ 0.75 of the bare NLP rate) and peak
memory of this process and of the store's JVM.

    .venv/bin/python bench/ingest.py              # 2,000 complaints, 3 rounds
    .venv/bin/python bench/ingest.py --n 200      # a quick run

The machine is shared and noisy (the same run has given ratios from 0.58 to 0.82), so
each round measures the bare NLP and the ingest back to back, and the median ratio of
the rounds is the figure.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psutil
from generate import simple_pairs

from graph.config import StoreConfig
from graph.embedded import Paths, read_state
from graph.extraction import NlpBatchExtractor
from graph.intake import ComplaintIn, receive_many, resume_batches
from graph.repository import counts
from graph.store import Store
from nlp.pipeline import Extractor, detect_language
from server import open_store

# The complaints this bench has always used (bench/analytics.py imports them from here).
generate = simple_pairs


@dataclass
class Round:
    bare_s: float
    ingest_s: float
    stored_s: float
    extracted: int
    nodes: int
    relationships: int
    jvm_mb: float
    jvm_cpu_s: float  # the store's CPU time during the timed ingest
    warm_rate: float | None  # docs/s of the untimed warm-up ingest (a cold store)

    @property
    def ratio(self) -> float:
        return self.bare_s / self.ingest_s


def _ingest(
    store: Store, extractor: Extractor, items: list[tuple[str, str]], batch: int
) -> tuple[float, dict[str, str]]:
    """Receive then extract ``items``; returns the seconds receiving took and the status."""
    start = time.perf_counter()
    complaints = [ComplaintIn(text=t, received_at=r, channel="import") for t, r in items]
    for i in range(0, len(complaints), 100):
        receive_many(store, complaints[i : i + 100])
    stored_s = time.perf_counter() - start
    return stored_s, resume_batches(store, NlpBatchExtractor(extractor, batch), batch_size=batch)


def one_round(
    extractor: Extractor, items: list[tuple[str, str]], batch: int, warm: list[tuple[str, str]]
) -> Round:
    """Bare NLP then ingest into a fresh store, back to back (the same machine weather).

    With ``warm`` complaints, the fresh store first ingests those (untimed): a store
    that has been running is what an ingest meets, and a JVM that has just started
    spends seconds of CPU compiling its hot paths (the bare NLP is warmed too)."""
    start = time.perf_counter()
    for _ in extractor.extract_many(
        [(t, date.fromisoformat(r[:10])) for t, r in items], batch_size=batch
    ):
        pass
    bare_s = time.perf_counter() - start
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEFENSORES_")}
    with tempfile.TemporaryDirectory(prefix="defensores-bench-") as tmp:
        config = StoreConfig.from_env(env, data_dir=tmp)
        with open_store(config) as store:
            state = read_state(Paths(Path(tmp).resolve()))
            assert state is not None
            jvm = psutil.Process(state.jvm_pid)
            warm_rate = None
            if warm:
                start = time.perf_counter()
                _ingest(store, extractor, warm, batch)
                warm_rate = len(warm) / (time.perf_counter() - start)
            jvm_cpu = sum(jvm.cpu_times()[:2])
            start = time.perf_counter()
            stored_s, status = _ingest(store, extractor, items, batch)
            ingest_s = time.perf_counter() - start
            jvm_cpu = sum(jvm.cpu_times()[:2]) - jvm_cpu
            total = counts(store)
            jvm_mb = jvm.memory_info().rss / 2**20
    extracted = sum(s == "extracted" for s in status.values())
    return Round(
        bare_s,
        ingest_s,
        stored_s,
        extracted,
        total["nodes"],
        total["relationships"],
        jvm_mb,
        jvm_cpu,
        warm_rate,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--warm",
        type=int,
        default=300,
        help="other complaints each fresh store ingests first, untimed (0: a cold store)",
    )
    args = parser.parse_args()
    items = generate(args.n)
    warm = [(f"{t} (Previo.)", r) for t, r in generate(args.warm, seed=11)]
    langs = [detect_language(t) for t, _ in items]
    print(
        f"{len(items)} complaints: {langs.count('es')} es, {langs.count('en')} en; "
        f"batch {args.batch}; {args.rounds} rounds, each bare NLP then ingest (fresh store, "
        f"warmed with {args.warm} other complaints)"
    )
    extractor = Extractor()
    list(extractor.extract_many([(t, None) for t, _ in items[:64]], batch_size=args.batch))  # warm
    rounds = [one_round(extractor, items, args.batch, warm) for _ in range(args.rounds)]
    n = len(items)
    print(
        f"\n{'round':<7}{'bare docs/s':>12}{'ingest docs/s':>15}{'receive s':>11}"
        f"{'store CPU s':>13}{'cold docs/s':>13}{'ratio':>8}"
    )
    for i, r in enumerate(rounds, 1):
        cold = "-" if r.warm_rate is None else f"{r.warm_rate:.1f}"
        print(
            f"{i:<7}{n / r.bare_s:>12.1f}{n / r.ingest_s:>15.1f}{r.stored_s:>11.1f}"
            f"{r.jvm_cpu_s:>13.1f}{cold:>13}{r.ratio:>8.2f}"
        )
    ratios = sorted(r.ratio for r in rounds)
    print(
        f"ratio ingest/bare rate, median of {len(rounds)}: {statistics.median(ratios):.2f} "
        f"(range {ratios[0]:.2f}-{ratios[-1]:.2f}; goal >= 0.75)"
    )
    last = rounds[-1]
    print(
        f"extracted {last.extracted}/{n}; graph: {last.nodes} nodes, "
        f"{last.relationships} relationships"
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: this process {peak_mb:.0f} MB; store JVM at the end {last.jvm_mb:.0f} MB")


if __name__ == "__main__":
    main()
