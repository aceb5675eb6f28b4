from __future__ import annotations

import pytest

from graph.errors import ModelError
from graph.kinds import NodeKind, Prop, PropType
from graph.model import MODEL


def test_every_kind_of_the_design_is_declared() -> None:
    for name in [
        "Complaint",
        "Person",
        "Organization",
        "Community",
        "Incident",
        "Place",
        "LandDispute",
        "Case",
        "ProtectionMeasure",
        "Alert",
    ]:
        assert MODEL.node(name).name == name
    for rel in [
        "REPORTS",
        "MENTIONS",
        "PERPETRATOR_OF",
        "VICTIM_OF",
        "WITNESS_OF",
        "OCCURRED_IN",
        "PART_OF",
        "PARTY_TO",
        "LOCATED_IN",
        "MEMBER_OF",
        "WORKS_FOR",
        "INVESTIGATES",
        "ACCUSES",
        "PROTECTS",
        "CONCERNS",
    ]:
        assert MODEL.relationship(rel).type == rel


def test_actors_share_the_actor_label_and_key() -> None:
    for name in ["Person", "Organization", "Community"]:
        kind = MODEL.node(name)
        assert kind.labels == ("Actor", name)
        assert kind.key_label == "Actor"


def test_unknown_words_are_refused_by_name() -> None:
    with pytest.raises(ModelError, match="'Suspect' is not a node kind"):
        MODEL.node("Suspect")
    with pytest.raises(ModelError, match="'KNOWS' is not a relationship type"):
        MODEL.relationship("KNOWS")
    with pytest.raises(ModelError, match="property 'salary' is not declared on Person"):
        MODEL.node("Person").check({"name": "Ana", "salary": 3})


def test_values_are_checked_against_types_and_choices() -> None:
    incident = MODEL.node("Incident")
    incident.check({"type": "threat", "date": "2024-05", "severity": 2})
    with pytest.raises(ModelError, match="Incident.type must be one of"):
        incident.check({"type": "gossip"})
    with pytest.raises(ModelError, match="Incident.severity must be integer"):
        incident.check({"type": "threat", "severity": "high"})
    with pytest.raises(ModelError, match="Incident.date must be date"):
        incident.check({"type": "threat", "date": "05/01/2024"})
    with pytest.raises(ModelError, match="Incident.type is required"):
        incident.check({"date": "2024"})
    complaint = MODEL.node("Complaint")
    with pytest.raises(ModelError, match="received_at must be datetime"):
        complaint.check({"received_at": "yesterday"}, partial=True)


def test_booleans_are_not_numbers() -> None:
    prop = Prop("n", PropType.INTEGER)
    with pytest.raises(ModelError):
        prop.check("X", True)
    prop.check("X", 3)


def test_ids_name_their_kind() -> None:
    assert MODEL.kind_of_id("per_abc").name == "Person"
    assert MODEL.kind_of_id("cmp_0f").name == "Complaint"
    for bad in ["abc", "zzz_1", "", "_x"]:
        with pytest.raises(ModelError, match="is not an id of any kind"):
            MODEL.kind_of_id(bad)


def test_endpoints_are_enforced() -> None:
    victim = MODEL.relationship("VICTIM_OF")
    MODEL.check_endpoints(victim, MODEL.node("Community"), MODEL.node("Incident"))
    with pytest.raises(ModelError, match="VICTIM_OF may not join Place to Incident"):
        MODEL.check_endpoints(victim, MODEL.node("Place"), MODEL.node("Incident"))


def test_fact_relationships_declare_provenance() -> None:
    rel = MODEL.relationship("PERPETRATOR_OF")
    for name in ["sources", "quotes", "starts", "ends", "methods", "confidence", "review"]:
        assert name in rel.properties


def test_unsafe_identifiers_cannot_enter_the_model() -> None:
    from graph.kinds import Model

    bad = NodeKind("Bad`) DETACH DELETE n //", labels=("Bad",), id_prefix="bad", props=())
    with pytest.raises(ModelError, match="not a safe identifier"):
        Model(nodes=(bad,), relationships=())
