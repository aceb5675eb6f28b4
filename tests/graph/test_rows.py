from __future__ import annotations

import pytest

from graph.errors import ModelError
from graph.kinds import Prop, PropType
from graph.rows import (
    Evidence,
    FactRecord,
    NodeRecord,
    as_stored,
    fact_batches,
    fact_id,
    node_batches,
)
from nlp.text import fold

EV = Evidence("cmp_1", "Fue amenazada por X.", 10, 30, "rule", 0.8)


def test_fold_strips_accents_case_and_spaces() -> None:
    assert fold("  Córdova   GRÁNDEZ ") == "cordova grandez"
    assert fold("Asháninka") == "ashaninka"


def test_fact_ids_are_stable_and_distinct() -> None:
    assert fact_id("VICTIM_OF", "per_1", "inc_1") == fact_id("VICTIM_OF", "per_1", "inc_1")
    assert fact_id("VICTIM_OF", "per_1", "inc_1") != fact_id("WITNESS_OF", "per_1", "inc_1")
    assert fact_id("VICTIM_OF", "per_1", "inc_1").startswith("rel_")


def test_nodes_are_grouped_by_kind_and_merged_by_id() -> None:
    batches = node_batches(
        [
            NodeRecord("Person", "per_1", {"name": "Ana Quispe"}),
            NodeRecord("Organization", "org_1", {"name": "Policía Nacional", "kind": "police"}),
            NodeRecord("Person", "per_1", {"name": "Ana Quispe", "defender": True}),
        ]
    )
    by_kind = {b.kind.name: b.rows for b in batches}
    assert by_kind["Person"] == [
        {
            "id": "per_1",
            "props": {"name": "Ana Quispe", "name_norm": "ana quispe", "defender": True},
        }
    ]
    assert len(by_kind["Organization"]) == 1


def test_node_ids_must_match_their_kind() -> None:
    with pytest.raises(ModelError, match="does not belong to kind Person"):
        node_batches([NodeRecord("Person", "org_1", {"name": "x"})])


def test_required_properties_unless_partial() -> None:
    with pytest.raises(ModelError, match="Organization.kind is required"):
        node_batches([NodeRecord("Organization", "org_1", {"name": "x"})])
    assert node_batches([NodeRecord("Organization", "org_1", {"name": "y"})], partial=True)


def test_facts_are_checked_grouped_and_deduplicated() -> None:
    rec = FactRecord("VICTIM_OF", "per_1", "inc_1", evidence=EV)
    (batch,) = fact_batches([rec, rec])
    assert (batch.rel.type, batch.start_label, batch.end_label) == (
        "VICTIM_OF",
        "Actor",
        "Incident",
    )
    assert len(batch.rows) == 1
    row = batch.rows[0]
    assert row["key"] == "cmp_1:10:30"
    assert row["complaint"] == "cmp_1"
    other = FactRecord(
        "VICTIM_OF", "per_1", "inc_1", evidence=Evidence("cmp_2", "q", 0, 1, "model", 0.5)
    )
    (batch,) = fact_batches([rec, other])
    assert len(batch.rows) == 2


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (FactRecord("VICTIM_OF", "plc_1", "inc_1"), "may not join Place to Incident"),
        (FactRecord("HATES", "per_1", "per_2"), "'HATES' is not a relationship type"),
        (
            FactRecord("VICTIM_OF", "per_1", "inc_1", {"weight": 2}),
            "property 'weight' is not declared on VICTIM_OF",
        ),
        (FactRecord("VICTIM_OF", "per_1", "inc_1", {"sources": ["cmp_x"]}), "kept by the store"),
        (
            FactRecord(
                "VICTIM_OF", "per_1", "inc_1", evidence=Evidence("cmp_1", "q", 5, 2, "rule", 0.5)
            ),
            "is not a span",
        ),
        (
            FactRecord(
                "VICTIM_OF", "per_1", "inc_1", evidence=Evidence("cmp_1", "q", 0, 2, "guess", 0.5)
            ),
            "method must be",
        ),
        (
            FactRecord(
                "VICTIM_OF", "per_1", "inc_1", evidence=Evidence("cmp_1", "q", 0, 2, "rule", 1.5)
            ),
            "within 0..1",
        ),
        (
            FactRecord(
                "VICTIM_OF", "per_1", "inc_1", evidence=Evidence("per_9", "q", 0, 2, "rule", 0.5)
            ),
            "cite a complaint",
        ),
    ],
)
def test_bad_facts_are_refused_with_the_reason(record: FactRecord, message: str) -> None:
    with pytest.raises(ModelError, match=message):
        fact_batches([record])


def test_float_lists_are_written_as_floats_as_neo4j_would_keep_them() -> None:
    """Neo4j turns ``[1, 2.5]`` into ``[1.0, 2.5]``, ArcadeDB keeps it: rows send floats
    so both stores hold the same value (and a backup's checksum moves across them)."""
    declared = {
        "scores": Prop("scores", PropType.FLOAT_LIST),
        "counts": Prop("counts", PropType.INTEGER_LIST),
    }
    row = as_stored(declared, {"scores": [1, 2.5], "counts": [1, 2], "other": [3]})
    assert row == {"scores": [1.0, 2.5], "counts": [1, 2], "other": [3]}
    assert [type(v) for v in row["scores"]] == [float, float]
    assert [type(v) for v in row["counts"]] == [int, int]
