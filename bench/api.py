"""API benchmark: GraphQL over HTTP against the same Cypher through the driver alone.

Generates an invented graph (default 24k actors, ~30k incidents, >100k relationships,
with recurring perpetrators and the real UBIGEO places) in a fresh embedded store,
starts ``defensores serve`` on 127.0.0.1 as a separate process, and for three queries

* ``actor``: ``actor(id) { … incidents { node { … places { … } } } }``
* ``neighbourhood``: ``neighbourhood(id, depth: 2, limit: 100)``
* ``connections``: ``connections(fromId, toId, maxHops: 4)``

measures p50/p95 and requests per second at 20 concurrent clients, over HTTP, and then
the very statements the server ran for each request (recorded once by executing the
schema in this process against a recording store) sent through the ``neo4j`` driver by
20 threads. The figure is the GraphQL/driver ratio at p50 (goal <= 1.5), the median of
the rounds (the machine is shared and noisy).

    .venv/bin/python bench/api.py                  # 24k actors, 2 rounds
    .venv/bin/python bench/api.py --actors 5000    # a quick run
    .venv/bin/python bench/api.py --roles prosecutor,analyst,trainer

With ``--roles``, each round sends the same requests with a token of each role against
the same baseline (the prosecutor's statements through the driver), so the ratios of
the roles side by side show what the viewers' conditions and pseudonyms cost.

``--backend neo4j`` loads the same graph into a Neo4j 5 Community the script starts
itself (``graph.store.local_neo4j``), serves it, and takes the bare driver against that same
server as the baseline; ``--backend both`` runs the embedded ArcadeDB then Neo4j, with
the same graph and the same requests, and ends with the two ratios side by side. One
store and one server per backend, as before: nothing here needs a second fresh store.

    .venv/bin/python bench/api.py --actors 12000 --backend both

This script imports ``neo4j`` itself on purpose: the bare driver is the baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import httpx
import neo4j
from backends import ARCADEDB, NEO4J, add_arguments, chosen, running_store
from serving import free_port, start_server

from graph.access import tokens
from graph.access.tokens import Principal
from graph.rows import FactRecord, NodeRecord
from graph.store.bolt import Store
from graph.store.repository import counts, load
from nlp.gazetteers import DATA as GAZETTEER_DIR
from schema.app import build_schema
from schema.context import Context

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 20
TYPES = ["threat", "assault", "harassment", "criminalisation", "stigmatisation", "eviction"]

QUERIES = {
    "actor": """query($id: ID!) { actor(id: $id) { id name ... on Person { gender }
        incidents { node { id type date places { node { name ubigeo } } }
                    fact { confidence evidence { quote } } } } }""",
    "neighbourhood": """query($id: ID!) { neighbourhood(id: $id, depth: 2, limit: 100) {
        nodes { id __typename } edges { type source target } truncated } }""",
    "connections": """query($from: ID!, $to: ID!) {
        connections(fromId: $from, toId: $to, maxHops: 4, first: 5) {
          nodes { id } edges { type source target fact { confidence } } } }""",
}


@dataclass(frozen=True)
class Graph:
    nodes: list[NodeRecord]
    facts: list[FactRecord]
    perpetrated: dict[str, list[str]]  # perpetrator -> victims


def generate(n_actors: int, seed: int = 11) -> Graph:
    """Invented actors and incidents; perpetrators recur (a few of them very often)."""
    rng = random.Random(seed)
    places = json.loads((GAZETTEER_DIR / "ubigeo.json").read_text(encoding="utf-8"))
    districts = [p["ubigeo"] for p in places if p["level"] == "district"]
    nodes = [
        NodeRecord(
            "Place",
            f"plc_{p['ubigeo']}",
            {"name": p["name"], "level": p["level"], "ubigeo": p["ubigeo"]},
        )
        for p in places
    ]
    facts = [
        FactRecord("PART_OF", f"plc_{p['ubigeo']}", f"plc_{p['parent']}")
        for p in places
        if p.get("parent")
    ]
    n_people = int(n_actors * 0.85)
    n_orgs = int(n_actors * 0.1)
    n_comms = n_actors - n_people - n_orgs
    people = [f"per_b{i:06d}" for i in range(n_people)]
    orgs = [f"org_b{i:06d}" for i in range(n_orgs)]
    comms = [f"com_b{i:06d}" for i in range(n_comms)]
    nodes += [NodeRecord("Person", p, {"name": f"Persona {p[5:]}"}) for p in people]
    nodes += [
        NodeRecord("Organization", o, {"name": f"Empresa {o[5:]}", "kind": "company"}) for o in orgs
    ]
    nodes += [
        NodeRecord("Community", c, {"name": f"Comunidad {c[5:]}", "community_kind": "native"})
        for c in comms
    ]
    perpetrators = people[: n_people // 10] + orgs
    victims = people[n_people // 10 :]
    weights = [1 / (i + 1) ** 0.8 for i in range(len(perpetrators))]
    perpetrated: dict[str, list[str]] = {}
    for i in range(int(n_actors * 1.25)):
        inc = f"inc_b{i:07d}"
        day = f"20{rng.randint(18, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        nodes.append(NodeRecord("Incident", inc, {"type": rng.choice(TYPES), "date": day}))
        perp = rng.choices(perpetrators, weights)[0]
        victim = rng.choice(victims)
        facts += [
            FactRecord("PERPETRATOR_OF", perp, inc, {"status": "alleged"}),
            FactRecord("VICTIM_OF", victim, inc),
            FactRecord("OCCURRED_IN", inc, f"plc_{rng.choice(districts)}"),
        ]
        perpetrated.setdefault(perp, []).append(victim)
    for p in people:
        facts.append(FactRecord("MEMBER_OF", p, rng.choice(comms), {"role": "member"}))
    return Graph(nodes, facts, perpetrated)


BENCH = Principal("tok_bench", "bench-api", "prosecutor")


class Recorder:
    """A store that records the statements it is asked to run."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.statements: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        self.statements.append((query, params))
        return self._store.read(query, **params)


