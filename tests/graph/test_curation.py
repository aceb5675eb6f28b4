"""Curation writes against a real store: reviews, merges and splits, manual facts,
cases and protection measures. People named here are invented."""

from __future__ import annotations

import json
from typing import Any

import pytest

from graph.curation.cases import case_id_for, open_case, update_case
from graph.curation.links import find_quote, link_actors
from graph.curation.measures import measure_id_for, record_protection_measure
from graph.curation.merges import merge_actors, split_actor
from graph.curation.review import review_fact
from graph.errors import ConflictError, ModelError, NotFound
from graph.model import MODEL
from graph.rows import Evidence, FactRecord, NodeRecord, fact_id
from graph.store.bolt import Store
from graph.store.migrations import declared
from graph.store.repository import counts, get_fact, get_node, neighbours, upsert

pytestmark = pytest.mark.store

TEXT_1 = "El 3 de marzo Ana Ríos Tapia fue amenazada por policías en la comunidad."
TEXT_2 = "Anita Ríos, presidenta de la federación, denunció que la amenazaron de nuevo."
TEXT_3 = "Rosa Quispe Huamán, sobrina de Ana Ríos Tapia, trabaja para la Federación Nativa."


def complaint(cid: str, text: str) -> NodeRecord:
    return NodeRecord(
        "Complaint",
        cid,
        {
            "text": text,
            "sha256": cid,
            "received_at": "2024-03-03T10:00:00Z",
            "confidentiality": "public",
            "status": "extracted",
        },
    )


NODES = [
    complaint("cmp_1", TEXT_1),
    complaint("cmp_2", TEXT_2),
    complaint("cmp_3", TEXT_3),
    NodeRecord("Person", "per_ana", {"name": "Ana Ríos Tapia", "aliases": ["Ana Ríos"]}),
    NodeRecord("Person", "per_anita", {"name": "Anita Ríos", "aliases": ["A. Ríos", "Ana Ríos"]}),
    NodeRecord("Person", "per_rosa", {"name": "Rosa Quispe Huamán"}),
    NodeRecord("Person", "per_luis", {"name": "Luis Cárdenas Vela"}),
    NodeRecord("Organization", "org_fed", {"name": "Federación Nativa", "kind": "federation"}),
    NodeRecord("Organization", "org_pnp", {"name": "Policía Nacional", "kind": "police"}),
    NodeRecord("Community", "com_a", {"name": "CN Nuevo Amanecer", "community_kind": "native"}),
    NodeRecord("Incident", "inc_1", {"type": "threat", "date": "2024-03-03"}),
    NodeRecord("Incident", "inc_2", {"type": "threat", "date": "2024-04-01"}),
    NodeRecord("Incident", "inc_3", {"type": "assault", "date": "2024-05-01"}),
    NodeRecord("NameKey", "nk_w_anita", {"key": "w:anita"}),
]


def ev(cid: str, start: int, end: int, confidence: float = 0.7, method: str = "rule") -> Evidence:
    return Evidence(cid, f"quote {cid} {start}", start, end, method, confidence)


FACTS = [
    FactRecord("VICTIM_OF", "per_ana", "inc_1", evidence=ev("cmp_1", 0, 10, 0.6)),
    FactRecord("VICTIM_OF", "per_anita", "inc_1", evidence=ev("cmp_1", 0, 10, 0.6)),
    FactRecord("VICTIM_OF", "per_anita", "inc_1", evidence=ev("cmp_2", 5, 20, 0.9)),
    FactRecord("VICTIM_OF", "per_anita", "inc_2", evidence=ev("cmp_2", 30, 40)),
    FactRecord("MEMBER_OF", "per_ana", "org_fed", evidence=ev("cmp_1", 11, 20)),
    FactRecord(
        "MEMBER_OF", "per_anita", "org_fed", {"role": "presidenta"}, evidence=ev("cmp_2", 0, 30)
    ),
    FactRecord("MEMBER_OF", "per_anita", "com_a", evidence=ev("cmp_2", 41, 50)),
    FactRecord("MENTIONS", "cmp_2", "per_anita", evidence=ev("cmp_2", 0, 10, 1.0, "model")),
    FactRecord("PERPETRATOR_OF", "org_pnp", "inc_1", {"status": "alleged"}, ev("cmp_1", 40, 50)),
    FactRecord("WITNESS_OF", "per_rosa", "inc_1", evidence=ev("cmp_1", 51, 60)),
    FactRecord(
        "ASSOCIATE_OF", "per_rosa", "per_anita", {"relationship": "sobrina de"}, ev("cmp_3", 0, 9)
    ),
    FactRecord(
        "POSSIBLY_SAME_AS",
        "per_ana",
        "per_anita",
        {"score": 85.0, "reason": "names alike (85)", "decision": "open"},
        ev("cmp_2", 0, 10, 0.85),
    ),
    FactRecord("HAS_NAME_KEY", "per_anita", "nk_w_anita"),
]

