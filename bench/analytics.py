"""Analytics benchmark: projections and metrics from the store against networkx alone,
and ingest latency with alert evaluation on and off, in the same run.

Generates an invented graph (default 100k incidents, about 1M relationships: 60k persons,
3k organisations, 1.5k communities, 500 land disputes, 5k prosecutor's cases and the real
UBIGEO places, with perpetrators drawn from a Zipf-like distribution so that they recur)
and bulk-loads it into a fresh embedded store. Then

* **projections and metrics**: ``graph.analysis.projections.facts_graph`` (the store read into an
  ``nx.MultiDiGraph``), ``graph.analysis.analytics.incident_actor_graph`` (actors linked through
  shared incidents), and on that projection the project's ``key_actors`` (PageRank;
  betweenness sampled over 500 pivots) and ``clusters`` (Louvain), each followed at once
  by the bare networkx call on the same projection (``nx.pagerank``,
  ``nx.betweenness_centrality(k=500)``, ``nx.community.louvain_communities``). Printed:
  each step's seconds, project ÷ networkx per metric, and the whole pipeline (store read +
  projection + the three metrics) ÷ the three networkx calls alone;
* **ingest latency with alerts on and off**: generated complaints (``bench/ingest.py``'s
  generator) through the real intake path and the real NLP against the same big store,
  alternating complaint by complaint between ``process_batch`` without and with
  ``after=alerts.after_intake``. Only the ``process_batch`` call is timed (``receive``
  is not). Printed: p50 and mean per mode, and their on ÷ off ratios (goal <= 1.20).

    .venv/bin/python bench/analytics.py                                  # 100k incidents
    .venv/bin/python bench/analytics.py --incidents 5000 --complaints 20 # a quick run

The machine is shared and noisy: with ``--rounds`` > 1 the projection and the metric
pairs are repeated (the order within each pair swapped every other round) and the figure
is the median ratio of the rounds.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import logging
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx  # type: ignore[import-untyped]
import psutil

from graph.analysis import alerts
from graph.analysis.networks import clusters, incident_actor_graph, key_actors
from graph.analysis.projections import facts_graph
from graph.intake.durable import ComplaintIn, process_batch, receive
from graph.intake.extraction import NlpBatchExtractor
from graph.model import CASE_STATUS, DISPUTE_DRIVERS, INCIDENT_TYPES
from graph.rows import FactRecord, NodeRecord
from graph.store.bolt import Store
from graph.store.config import StoreConfig
from graph.store.datadir import Paths, read_state
from graph.store.migrations import open_store
from graph.store.repository import counts, load
from nlp.gazetteers import DATA as GAZETTEER_DIR
from nlp.pipeline import Extractor

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import generate as generate_complaints  # bench/ingest.py

K_PIVOTS = 500
SEED_NX = 7
PEOPLES = ["Asháninka", "Shipibo-Konibo", "Awajún", "Kakataibo", "Quechua", "Kichwa", "Yanesha"]
ORG_KINDS = {
    "company": 40,
    "criminal_group": 15,
    "police": 10,
    "state_agency": 10,
    "federation": 10,
    "military": 5,
    "armed_group": 5,
    "ngo": 5,
}


# --- the invented graph ---------------------------------------------------------------


@dataclass
class Graph:
    nodes: list[NodeRecord] = field(default_factory=list)
    facts: list[FactRecord] = field(default_factory=list)


def generate(n_incidents: int, seed: int) -> Graph:
    """A deterministic invented graph of ``n_incidents`` incidents around real places."""
    rng = random.Random(seed)
    g = Graph()
    places = json.loads((GAZETTEER_DIR / "ubigeo.json").read_text(encoding="utf-8"))
    districts = [f"plc_{p['ubigeo']}" for p in places if p["level"] == "district"]
    for p in places:
        g.nodes.append(
            NodeRecord(
                "Place",
                f"plc_{p['ubigeo']}",
                {"name": p["name"], "level": p["level"], "ubigeo": p["ubigeo"]},
            )
        )
        if p.get("parent"):
            g.facts.append(FactRecord("PART_OF", f"plc_{p['ubigeo']}", f"plc_{p['parent']}"))

    n_persons = max(10, round(n_incidents * 0.6))
    n_orgs = max(10, round(n_incidents * 0.03))
    n_comms = max(5, round(n_incidents * 0.015))
    n_disputes = max(5, round(n_incidents * 0.005))
    n_cases = max(5, round(n_incidents * 0.05))

    persons = [f"per_a{i:06d}" for i in range(n_persons)]
    for i, pid in enumerate(persons):
        props: dict[str, Any] = {"name": f"Persona {i:06d}"}
        if rng.random() < 0.7:
            props["gender"] = rng.choice(["female", "male"])
        if rng.random() < 0.15:
            props["defender"] = True
        if rng.random() < 0.2:
            props["people"] = rng.choice(PEOPLES)
        g.nodes.append(NodeRecord("Person", pid, props))

    org_kind: dict[str, str] = {}
    kinds, kind_weights = list(ORG_KINDS), list(ORG_KINDS.values())
    for i in range(n_orgs):
        oid = f"org_a{i:05d}"
        org_kind[oid] = rng.choices(kinds, kind_weights)[0]
        g.nodes.append(
            NodeRecord("Organization", oid, {"name": f"Entidad {i:05d}", "kind": org_kind[oid]})
        )
    orgs = list(org_kind)
    companies = [o for o in orgs if org_kind[o] == "company"]
    employers = [o for o in orgs if org_kind[o] in ("company", "police", "state_agency")]
    federations = [o for o in orgs if org_kind[o] in ("federation", "ngo")] or orgs

    comms = [f"com_a{i:05d}" for i in range(n_comms)]
    for i, cid in enumerate(comms):
        props = {
            "name": f"Comunidad {i:05d}",
            "community_kind": rng.choice(["native", "campesina"]),
        }
        if rng.random() < 0.6:
            props["people"] = rng.choice(PEOPLES)
        g.nodes.append(NodeRecord("Community", cid, props))

    disputes = [f"dsp_a{i:04d}" for i in range(n_disputes)]
    for i, did in enumerate(disputes):
        props = {"name": f"Conflicto {i:04d}", "driver": rng.choice(DISPUTE_DRIVERS)}
        g.nodes.append(NodeRecord("LandDispute", did, props | {"status": "active"}))
        for c in rng.sample(companies or orgs, min(len(companies or orgs), rng.randint(1, 3))):
            g.facts.append(FactRecord("PARTY_TO", c, did, {"side": "respondent"}))
        for c in rng.sample(comms, min(len(comms), rng.randint(1, 3))):
            g.facts.append(FactRecord("PARTY_TO", c, did, {"side": "claimant"}))
        for p in rng.sample(persons, rng.randint(0, 2)):
            g.facts.append(FactRecord("PARTY_TO", p, did, {"side": "other"}))

    cases = [f"cas_a{i:05d}" for i in range(n_cases)]
    for i, kid in enumerate(cases):
        props = {
            "file_number": f"{i + 1:06d}-{rng.randint(2018, 2026)}",
            "status": rng.choice(CASE_STATUS),
        }
        g.nodes.append(NodeRecord("Case", kid, props))

    # perpetrators recur: a Zipf-like weight over a shuffled pool of organisations and
    # a tenth of the persons; victims are the other persons and the communities
    n_perp_persons = n_persons // 10
    pool = orgs + persons[:n_perp_persons]
    rng.shuffle(pool)
    cum_weights = list(itertools.accumulate(1 / (r + 1) ** 0.9 for r in range(len(pool))))
    victims = persons[n_perp_persons:]
    dispute_weights = list(itertools.accumulate(1 / (r + 1) ** 0.5 for r in range(n_disputes)))

    accused: dict[str, set[str]] = {}
    for i in range(n_incidents):
        inc = f"inc_a{i:06d}"
        day = f"{rng.randint(2018, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        g.nodes.append(
            NodeRecord("Incident", inc, {"type": rng.choice(INCIDENT_TYPES), "date": day})
        )
        perps = set(rng.choices(pool, cum_weights=cum_weights, k=rng.randint(1, 2)))
        hurt = {rng.choice(victims) for _ in range(rng.randint(1, 3))}
        if rng.random() < 0.3:
            hurt.add(rng.choice(comms))
        for p in sorted(perps):
            g.facts.append(FactRecord("PERPETRATOR_OF", p, inc, {"status": "alleged"}))
        for v in sorted(hurt):
            g.facts.append(FactRecord("VICTIM_OF", v, inc))
        g.facts.append(FactRecord("OCCURRED_IN", inc, rng.choice(districts)))
        if rng.random() < 0.4:
            dsp = rng.choices(disputes, cum_weights=dispute_weights)[0]
            g.facts.append(FactRecord("PART_OF", inc, dsp))
        if rng.random() < 0.95:
            for kid in {rng.choice(cases) for _ in range(rng.randint(1, 2))}:
                g.facts.append(FactRecord("INVESTIGATES", kid, inc))
                accused.setdefault(kid, set()).update(perps)
    for kid in sorted(accused):
        for actor in sorted(accused[kid]):
            g.facts.append(FactRecord("ACCUSES", kid, actor))

    for pid in persons:
        groups = {
            rng.choice(comms) if rng.random() < 0.7 else rng.choice(federations)
            for _ in range(rng.randint(1, 3))
        }
        for group in sorted(groups):
            g.facts.append(FactRecord("MEMBER_OF", pid, group, {"role": "member"}))
        if rng.random() < 0.5:
            g.facts.append(FactRecord("WORKS_FOR", pid, rng.choice(employers)))
    return g


# --- measuring ---------------------------------------------------------------------------


def rss_mb(pid: int | None = None) -> float:
    return float(psutil.Process(pid).memory_info().rss) / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds ``fn`` takes, after an untimed full collection (so neither side of a
    pair pays for the garbage of the other)."""
    gc.collect()
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


