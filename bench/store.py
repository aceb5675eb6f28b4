"""Store benchmark: the repository against the bare driver, in the same run.

Loads N actors and 3N relationships (default 100k and 300k) through the repository
(``graph.store.repository.load``: validation, row conversion, provenance upkeep, one
transaction per batch) and the same rows through the bare ``neo4j`` driver, one
``UNWIND`` statement per batch. Each side gets its own fresh store, so neither inherits
the other's data or caches; the stores are started before timing and warmed with the
same small load.

Two baselines are printed:

* ``bare-same``: the driver sending the repository's own Cypher with pre-built rows —
  what the layer (validation, conversion, sessions) costs;
* ``bare-minimal``: the plainest ``MERGE … SET += row.props`` a hand-written loader
  would use, without evidence lists — what provenance upkeep costs on top.

Then p50/p95 of a point lookup by id and of a 1-hop expansion, repository against the
bare driver on the same store. Figures are ratios first: absolute times drift on these
shared machines.

``--backend neo4j`` measures the same on a Neo4j 5 Community the script starts itself
(``graph.store.local_neo4j``), the bare driver against the same server as the baseline;
``--backend both`` runs the embedded ArcadeDB then Neo4j and ends with the two side by
side. Community Edition has one user database, so each side gets a Neo4j server of its
own (three at once, ``--neo4j-heap`` each, about 12 s to start, untimed) rather than one
database emptied between sides: emptying would leave the next side a warm page cache,
a warm query cache and a store file with holes, which the embedded sides never get.
Each backend's stores are stopped before the next backend starts.

    .venv/bin/python bench/store.py                 # 100k actors, 300k relationships
    .venv/bin/python bench/store.py --actors 10000  # a quick run
    .venv/bin/python bench/store.py --actors 20000 --backend both

This script imports ``neo4j`` itself on purpose: the bare driver is the baseline.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import neo4j
from backends import ARCADEDB, NEO4J, Running, add_arguments, chosen, running_store

from graph.cypher import write as cypher
from graph.model import MODEL
from graph.rows import (
    Evidence,
    FactRecord,
    NodeRecord,
    Row,
    chunks,
    fact_batches,
    node_batches,
    utc_now,
)
from graph.store.bolt import Store
from graph.store.repository import get_node, load, neighbours

Statements = list[tuple[tuple[str, ...], list[Row]]]
ORG_KINDS = ["company", "police", "state_agency", "criminal_group", "federation"]


@dataclass(frozen=True)
class Data:
    incidents: list[NodeRecord]
    actors: list[NodeRecord]
    facts: list[FactRecord]


def make_data(n_actors: int, seed: int = 7) -> Data:
    """Invented actors, incidents and 3 relationships per actor, all distinct pairs."""
    rng = random.Random(seed)
    n_people, n_orgs = int(n_actors * 0.7), int(n_actors * 0.2)
    n_comms = n_actors - n_people - n_orgs
    n_incidents = max(n_actors // 2, 1)
    people = [f"per_{i:07d}" for i in range(n_people)]
    orgs = [f"org_{i:07d}" for i in range(n_orgs)]
    comms = [f"com_{i:07d}" for i in range(n_comms)]
    incidents = [f"inc_{i:07d}" for i in range(n_incidents)]
    actors = (
        [
            NodeRecord("Person", p, {"name": f"Persona {i}", "defender": i % 5 == 0})
            for i, p in enumerate(people)
        ]
        + [
            NodeRecord(
                "Organization",
                o,
                {"name": f"Organización {i}", "kind": ORG_KINDS[i % len(ORG_KINDS)]},
            )
            for i, o in enumerate(orgs)
        ]
        + [
            NodeRecord(
                "Community", c, {"name": f"Comunidad Nativa {i}", "community_kind": "native"}
            )
            for i, c in enumerate(comms)
        ]
    )
    inc_nodes = [
        NodeRecord("Incident", i, {"type": "threat", "date": "2024-01-01"}) for i in incidents
    ]
    everyone = people + orgs + comms
    facts: list[FactRecord] = []
    seen: set[tuple[str, str, str]] = set()

    def add(rel: str, start: str, end: str, k: int) -> None:
        if (rel, start, end) in seen:
            return
        seen.add((rel, start, end))
        cid = f"cmp_{k % 5000:06d}"
        ev = Evidence(
            cid,
            f"Oración de prueba número {k}.",
            k % 900,
            k % 900 + 40,
            "rule",
            0.5 + (k % 50) / 100,
        )
        facts.append(FactRecord(rel, start, end, evidence=ev))

    k = 0
    target = 3 * n_actors
    while len(facts) < target:
        k += 1
        roll = k % 10
        if roll < 4:
            add("VICTIM_OF", rng.choice(everyone), rng.choice(incidents), k)
        elif roll < 7:
            add("PERPETRATOR_OF", rng.choice(everyone), rng.choice(incidents), k)
        else:
            group = orgs if roll < 9 else comms
            add("MEMBER_OF", rng.choice(people), rng.choice(group), k)
    return Data(inc_nodes, actors, facts)


def bare_minimal_nodes(key: str, labels: str) -> str:
    # A plain MERGE on two labels scans on ArcadeDB (about 500 rows/s at 10k nodes and
    # falling), so a sensible hand-written loader inserts what the key index lacks.
    return (
        f"UNWIND $rows AS row OPTIONAL MATCH (e:{key} {{id: row.id}}) "
        f"WITH row, e WHERE e IS NULL CREATE (n:{labels} {{id: row.id}}) SET n += row.props"
    )


def bare_minimal_facts(rel: str, start: str, end: str) -> str:
    return (
        f"UNWIND $rows AS row MATCH (a:{start} {{id: row.start}}) "
        f"MATCH (b:{end} {{id: row.end}}) MERGE (a)-[r:{rel}]->(b) "
        "SET r.id = row.id, r.source = row.complaint, r.quote = row.quote"
    )


class Bare:
    """The bare driver on a running store."""

    def __init__(self, running: Running) -> None:
        self.database = running.store.database
        self.driver = running.driver()

    def run_batches(self, statements: Statements, batch: int, now: str) -> None:
        """One transaction per batch, running the batch's statements in order."""

        def work(tx: neo4j.ManagedTransaction, queries: tuple[str, ...], part: list[Row]) -> None:
            for query in queries:
                tx.run(query, {"rows": part, "now": now}).consume()

        with self.driver.session(database=self.database) as session:
            for queries, rows in statements:
                for part in chunks(rows, batch):
                    session.execute_write(work, queries, part)

    def close(self) -> None:
        self.driver.close()


