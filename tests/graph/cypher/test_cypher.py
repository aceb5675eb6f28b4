"""Statements are built only from model words; values never enter the text."""

from __future__ import annotations

import re

import pytest

from graph.cypher import schema as schema_q
from graph.cypher import write as cypher
from graph.errors import ModelError
from graph.model import MODEL
from graph.store.migrations import schema_statements


def test_labels_outside_the_model_are_refused() -> None:
    with pytest.raises(ModelError, match="label 'User' is not in the model"):
        schema_q.unique_constraint("User", "id")
    with pytest.raises(ModelError, match="label"):
        cypher.count_label("Person) DETACH DELETE (n")
    with pytest.raises(ModelError, match="label"):
        cypher.missing_ids("Nope")


def test_write_statements_take_values_as_parameters() -> None:
    for kind in MODEL.nodes:
        for stmt in (cypher.update_nodes(kind), cypher.create_nodes(kind)):
            assert "$rows" in stmt and "$now" in stmt
            assert "'" not in stmt  # no literal values at all
    for rel in MODEL.relationships:
        stmt = cypher.merge_facts(rel, "Actor", "Incident")
        assert "$rows" in stmt
        # the only literals are the store's own vocabulary
        assert set(re.findall(r"'([^']*)'", stmt)) <= {"extracted"}


def test_schema_covers_every_key_label() -> None:
    statements = "\n".join(schema_statements())
    for kind in MODEL.nodes:
        assert f"FOR (n:{kind.key_label}) REQUIRE n.id IS UNIQUE" in statements
    assert "FOR (n:Complaint) REQUIRE n.sha256 IS UNIQUE" in statements
    assert "FOR (n:Actor) ON (n.name_norm)" in statements