def record(store: Store, query: str, variables: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The statements the schema runs for one request (executed here, in process)."""
    recorder = Recorder(store)
    schema = build_schema(introspection=False)
    context = Context(store=cast(Store, recorder), principal=BENCH)
    result = asyncio.run(schema.execute(query, variable_values=variables, context_value=context))
    if result.errors:
        raise SystemExit(f"the benchmark query failed: {result.errors[0].message}")
    return recorder.statements


@dataclass
class Figures:
    p50: float
    p95: float
    rps: float


def figures(latencies: list[float], wall: float) -> Figures:
    ordered = sorted(latencies)
    return Figures(
        ordered[len(ordered) // 2] * 1000,
        ordered[int(len(ordered) * 0.95)] * 1000,
        len(ordered) / wall,
    )


async def over_http(
    url: str, query: str, variables: list[dict[str, Any]], auth: dict[str, str]
) -> Figures:
    latencies: list[float] = []
    todo = list(variables)
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(timeout=120, limits=limits, headers=auth) as client:

        async def worker() -> None:
            while todo:
                v = todo.pop()
                started = time.perf_counter()
                r = await client.post(url, json={"query": query, "variables": v})
                latencies.append(time.perf_counter() - started)
                body = r.json()
                if r.status_code != 200 or body.get("errors"):
                    raise SystemExit(f"GraphQL error: {r.status_code} {r.text[:300]}")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CLIENTS)))
        wall = time.perf_counter() - started
    return figures(latencies, wall)


def over_driver(
    driver: neo4j.Driver, database: str, requests: list[list[tuple[str, dict[str, Any]]]]
) -> Figures:
    latencies: list[float] = []
    lock = threading.Lock()

    def one(statements: list[tuple[str, dict[str, Any]]]) -> None:
        started = time.perf_counter()
        for query, params in statements:
            driver.execute_query(
                query, params, database_=database, routing_=neo4j.RoutingControl.READ
            )
        elapsed = time.perf_counter() - started
        with lock:
            latencies.append(elapsed)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(one, requests))
    return figures(latencies, time.perf_counter() - started)


Rows = dict[str, list[tuple[Figures, Figures]]]


@dataclass
class Result:
    """One backend's rounds per query and the statements per request."""

    backend: str
    rows: Rows
    statements: dict[str, float]

    def ratio(self, name: str) -> float:
        """GraphQL p50 over driver p50, median of the rounds."""
        return statistics.median(api.p50 / bare.p50 for api, bare in self.rows[name])

    def p50(self, name: str) -> float:
        """GraphQL p50 (ms), median of the rounds."""
        return statistics.median(api.p50 for api, _ in self.rows[name])


def workload(data: Graph, n: int) -> dict[str, list[dict[str, Any]]]:
    """The variables of the ``n`` requests of each query (the same on every backend)."""
    rng = random.Random(3)
    busy = [p for p, v in data.perpetrated.items() if len(v) >= 2]
    actor_ids = [rng.choice(busy) for _ in range(n)]
    pairs = []
    for _ in range(n):
        victims = data.perpetrated[rng.choice(busy)]
        a, b = rng.sample(victims, 2) if len(set(victims)) > 1 else (victims[0], busy[0])
        pairs.append({"from": a, "to": b})
    return {
        "actor": [{"id": i} for i in actor_ids],
        "neighbourhood": [{"id": i} for i in actor_ids],
        "connections": pairs,
    }


def measure(
    backend: str,
    data: Graph,
    variables: dict[str, list[dict[str, Any]]],
    roles: list[str],
    args: argparse.Namespace,
) -> Result:
    """Load ``data`` into a fresh store of ``backend``, serve it, and run the rounds."""
    with (
        tempfile.TemporaryDirectory(prefix="defensores-api-bench-") as tmp,
        running_store(backend, Path(tmp), args.neo4j_heap) as running,
    ):
        store = running.store
        started = time.perf_counter()
        load(store, data.nodes, data.facts)
        total = counts(store)
        print(
            f"[{backend}] graph: {total['by_label']['Actor']} actors, {total['nodes']} nodes, "
            f"{total['relationships']} relationships, loaded in "
            f"{time.perf_counter() - started:.0f} s"
        )
        recorded = {
            name: [record(store, QUERIES[name], v) for v in vs] for name, vs in variables.items()
        }
        statements = {n: statistics.mean(len(r) for r in rs) for n, rs in recorded.items()}
        auths = {}
        for role in roles:
            token, _ = tokens.create(store, role, f"bench-api-{role}")
            auths[role] = {"Authorization": f"Bearer {token}"}
        driver = running.driver()
        port = free_port()
        server = None
        try:
            server = start_server(tmp, port, args.workers, running.settings)
            url = f"http://127.0.0.1:{port}/graphql"
            rows: Rows = {}
            for _ in range(args.rounds):
                for name in QUERIES:
                    bare = over_driver(driver, store.database, recorded[name])
                    for role in roles:
                        api = asyncio.run(
                            over_http(url, QUERIES[name], variables[name], auths[role])
                        )
                        key = name if len(roles) == 1 else f"{name}/{role[:5]}"
                        rows.setdefault(key, []).append((api, bare))
        finally:
            if server is not None:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=60)
            driver.close()
    return Result(backend, rows, statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=24_000)
    parser.add_argument("--requests", type=int, default=400, help="per query and side")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--roles", default="prosecutor", help="comma-separated token roles")
    add_arguments(parser)
    args = parser.parse_args()
    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    data = generate(args.actors)
    variables = workload(data, args.requests)
    results: dict[str, Result] = {}
    for backend in chosen(args.backend):
        results[backend] = measure(backend, data, variables, roles, args)
        report(results[backend])
    if len(results) == 2:
        side_by_side(results[ARCADEDB], results[NEO4J])