@dataclass
class Round:
    build: float
    project: float
    g_nodes: int
    g_edges: int
    h_nodes: int
    h_edges: int
    rss_before: float
    rss_after: float
    ours: dict[str, float] = field(default_factory=dict)
    bare: dict[str, float] = field(default_factory=dict)
    agree: dict[str, bool] = field(default_factory=dict)

    @property
    def pipeline(self) -> float:
        return self.build + self.project + sum(self.ours.values())

    @property
    def networkx(self) -> float:
        return sum(self.bare.values())


METRIC_NAMES = ("pagerank", "betweenness", "louvain")


def ours_and_bare(H: nx.Graph, metric: str) -> tuple[Callable[[], Any], Callable[[], Any]]:
    if metric == "pagerank":
        return (
            lambda: key_actors(H, "pagerank", 10),
            lambda: nx.pagerank(H, weight="weight"),
        )
    if metric == "betweenness":
        return (
            lambda: key_actors(H, "betweenness", 10, k=K_PIVOTS),
            lambda: nx.betweenness_centrality(H, k=min(K_PIVOTS, len(H)), seed=SEED_NX),
        )
    return (
        lambda: clusters(H),
        lambda: nx.community.louvain_communities(H, weight="weight", seed=SEED_NX),
    )


def agree(metric: str, ours: Any, bare: Any) -> bool:
    """The project's answer matches the bare networkx one (a sanity check)."""
    if metric == "louvain":
        return len(ours) == sum(len(c) >= 2 for c in bare)
    top = sorted(bare.items(), key=lambda item: (-item[1], item[0]))[:10]
    return [r["id"] for r in ours] == [n for n, _ in top]


