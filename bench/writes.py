"""The intake's write path alone: what the store spends per complaint, statement by statement.

The NLP runs once, before anything is timed; then each round ingests the same
complaints into a fresh embedded store (warmed with other complaints, untimed) through
the real ``resume_batches``, whose extractor hands back the precomputed results. So the
round measures only the writes: receive, claims, facts, name index, review candidates.

Prints, per round, the wall time, the store JVM's CPU time and this process's CPU time
per complaint, and the share of the wall time each kind of statement took (summed over
the rounds). The rounds alternate between the settings compared (``--compare``), so
the machine's weather falls on both alike.

    .venv/bin/python bench/writes.py --n 1000 --rounds 4
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import psutil
from generate import simple_pairs
from ingest import ingest_items
from serving import fresh_store

import graph.store.bolt as store_module
from graph.store.bolt import Store
from nlp.pipeline import Extractor
from nlp.result import DocResult

Timings = dict[str, list[float]]


class Precomputed:
    """The NLP's results, computed before the timing, handed back by text (the intake
    then turns them into records in its writer thread, as with the real NLP)."""

    def __init__(self, results: dict[str, DocResult]) -> None:
        self.results = results

    def extract_many(
        self, items: Iterable[tuple[str, date | None]], batch_size: int = 32
    ) -> list[DocResult]:
        return [self.results[text] for text, _ in items]


def _name(query: str) -> str:
    """A short name for a statement: its clauses' leading words and its labels."""
    words = re.findall(r"\b(?:MATCH|MERGE|CREATE|SET|UNWIND|RETURN)\b|:[A-Z][A-Za-z_]+", query)
    return " ".join(dict.fromkeys(words))[:90]


@contextmanager
def timed(timings: Timings) -> Iterator[None]:
    """Time every statement run through a ``Store`` or one of its transactions."""
    originals = (store_module._Tx.run, Store.read, Store.bookkeeping)

    def wrap(fn: Any) -> Any:
        def run(self: Any, query: str, **params: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(self, query, **params)
            finally:
                timings[_name(query)].append(time.perf_counter() - start)

        return run

    store_module._Tx.run = wrap(originals[0])  # type: ignore[method-assign]
    Store.read = wrap(originals[1])  # type: ignore[method-assign]
    Store.bookkeeping = wrap(originals[2])  # type: ignore[method-assign]
    try:
        yield
    finally:
        store_module._Tx.run, Store.read, Store.bookkeeping = originals  # type: ignore[method-assign]


def _ingest(store: Store, items: list[tuple[str, str]], nlp: Precomputed, batch: int) -> int:
    """Receive and extract ``items`` as ``bench/ingest.py`` does; how many were extracted."""
    _, status = ingest_items(store, nlp, items, batch)
    return sum(s == "extracted" for s in status.values())


@dataclass
class Round:
    setting: str
    wall_s: float
    jvm_cpu_s: float
    py_cpu_s: float
    extracted: int


def one_round(
    setting: str,
    env_extra: dict[str, str],
    items: list[tuple[str, str]],
    warm: list[tuple[str, str]],
    extractor: Precomputed,
    batch: int,
    timings: Timings,
) -> Round:
    saved = dict(os.environ)
    os.environ.update(env_extra)  # the store's keeper and JVM inherit these
    try:
        with fresh_store() as fresh:
            store, jvm = fresh.store, fresh.jvm
            _ingest(store, warm, extractor, batch)
            me = psutil.Process()
            jvm_cpu, py_cpu = sum(jvm.cpu_times()[:2]), sum(me.cpu_times()[:2])
            start = time.perf_counter()
            with timed(timings):
                extracted = _ingest(store, items, extractor, batch)
            wall = time.perf_counter() - start
            jvm_cpu = sum(jvm.cpu_times()[:2]) - jvm_cpu
            py_cpu = sum(me.cpu_times()[:2]) - py_cpu
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return Round(setting, wall, jvm_cpu, py_cpu, extracted)


def _settings(compare: list[str]) -> dict[str, dict[str, str]]:
    """``NAME=VAR=VALUE`` items (``;``-separated pairs) → environment additions per name."""
    out: dict[str, dict[str, str]] = {"base": {}}
    for item in compare:
        name, _, rest = item.partition("=")
        extra: dict[str, str] = {}
        for pair in rest.split(";"):
            var, _, value = pair.partition("=")
            extra[var] = value
        out[name] = extra
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--warm", type=int, default=300)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=2, help="rounds per setting")
    parser.add_argument(
        "--compare",
        action="append",
        default=[],
        metavar="NAME=VAR=VALUE",
        help="another setting: environment for the store's keeper and JVM",
    )
    args = parser.parse_args()
    items = simple_pairs(args.n)
    warm = [(f"{t} (Previo.)", r) for t, r in simple_pairs(args.warm, seed=11)]
    nlp = Extractor()
    everything = items + warm
    start = time.perf_counter()
    results = list(
        nlp.extract_many(
            [(t, date.fromisoformat(r[:10])) for t, r in everything], batch_size=args.batch
        )
    )
    extractor = Precomputed({t: res for (t, _), res in zip(everything, results, strict=True)})
    print(f"NLP of {len(everything)} complaints: {time.perf_counter() - start:.1f} s (untimed)")
    settings = _settings(args.compare)
    timings: dict[str, Timings] = {name: defaultdict(list) for name in settings}
    rounds: list[Round] = []
    for _ in range(args.rounds):
        for name, extra in settings.items():
            r = one_round(name, extra, items, warm, extractor, args.batch, timings[name])
            rounds.append(r)
            n = len(items)
            print(
                f"{name:<12} wall {r.wall_s:6.2f} s  store CPU {1000 * r.jvm_cpu_s / n:5.2f} ms"
                f"/complaint  python CPU {1000 * r.py_cpu_s / n:5.2f} ms/complaint  "
                f"extracted {r.extracted}"
            )
    for name in settings:
        mine = [r for r in rounds if r.setting == name]
        print(
            f"\n{name}: median store CPU "
            f"{1000 * statistics.median(r.jvm_cpu_s for r in mine) / len(items):.2f} ms, wall "
            f"{statistics.median(r.wall_s for r in mine):.2f} s"
        )
        total = sum(sum(v) for v in timings[name].values())
        for query, spent in sorted(timings[name].items(), key=lambda kv: -sum(kv[1])):
            print(f"  {100 * sum(spent) / total:5.1f} %  {len(spent):6d}x  {query}")


if __name__ == "__main__":
    main()