IDS = [n.id for n in NODES]


@pytest.fixture
def graph(store: Store) -> Store:
    upsert(store, NODES, FACTS)
    return store


def edges(store: Store, node_id: str) -> list[tuple[str, bool, str, str]]:
    """One node's edges, comparable: type, direction, other end, every property."""
    return sorted(
        (e.type, e.outgoing, e.other.id, json.dumps(e.props, sort_keys=True))
        for e in neighbours(store, node_id, limit=1000)
    )


def state(store: Store) -> dict[str, Any]:
    """Everything the fixture's nodes hold, and the store's totals."""
    nodes = {}
    for node_id in IDS:
        node = get_node(store, node_id)
        nodes[node_id] = None if node is None else dict(node.props)
    return {
        "counts": counts(store),
        "nodes": nodes,
        "edges": {node_id: edges(store, node_id) for node_id in IDS},
    }


def edge(store: Store, node_id: str, rel_type: str, other: str) -> dict[str, Any]:
    found = [
        e.props for e in neighbours(store, node_id) if e.type == rel_type and e.other.id == other
    ]
    assert len(found) == 1, (node_id, rel_type, other, found)
    return dict(found[0])


def without_stamps(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != "updated_at"}


# --- schema ---------------------------------------------------------------------------


def test_the_store_declares_merge_records_and_associations(store: Store) -> None:
    schema = declared(store)
    unique, indexes = schema.unique, schema.indexes
    assert (("ActorMerge",), ("id",)) in unique
    assert (("ActorMerge",), ("keep_id",)) in indexes
    assert (("ActorMerge",), ("merged_id",)) in indexes
    assert (("ASSOCIATE_OF",), ("id",)) in indexes


def test_curation_words_are_in_the_model() -> None:
    merge = MODEL.node("ActorMerge")
    assert merge.labels == ("ActorMerge",)
    assert MODEL.kind_of_id("mrg_x") is merge
    for name in ["keep_id", "merged_id", "snapshot", "aliases_added", "status", "undone_by"]:
        assert name in merge.properties
    associate = MODEL.relationship("ASSOCIATE_OF")
    assert "relationship" in associate.properties and associate.fact
    MODEL.check_endpoints(associate, MODEL.node("Person"), MODEL.node("Organization"))


# --- review ---------------------------------------------------------------------------


def test_review_sets_the_decision_and_a_retry_keeps_it(graph: Store) -> None:
    rid = fact_id("VICTIM_OF", "per_ana", "inc_1")
    first = review_fact(graph, "VICTIM_OF", rid, "confirmed", "seen in the file", "revisora")
    assert first["review"] == "confirmed"
    assert first["review_note"] == "seen in the file"
    assert first["reviewed_by"] == "revisora"
    assert first["start"] == "per_ana" and first["end"] == "inc_1"
    assert first["type"] == "VICTIM_OF"
    again = review_fact(graph, "VICTIM_OF", rid, "confirmed", "seen in the file", "revisora")
    assert again["reviewed_at"] == first["reviewed_at"]
    assert again["updated_at"] == first["updated_at"]
    rejected = review_fact(graph, "VICTIM_OF", rid, "rejected", None, "otra")
    assert rejected["review"] == "rejected" and "review_note" not in rejected
    assert rejected["reviewed_at"] >= first["reviewed_at"]
    stored = get_fact(graph, "VICTIM_OF", rid)
    assert stored is not None and stored["rel"]["reviewed_by"] == "otra"