def report(result: Result) -> None:
    print(
        f"\n[{result.backend}] {CLIENTS} concurrent clients; p50/p95 in ms; "
        "each round: the driver, then GraphQL\n"
        f"{'query':<15}{'stmts':>6}{'GraphQL p50':>12}{'p95':>8}{'rps':>7}"
        f"{'driver p50':>12}{'p95':>8}{'rps':>7}{'ratio p50':>11}"
    )
    worst = 0.0
    for name, runs in result.rows.items():
        ratios = sorted(api.p50 / bare.p50 for api, bare in runs)
        ratio = result.ratio(name)
        worst = max(worst, ratio)
        api, bare = runs[-1]
        base = name.split("/")[0]
        print(
            f"{name:<15}{result.statements[base]:>6.1f}{api.p50:>12.1f}{api.p95:>8.1f}"
            f"{api.rps:>7.0f}{bare.p50:>12.1f}{bare.p95:>8.1f}{bare.rps:>7.0f}{ratio:>11.2f}"
            f"   (rounds: {', '.join(f'{r:.2f}' for r in ratios)})"
        )
    print(f"worst GraphQL/driver ratio at p50, median of rounds: {worst:.2f} (goal <= 1.5)")


def side_by_side(arcade: Result, neo: Result) -> None:
    """Each backend's GraphQL/driver ratio, then Neo4j's GraphQL p50 over ArcadeDB's."""
    print("\nside by side: GraphQL p50 / its own bare driver's p50, median of rounds")
    print(f"{'query':<15}{'arcadedb':>10}{'neo4j':>10}{'neo4j/arcadedb GraphQL p50':>28}")
    for name in arcade.rows:
        print(
            f"{name:<15}{arcade.ratio(name):>10.2f}{neo.ratio(name):>10.2f}"
            f"{neo.p50(name) / arcade.p50(name):>28.2f}"
        )
    print("(the last column compares absolute times: secondary, it drifts)")


if __name__ == "__main__":
    main()