def warm_up_networkx() -> None:
    """Imports and first-call costs (scipy for PageRank) out of the timed calls."""
    small = nx.relabel_nodes(nx.karate_club_graph(), str)
    nx.set_edge_attributes(small, 1, "weight")
    for metric in METRIC_NAMES:
        ours, bare = ours_and_bare(small, metric)
        ours()
        bare()


def one_round(store: Store, index: int) -> Round:
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    G = facts_graph(store)
    built = time.perf_counter()
    H = incident_actor_graph(G)
    build, project = built - started, time.perf_counter() - built
    r = Round(
        build,
        project,
        G.number_of_nodes(),
        G.number_of_edges(),
        H.number_of_nodes(),
        H.number_of_edges(),
        before,
        rss_mb(),
    )
    for metric in METRIC_NAMES:
        ours, bare = ours_and_bare(H, metric)
        if index % 2 == 0:
            r.ours[metric], mine = timed(ours)
            r.bare[metric], theirs = timed(bare)
        else:
            r.bare[metric], theirs = timed(bare)
            r.ours[metric], mine = timed(ours)
        r.agree[metric] = agree(metric, mine, theirs)
        print(
            f"  round {index + 1} {metric}: project {r.ours[metric]:.2f} s, "
            f"networkx {r.bare[metric]:.2f} s",
            flush=True,
        )
    del G, H
    return r


# --- ingest latency ---------------------------------------------------------------------


@dataclass
class Latencies:
    off: list[float] = field(default_factory=list)
    on: list[float] = field(default_factory=list)
    created: int = 0
    escalated: int = 0
    failed: int = 0
    warnings: int = 0
    levels: dict[str, int] = field(default_factory=dict)
    max_score: float = 0.0


class CountWarnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def ingest_latency(
    store: Store, n: int, seed: int, as_of: date | None, warm: int = 2, size: int = 1
) -> Latencies:
    """Latency per complaint of ``process_batch`` over ``size`` complaints at a time
    (time ÷ size), alerts off and on alternating batch by batch."""
    items = generate_complaints(n + 2 * warm, seed=seed)
    extractor = Extractor()
    list(extractor.extract_many([(t, None) for t, _ in items[: 2 * warm + 8]], batch_size=8))
    batch = NlpBatchExtractor(extractor)
    out = Latencies()
    raised: list[alerts.AlertChange] = []
    on_hook = lambda cids: raised.extend(alerts.after_intake(store, cids, as_of=as_of))  # noqa: E731
    handler = CountWarnings()
    logging.getLogger("graph").addHandler(handler)

    def one(group: list[tuple[str, str]], on: bool) -> float:
        cids = [receive(store, ComplaintIn(text=t, received_at=r)).id for t, r in group]
        started = time.perf_counter()
        status = process_batch(store, cids, batch, after=on_hook if on else None)
        elapsed = time.perf_counter() - started
        out.failed += sum(status.get(c) != "extracted" for c in cids)
        return elapsed / len(cids)

    groups = [items[i : i + size] for i in range(0, len(items), size)]
    groups = [g for g in groups if len(g) == size]
    try:
        for i, group in enumerate(groups[: 2 * warm]):  # untimed: first calls
            one(group, on=i % 2 == 1)
        raised.clear()
        timed_groups = groups[2 * warm :]
        for pair, start in enumerate(range(0, len(timed_groups) - 1, 2)):
            modes = (False, True) if pair % 2 == 0 else (True, False)
            for group, on in zip(timed_groups[start : start + 2], modes, strict=True):
                (out.on if on else out.off).append(one(group, on))
    finally:
        logging.getLogger("graph").removeHandler(handler)
    out.created = sum(c.kind == "created" for c in raised)
    out.escalated = sum(c.kind == "escalated" for c in raised)
    out.warnings = handler.count
    return out


