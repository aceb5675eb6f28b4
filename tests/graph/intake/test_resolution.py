"""Resolution across complaints: which actors are looked up, and what the name index writes."""

from __future__ import annotations

import itertools

import pytest

from graph.cypher import write as cypher
from graph.intake.resolution import (
    candidates,
    key_id,
    name_keys,
    query_keys,
    similarity,
    to_look_up,
    unindexed,
)
from graph.model import MODEL
from graph.rows import FactRecord, NodeRecord
from graph.store.bolt import Store
from graph.store.repository import upsert

NAMES = [
    "Teodoro Grández Mori",
    "Teodoro Grandes Mori",
    "Grández",
    "Grandes Mori",
    "Rosa Huamán Quispe",
    "Rosa Quispe",
    "Quispe",
    "Minera Andina del Sur S.A.C.",
    "Andina",
    "Comunidad Nativa Santa Rosa de Alto Yanayacu",
    "Santa Rosa",
]


def test_look_ups_are_symmetric() -> None:
    """An actor created later finds an earlier one exactly when the earlier one would
    have found it: why a known actor need not be looked up again by name."""
    for a, b in itertools.permutations(NAMES, 2):
        finds = bool(set(query_keys(a)) & set(name_keys(b)))
        found = bool(set(query_keys(b)) & set(name_keys(a)))
        assert finds == found, (a, b)
        assert similarity(a, b) == similarity(b, a), (a, b)


def _actor(node_id: str, name: str, kind: str = "Person") -> NodeRecord:
    return NodeRecord(kind, node_id, {"name": name})


def _keys(actor: NodeRecord) -> tuple[list[NodeRecord], list[FactRecord]]:
    keys = [f"nk_{k}" for k in name_keys(str(actor.props["name"]))]
    return (
        [NodeRecord("NameKey", k, {"key": k}) for k in keys],
        [FactRecord("HAS_NAME_KEY", actor.id, k) for k in keys],
    )


def test_the_name_index_of_an_actor_filed_under_its_name_is_not_written_again() -> None:
    known = _actor("per_a", "Teodoro Grández Mori")
    respelled = _actor("per_b", "Rosa Huamán Quispe")
    new = _actor("per_c", "Rosa Quispe")
    nodes: list[NodeRecord] = [known, respelled, new]
    facts: list[FactRecord] = [FactRecord("MENTIONS", "cmp_1", "per_a")]
    for actor in nodes[:3]:
        more_nodes, more_facts = _keys(actor)
        nodes += more_nodes
        facts += more_facts
    stored = {"per_a": "Teodoro Grández Mori", "per_b": "Rosa Huaman Quispe"}
    kept_nodes, kept_facts = unindexed(nodes, facts, stored)
    starts = {f.start for f in kept_facts if f.type == "HAS_NAME_KEY"}
    assert starts == {"per_b", "per_c"}  # per_b's stored name is another spelling
    assert FactRecord("MENTIONS", "cmp_1", "per_a") in kept_facts
    # a key node stays while another actor's edge still points at it
    kept_keys = {n.id for n in kept_nodes if n.kind == "NameKey"}
    assert kept_keys == {f.end for f in kept_facts if f.type == "HAS_NAME_KEY"}

    def keys_of(name: str) -> set[str]:
        return {f"nk_{k}" for k in name_keys(name)}

    assert kept_keys == keys_of("Rosa Huamán Quispe") | keys_of("Rosa Quispe")
    assert not keys_of("Teodoro Grández Mori") & kept_keys
    assert {n.id for n in kept_nodes if n.kind != "NameKey"} == {"per_a", "per_b", "per_c"}
    assert unindexed(nodes, facts, {}) == (nodes, facts)


def test_known_actors_are_looked_up_again_only_in_a_new_context() -> None:
    nodes = [
        _actor("per_new", "Rosa Quispe"),
        _actor("per_known", "Teodoro Grández Mori"),
        _actor("per_placed", "Grández"),
        _actor("org_known", "Minera Andina", "Organization"),
        NodeRecord("Place", "plc_100901", {"name": "Puerto Inca"}),
    ]
    facts = [
        FactRecord("MEMBER_OF", "per_placed", "com_x"),
        FactRecord("PERPETRATOR_OF", "org_known", "inc_1"),
    ]
    known = {"per_known", "per_placed", "org_known", "plc_100901"}
    assert [n.id for n in to_look_up(nodes, facts, known)] == ["per_new", "per_placed"]
    assert [n.id for n in to_look_up(nodes, facts, set())] == [
        "per_new",
        "per_known",
        "per_placed",
        "org_known",
    ]


def test_edges_are_looked_for_from_their_anchor() -> None:
    """ArcadeDB walks the edges of the node a pattern starts from: an incident has a few
    perpetrators, a perpetrator may have hundreds of incidents."""
    perpetrator = MODEL.relationship("PERPETRATOR_OF")
    assert perpetrator.anchor == "end"
    stmt = cypher.merge_facts(perpetrator, "Actor", "Incident")
    assert stmt.index("MATCH (b:Incident") < stmt.index("MATCH (a:Actor")
    assert "MERGE (b)<-[r:PERPETRATOR_OF]-(a)" in stmt
    for build in (cypher.put_edges, cypher.manual_facts, cypher.delete_edges):
        assert "(b)<-[r:PERPETRATOR_OF]-(a)" in build(perpetrator, "Actor", "Incident")
    mentions = MODEL.relationship("MENTIONS")  # a complaint names a few actors
    assert mentions.anchor == "start"
    assert "MERGE (a)-[r:MENTIONS]->(b)" in cypher.merge_facts(mentions, "Complaint", "Actor")
    restore = cypher.restore_edges(perpetrator, "Actor", "Incident", has_id=True)
    assert "MERGE (b)<-[r:PERPETRATOR_OF {id: row.rid}]-(a) SET r = row.p" in restore


def _filed(node_id: str, name: str) -> tuple[list[NodeRecord], list[FactRecord]]:
    """A person and its name index, as extraction writes them."""
    keys = [key_id(k) for k in name_keys(name)]
    return (
        [NodeRecord("Person", node_id, {"name": name})]
        + [NodeRecord("NameKey", k, {"key": k}) for k in keys],
        [FactRecord("HAS_NAME_KEY", node_id, k) for k in keys],
    )


@pytest.mark.store
def test_a_shared_community_lifts_a_pair_of_alike_names_to_review(store: Store) -> None:
    a, b = "Elías Tapullima Ruiz", "Elías Tapullima Vásquez"
    assert 70 <= similarity(a, b) < 80  # alike, but not enough on their own
    nodes_a, facts_a = _filed("per_a", a)
    nodes_b, facts_b = _filed("per_b", b)
    community = NodeRecord(
        "Community", "com_x", {"name": "Comunidad Nativa Yamino", "community_kind": "native"}
    )
    upsert(
        store,
        [*nodes_a, *nodes_b, community],
        [*facts_a, *facts_b, FactRecord("MEMBER_OF", "per_b", "com_x")],
    )
    assert candidates(store, nodes_a[:1]) == []
    upsert(store, facts=[FactRecord("MEMBER_OF", "per_a", "com_x")])
    ((one, other, score, reason),) = candidates(store, nodes_a[:1])
    assert (one, other) == ("per_a", "per_b")
    assert score == pytest.approx(similarity(a, b) + 10)
    assert reason == f"names alike ({similarity(a, b):.0f}); 1 shared community or organisation"