def test_review_refuses_unknown_facts_and_bad_words(graph: Store) -> None:
    before = state(graph)
    with pytest.raises(NotFound, match="no VICTIM_OF fact rel_nope"):
        review_fact(graph, "VICTIM_OF", "rel_nope", "confirmed", None, "revisora")
    rid = fact_id("VICTIM_OF", "per_ana", "inc_1")
    with pytest.raises(NotFound):  # the id of a VICTIM_OF is no PERPETRATOR_OF
        review_fact(graph, "PERPETRATOR_OF", rid, "confirmed", None, "revisora")
    with pytest.raises(ModelError, match="decision must be one of"):
        review_fact(graph, "VICTIM_OF", rid, "maybe", None, "revisora")
    with pytest.raises(ModelError, match="HAS_NAME_KEY is not a fact"):
        review_fact(graph, "HAS_NAME_KEY", rid, "confirmed", None, "revisora")
    with pytest.raises(ModelError, match="'KNOWS' is not a relationship type"):
        review_fact(graph, "KNOWS", rid, "confirmed", None, "revisora")
    with pytest.raises(ModelError, match="by is required"):
        review_fact(graph, "VICTIM_OF", rid, "confirmed", None, " ")
    assert state(graph) == before


# --- merge ----------------------------------------------------------------------------


def test_merge_moves_every_edge_and_combines_evidence_once(graph: Store) -> None:
    record = merge_actors(graph, "per_ana", "per_anita", "same person, two spellings", "rev")
    assert record["id"].startswith("mrg_")
    assert record["status"] == "active"
    assert record["keep_id"] == "per_ana" and record["merged_id"] == "per_anita"
    assert record["merged_by"] == "rev" and record["reason"] == "same person, two spellings"

    victim = edge(graph, "per_ana", "VICTIM_OF", "inc_1")
    assert victim["evidence_keys"] == ["cmp_1:0:10", "cmp_2:5:20"]
    assert victim["sources"] == ["cmp_1", "cmp_2"]
    assert victim["starts"] == [0, 5] and victim["ends"] == [10, 20]
    assert victim["confidences"] == [0.6, 0.9] and victim["confidence"] == 0.9
    assert victim["id"] == fact_id("VICTIM_OF", "per_ana", "inc_1")

    member = edge(graph, "per_ana", "MEMBER_OF", "org_fed")
    assert member["role"] == "presidenta"
    assert member["evidence_keys"] == ["cmp_1:11:20", "cmp_2:0:30"]
    moved = edge(graph, "per_ana", "VICTIM_OF", "inc_2")
    assert moved["id"] == fact_id("VICTIM_OF", "per_ana", "inc_2")
    assert moved["evidence_keys"] == ["cmp_2:30:40"]
    assert edge(graph, "per_ana", "MEMBER_OF", "com_a")["evidence_keys"] == ["cmp_2:41:50"]
    assert edge(graph, "cmp_2", "MENTIONS", "per_ana")["confidence"] == 1.0
    assert edge(graph, "per_rosa", "ASSOCIATE_OF", "per_ana")["relationship"] == "sobrina de"
    assert edge(graph, "per_ana", "HAS_NAME_KEY", "nk_w_anita")["id"] == fact_id(
        "HAS_NAME_KEY", "per_ana", "nk_w_anita"
    )
    assert not [e for e in neighbours(graph, "per_ana") if e.type == "POSSIBLY_SAME_AS"]

    merged = get_node(graph, "per_anita")
    assert merged is not None and merged.props["merged_into"] == "per_ana"
    assert neighbours(graph, "per_anita") == []
    kept = get_node(graph, "per_ana")
    assert kept is not None
    assert kept.props["aliases"] == ["Ana Ríos", "Anita Ríos", "A. Ríos"]
    assert kept.props["aliases_norm"] == ["ana rios", "anita rios", "a. rios"]
    assert record["aliases_added"] == ["Anita Ríos", "A. Ríos"]

    candidate = json.loads(record["candidate"])
    assert len(candidate) == 1 and candidate[0]["props"]["decision"] == "merged"
    assert candidate[0]["props"]["score"] == 85.0
    snapshot = json.loads(record["snapshot"])
    assert len(snapshot) == 8
    between = [s for s in snapshot if s["between"]]
    assert [s["type"] for s in between] == ["POSSIBLY_SAME_AS"]
    assert between[0]["props"]["decision"] == "open"  # the edge as it was
    joined = {(s["type"], s["other"]): s for s in snapshot if s["existed"]}
    assert set(joined) == {("VICTIM_OF", "inc_1"), ("MEMBER_OF", "org_fed")}
    assert joined[("VICTIM_OF", "inc_1")]["before"]["evidence_keys"] == ["cmp_1:0:10"]


def test_merge_retry_returns_the_same_record_and_changes_nothing(graph: Store) -> None:
    first = merge_actors(graph, "per_ana", "per_anita", "same person", "rev")
    after = state(graph)
    again = merge_actors(graph, "per_ana", "per_anita", "same person", "rev")
    assert again == first
    assert state(graph) == after
    assert counts(graph)["by_label"]["ActorMerge"] == 1


