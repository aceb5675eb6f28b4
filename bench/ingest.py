"""Ingest benchmark: end-to-end intake against the bare NLP, in the same run.

Generates N invented complaints (default 2,000; about 70 % Spanish), then

* **bare NLP**: the same spaCy pipelines (with the project's components) over the same
  texts through ``nlp.pipe`` — the ceiling;
* **ingest**: ``receive`` (stored first, status ``received``), then batched extraction
  and one transaction of facts per batch, into a fresh embedded store, as ``defensores
  ingest`` does it: the NLP in a process of its own (``nlp.worker``), the writes in
  this one. ``--nlp thread`` runs the NLP in this process instead (as before), ``--nlp
  both`` measures the two in each round.

Prints docs/s for both, the ratio (goal: ingest ≥ 0.75 of the bare NLP rate) and peak
memory of this process and of the store's JVM.

    .venv/bin/python bench/ingest.py              # 2,000 complaints, 3 rounds
    .venv/bin/python bench/ingest.py --n 200      # a quick run

The machine is shared and noisy (the same run has given ratios from 0.58 to 0.82, and
the bare NLP alone 89 to 140 docs/s): each round takes turns, a slice of the
complaints through the bare NLP then the same slice ingested (``--slices``, default 4),
and the median ratio of the rounds is the figure.

``--backend neo4j`` ingests into a Neo4j 5 Community the script starts itself
(``graph.store.local_neo4j``), a fresh server per round as the embedded store is a fresh data
dir per round (started and warmed untimed); the baseline stays the bare NLP, which
involves no store. ``--backend both`` runs each round on the embedded ArcadeDB then on
Neo4j, so the two meet the same machine weather, and ends with them side by side.

    .venv/bin/python bench/ingest.py --n 300 --rounds 2 --backend both
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory

import psutil
from backends import ARCADEDB, NEO4J, add_arguments, chosen, running_store
from generate import simple_pairs

from graph.intake.durable import ComplaintIn, receive_many, resume_batches
from graph.intake.extraction import ExtractsMany, NlpBatchExtractor
from graph.store.bolt import Store
from graph.store.repository import counts
from nlp.pipeline import Extractor, detect_language
from nlp.worker import ExtractorProcess

# The complaints this bench has always used (bench/analytics.py imports them from here).
generate = simple_pairs


def compiling_cpu_s(pid: int) -> float:
    """CPU seconds the JVM's JIT compiler threads have used so far (Linux)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            if not (task / "comm").read_text().startswith(("C1 Compiler", "C2 Compiler")):
                continue
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the thread ended meanwhile
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


@dataclass
class Round:
    backend: str
    mode: str  # where the ingest's NLP ran: "process" or "thread"
    bare_s: float
    ingest_s: float
    stored_s: float
    extracted: int
    nodes: int
    relationships: int
    jvm_mb: float
    jvm_cpu_s: float  # the store's CPU time during the timed ingest
    jit_cpu_s: float  # of which its JIT compiler threads
    warm_rate: float | None  # docs/s of the untimed warm-up ingest (a cold store)

    @property
    def ratio(self) -> float:
        return self.bare_s / self.ingest_s


def ingest_items(
    store: Store, extractor: ExtractsMany, items: list[tuple[str, str]], batch: int
) -> tuple[float, dict[str, str]]:
    """Receive then extract ``items``; returns the seconds receiving took and the status."""
    start = time.perf_counter()
    complaints = [ComplaintIn(text=t, received_at=r, channel="import") for t, r in items]
    for i in range(0, len(complaints), 100):
        receive_many(store, complaints[i : i + 100])
    stored_s = time.perf_counter() - start
    return stored_s, resume_batches(store, NlpBatchExtractor(extractor, batch), batch_size=batch)


