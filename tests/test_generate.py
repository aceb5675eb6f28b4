"""The complaint generator of the scale benchmarks (``bench/generate.py``): the same seed
gives the same bytes; the complaints cover every incident type in both languages, with
recurring perpetrators and escalations in date order; the ground-truth graph validates
against the model, is closed (every endpoint and every cited complaint is in it), and
loads into the real store as a graph the API serves."""

from __future__ import annotations

import io
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph.intake.durable import complaint_id, get
from graph.intake.ingest import complaint_of
from graph.model import INCIDENT_TYPES
from graph.rows import FactRecord, NodeRecord, fact_batches, fact_id, node_batches
from graph.store.bolt import Store
from graph.store.config import Config
from graph.store.repository import counts, load
from nlp.lexicon.incidents import SEVERITY
from nlp.sources import read
from server import create_app
from tests.auth import bearer
from tests.live import serve

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from generate import (
    Distinct,
    Generated,
    complaints,
    graph,
    main,
    read_records,
    records,
    simple_pairs,
    write_files,
)


@pytest.fixture(scope="module")
def many() -> list[Generated]:
    return list(complaints(2000, 3))


def _files(n: int, seed: int) -> tuple[str, str]:
    out, facts = io.StringIO(), io.StringIO()
    write_files(n, seed, out, facts)
    return out.getvalue(), facts.getvalue()


def _split(recs: list[NodeRecord | FactRecord]) -> tuple[list[NodeRecord], list[FactRecord]]:
    nodes = [r for r in recs if isinstance(r, NodeRecord)]
    return nodes, [r for r in recs if isinstance(r, FactRecord)]


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_ones() -> None:
    first, again, other = _files(300, 7), _files(300, 7), _files(300, 8)
    assert first == again
    assert first[0] != other[0] and first[1] != other[1]
    assert len(first[0].splitlines()) == 300


def test_the_small_generator_of_the_ingest_bench_is_unchanged() -> None:
    # bench/ingest.py's figures were measured on these very texts
    text, at = simple_pairs(3)[0]
    assert text.endswith("(Registro 1.)") and at.endswith("T12:00:00Z")
    assert simple_pairs(50) == simple_pairs(50, seed=5)
    assert len({t for t, _ in simple_pairs(500)}) == 500


def test_every_incident_type_in_both_languages(many: list[Generated]) -> None:
    seen = {(i.type, g.language) for g in many for i in g.result.incidents}
    assert seen == {(t, lang) for t in INCIDENT_TYPES for lang in ("es", "en")}
    spanish = sum(g.language == "es" for g in many) / len(many)
    assert 0.65 < spanish < 0.75
    assert len({g.text for g in many}) == len(many)  # one complaint per text at intake