def test_split_restores_both_actors_exactly(graph: Store) -> None:
    before = state(graph)
    record = merge_actors(graph, "per_ana", "per_anita", "same person", "rev")
    assert state(graph)["edges"] != before["edges"]
    undone = split_actor(graph, record["id"], "two people after all", "jefa")
    assert undone["status"] == "undone"
    assert undone["undone_by"] == "jefa" and undone["undo_reason"] == "two people after all"
    assert undone["undone_at"] >= record["merged_at"]
    after = state(graph)
    assert after["edges"] == before["edges"]
    assert after["counts"]["relationships"] == before["counts"]["relationships"]
    for node_id in ["per_ana", "per_anita"]:
        assert without_stamps(after["nodes"][node_id]) == without_stamps(before["nodes"][node_id])
    again = split_actor(graph, record["id"], "again", "otro")
    assert again == undone
    assert state(graph) == after


def test_a_pair_merged_split_and_merged_again_has_two_records(graph: Store) -> None:
    first = merge_actors(graph, "per_ana", "per_anita", "same person", "rev")
    split_actor(graph, first["id"], "not sure", "rev")
    second = merge_actors(graph, "per_ana", "per_anita", "sure now", "rev")
    assert second["id"] != first["id"] and second["status"] == "active"
    assert counts(graph)["by_label"]["ActorMerge"] == 2
    assert edge(graph, "per_ana", "VICTIM_OF", "inc_1")["evidence_keys"] == [
        "cmp_1:0:10",
        "cmp_2:5:20",
    ]


def test_evidence_that_arrives_after_a_merge_stays_on_the_kept_actor(graph: Store) -> None:
    before = state(graph)
    record = merge_actors(graph, "per_ana", "per_anita", "same person", "rev")
    upsert(
        graph,
        facts=[
            # on an edge the kept actor had before the merge
            FactRecord("VICTIM_OF", "per_ana", "inc_1", evidence=ev("cmp_3", 60, 70, 0.95)),
            # on an edge the merge created
            FactRecord("VICTIM_OF", "per_ana", "inc_2", evidence=ev("cmp_3", 1, 8, 0.5)),
            # a new edge altogether
            FactRecord("VICTIM_OF", "per_ana", "inc_3", evidence=ev("cmp_3", 9, 12)),
        ],
    )
    split_actor(graph, record["id"], "two people", "rev")
    assert edges(graph, "per_anita") == before["edges"]["per_anita"]
    victim = edge(graph, "per_ana", "VICTIM_OF", "inc_1")
    assert victim["evidence_keys"] == ["cmp_1:0:10", "cmp_3:60:70"]
    assert victim["sources"] == ["cmp_1", "cmp_3"]
    assert victim["confidences"] == [0.6, 0.95] and victim["confidence"] == 0.95
    created = edge(graph, "per_ana", "VICTIM_OF", "inc_2")
    assert created["evidence_keys"] == ["cmp_3:1:8"]
    assert created["sources"] == ["cmp_3"] and created["confidence"] == 0.5
    assert edge(graph, "per_ana", "VICTIM_OF", "inc_3")["evidence_keys"] == ["cmp_3:9:12"]
    member = edge(graph, "per_ana", "MEMBER_OF", "org_fed")
    assert "role" not in member  # the merged edge brought it; it went with it
    was = [p for t, _, o, p in before["edges"]["per_ana"] if (t, o) == ("MEMBER_OF", "org_fed")]
    assert member == json.loads(was[0])


def test_manual_links_move_with_the_actor_and_come_back(graph: Store) -> None:
    case, _ = open_case(graph, "Carpeta 5", None, "open", None, [], ["per_anita"], "rev")
    measure, _ = record_protection_measure(
        graph, kind="escort", status="granted", actor_ids=["per_ana", "per_anita"], by="rev"
    )
    before = state(graph)
    record = merge_actors(graph, "per_ana", "per_anita", "same person", "rev")
    accuses = edge(graph, case["id"], "ACCUSES", "per_ana")
    assert accuses["method"] == "manual" and accuses["confidence"] == 1.0
    protects = edge(graph, measure["id"], "PROTECTS", "per_ana")
    assert protects["id"] == fact_id("PROTECTS", measure["id"], "per_ana")
    with pytest.raises(ConflictError, match="per_anita was merged into per_ana"):
        update_case(graph, case["id"], add_accused=["per_anita"], by="rev")
    split_actor(graph, record["id"], "two people", "rev")
    assert state(graph)["edges"] == before["edges"]