def same_statements(data: Data) -> tuple[Statements, Statements]:
    nodes: Statements = [
        ((cypher.update_nodes(b.kind), cypher.create_nodes(b.kind)), b.rows)
        for b in node_batches(data.actors)
    ]
    facts: Statements = [
        ((cypher.merge_facts(b.rel, b.start_label, b.end_label),), b.rows)
        for b in fact_batches(data.facts)
    ]
    return nodes, facts


def minimal_statements(data: Data) -> tuple[Statements, Statements]:
    nodes: Statements = [
        ((bare_minimal_nodes(b.kind.key_label, ":".join(b.kind.labels)),), b.rows)
        for b in node_batches(data.actors)
    ]
    facts: Statements = [
        ((bare_minimal_facts(b.rel.type, b.start_label, b.end_label),), b.rows)
        for b in fact_batches(data.facts)
    ]
    return nodes, facts


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def ms(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return 1000 * (time.perf_counter() - start)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Side:
    name: str
    store: Store
    bare: Bare
    nodes_s: float = 0.0
    facts_s: float = 0.0

    @property
    def total_s(self) -> float:
        return self.nodes_s + self.facts_s


def open_side(backend: str, name: str, root: Path, heap: str, stack: ExitStack) -> Side:
    running = stack.enter_context(running_store(backend, root / name, heap))
    bare = Bare(running)
    stack.callback(bare.close)
    return Side(name, running.store, bare)


def lookups(side: Side, ids: list[str], rounds: int) -> dict[str, list[float]]:
    """Latencies (ms) of point lookups and 1-hop expansions, repository vs bare."""
    rng = random.Random(3)
    out: dict[str, list[float]] = {"repo_get": [], "bare_get": [], "repo_hop": [], "bare_hop": []}
    actor = MODEL.node("Person")
    get_q, hop_q = cypher.node_by_id(actor), cypher.expand(actor)
    read = neo4j.RoutingControl.READ
    db = side.store.database
    run = side.bare.driver.execute_query
    for _ in range(rounds):
        node_id = rng.choice(ids)
        out["repo_get"].append(ms(get_node, side.store, node_id))
        out["bare_get"].append(ms(run, get_q, {"id": node_id}, database_=db, routing_=read))
        out["repo_hop"].append(ms(neighbours, side.store, node_id, limit=100))
        out["bare_hop"].append(
            ms(run, hop_q, {"id": node_id, "limit": 100}, database_=db, routing_=read)
        )
    return out


@dataclass
class Result:
    """One backend's figures: load seconds per side and read latencies."""

    backend: str
    sides: dict[str, Side]
    lat: dict[str, list[float]]

    def load_ratio(self, baseline: str) -> float:
        return self.sides["repository"].total_s / self.sides[baseline].total_s

    def p50(self, key: str) -> float:
        return statistics.median(self.lat[key])


READS = (("point lookup by id", "get"), ("1-hop expansion", "hop"))


def measure(backend: str, data: Data, warm: Data, args: argparse.Namespace) -> Result:
    """The three loads and the reads on ``backend``, each side in a fresh store."""
    same_nodes, same_facts = same_statements(data)
    min_nodes, min_facts = minimal_statements(data)
    now = utc_now()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="defensores-bench-") as tmp, ExitStack() as stack:
        root = Path(tmp)
        sides = {
            name: open_side(backend, name, root, args.neo4j_heap, stack)
            for name in ("repository", "bare-same", "bare-minimal")
        }
        print(f"\n[{backend}] three fresh stores open in {time.perf_counter() - started:.0f}s")
        for side in sides.values():  # same warm-up and the incidents, untimed
            load(side.store, warm.incidents + warm.actors, warm.facts, batch_size=args.batch)
            load(side.store, data.incidents, batch_size=args.batch)

        repo = sides["repository"]
        repo.nodes_s = timed(lambda: load(repo.store, data.actors, batch_size=args.batch))
        repo.facts_s = timed(lambda: load(repo.store, facts=data.facts, batch_size=args.batch))
        same = sides["bare-same"]
        same.nodes_s = timed(lambda: same.bare.run_batches(same_nodes, args.batch, now))
        same.facts_s = timed(lambda: same.bare.run_batches(same_facts, args.batch, now))
        mini = sides["bare-minimal"]
        mini.nodes_s = timed(lambda: mini.bare.run_batches(min_nodes, args.batch, now))
        mini.facts_s = timed(lambda: mini.bare.run_batches(min_facts, args.batch, now))

        ids = [r.id for r in data.actors if r.kind == "Person"]
        lat = lookups(repo, ids, args.lookups)
    return Result(backend, sides, lat)


