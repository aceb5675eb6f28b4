"""Re-extraction benchmark: what re-assessing risk and raising alerts adds to it.

Since issue 19, ``defensores reextract`` goes through the one ``ingest`` and, like an
ingest, re-assesses the actors the re-extracted complaints concern and raises their early
warnings (``after_intake``). This measures the price of that step in the same run: N
invented complaints (default 300) are ingested once into a fresh store, then re-extracted
in turns (``--since`` the current version: every complaint, to the same graph) with and
without the after-intake step, and the ratio with/without is the figure.

The NLP runs in this process (the same warm pipeline for both); one re-extraction runs
untimed first (the store's statements warm), then each round runs the two in alternating
order, so the machine's drift falls on both alike; the median ratio of the
rounds is reported with the median time per complaint of each.

    .venv/bin/python bench/reextract.py                      # 300 complaints, 4 rounds
    .venv/bin/python bench/reextract.py --n 100 --rounds 2   # a quick run
    .venv/bin/python bench/reextract.py --backend neo4j
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from tempfile import TemporaryDirectory

from backends import add_arguments, chosen, running_store
from generate import simple_pairs

from graph.intake.durable import ComplaintIn
from graph.intake.extraction import NlpBatchExtractor
from graph.intake.ingest import Again, Arrival, IngestOptions, ingest
from graph.store.bolt import Store
from nlp.pipeline import VERSION, Extractor


def timed(store: Store, extractor: NlpBatchExtractor, *, alerts: bool) -> tuple[float, int]:
    """Seconds to re-extract every complaint (alerts raised or not), and how many."""
    options = IngestOptions(again=Again(VERSION, since=VERSION), alerts=alerts)
    started = time.perf_counter()
    done = ingest(store, (), extractor, options)
    seconds = time.perf_counter() - started
    summary = done.as_json()
    if summary["errors"] or not summary["after_intake"]["ok"]:
        raise SystemExit(f"the re-extraction did not finish cleanly: {summary}")
    return seconds, int(summary["reextracted"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=4)
    add_arguments(parser)
    args = parser.parse_args()
    extractor = NlpBatchExtractor(Extractor())
    arriving = [
        Arrival(f"bench:{i}", ComplaintIn(text=text, received_at=received, channel="import"))
        for i, (text, received) in enumerate(simple_pairs(args.n))
    ]
    for backend in chosen(args.backend):
        with TemporaryDirectory() as tmp, running_store(backend, Path(tmp), args.neo4j_heap) as run:
            first = ingest(run.store, arriving, extractor).as_json()
            print(f"{backend}: {first['extracted']} complaints ingested, {first['alerts']} alerts")
            # warm-up, untimed: a store's first re-extraction runs cold (first rounds gave
            # ratios of 0.6-0.9 without it)
            timed(run.store, extractor, alerts=True)
            ratios, with_s, without_s = [], [], []
            for r in range(args.rounds):
                order = (True, False) if r % 2 else (False, True)
                got = {alerts: timed(run.store, extractor, alerts=alerts) for alerts in order}
                (on, n_on), (off, n_off) = got[True], got[False]
                assert n_on == n_off == first["extracted"], (n_on, n_off)
                ratios.append(on / off)
                with_s.append(on / n_on)
                without_s.append(off / n_off)
                print(
                    f"  round {r + 1}: without {off:6.2f} s, with alerts {on:6.2f} s,"
                    f" ratio {on / off:.2f}"
                )
            print(
                f"{backend}: re-extraction with after-intake / without = "
                f"{statistics.median(ratios):.2f} (median of {args.rounds}); per complaint "
                f"{1000 * statistics.median(without_s):.1f} ms without, "
                f"{1000 * statistics.median(with_s):.1f} ms with"
            )


if __name__ == "__main__":
    main()