def bare_nlp(extractor: Extractor, items: list[tuple[str, str]], batch: int) -> float:
    """Seconds the bare ``nlp.pipe`` of the pipelines takes over ``items``, here."""
    start = time.perf_counter()
    for _ in extractor.extract_many(
        [(t, date.fromisoformat(r[:10])) for t, r in items], batch_size=batch
    ):
        pass
    return time.perf_counter() - start


def one_round(
    extractor: Extractor,
    items: list[tuple[str, str]],
    batch: int,
    warm: list[tuple[str, str]],
    nlp: ExtractorProcess | None = None,
    slices: int = 1,
    backend: str = ARCADEDB,
    neo4j_heap: str = "1g",
) -> Round:
    """Bare NLP and ingest into a fresh store, in turns (the same machine weather).

    The items are cut into ``slices``; each slice is run through the bare NLP, then
    ingested into the store (which keeps what the slices before it wrote), and the
    times are summed: the machine's speed drifts over minutes, and turns of a few
    seconds give both sides the same drift.

    The ingest extracts with ``nlp`` (default: ``extractor``, in this process). With
    ``warm`` complaints, the fresh store first ingests those (untimed): a store that has
    been running is what an ingest meets, and a JVM that has just started spends
    seconds of CPU compiling its hot paths (the bare NLP is warmed too). The store is a
    fresh one of ``backend`` (``bench/backends.py``)."""
    used: ExtractsMany = extractor if nlp is None else nlp
    size = -(-len(items) // slices)
    parts = [items[i : i + size] for i in range(0, len(items), size)]
    bare_s = ingest_s = stored_s = jvm_cpu = jit_cpu = 0.0
    status: dict[str, str] = {}
    with (
        TemporaryDirectory(prefix="defensores-bench-") as tmp,
        running_store(backend, Path(tmp), neo4j_heap) as fresh,
    ):
        store, jvm = fresh.store, fresh.jvm
        warm_rate = None
        if warm:
            start = time.perf_counter()
            ingest_items(store, used, warm, batch)
            warm_rate = len(warm) / (time.perf_counter() - start)
        for part in parts:
            bare_s += bare_nlp(extractor, part, batch)
            cpu, jit = sum(jvm.cpu_times()[:2]), compiling_cpu_s(jvm.pid)
            start = time.perf_counter()
            stored, done = ingest_items(store, used, part, batch)
            ingest_s += time.perf_counter() - start
            stored_s += stored
            status.update(done)
            jvm_cpu += sum(jvm.cpu_times()[:2]) - cpu
            jit_cpu += compiling_cpu_s(jvm.pid) - jit
        total = counts(store)
        jvm_mb = jvm.memory_info().rss / 2**20
    extracted = sum(s == "extracted" for s in status.values())
    return Round(
        backend,
        "thread" if nlp is None else "process",
        bare_s,
        ingest_s,
        stored_s,
        extracted,
        total["nodes"],
        total["relationships"],
        jvm_mb,
        jvm_cpu,
        jit_cpu,
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
    parser.add_argument(
        "--slices",
        type=int,
        default=4,
        help="turns of bare NLP and ingest per round (1: all bare, then all ingest)",
    )
    parser.add_argument(
        "--nlp",
        choices=("process", "thread", "both"),
        default="process",
        help="where the ingest runs the NLP: its own process (as defensores ingest does), "
        "this one, or each in turn",
    )
    add_arguments(parser)
    args = parser.parse_args()
    backends = chosen(args.backend)
    modes = ("process", "thread") if args.nlp == "both" else (args.nlp,)
    items = generate(args.n)
    warm = [(f"{t} (Previo.)", r) for t, r in generate(args.warm, seed=11)]
    langs = [detect_language(t) for t, _ in items]
    print(
        f"{len(items)} complaints: {langs.count('es')} es, {langs.count('en')} en; "
        f"batch {args.batch}; {args.rounds} rounds, each a fresh store warmed with "
        f"{args.warm} other complaints, then {args.slices} turns of bare NLP and ingest"
    )
    extractor = Extractor()
    list(extractor.extract_many([(t, None) for t, _ in items[:64]], batch_size=args.batch))  # warm
    rounds: list[Round] = []
    with ExtractorProcess() as worker:
        worker.start()
        for _ in range(args.rounds):
            for backend in backends:
                for mode in modes:
                    nlp = worker if mode == "process" else None
                    heap = args.neo4j_heap
                    run = one_round(
                        extractor, items, args.batch, warm, nlp, args.slices, backend, heap
                    )
                    rounds.append(run)
        worker_mb = psutil.Process(worker.pid).memory_info().rss / 2**20
    report(rounds, len(items), backends, modes, worker_mb)
    if len(backends) == 2:
        side_by_side(rounds, modes)


def report(
    rounds: list[Round], n: int, backends: tuple[str, ...], modes: tuple[str, ...], worker_mb: float
) -> None:
    """Every round, then each backend's median ratio, graph and memory."""
    print(
        f"\n{'round':<7}{'store':<10}{'NLP':<9}{'bare docs/s':>12}{'ingest docs/s':>15}"
        f"{'receive s':>11}{'store CPU s':>13}{'of it JIT':>11}{'cold docs/s':>13}{'ratio':>8}"
    )
    for i, r in enumerate(rounds):
        cold = "-" if r.warm_rate is None else f"{r.warm_rate:.1f}"
        print(
            f"{i // (len(modes) * len(backends)) + 1:<7}{r.backend:<10}{r.mode:<9}"
            f"{n / r.bare_s:>12.1f}{n / r.ingest_s:>15.1f}{r.stored_s:>11.1f}"
            f"{r.jvm_cpu_s:>13.1f}{r.jit_cpu_s:>11.1f}{cold:>13}{r.ratio:>8.2f}"
        )
    for backend in backends:
        for mode in modes:
            ratios = sorted(r.ratio for r in rounds if r.mode == mode and r.backend == backend)
            print(
                f"[{backend}] ratio ingest/bare rate, NLP in {mode}, median of {len(ratios)}: "
                f"{statistics.median(ratios):.2f} (range {ratios[0]:.2f}-{ratios[-1]:.2f}; "
                "goal >= 0.75)"
            )
    for backend in backends:
        last = [r for r in rounds if r.backend == backend][-1]
        print(
            f"[{backend}] extracted {last.extracted}/{n}; graph: {last.nodes} nodes, "
            f"{last.relationships} relationships; store JVM at the end {last.jvm_mb:.0f} MB"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak memory: this process {peak_mb:.0f} MB (the bare NLP's pipelines included); "
        f"NLP process at the end {worker_mb:.0f} MB"
    )


def side_by_side(rounds: list[Round], modes: tuple[str, ...]) -> None:
    """Each backend's ingest/bare ratio, then Neo4j's ingest time over ArcadeDB's."""
    print("\nside by side: ingest rate / bare NLP rate, median of rounds")
    print(
        f"{'NLP':<9}{'arcadedb':>10}{'neo4j':>10}{'neo4j/arcadedb ingest time':>28}"
        f"{'store CPU s a / n':>20}"
    )
    for mode in modes:
        arcade = [r for r in rounds if r.mode == mode and r.backend == ARCADEDB]
        neo = [r for r in rounds if r.mode == mode and r.backend == NEO4J]
        times = [b.ingest_s / a.ingest_s for a, b in zip(arcade, neo, strict=True)]
        cpu_a = statistics.median(r.jvm_cpu_s for r in arcade)
        cpu_n = statistics.median(r.jvm_cpu_s for r in neo)
        print(
            f"{mode:<9}{statistics.median(r.ratio for r in arcade):>10.2f}"
            f"{statistics.median(r.ratio for r in neo):>10.2f}"
            f"{statistics.median(times):>28.2f}{f'{cpu_a:.1f} / {cpu_n:.1f}':>20}"
        )
    print("(the time column pairs each round's two ingests: secondary, it drifts)")


if __name__ == "__main__":
    main()
