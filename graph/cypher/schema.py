"""The store's schema: constraints, indexes and the recorded schema version.

Labels, relationship types and property names come from the domain model
(``graph.cypher.labels``); the dialect is Neo4j 5 Cypher, which ArcadeDB's Bolt server
also speaks.
"""

from __future__ import annotations

from graph.cypher.labels import checked_label, checked_rel
from graph.kinds import NodeKind, RelKind


def unique_constraint(label: str, prop: str) -> str:
    name = f"{label.lower()}_{prop}_unique"
    return (
        f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{checked_label(label)}) "
        f"REQUIRE n.{prop} IS UNIQUE"
    )


def node_index(label: str, prop: str) -> str:
    name = f"{label.lower()}_{prop}_idx"
    return f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{checked_label(label)}) ON (n.{prop})"


def rel_index(rel: RelKind, prop: str) -> str:
    name = f"{rel.type.lower()}_{prop}_idx"
    return f"CREATE INDEX {name} IF NOT EXISTS FOR ()-[r:{checked_rel(rel)}]-() ON (r.{prop})"


def drop_rel_index(rel: RelKind, prop: str) -> str:
    """Drop ``rel_index`` (Neo4j replaces it by ``rel_unique_constraint``)."""
    return f"DROP INDEX {rel.type.lower()}_{prop}_idx IF EXISTS"


def rel_unique_constraint(rel: RelKind, prop: str) -> str:
    """A relationship property uniqueness constraint (Neo4j 5.7 and later): the store
    itself refuses a second edge with the same id. It brings its own index."""
    name = f"{rel.type.lower()}_{prop}_unique"
    return (
        f"CREATE CONSTRAINT {name} IF NOT EXISTS "
        f"FOR ()-[r:{checked_rel(rel)}]-() REQUIRE r.{prop} IS UNIQUE"
    )


def fulltext_name(label: str) -> str:
    """The full-text index over ``label``'s names (Neo4j only)."""
    return f"{label.lower()}_names_text"


def fulltext_index(kind: NodeKind) -> str:
    """A Neo4j full-text index on ``kind``'s folded names (``text_indexed``). The
    ``keyword`` analyzer keeps each value whole, so a ``*term*`` query finds exactly what
    ``CONTAINS term`` finds."""
    on = ", ".join(f"n.{kind.prop(p).name}" for p in kind.text_indexed)
    return (
        f"CREATE FULLTEXT INDEX {fulltext_name(kind.key_label)} IF NOT EXISTS "
        f"FOR (n:{checked_label(kind.key_label)}) ON EACH [{on}] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'keyword', "
        "`fulltext.eventually_consistent`: false}}"
    )


SHOW_CONSTRAINTS = "SHOW CONSTRAINTS"
SHOW_INDEXES = "SHOW INDEXES"

SCHEMA_VERSION_READ = (
    "MATCH (s:SchemaVersion {id: $id}) RETURN s.version AS version, s.applied AS applied"
)
# never lowers the version: a process that started together with another may record
# a step after the other has recorded the next one
SCHEMA_VERSION_WRITE = (
    "MERGE (s:SchemaVersion {id: $id}) "
    "ON CREATE SET s.created_at = $now "
    "WITH s WHERE coalesce(s.version, 0) < $version "
    "SET s.version = $version, s.applied = $applied, s.updated_at = $now"
)