def test_chained_merges_split_one_at_a_time(graph: Store) -> None:
    upsert(graph, facts=[FactRecord("VICTIM_OF", "per_luis", "inc_1", evidence=ev("cmp_3", 0, 4))])
    original = state(graph)
    first = merge_actors(graph, "per_ana", "per_anita", "same person", "rev")
    after_first = state(graph)
    second = merge_actors(graph, "per_ana", "per_luis", "also her", "rev")
    assert edge(graph, "per_ana", "VICTIM_OF", "inc_1")["evidence_keys"] == [
        "cmp_1:0:10",
        "cmp_2:5:20",
        "cmp_3:0:4",
    ]
    split_actor(graph, second["id"], "Luis is Luis", "rev")
    now = state(graph)
    assert now["edges"] == after_first["edges"]
    node = get_node(graph, "per_anita")
    assert node is not None and node.props["merged_into"] == "per_ana"
    split_actor(graph, first["id"], "two people", "rev")
    assert state(graph)["edges"] == original["edges"]


def test_chained_merges_split_out_of_order(graph: Store) -> None:
    upsert(graph, facts=[FactRecord("VICTIM_OF", "per_luis", "inc_2", evidence=ev("cmp_3", 0, 4))])
    original = state(graph)
    first = merge_actors(graph, "per_ana", "per_anita", "same person", "rev")
    second = merge_actors(graph, "per_ana", "per_luis", "also her", "rev")
    split_actor(graph, first["id"], "two people", "rev")
    assert edges(graph, "per_anita") == original["edges"]["per_anita"]
    # the edge to inc_2 came with the first merge; what the second brought stays
    assert edge(graph, "per_ana", "VICTIM_OF", "inc_2")["evidence_keys"] == ["cmp_3:0:4"]
    split_actor(graph, second["id"], "three people", "rev")
    assert state(graph)["edges"] == original["edges"]


def test_merge_refusals_write_nothing(graph: Store) -> None:
    before = state(graph)
    with pytest.raises(ModelError, match="cannot be merged into itself"):
        merge_actors(graph, "per_ana", "per_ana", "why", "rev")
    with pytest.raises(ModelError, match="cannot merge Organization org_fed into Person per_ana"):
        merge_actors(graph, "per_ana", "org_fed", "why", "rev")
    with pytest.raises(ModelError, match="not an id of kind Actor"):
        merge_actors(graph, "per_ana", "inc_1", "why", "rev")
    with pytest.raises(NotFound, match="no actor with id per_nobody"):
        merge_actors(graph, "per_ana", "per_nobody", "why", "rev")
    with pytest.raises(NotFound, match="per_nobody"):
        merge_actors(graph, "per_nobody", "per_ana", "why", "rev")
    with pytest.raises(ModelError, match="reason is required"):
        merge_actors(graph, "per_ana", "per_anita", "", "rev")
    assert state(graph) == before

    merge_actors(graph, "per_ana", "per_anita", "same person", "rev")
    merged = state(graph)
    with pytest.raises(ConflictError, match="per_anita is already merged into per_ana"):
        merge_actors(graph, "per_rosa", "per_anita", "why", "rev")
    with pytest.raises(ConflictError, match="per_anita is already merged into per_ana"):
        merge_actors(graph, "per_anita", "per_ana", "why", "rev")
    with pytest.raises(ConflictError, match="per_anita is already merged"):
        merge_actors(graph, "per_anita", "per_rosa", "why", "rev")
    assert state(graph) == merged


def test_split_refusals(graph: Store) -> None:
    with pytest.raises(NotFound, match="no actor merge mrg_nope"):
        split_actor(graph, "mrg_nope", "why", "rev")
    with pytest.raises(ModelError, match="not the id of an actor merge"):
        split_actor(graph, "per_ana", "why", "rev")
    first = merge_actors(graph, "per_ana", "per_anita", "same person", "rev")
    merge_actors(graph, "per_rosa", "per_ana", "same again", "rev")
    before = state(graph)
    with pytest.raises(ConflictError, match="per_ana was merged into per_rosa since"):
        split_actor(graph, first["id"], "why", "rev")
    assert state(graph) == before


# --- manual facts ---------------------------------------------------------------------


