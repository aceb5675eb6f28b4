"""The repository against a real store over Bolt (ArcadeDB always; Neo4j when configured)."""

from __future__ import annotations

import pytest

from graph.cypher import schema as cypher
from graph.errors import ConflictError, ModelError
from graph.rows import Evidence, FactRecord, NodeRecord, fact_id
from graph.store.bolt import Store
from graph.store.config import NEO4J
from graph.store.migrations import (
    SCHEMA_NODE_ID,
    SCHEMA_VERSION,
    current_version,
    declared,
    migrate,
    schema_statements,
)
from graph.store.repository import counts, get_fact, get_node, load, neighbours, upsert

pytestmark = pytest.mark.store

PEOPLE = [
    NodeRecord(
        "Person",
        "per_ana",
        {"name": "Ana Ríos Tapia", "gender": "female", "defender": True, "people": "Asháninka"},
    ),
    NodeRecord(
        "Organization",
        "org_pnp",
        {"name": "Policía Nacional del Perú", "kind": "police", "acronym": "PNP"},
    ),
    NodeRecord(
        "Incident",
        "inc_1",
        {"type": "threat", "date": "2024-03-02", "date_precision": "day", "severity": 2},
    ),
    NodeRecord(
        "Complaint",
        "cmp_a",
        {
            "text": "t",
            "sha256": "a",
            "received_at": "2024-03-03T10:00:00Z",
            "confidentiality": "public",
            "status": "received",
        },
    ),
    NodeRecord(
        "Complaint",
        "cmp_b",
        {
            "text": "u",
            "sha256": "b",
            "received_at": "2024-03-04T10:00:00Z",
            "confidentiality": "public",
            "status": "received",
        },
    ),
]


def ev(complaint: str, start: int = 0, end: int = 10, confidence: float = 0.7) -> Evidence:
    return Evidence(
        complaint, "Ana Ríos fue amenazada por policías.", start, end, "rule", confidence
    )


def test_constraints_present_after_migration(store: Store) -> None:
    schema = declared(store)
    unique = schema.unique
    for kind in [
        "Actor",
        "Complaint",
        "Incident",
        "Place",
        "LandDispute",
        "Case",
        "ProtectionMeasure",
        "Alert",
    ]:
        assert ((kind,), ("id",)) in unique
    assert (("Complaint",), ("sha256",)) in unique
    indexes = schema.indexes
    assert (("Actor",), ("name_norm",)) in indexes
    assert (("PERPETRATOR_OF",), ("id",)) in indexes
    if store.backend == NEO4J:  # name search's full-text indexes, unique edge ids
        assert {"actor_names_text", "place_names_text", "landdispute_names_text"} <= schema.fulltext
        assert (("PERPETRATOR_OF",), ("id",)) in unique
    else:
        assert schema.fulltext == frozenset()
    assert current_version(store) == SCHEMA_VERSION


def test_migration_rerun_is_a_no_op(store: Store) -> None:
    before_c = len(store.read(cypher.SHOW_CONSTRAINTS))
    before_i = len(store.read(cypher.SHOW_INDEXES))
    outcome = migrate(store)
    assert outcome.applied == ()
    assert outcome.before == outcome.after == SCHEMA_VERSION
    assert len(store.read(cypher.SHOW_CONSTRAINTS)) == before_c
    assert len(store.read(cypher.SHOW_INDEXES)) == before_i
    assert before_c + before_i >= len(schema_statements(backend=store.backend))


def test_upserts_are_idempotent(store: Store) -> None:
    upsert(store, PEOPLE)
    upsert(store, PEOPLE)
    total = counts(store)
    assert total["by_label"]["Person"] == 1
    assert total["by_label"]["Actor"] == 2
    assert total["by_label"]["Complaint"] == 2
    node = get_node(store, "per_ana")
    assert node is not None
    assert node.kind == "Person"
    assert set(node.labels) == {"Actor", "Person"}
    assert node.props["name_norm"] == "ana rios tapia"
    assert node.props["created_at"] <= node.props["updated_at"]


def test_same_fact_twice_is_one_edge_listing_both_sources(store: Store) -> None:
    upsert(store, PEOPLE)
    first = FactRecord("VICTIM_OF", "per_ana", "inc_1", evidence=ev("cmp_a", confidence=0.6))
    second = FactRecord("VICTIM_OF", "per_ana", "inc_1", evidence=ev("cmp_b", 5, 40, 0.9))
    upsert(store, facts=[first])
    upsert(store, facts=[first, second])
    upsert(store, facts=[second])
    edges = [e for e in neighbours(store, "per_ana") if e.type == "VICTIM_OF"]
    assert len(edges) == 1
    rel = edges[0].props
    assert rel["id"] == fact_id("VICTIM_OF", "per_ana", "inc_1")
    assert rel["sources"] == ["cmp_a", "cmp_b"]
    assert rel["evidence_keys"] == ["cmp_a:0:10", "cmp_b:5:40"]
    assert rel["starts"] == [0, 5] and rel["ends"] == [10, 40]
    assert rel["methods"] == ["rule", "rule"]
    assert rel["confidences"] == [0.6, 0.9]
    assert rel["confidence"] == 0.9
    assert rel["review"] == "extracted"
    assert edges[0].outgoing is True
    assert edges[0].other.id == "inc_1"
    found = get_fact(store, "VICTIM_OF", rel["id"])
    assert found is not None and found["start"] == "per_ana" and found["end"] == "inc_1"