def test_perpetrators_communities_and_disputes_recur(many: list[Generated]) -> None:
    perps: Counter[str] = Counter()
    communities: Counter[str] = Counter()
    for g in many:
        perps.update({k for i in g.result.incidents for k in i.perpetrators})
        communities.update(e.key for e in g.result.entities if e.type == "community")
    (top, top_n), *_ = perps.most_common()
    assert top_n >= 100, top  # a few actors in many complaints…
    ranked = sorted(perps.values(), reverse=True)
    assert sum(ranked[: len(ranked) // 10]) > 0.4 * sum(ranked)  # …a tenth in almost half…
    assert ranked[len(ranked) // 2] <= 10  # …and most in a few
    assert communities.most_common(1)[0][1] >= 50
    persons = {e.key for g in many for e in g.result.entities if e.type == "person"}
    assert len(persons) > 500  # invented names do not collapse into a few people
    assert any(g.result.disputes for g in many)


def test_escalations_rise_in_date_order(many: list[Generated]) -> None:
    steps: dict[str, list[Generated]] = defaultdict(list)
    for g in many:
        if g.sequence:
            steps[g.sequence].append(g)
    assert len(steps) >= 10
    for seq in steps.values():
        assert [g.step for g in seq] == list(range(1, len(seq) + 1))
        first = [g.result.incidents[0] for g in seq]
        dates = [i.date or "" for i in first]
        assert dates == sorted(dates) and len(set(dates)) == len(dates)
        severities = [SEVERITY[i.type] for i in first]
        assert severities == sorted(severities) and severities[-1] >= 5
        assert first[0].type in ("harassment", "stigmatisation", "surveillance")
        assert len({i.victims[0] for i in first}) == 1  # one defender throughout


def test_the_graph_validates_and_is_closed() -> None:
    distinct = Distinct()
    nodes, facts = _split(list(graph(400, 11, distinct)))
    node_batches(nodes)  # raise ModelError on anything the model does not allow
    fact_batches(facts)
    ids = {n.id for n in nodes}
    assert len(ids) == len(nodes) == sum(distinct.nodes.values())
    texts = {n.id: str(n.props["text"]) for n in nodes if n.kind == "Complaint"}
    assert len(texts) == 400
    for f in facts:
        assert f.start in ids and f.end in ids, f
        if f.evidence is not None:
            ev = f.evidence
            text = texts[ev.complaint_id]
            assert ev.quote in text and text[ev.start : ev.end] in ev.quote, f
    edges = {fact_id(f.type, f.start, f.end) for f in facts}
    assert len(edges) == sum(distinct.relationships.values())
    assert 10 < sum(distinct.relationships.values()) / 400 < 16


def test_nodes_given_once_carry_what_every_complaint_says_of_them() -> None:
    every: list[NodeRecord] = []
    for g in complaints(300, 5):
        every += records(g)[0]
    once, _ = _split(list(graph(300, 5)))
    merged = {b.kind.name: {r["id"]: r for r in b.rows} for b in node_batches(every)}
    kept = {b.kind.name: {r["id"]: r for r in b.rows} for b in node_batches(once)}
    assert merged == kept


def test_the_files_read_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, facts = tmp_path / "c.jsonl", tmp_path / "g.jsonl"
    main(["--complaints", "60", "--seed", "2", "--out", str(out), "--facts", str(facts)])
    assert "relationships" in capsys.readouterr().err
    assert list(read_records(facts)) == list(graph(60, 2))
    received = [complaint_of(r) for r in read(out)]
    loaded = {r.id for r in read_records(facts) if isinstance(r, NodeRecord)}
    assert len(received) == 60 and {complaint_id(c.text) for c in received} <= loaded
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert set(first) <= {"text", "received_at", "channel", "confidentiality", "source"}


def _sequence_victim(gs: list[Generated]) -> tuple[str, list[tuple[str, str]]]:
    """A defender of an escalation, by node id, and the (date, type) of what they suffered."""
    seq = next(g.sequence for g in gs if g.sequence)
    told = [g for g in gs if g.sequence == seq]
    victims = [
        f.start for f in records(told[0])[1] if f.type == "VICTIM_OF" and f.start.startswith("per_")
    ]
    return victims[0], sorted((i.date or "", i.type) for g in told for i in g.result.incidents)


@pytest.mark.store
def test_the_graph_loads_as_if_the_complaints_were_ingested(store: Store) -> None:
    gs = list(complaints(200, 4))
    distinct = Distinct()
    recs: list[NodeRecord | FactRecord] = []
    for g in gs:
        recs += [r for part in distinct.complaint(*records(g)) for r in part]
    nodes, facts = _split(recs)
    load(store, nodes, facts, batch_size=500)

    totals = counts(store)
    assert totals["relationships"] == sum(distinct.relationships.values())
    for kind, n in distinct.nodes.items():
        assert totals["by_label"][kind] == n, kind
    # every edge holds exactly the evidence of its facts, even many in one batch
    expected: dict[str, set[str]] = defaultdict(set)
    for f in facts:
        if f.evidence is not None:
            expected[fact_id(f.type, f.start, f.end)].add(f.evidence.key)
    stored = store.read(
        "MATCH ()-[r]->() WHERE size(r.evidence_keys) > 0 RETURN r.id AS id, r.evidence_keys AS k"
    )
    assert {str(r["id"]): set(r["k"]) for r in stored} == expected
    assert get(store, gs[0].id)["status"] == "extracted"

    victim, told = _sequence_victim(gs)
    query = """query($id: ID!, $name: String!) {
        actor(id: $id) { name incidents(first: 20) { node { type date } } }
        search(text: $name, first: 3) { node { id } } }"""
    name = next(str(n.props["name"]) for n in nodes if n.id == victim)
    with serve(create_app(Config.from_env({}), store)) as url:
        r = httpx.post(
            f"{url}/graphql",
            json={"query": query, "variables": {"id": victim, "name": name}},
            headers=bearer(store),
            timeout=60,
        )
    data: dict[str, Any] = r.json()["data"]
    incidents = sorted((i["node"]["date"], i["node"]["type"]) for i in data["actor"]["incidents"])
    assert [(d, t.lower()) for d, t in incidents] == told  # the escalation, every step
    assert data["search"][0]["node"]["id"] == victim