def test_find_quote_gives_the_real_span() -> None:
    assert find_quote(TEXT_3, "sobrina de") == (20, 30)
    start, end = find_quote(TEXT_3, "ROSA  quispe HUAMAN")
    assert TEXT_3[start:end] == "Rosa Quispe Huamán"
    decomposed = "Denuncia de Jose\u0301 Pe\u0301rez."
    start, end = find_quote(decomposed, "josé pérez")
    assert decomposed[start:end] == "Jose\u0301 Pe\u0301rez"
    with pytest.raises(ModelError, match="does not occur"):
        find_quote(TEXT_3, "Juan Pérez")


def test_link_actors_records_a_confirmed_manual_fact_once(graph: Store) -> None:
    fact = link_actors(
        graph,
        "per_rosa",
        "org_fed",
        "WORKS_FOR",
        "cmp_3",
        "trabaja para la federacion nativa",
        "rev",
        props={"role": "promotora"},
    )
    assert fact["type"] == "WORKS_FOR"
    assert fact["start"] == "per_rosa" and fact["end"] == "org_fed"
    assert fact["quotes"] == ["trabaja para la Federación Nativa"]
    start, end = fact["starts"][0], fact["ends"][0]
    assert TEXT_3[start:end] == "trabaja para la Federación Nativa"
    assert fact["methods"] == ["manual"] and fact["confidences"] == [1.0]
    assert fact["confidence"] == 1.0
    assert fact["review"] == "confirmed" and fact["reviewed_by"] == "rev"
    assert fact["role"] == "promotora" and fact["sources"] == ["cmp_3"]
    again = link_actors(
        graph,
        "per_rosa",
        "org_fed",
        "WORKS_FOR",
        "cmp_3",
        "trabaja para la federacion nativa",
        "rev",
    )
    assert again["evidence_keys"] == fact["evidence_keys"]
    associate = link_actors(
        graph,
        "per_rosa",
        "per_ana",
        "ASSOCIATE_OF",
        "cmp_3",
        "sobrina de",
        "rev",
        props={"relationship": "relative of"},
    )
    assert associate["relationship"] == "relative of"
    assert associate["evidence_keys"] == ["cmp_3:20:30"]


def test_link_actors_requires_evidence_and_the_model(graph: Store) -> None:
    before = state(graph)
    with pytest.raises(ModelError, match="does not occur"):
        link_actors(graph, "per_rosa", "org_fed", "WORKS_FOR", "cmp_1", "trabaja para", "rev")
    with pytest.raises(NotFound, match="no complaint cmp_nope"):
        link_actors(graph, "per_rosa", "org_fed", "WORKS_FOR", "cmp_nope", "trabaja", "rev")
    with pytest.raises(NotFound, match="per_nobody"):
        link_actors(graph, "per_nobody", "org_fed", "WORKS_FOR", "cmp_3", "trabaja", "rev")
    with pytest.raises(ModelError, match="rel_type must be one of"):
        link_actors(graph, "per_rosa", "inc_1", "VICTIM_OF", "cmp_3", "trabaja", "rev")
    with pytest.raises(ModelError, match="WORKS_FOR may not join Organization to Person"):
        link_actors(graph, "org_fed", "per_rosa", "WORKS_FOR", "cmp_3", "trabaja", "rev")
    with pytest.raises(ModelError, match="cannot be linked to itself"):
        link_actors(graph, "per_rosa", "per_rosa", "ASSOCIATE_OF", "cmp_3", "Rosa", "rev")
    with pytest.raises(ModelError, match="quote is required"):
        link_actors(graph, "per_rosa", "org_fed", "WORKS_FOR", "cmp_3", "  ", "rev")
    assert state(graph) == before
    merge_actors(graph, "per_ana", "per_anita", "same person", "rev")
    with pytest.raises(ConflictError, match="per_anita was merged into per_ana"):
        link_actors(graph, "per_rosa", "per_anita", "ASSOCIATE_OF", "cmp_3", "sobrina", "rev")


# --- cases ----------------------------------------------------------------------------


