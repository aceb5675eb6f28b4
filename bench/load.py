"""Load test: a mixed workload from many concurrent clients against a server on 127.0.0.1.

A fresh embedded store gets the demo complaints (extracted with the real pipelines) and
``--extra`` generated ones; ``defensores serve`` runs as its own process. Then

* **baseline**: one client, reads only, ``--baseline`` seconds — the unloaded latency;
* **load**: ``--clients`` clients for ``--seconds``: 80 % reads, split evenly over the
  actor page, neighbourhood (depth 2), connections (maxHops 4), search and patterns (key
  actors, hotspots), with a prosecutor's token; 20 % complaint submissions (new invented
  texts, extracted in the request) with an intake token.

Prints throughput, p50/p95/p99 per kind and their ratio to the baseline's p50, the
errors (any status but 200, any GraphQL error), and whether every acknowledged
submission is stored (the store's count of complaints against the acknowledgements).

    .venv/bin/python bench/load.py                          # 50 clients, 60 s
    .venv/bin/python bench/load.py --clients 10 --seconds 15
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from generate import simple_pairs as generate
from serving import free_port, start_server

from graph.access import tokens
from graph.intake.durable import ComplaintIn, receive_many, resume_batches
from graph.intake.extraction import NlpBatchExtractor
from graph.intake.ingest import complaint_of
from graph.store.config import StoreConfig
from graph.store.migrations import open_store
from nlp.pipeline import Extractor
from nlp.sources import read

DEMO = "tests/data/demo/complaints.jsonl"
READS = {
    "actor": """query($id: ID!) { actor(id: $id) { id name incidents { node { id type date
        places { node { name } } } fact { confidence evidence { quote } } } } }""",
    "neighbourhood": """query($id: ID!) { neighbourhood(id: $id, depth: 2, limit: 100) {
        nodes { id __typename } edges { type source target } } }""",
    "connections": """query($id: ID!, $to: ID!) { connections(fromId: $id, toId: $to,
        maxHops: 4, first: 5) { nodes { id } edges { type } } }""",
    "search": """query($text: String!) { search(text: $text, first: 10) { score node { id } } }""",
    "patterns": """query($from: String!, $to: String!) { patterns {
        keyActors(top: 10) { actorId score } hotspots(from: $from, to: $to, top: 10) {
        ubigeo count } } }""",
}
ACTORS = (
    "MATCH (a:Actor)-[:PERPETRATOR_OF|VICTIM_OF]->(:Incident) RETURN DISTINCT a.id AS id LIMIT 500"
)
NAMES = "MATCH (a:Actor) WHERE size(a.name) > 5 RETURN a.name AS name LIMIT 500"
COMPLAINTS = "MATCH (c:Complaint) RETURN count(c) AS n"
SUBMIT = """mutation($text: String!, $at: String!) { submitComplaint(input: {text: $text,
    receivedAt: $at, channel: WEB}) { __typename ... on ComplaintSubmitted { complaintId
    status duplicate } ... on ValidationError { message } } }"""


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    acknowledged: int = 0


def _load(store: Any, extra: int) -> None:
    complaints = [complaint_of(r) for r in read(Path(DEMO))]
    complaints += [ComplaintIn(text=t, received_at=r) for t, r in generate(extra, seed=21)]
    for i in range(0, len(complaints), 100):
        receive_many(store, complaints[i : i + 100])
    resume_batches(store, NlpBatchExtractor(Extractor()), batch_size=64)


def read_variables(kind: str, rng: random.Random, actors: list[str], names: list[str]) -> Any:
    if kind in ("actor", "neighbourhood"):
        return {"id": rng.choice(actors)}
    if kind == "connections":
        return {"id": rng.choice(actors), "to": rng.choice(actors)}
    if kind == "search":
        return {"text": rng.choice(names)}
    return {"from": "2020-01-01", "to": date.today().isoformat()}


async def _client(
    url: str,
    headers: dict[str, dict[str, str]],
    until: float,
    rng: random.Random,
    actors: list[str],
    names: list[str],
    texts: list[tuple[str, str]],
    tally: Tally,
    reads_only: bool,
) -> None:
    async with httpx.AsyncClient(timeout=120) as client:
        while time.monotonic() < until:
            submit = not reads_only and rng.random() < 0.2
            if submit and texts:
                kind, role = "submit", "intake"
                text, at = texts.pop()
                body = {"query": SUBMIT, "variables": {"text": text, "at": at}}
            else:
                kind, role = rng.choice(sorted(READS)), "prosecutor"
                body = {"query": READS[kind], "variables": read_variables(kind, rng, actors, names)}
            started = time.monotonic()
            try:
                r = await client.post(url, json=body, headers=headers[role])
            except httpx.HTTPError as exc:
                tally.errors[f"{kind}: {type(exc).__name__}"] += 1
                continue
            tally.latencies[kind].append(time.monotonic() - started)
            data = r.json() if r.status_code == 200 else {}
            if r.status_code != 200 or data.get("errors"):
                reason = r.status_code if r.status_code != 200 else data["errors"][0]["message"]
                tally.errors[f"{kind}: {str(reason)[:80]}"] += 1
            elif kind == "submit":
                got = data["data"]["submitComplaint"]
                if got["__typename"] == "ComplaintSubmitted" and not got["duplicate"]:
                    tally.acknowledged += 1
                else:
                    tally.errors[f"submit: {got.get('message', 'duplicate')}"] += 1


async def _run(
    url: str,
    headers: dict[str, dict[str, str]],
    clients: int,
    seconds: float,
    actors: list[str],
    names: list[str],
    texts: list[tuple[str, str]],
    reads_only: bool,
) -> tuple[Tally, float]:
    tally = Tally()
    started = time.monotonic()
    until = started + seconds
    await asyncio.gather(
        *(
            _client(url, headers, until, random.Random(i), actors, names, texts, tally, reads_only)
            for i in range(clients)
        )
    )
    return tally, time.monotonic() - started


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline", type=float, default=15, help="seconds, one client")
    parser.add_argument("--extra", type=int, default=300, help="generated complaints loaded")
    parser.add_argument(
        "--patterns-max-stale",
        default="0",
        help="the server's DEFENSORES_PATTERNS_MAX_STALE (seconds a pattern may lag writes)",
    )
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEFENSORES_")}
    tmp_dir = tempfile.TemporaryDirectory(prefix="defensores-load-")
    with tmp_dir as tmp, open_store(StoreConfig.from_env(env, data_dir=tmp)) as store:
        started = time.perf_counter()
        _load(store, args.extra)
        actors = [str(r["id"]) for r in store.read(ACTORS)]
        names = [str(r["name"]) for r in store.read(NAMES)]
        before = int(store.read(COMPLAINTS)[0]["n"])
        headers = {}
        for role in ("prosecutor", "intake"):
            token, _ = tokens.create(store, role, f"load-{role}")
            headers[role] = {"Authorization": f"Bearer {token}"}
        print(
            f"store: {before} complaints, {len(actors)} actors with incidents; loaded in "
            f"{time.perf_counter() - started:.0f} s"
        )
        port = free_port()
        stale = {"DEFENSORES_PATTERNS_MAX_STALE": args.patterns_max_stale}
        server = start_server(tmp, port, 1, stale)
        print(f"patterns may lag writes by up to {args.patterns_max_stale} s")
        url = f"http://127.0.0.1:{port}/graphql"
        count = args.clients * int(args.seconds) + 100
        texts = [(f"{t} (Carga {i}.)", r) for i, (t, r) in enumerate(generate(count, seed=33))]
        try:
            # the first submission loads the pipelines in the server: not timed
            text, at = texts.pop()
            first = httpx.post(
                url,
                headers=headers["intake"],
                timeout=300,
                json={"query": SUBMIT, "variables": {"text": text, "at": at}},
            )
            warm_ok = first.status_code == 200 and "errors" not in first.json()
            base, base_wall = asyncio.run(
                _run(url, headers, 1, args.baseline, actors, names, [], True)
            )
            load, wall = asyncio.run(
                _run(url, headers, args.clients, args.seconds, actors, names, texts, False)
            )
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        after = int(store.read(COMPLAINTS)[0]["n"])
    report(base, base_wall, load, wall, args.clients, after - before - int(warm_ok))


def report(
    base: Tally, base_wall: float, load: Tally, wall: float, clients: int, stored: int
) -> None:
    total = sum(len(v) for v in load.latencies.values())
    print(
        f"\nbaseline: 1 client, {sum(len(v) for v in base.latencies.values())} reads in "
        f"{base_wall:.0f} s; load: {clients} clients, {total} requests in {wall:.0f} s, "
        f"{total / wall:.1f} requests/s"
    )
    print(f"{'kind':<15}{'n':>6}{'p50 ms':>9}{'p95':>9}{'p99':>9}{'base p50':>10}{'p50 ratio':>11}")
    for kind in sorted(load.latencies):
        values = load.latencies[kind]
        b = base.latencies.get(kind)
        bp50 = statistics.median(b) * 1000 if b else None
        ratio = f"{_pct(values, 0.5) / bp50:.1f}" if bp50 else "-"
        shown = f"{bp50:.0f}" if bp50 else "-"
        print(
            f"{kind:<15}{len(values):>6}{_pct(values, 0.5):>9.0f}{_pct(values, 0.95):>9.0f}"
            f"{_pct(values, 0.99):>9.0f}{shown:>10}{ratio:>11}"
        )
    errors = sum(load.errors.values()) + sum(base.errors.values())
    print(f"errors: {errors}" + "".join(f"\n  {n} × {k}" for k, n in load.errors.most_common()))
    verdict = (
        "every acknowledged complaint is stored" if stored == load.acknowledged else ("MISMATCH")
    )
    print(f"submissions acknowledged {load.acknowledged}, complaints stored {stored}: {verdict}")


if __name__ == "__main__":
    main()
