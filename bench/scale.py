"""Cost curves: load, ingest, store size, memory and read latency at growing sizes.

For each size N (``--sizes``), in its own fresh embedded store:

1. **load**: the ground-truth graph of N generated complaints (``bench/generate.py``:
   complaints, actors, incidents, facts with evidence) through
   ``graph.store.repository.load``, in chunks, as a bulk import would; complaints/s and
   relationships/s of the load calls (generating the records is timed apart);
2. **ingest**: ``--ingest-sample`` *new* complaints of the same generated world through
   the real intake (``receive_many``, then ``resume_batches`` with the NLP), on top of
   that store, and the bare ``nlp.pipe`` over the same texts just before it: docs/s of
   both and their ratio (the machine is noisy, the ratio less so);
3. **size**: the database's files on disk, and the store JVM's resident memory;
4. **reads**: ``defensores serve`` as its own process on the same data dir, a
   prosecutor's token, and ``--requests`` sequential requests of each read of
   ``bench/load.py`` (actor page, neighbourhood depth 2, connections maxHops 4, search,
   patterns) and of a trivial query (``{ __typename }``: token check, audit, HTTP),
   interleaved round by round after ``--warmup`` rounds; p50/p95 of each and p95 ÷ the
   trivial query's p95; then the server's resident memory. The first ``patterns``
   request builds the analytics projection of the whole graph: its time is reported
   apart (``patterns cold``), retried past the server's 30 s request timeout (504)
   for up to ``--cold-limit`` seconds. A request without an answer after ``--timeout``
   seconds, or answered 504, counts as a timeout (its time still counts in the
   percentiles; after ``--max-timeouts`` of them that read is not sent again, so ``n``
   falls short); any other error is counted as an error.

Prints a table per size and, at the end, a Markdown summary for BENCHMARKS.md.

    .venv/bin/python bench/scale.py --sizes 1000                 # a quick run
    .venv/bin/python bench/scale.py --sizes 1000,10000,100000    # the curves
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import psutil
from generate import Distinct, Generated, complaints, records
from load import ACTORS, NAMES, READS, read_variables
from serving import free_port, fresh_store, start_server

from graph.access import tokens
from graph.analysis import alerts
from graph.intake.durable import receive_many, resume_batches
from graph.intake.extraction import ExtractsMany, NlpBatchExtractor
from graph.rows import FactRecord, NodeRecord
from graph.store.bolt import Store
from graph.store.repository import counts, load
from nlp.pipeline import Extractor
from nlp.worker import ExtractorProcess

KINDS = ("actor", "neighbourhood", "connections", "search", "patterns")
TRIVIAL = "{ __typename }"
CHUNK = 1000  # complaints per load call


@dataclass
class Latencies:
    seconds: list[float] = field(default_factory=list)
    timeouts: int = 0
    errors: int = 0

    def pct(self, q: float) -> float:
        """The q-quantile in ms (nearest rank)."""
        if not self.seconds:
            return float("nan")
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


@dataclass
class SizeResult:
    complaints: int
    nodes: int = 0
    relationships: int = 0
    generate_s: float = 0.0
    load_s: float = 0.0
    ingest_n: int = 0
    ingest_extracted: int = 0
    ingest_s: float = 0.0
    bare_s: float = 0.0
    store_mb: float = 0.0
    jvm_mb: float = 0.0
    jvm_after_reads_mb: float = 0.0
    server_mb: float = 0.0
    patterns_cold_s: float = 0.0
    patterns_cold_ok: bool = False
    reads: dict[str, Latencies] = field(default_factory=dict)
    wall_s: float = 0.0

    def rate(self, count: float, seconds: float) -> float:
        return count / seconds if seconds else float("nan")


# --- 1. load ------------------------------------------------------------------------------


def bulk_load(store: Store, n: int, sample: int, seed: int, r: SizeResult) -> list[Generated]:
    """Load the first ``n`` of ``n + sample`` generated complaints, ``CHUNK`` complaints
    per ``load`` call; return the ``sample`` left over (new complaints to ingest)."""
    distinct = Distinct()
    started = time.perf_counter()
    rest: list[Generated] = []
    nodes: list[NodeRecord] = []
    facts: list[FactRecord] = []
    for g in complaints(n + sample, seed):
        if g.number >= n:
            rest.append(g)
            continue
        more_nodes, more_facts = distinct.complaint(*records(g))
        nodes += more_nodes
        facts += more_facts
        if (g.number + 1) % CHUNK == 0 or g.number == n - 1:
            t = time.perf_counter()
            load(store, nodes, facts)
            r.load_s += time.perf_counter() - t
            nodes, facts = [], []
            if (g.number + 1) % (20 * CHUNK) == 0:
                print(f"  loaded {g.number + 1:,}, {r.load_s:.0f} s in load", flush=True)
    r.generate_s = time.perf_counter() - started - r.load_s
    total = counts(store)
    r.nodes, r.relationships = int(total["nodes"]), int(total["relationships"])
    expected = sum(distinct.relationships.values())
    if r.relationships != expected:
        print(f"  WARNING: {r.relationships} relationships stored, {expected} generated")
    return rest


# --- 2. ingest ----------------------------------------------------------------------------


def ingest(
    store: Store,
    extractor: Extractor,
    new: list[Generated],
    batch: int,
    with_alerts: bool,
    nlp: ExtractsMany | None = None,
) -> tuple[float, float, int]:
    """(bare NLP s, ingest s, complaints extracted) for the new complaints.

    The bare NLP runs here; the ingest extracts with ``nlp`` (default: here too)."""
    inputs = [(g.text, date.fromisoformat(g.received_at[:10])) for g in new]
    started = time.perf_counter()
    for _ in extractor.extract_many(inputs, batch_size=batch):
        pass
    bare_s = time.perf_counter() - started
    after = (lambda cids: alerts.after_intake(store, cids)) if with_alerts else None
    started = time.perf_counter()
    items = [g.complaint_in() for g in new]
    for i in range(0, len(items), 100):
        receive_many(store, items[i : i + 100])
    status = resume_batches(
        store,
        NlpBatchExtractor(extractor if nlp is None else nlp, batch),
        batch_size=batch,
        after=after,
    )
    ingest_s = time.perf_counter() - started
    return bare_s, ingest_s, sum(s == "extracted" for s in status.values())


# --- 3. size --------------------------------------------------------------------------------


def disk_mb(path: Path) -> float:
    """Disk usage of the files under ``path`` (as ``du``), in MB."""
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.stat(Path(root) / name).st_blocks * 512
            except FileNotFoundError:
                continue
    return total / 2**20


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    proc = psutil.Process(pid)
    total = proc.memory_info().rss
    for child in proc.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.Error:
            continue
    return total / 2**20


# --- 4. reads -------------------------------------------------------------------------------


@dataclass
class Client:
    http: httpx.Client
    url: str
    headers: dict[str, str]
    timeout: float

    def post(self, query: str, variables: Any) -> tuple[float, str]:
        """Seconds taken and "ok", "timeout" or "error"."""
        started = time.perf_counter()
        try:
            r = self.http.post(
                self.url,
                json={"query": query, "variables": variables},
                headers=self.headers,
                timeout=self.timeout,
            )
        except httpx.TimeoutException:
            return time.perf_counter() - started, "timeout"
        except httpx.HTTPError:
            return time.perf_counter() - started, "error"
        took = time.perf_counter() - started
        if r.status_code == 504:
            return took, "timeout"
        if r.status_code != 200 or r.json().get("errors"):
            return took, "error"
        return took, "ok"


def cold_patterns(client: Client, variables: Any, limit: float) -> tuple[float, bool]:
    """Seconds until the first answered ``patterns`` (the projection's first build)."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        _, outcome = client.post(READS["patterns"], variables)
        if outcome == "ok":
            return time.perf_counter() - started, True
        if outcome == "error":
            break
    return time.perf_counter() - started, False


def measure_reads(
    client: Client, store: Store, seed: int, rounds: int, warmup: int, max_timeouts: int
) -> dict[str, Latencies]:
    """Round-robin over the reads and the trivial query; the warm-up rounds not kept. A
    read that timed out ``max_timeouts`` times is not sent again (its count says so)."""
    rng = random.Random(seed)
    actors = [str(r["id"]) for r in store.read(ACTORS)]
    names = [str(r["name"]) for r in store.read(NAMES)]
    out = {kind: Latencies() for kind in ("trivial", *KINDS)}
    for i in range(warmup + rounds):
        for kind in out:
            if out[kind].timeouts >= max_timeouts:
                continue
            if kind == "trivial":
                query, variables = TRIVIAL, {}
            else:
                query, variables = READS[kind], read_variables(kind, rng, actors, names)
            took, outcome = client.post(query, variables)
            if i < warmup:
                continue
            out[kind].seconds.append(took)
            out[kind].timeouts += outcome == "timeout"
            out[kind].errors += outcome == "error"
    return out


def serve_and_read(data_dir: str, store: Store, args: argparse.Namespace, r: SizeResult) -> None:
    token, _ = tokens.create(store, "prosecutor", f"scale-{r.complaints}")
    port = free_port()
    server = start_server(data_dir, port, 1)
    try:
        with httpx.Client() as http:
            client = Client(
                http,
                f"http://127.0.0.1:{port}/graphql",
                {"Authorization": f"Bearer {token}"},
                args.timeout,
            )
            window = {"from": "2020-01-01", "to": date.today().isoformat()}
            r.patterns_cold_s, r.patterns_cold_ok = cold_patterns(client, window, args.cold_limit)
            print(f"  patterns cold: {r.patterns_cold_s:.1f} s", flush=True)
            r.reads = measure_reads(
                client, store, args.seed, args.requests, args.warmup, args.max_timeouts
            )
        r.server_mb = tree_rss_mb(server.pid)
    finally:
        stop(server)


def stop(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=30)


# --- one size -------------------------------------------------------------------------------


def _step(label: str, fn: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    value = fn()
    print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)
    return value


def run_size(
    n: int, args: argparse.Namespace, extractor: Extractor, nlp: ExtractsMany | None
) -> SizeResult:
    r = SizeResult(n)
    started = time.perf_counter()
    with fresh_store("defensores-scale-") as fresh:
        store, tmp, jvm = fresh.store, fresh.data_dir, fresh.jvm.pid
        new = _step("load", lambda: bulk_load(store, n, args.ingest_sample, args.seed, r))
        bare, took, done = _step(
            "ingest", lambda: ingest(store, extractor, new, args.batch, args.alerts, nlp)
        )
        r.bare_s, r.ingest_s, r.ingest_n, r.ingest_extracted = bare, took, len(new), done
        r.store_mb = disk_mb(Path(tmp) / "arcadedb" / "databases")
        r.jvm_mb = tree_rss_mb(jvm)
        _step("reads", lambda: serve_and_read(tmp, store, args, r))
        r.jvm_after_reads_mb = tree_rss_mb(jvm)
    r.wall_s = time.perf_counter() - started
    return r


# --- reporting ------------------------------------------------------------------------------


def report_size(r: SizeResult) -> None:
    print(
        f"\n{r.complaints:,} complaints: {r.nodes:,} nodes, {r.relationships:,} relationships; "
        f"{r.wall_s:.0f} s in all"
    )
    print(
        f"load: {r.load_s:.1f} s, {r.rate(r.complaints, r.load_s):,.0f} complaints/s, "
        f"{r.rate(r.relationships, r.load_s):,.0f} relationships/s "
        f"(+{r.generate_s:.1f} s generating the records)"
    )
    bare = r.rate(r.ingest_n, r.bare_s)
    ing = r.rate(r.ingest_n, r.ingest_s)
    print(
        f"ingest of {r.ingest_n} new complaints ({r.ingest_extracted} extracted): "
        f"{ing:.1f} docs/s; bare NLP {bare:.1f} docs/s; ratio {ing / bare:.2f}"
    )
    print(
        f"store on disk {r.store_mb:,.0f} MB; JVM {r.jvm_mb:,.0f} MB after ingest, "
        f"{r.jvm_after_reads_mb:,.0f} MB after reads; server {r.server_mb:,.0f} MB"
    )
    cold = "" if r.patterns_cold_ok else " (NO ANSWER)"
    print(f"patterns cold (projection built): {r.patterns_cold_s:.1f} s{cold}")
    base = r.reads.get("trivial", Latencies())
    print(
        f"{'read':<15}{'n':>5}{'timeouts':>10}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p95 ÷ trivial':>15}"
    )
    for kind, lat in r.reads.items():
        ratio = lat.pct(0.95) / base.pct(0.95)
        print(
            f"{kind:<15}{len(lat.seconds):>5}{lat.timeouts:>10}{lat.errors:>8}"
            f"{lat.pct(0.5):>9.0f}{lat.pct(0.95):>9.0f}{ratio:>15.1f}"
        )


def summary(results: list[SizeResult]) -> None:
    print("\n| complaints | nodes | relationships | load s | load complaints/s | load rels/s |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.complaints:,} | {r.nodes:,} | {r.relationships:,} | {r.load_s:,.0f} | "
            f"{r.rate(r.complaints, r.load_s):,.0f} | {r.rate(r.relationships, r.load_s):,.0f} |"
        )
    print(
        "\n| complaints | ingest docs/s | bare NLP docs/s | ratio | store MB | JVM MB | server MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        ing, bare = r.rate(r.ingest_n, r.ingest_s), r.rate(r.ingest_n, r.bare_s)
        print(
            f"| {r.complaints:,} | {ing:.1f} | {bare:.1f} | {ing / bare:.2f} | "
            f"{r.store_mb:,.0f} | {r.jvm_after_reads_mb:,.0f} | {r.server_mb:,.0f} |"
        )
    kinds = ("trivial", *KINDS)
    print("\np95 ms (p95 ÷ trivial query's p95); patterns cold = the projection's first build\n")
    print("| complaints | " + " | ".join(kinds) + " | patterns cold s |")
    print("|---:|" + "---:|" * (len(kinds) + 1))
    for r in results:
        base = r.reads["trivial"].pct(0.95)
        cells = []
        for kind in kinds:
            lat = r.reads[kind]
            flag = f", {lat.timeouts} t/o" if lat.timeouts else ""
            cells.append(f"{lat.pct(0.95):,.0f} ({lat.pct(0.95) / base:.1f}{flag})")
        cold = f"{r.patterns_cold_s:.1f}" + ("" if r.patterns_cold_ok else " (no answer)")
        print(f"| {r.complaints:,} | " + " | ".join(cells) + f" | {cold} |")


def _json(results: list[SizeResult], path: Path) -> None:
    rows = []
    for r in results:
        row = asdict(r)
        row["reads"] = {
            k: {
                "p50_ms": v.pct(0.5),
                "p95_ms": v.pct(0.95),
                "n": len(v.seconds),
                "timeouts": v.timeouts,
                "errors": v.errors,
            }
            for k, v in r.reads.items()
        }
        rows.append(row)
    path.write_text(json.dumps(rows, indent=2), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="complaints, comma-separated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ingest-sample", type=int, default=300, help="new complaints ingested")
    parser.add_argument("--batch", type=int, default=64, help="NLP batch of the ingest")
    parser.add_argument("--alerts", action="store_true", help="raise alerts in the ingest")
    parser.add_argument(
        "--nlp",
        choices=("process", "thread"),
        default="process",
        help="where the ingest runs the NLP: its own process (as defensores ingest does) "
        "or this one",
    )
    parser.add_argument("--requests", type=int, default=50, help="measured requests per read")
    parser.add_argument("--warmup", type=int, default=5, help="rounds not measured")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    parser.add_argument("--cold-limit", type=float, default=900.0, help="patterns cold, s")
    parser.add_argument(
        "--max-timeouts", type=int, default=5, help="timeouts after which a read is dropped"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    extractor = Extractor()
    list(extractor.extract_many([("Texto de prueba en Puerto Inca.", None)] * 8))  # load models
    results = []
    with ExtractorProcess() as worker:
        if args.nlp == "process":
            worker.start()  # its models load here, not in the first size's timed ingest
        for n in sizes:
            print(f"\n== {n:,} complaints (seed {args.seed})", flush=True)
            results.append(run_size(n, args, extractor, worker if args.nlp == "process" else None))
            report_size(results[-1])
            if args.json:
                _json(results, args.json)
    summary(results)


if __name__ == "__main__":
    main()