def test_open_case_is_idempotent_and_links_are_manual_facts(graph: Store) -> None:
    case, created = open_case(
        graph,
        "Carpeta 123-2024",
        "Fiscalía de Padre Abad",
        "open",
        "2024-03-10",
        ["inc_1", "inc_2"],
        ["org_pnp"],
        "rev",
    )
    assert created is True
    assert case["id"] == case_id_for("carpeta  123-2024")
    assert case["file_number"] == "Carpeta 123-2024" and case["status"] == "open"
    assert case["incident_ids"] == ["inc_1", "inc_2"] and case["accused_ids"] == ["org_pnp"]
    link = edge(graph, case["id"], "ACCUSES", "org_pnp")
    assert link["method"] == "manual" and link["review"] == "confirmed"
    assert link["reviewed_by"] == "rev" and link["confidence"] == 1.0
    assert link["evidence_keys"] == [] and link["id"] == fact_id("ACCUSES", case["id"], "org_pnp")
    after = state(graph)
    again, created = open_case(
        graph,
        "Carpeta 123-2024",
        "Fiscalía de Padre Abad",
        "open",
        "2024-03-10",
        ["inc_1", "inc_2"],
        ["org_pnp"],
        "rev",
    )
    assert created is False and again == case
    assert state(graph) == after
    assert counts(graph)["by_label"]["Case"] == 1


def test_open_case_conflicts_and_refusals(graph: Store) -> None:
    open_case(graph, "Carpeta 123-2024", "Fiscalía A", "open", None, [], [], "rev")
    before = state(graph)
    with pytest.raises(ConflictError, match="case Carpeta 123-2024 is already recorded with"):
        open_case(graph, "Carpeta 123-2024", "Fiscalía B", "open", None, [], [], "rev")
    with pytest.raises(ConflictError, match="status 'open'"):
        open_case(graph, "carpeta 123-2024", "Fiscalía A", "trial", None, [], [], "rev")
    with pytest.raises(NotFound, match="inc_nope, per_nobody"):
        open_case(
            graph, "Carpeta 9", None, "open", None, ["inc_1", "inc_nope"], ["per_nobody"], "rev"
        )
    with pytest.raises(ModelError, match="status must be one of"):
        open_case(graph, "Carpeta 9", None, "closed", None, [], [], "rev")
    with pytest.raises(ModelError, match="opened_at must be a date"):
        open_case(graph, "Carpeta 9", None, "open", "2024-02-30", [], [], "rev")
    with pytest.raises(ModelError, match="not an id of kind Incident"):
        open_case(graph, "Carpeta 9", None, "open", None, ["per_ana"], [], "rev")
    assert state(graph) == before
    assert counts(graph)["by_label"]["Case"] == 1


def test_update_case_changes_fields_and_links(graph: Store) -> None:
    case, _ = open_case(graph, "Carpeta 7", "Fiscalía A", "open", None, ["inc_1"], [], "rev")
    updated = update_case(
        graph,
        case["id"],
        status="preliminary_investigation",
        add_incidents=["inc_2"],
        remove_incidents=["inc_1"],
        add_accused=["per_luis", "org_pnp"],
        by="rev",
    )
    assert updated["status"] == "preliminary_investigation" and updated["office"] == "Fiscalía A"
    assert updated["incident_ids"] == ["inc_2"]
    assert updated["accused_ids"] == ["org_pnp", "per_luis"]
    again = update_case(
        graph,
        case["id"],
        status="preliminary_investigation",
        add_incidents=["inc_2"],
        remove_incidents=["inc_1"],
        add_accused=["per_luis", "org_pnp"],
        by="rev",
    )
    assert without_stamps(again) == without_stamps(updated)
    before = state(graph)
    with pytest.raises(NotFound, match="no case cas_nope"):
        update_case(graph, "cas_nope", status="trial", by="rev")
    with pytest.raises(NotFound, match="inc_nope"):
        update_case(graph, case["id"], status="trial", add_incidents=["inc_nope"], by="rev")
    with pytest.raises(ModelError, match="added and removed at once"):
        update_case(
            graph, case["id"], add_accused=["org_pnp"], remove_accused=["org_pnp"], by="rev"
        )
    assert state(graph) == before


# --- protection measures --------------------------------------------------------------