def report(result: Result, data: Data, args: argparse.Namespace) -> None:
    """One backend's load table and read latencies."""
    sides = result.sides
    n_nodes, n_facts = len(data.actors), len(data.facts)
    print(
        f"\n[{result.backend}] load, batch {args.batch}: {n_nodes} actors, {n_facts} relationships"
    )
    print(f"{'path':<14}{'actors/s':>11}{'rels/s':>11}{'total s':>10}{'repo/this':>11}")
    repo_total = sides["repository"].total_s
    for side in sides.values():
        print(
            f"{side.name:<14}{n_nodes / side.nodes_s:>11.0f}{n_facts / side.facts_s:>11.0f}"
            f"{side.total_s:>10.1f}{repo_total / side.total_s:>11.2f}"
        )
    print(
        f"ratio repository/bare-same time:    {result.load_ratio('bare-same'):.2f}  (goal <= 1.2)"
    )
    print(f"ratio repository/bare-minimal time: {result.load_ratio('bare-minimal'):.2f}")

    lat = result.lat
    print(
        f"\n[{result.backend}] reads on the repository's store, {args.lookups} random persons (ms)"
    )
    print(f"{'read':<22}{'p50':>8}{'p95':>8}{'p50 vs bare':>13}")
    for label, key in READS:
        r, b = lat[f"repo_{key}"], lat[f"bare_{key}"]
        print(
            f"{label + ' (repo)':<22}{statistics.median(r):>8.2f}{pct(r, 0.95):>8.2f}"
            f"{statistics.median(r) / statistics.median(b):>13.2f}"
        )
        print(
            f"{label + ' (bare)':<22}{statistics.median(b):>8.2f}{pct(b, 0.95):>8.2f}{1.0:>13.2f}"
        )


def side_by_side(arcade: Result, neo: Result) -> None:
    """Each backend's ratio against its own bare driver, then Neo4j's time over ArcadeDB's."""
    rows: list[tuple[str, float, float, float]] = []
    for baseline in ("bare-same", "bare-minimal"):
        rows.append(
            (
                f"load, repository/{baseline}",
                arcade.load_ratio(baseline),
                neo.load_ratio(baseline),
                neo.sides["repository"].total_s / arcade.sides["repository"].total_s,
            )
        )
    for label, key in READS:
        rows.append(
            (
                f"{label} p50, repo/bare",
                arcade.p50(f"repo_{key}") / arcade.p50(f"bare_{key}"),
                neo.p50(f"repo_{key}") / neo.p50(f"bare_{key}"),
                neo.p50(f"repo_{key}") / arcade.p50(f"repo_{key}"),
            )
        )
    print("\nside by side: each backend's ratio against its own bare driver")
    print(f"{'measure':<34}{'arcadedb':>10}{'neo4j':>10}{'neo4j/arcadedb time':>21}")
    for label, a, n, t in rows:
        print(f"{label:<34}{a:>10.2f}{n:>10.2f}{t:>21.2f}")
    print("(the last column compares the repository's absolute times: secondary, it drifts)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--lookups", type=int, default=2000)
    add_arguments(parser)
    args = parser.parse_args()

    t0 = time.perf_counter()
    data = make_data(args.actors)
    warm = make_data(2000, seed=11)
    print(
        f"data: {len(data.actors)} actors, {len(data.incidents)} incidents, "
        f"{len(data.facts)} relationships (built in {time.perf_counter() - t0:.1f}s)"
    )
    results: dict[str, Result] = {}
    for backend in chosen(args.backend):
        results[backend] = measure(backend, data, warm, args)
        report(results[backend], data, args)
    if len(results) == 2:
        side_by_side(results[ARCADEDB], results[NEO4J])


if __name__ == "__main__":
    main()