def test_a_failed_write_leaves_nothing(store: Store) -> None:
    upsert(store, PEOPLE[:1])
    nodes = [
        NodeRecord("Person", "per_new", {"name": "Nueva Persona"}),
        NodeRecord("Incident", "inc_new", {"type": "assault"}),
    ]
    facts = [
        FactRecord("VICTIM_OF", "per_new", "inc_new", evidence=ev("cmp_a")),
        FactRecord("PERPETRATOR_OF", "org_missing", "inc_new", evidence=ev("cmp_a")),
    ]
    with pytest.raises(ModelError, match="PERPETRATOR_OF: no node with id org_missing"):
        upsert(store, nodes, facts)
    assert get_node(store, "per_new") is None
    assert get_node(store, "inc_new") is None
    assert counts(store)["relationships"] == 0


def test_a_kind_clash_is_a_conflict_and_rolls_back(store: Store) -> None:
    upsert(store, PEOPLE[:1])
    with pytest.raises(ConflictError):
        upsert(
            store,
            [
                NodeRecord("Incident", "inc_z", {"type": "threat"}),
                NodeRecord(
                    "Community", "com_x", {"name": "CN Unipacuyacu", "community_kind": "native"}
                ),
                NodeRecord(
                    "Complaint",
                    "cmp_dup",
                    {
                        "text": "x",
                        "sha256": "same",
                        "received_at": "2024-01-01T00:00:00Z",
                        "confidentiality": "public",
                        "status": "received",
                    },
                ),
                NodeRecord(
                    "Complaint",
                    "cmp_dup2",
                    {
                        "text": "y",
                        "sha256": "same",
                        "received_at": "2024-01-01T00:00:00Z",
                        "confidentiality": "public",
                        "status": "received",
                    },
                ),
            ],
        )
    assert get_node(store, "inc_z") is None
    assert get_node(store, "com_x") is None


def test_words_outside_the_model_never_reach_the_store(store: Store) -> None:
    with pytest.raises(ModelError, match="'Informant' is not a node kind"):
        upsert(store, [NodeRecord("Informant", "per_x", {"name": "x"})])
    with pytest.raises(ModelError, match="property 'home_address' is not declared on Person"):
        upsert(store, [NodeRecord("Person", "per_x", {"name": "x", "home_address": "y"})])
    with pytest.raises(ModelError, match="'FUNDS' is not a relationship type"):
        upsert(store, facts=[FactRecord("FUNDS", "org_pnp", "per_ana")])
    assert counts(store)["nodes"] == 2  # the schema version and the pseudonym counter


HOSTILE = [
    "O'Brien \"el Chato\" D'Alessandro",
    "back\\slash \\' \\\" \\n end",
    "'}) MATCH (n) DETACH DELETE n //",
    "MERGE (x:Person {id:'pwn'}) RETURN x; CREATE CONSTRAINT",
    "`) RETURN 1 UNION MATCH (n) RETURN n //",
    "${now} $rows {{id}} \u0000-nul \u202e-rtl \U0001f525",
    "Ñuñoa, Asháninka, Grández — «comillas» ‘curly’",
]


def test_hostile_strings_are_stored_literally(store: Store) -> None:
    records = [
        NodeRecord("Person", f"per_h{i}", {"name": s, "aliases": [s, s[::-1]]})
        for i, s in enumerate(HOSTILE)
    ]
    upsert(store, records)
    for i, s in enumerate(HOSTILE):
        node = get_node(store, f"per_h{i}")
        assert node is not None
        assert node.props["name"] == s
        assert node.props["aliases"] == [s, s[::-1]]
    assert counts(store)["by_label"]["Person"] == len(HOSTILE)


def test_100k_of_text_is_stored_literally(store: Store) -> None:
    text = ('Denuncia: «amenazas» contra el apu O\'Neil \\ "x" MATCH (n) DELETE n; ñ ' * 2000)[
        :100_000
    ]
    assert len(text) == 100_000
    upsert(
        store,
        [
            NodeRecord(
                "Complaint",
                "cmp_big",
                {
                    "text": text,
                    "sha256": "big",
                    "received_at": "2024-01-01T00:00:00Z",
                    "confidentiality": "sealed",
                    "status": "received",
                },
            )
        ],
    )
    node = get_node(store, "cmp_big")
    assert node is not None
    assert node.props["text"] == text


def test_load_commits_per_batch_and_is_idempotent(store: Store) -> None:
    nodes = [NodeRecord("Person", f"per_{i}", {"name": f"Persona {i}"}) for i in range(250)]
    nodes.append(NodeRecord("Incident", "inc_b", {"type": "harassment"}))
    facts = [
        FactRecord("VICTIM_OF", f"per_{i}", "inc_b", evidence=ev("cmp_a", i, i + 1))
        for i in range(250)
    ]
    first = load(store, nodes, facts, batch_size=60)
    again = load(store, nodes, facts, batch_size=60)
    assert first.nodes == again.nodes == 251
    assert first.facts == again.facts == 250
    total = counts(store)
    assert total["by_label"]["Person"] == 250
    assert total["relationships"] == 250


def test_ids_of_unknown_kinds_are_refused_on_read(store: Store) -> None:
    with pytest.raises(ModelError, match="is not an id of any kind"):
        get_node(store, "x' OR 1=1")
    assert get_node(store, "per_nobody") is None


def test_a_late_process_never_lowers_the_schema_version(store: Store) -> None:
    """Processes starting together each record the steps they ran: one that records
    step 1 after another recorded step 2 must not take the store back to 1 (``db
    status`` of a third then said version 1)."""
    assert current_version(store) == SCHEMA_VERSION
    try:
        store.write(
            cypher.SCHEMA_VERSION_WRITE, id=SCHEMA_NODE_ID, version=1, applied=["1: late"],
            now="2026-01-01T00:00:00Z",
        )  # fmt: skip
        assert current_version(store) == SCHEMA_VERSION
    finally:
        migrate(store)  # were it lowered, the next tests find the store as it was