# --- the run -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--complaints", type=int, default=200, help="both modes together")
    parser.add_argument("--rounds", type=int, default=1, help="0: the ingest part only")
    parser.add_argument(
        "--batch",
        type=int,
        default=16,
        help="also measure ingest this many complaints at a time (as `ingest` does); 1: no",
    )
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        help="the day alerts are assessed on (default: today, as the server does)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    t_gen, data = timed(lambda: generate(args.incidents, args.seed))
    n_nodes, n_facts = len(data.nodes), len(data.facts)
    print(
        f"generated {n_nodes} nodes and {n_facts} relationships for {args.incidents} "
        f"incidents in {t_gen:.1f} s (seed {args.seed})",
        flush=True,
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEFENSORES_")}
    with tempfile.TemporaryDirectory(prefix="defensores-analytics-bench-") as tmp:
        config = StoreConfig.from_env(env, data_dir=tmp)
        with open_store(config) as store:
            started = time.perf_counter()
            written = load(store, data.nodes, data.facts)
            t_load = time.perf_counter() - started
            del data
            gc.collect()
            total = counts(store)
            print(
                f"loaded in {t_load:.0f} s ({written.facts / t_load:,.0f} relationships/s "
                f"overall): store holds {total['nodes']} nodes, "
                f"{total['relationships']} relationships",
                flush=True,
            )
            state = read_state(Paths(Path(tmp).resolve()))
            jvm_pid = state.jvm_pid if state else None

            warm_up_networkx()
            rounds = [one_round(store, i) for i in range(args.rounds)]
            after_metrics = rss_mb()
            peak_metrics = peak_mb()
            gc.collect()

            print("ingest latency, alerts off/on alternating ...", flush=True)
            lat = ingest_latency(store, args.complaints, args.seed, args.as_of)
            lat_batch = (
                ingest_latency(
                    store, args.complaints * 4, args.seed + 1, args.as_of, size=args.batch
                )
                if args.batch > 1
                else None
            )
            lat.levels = {
                str(r["level"]): int(r["n"])
                for r in store.read(
                    "MATCH (a:Actor) WHERE a.risk_level IS NOT NULL "
                    "RETURN a.risk_level AS level, count(*) AS n"
                )
            }
            max_score = store.read(
                "MATCH (a:Actor) WHERE a.risk_score IS NOT NULL RETURN max(a.risk_score) AS s"
            )
            lat.max_score = float(max_score[0]["s"] or 0.0) if max_score else 0.0
            jvm_mb = rss_mb(jvm_pid) if jvm_pid else 0.0
            total_after = counts(store)
    report(args, total, rounds, lat, after_metrics, peak_metrics, jvm_mb, total_after)
    if lat_batch is not None:
        ingest_report(f"in batches of {args.batch}", lat_batch)


def _ratio_line(values: list[float]) -> str:
    ordered = sorted(values)
    if len(ordered) == 1:
        return f"{ordered[0]:.2f}"
    return (
        f"{statistics.median(ordered):.2f} (median of {len(ordered)}; "
        f"range {ordered[0]:.2f}-{ordered[-1]:.2f})"
    )


def report(
    args: argparse.Namespace,
    total: dict[str, Any],
    rounds: list[Round],
    lat: Latencies,
    rss_after_metrics: float,
    peak_metrics: float,
    jvm_mb: float,
    total_after: dict[str, Any],
) -> None:
    print(
        f"\ncommand: .venv/bin/python bench/analytics.py --incidents {args.incidents} "
        f"--complaints {args.complaints} --rounds {args.rounds} --batch {args.batch} "
        f"--seed {args.seed}" + (f" --as-of {args.as_of}" if args.as_of else "")
    )
    print(f"graph: {total['nodes']} nodes, {total['relationships']} relationships")
    if rounds:
        metrics_report(rounds, rss_after_metrics, peak_metrics)
    ingest_report("one at a time", lat)
    levels = ", ".join(f"{k} {v}" for k, v in sorted(lat.levels.items())) or "none"
    print(
        f"actors assessed (risk_level set): {levels}; highest score {lat.max_score:.1f} "
        f"(alerts start at 'high'); assessed as of {args.as_of or 'today'}"
    )
    print(
        f"store after the intake: {total_after['nodes']} nodes, "
        f"{total_after['relationships']} relationships; store JVM RSS {jvm_mb:.0f} MB"
    )


def metrics_report(rounds: list[Round], rss_after_metrics: float, peak_metrics: float) -> None:
    last = rounds[-1]
    print(
        f"facts graph G: {last.g_nodes} nodes, {last.g_edges} edges; "
        f"incident-actor projection H: {last.h_nodes} nodes, {last.h_edges} edges"
    )
    print(
        f"process RSS: {last.rss_before:.0f} MB before the build, {last.rss_after:.0f} MB "
        f"with G and H built (+{last.rss_after - last.rss_before:.0f} MB), "
        f"{rss_after_metrics:.0f} MB after the metrics; peak {peak_metrics:.0f} MB"
    )
    print("\n| step (last round) | s | project ÷ networkx |")
    print("|---|---:|---:|")
    print(f"| facts_graph (store read) | {last.build:.1f} | |")
    print(f"| incident_actor_graph | {last.project:.1f} | |")
    for metric in METRIC_NAMES:
        ratio = _ratio_line([r.ours[metric] / r.bare[metric] for r in rounds])
        print(
            f"| {metric}: project / networkx | {last.ours[metric]:.1f} / "
            f"{last.bare[metric]:.1f} | {ratio} |"
        )
    pipe_ratio = _ratio_line([r.pipeline / r.networkx for r in rounds])
    print(
        f"| pipeline / networkx alone | {last.pipeline:.1f} / {last.networkx:.1f} | {pipe_ratio} |"
    )
    read_share = _ratio_line([r.build / r.pipeline for r in rounds])
    proj_share = _ratio_line([r.project / r.pipeline for r in rounds])
    print(f"share of the pipeline (fraction): store read {read_share}; projection {proj_share}")
    checks = ", ".join(
        f"{m} {'yes' if all(r.agree[m] for r in rounds) else 'NO'}" for m in METRIC_NAMES
    )
    print(f"same answer as bare networkx (top 10 / number of clusters): {checks}")


def ingest_report(title: str, lat: Latencies) -> None:
    def p50(xs: list[float]) -> float:
        return statistics.median(xs) * 1000

    def mean(xs: list[float]) -> float:
        return statistics.fmean(xs) * 1000

    off, on = lat.off, lat.on
    print(
        f"\ningest latency per complaint, {title} (process_batch time ÷ complaints; receive "
        f"not timed), {len(off)} off / {len(on)} on, alternating"
    )
    print("| mode | p50 ms | mean ms | p95 ms |")
    print("|---|---:|---:|---:|")
    for name, xs in (("alerts off", off), ("alerts on", on)):
        p95 = sorted(xs)[int(len(xs) * 0.95)] * 1000
        print(f"| {name} | {p50(xs):.1f} | {mean(xs):.1f} | {p95:.1f} |")
    print(
        f"on ÷ off: mean {mean(on) / mean(off):.2f}, p50 {p50(on) / p50(off):.2f} "
        f"(goal <= 1.20); alerts: {lat.created} created, {lat.escalated} escalated; "
        f"complaints not extracted: {lat.failed}; warnings logged: {lat.warnings}"
    )


if __name__ == "__main__":
    main()