def test_protection_measure_is_idempotent(graph: Store) -> None:
    case, _ = open_case(graph, "Carpeta 8", None, "open", None, [], [], "rev")
    measure, created = record_protection_measure(
        graph,
        kind="police patrols",
        status="requested",
        actor_ids=["per_rosa", "per_ana"],
        case_id=case["id"],
        incident_ids=["inc_1"],
        requested_at="2024-03-12",
        authority="Ministerio de Justicia",
        by="rev",
    )
    assert created is True
    assert measure["id"] == measure_id_for(
        "Police  Patrols", ["per_ana", "per_rosa"], "2024-03-12", "ministerio de justicia"
    )
    assert measure["actor_ids"] == ["per_ana", "per_rosa"]
    assert measure["case_ids"] == [case["id"]] and measure["incident_ids"] == ["inc_1"]
    protects = edge(graph, measure["id"], "PROTECTS", "per_rosa")
    assert protects["method"] == "manual" and protects["review"] == "confirmed"
    after = state(graph)
    again, created = record_protection_measure(
        graph,
        kind="police patrols",
        status="requested",
        actor_ids=["per_ana", "per_rosa"],
        case_id=case["id"],
        incident_ids=["inc_1"],
        requested_at="2024-03-12",
        authority="Ministerio de Justicia",
        by="rev",
    )
    assert created is False and again == measure
    assert state(graph) == after
    assert counts(graph)["by_label"]["ProtectionMeasure"] == 1

    with pytest.raises(ConflictError, match="status 'requested'"):
        record_protection_measure(
            graph,
            kind="police patrols",
            status="granted",
            actor_ids=["per_ana", "per_rosa"],
            requested_at="2024-03-12",
            authority="Ministerio de Justicia",
            by="rev",
        )
    granted, created = record_protection_measure(
        graph,
        kind="police patrols",
        status="granted",
        actor_ids=["per_ana"],
        granted_at="2024-03-20",
        measure_id=measure["id"],
        by="rev",
    )
    assert created is False
    assert granted["status"] == "granted" and granted["granted_at"] == "2024-03-20"
    assert granted["requested_at"] == "2024-03-12"
    assert granted["actor_ids"] == ["per_ana", "per_rosa"]


def test_protection_measure_refusals(graph: Store) -> None:
    before = state(graph)
    base: dict[str, Any] = {"kind": "escort", "status": "requested", "actor_ids": ["per_ana"]}
    with pytest.raises(ModelError, match="status must be one of"):
        record_protection_measure(graph, **{**base, "status": "pending"}, by="rev")
    with pytest.raises(ModelError, match="requested_at must be a date YYYY-MM-DD"):
        record_protection_measure(graph, **base, requested_at="2024-03", by="rev")
    with pytest.raises(ModelError, match="at least one actor"):
        record_protection_measure(graph, **{**base, "actor_ids": []}, by="rev")
    with pytest.raises(NotFound, match="no protection measure pm_nope"):
        record_protection_measure(graph, **base, measure_id="pm_nope", by="rev")
    with pytest.raises(NotFound, match="cas_nope, per_nobody"):
        record_protection_measure(
            graph, **{**base, "actor_ids": ["per_nobody"]}, case_id="cas_nope", by="rev"
        )
    assert state(graph) == before


def test_facts_extracted_after_a_merge_go_to_the_actor_kept(store: Store) -> None:
    from graph.intake.durable import ComplaintIn, Extraction, process, receive

    upsert(
        store,
        [
            NodeRecord("Person", "per_keep", {"name": "Rosa Huamán"}),
            NodeRecord("Person", "per_gone", {"name": "Rosa Huaman Tapullima"}),
            NodeRecord("Person", "per_perp", {"name": "Wilmer Saldaña"}),
        ],
    )
    merge_actors(store, "per_keep", "per_gone", "misma defensora", "tester")
    received = receive(store, ComplaintIn(text="Rosa Huaman Tapullima fue amenazada."))

    def extractor(cid: str, text: str, received_at: str) -> Extraction:
        ev = Evidence(cid, text, 0, 21, "rule", 0.9)
        return Extraction(
            "fake",
            "es",
            [
                NodeRecord("Person", "per_gone", {"name": "Rosa Huaman Tapullima"}),
                NodeRecord("Incident", "inc_after", {"type": "threat"}),
                NodeRecord("NameKey", "nk_w_tapulima", {"key": "w:tapulima"}),
            ],
            [
                FactRecord("HAS_NAME_KEY", "per_gone", "nk_w_tapulima"),
                FactRecord("VICTIM_OF", "per_gone", "inc_after", evidence=ev),
                FactRecord("PERPETRATOR_OF", "per_perp", "inc_after", evidence=ev),
                FactRecord("MENTIONS", cid, "per_gone", evidence=ev),
            ],
        )

    assert process(store, received.id, extractor) == "extracted"
    assert neighbours(store, "per_gone") == []  # the merged actor takes no new facts
    kept = {(e.type, e.other.id) for e in neighbours(store, "per_keep")}
    assert ("VICTIM_OF", "inc_after") in kept and ("MENTIONS", received.id) in kept
    # its name, an alias of the kept actor now, leads look-ups to the kept actor
    assert ("HAS_NAME_KEY", "nk_w_tapulima") in kept
