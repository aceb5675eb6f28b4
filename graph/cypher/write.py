"""The Cypher of the generic write side: upserts, restores, node and edge edits, counts.

Values always travel as parameters. Labels, relationship types and property names are
the only words spliced into statements, and only after the domain model has vouched
for them (``graph.cypher.labels``), so no user input can reach the query text.
The dialect is Neo4j 5 Cypher, which ArcadeDB's Bolt server also speaks.
"""

from __future__ import annotations

from graph.cypher.labels import checked_label, checked_rel
from graph.kinds import NodeKind, RelKind
from graph.model import MODEL


def _labels(kind: NodeKind) -> str:
    return ":".join(checked_label(label) for label in MODEL.node(kind.name).labels)


def _ends(rel: RelKind, start_label: str, end_label: str) -> str:
    """``MATCH`` a row's two ends, ``a`` (``row.start``) and ``b`` (``row.end``), the
    edge's anchor first (see ``RelKind.anchor``)."""
    start = f"MATCH (a:{checked_label(start_label)} {{id: row.start}}) "
    end = f"MATCH (b:{checked_label(end_label)} {{id: row.end}}) "
    return end + start if rel.anchor == "end" else start + end


def _edge(rel: RelKind, inside: str = "") -> str:
    """The pattern of an edge ``r`` from ``a`` to ``b``, written from its anchor."""
    if rel.anchor == "end":
        return f"(b)<-[r:{checked_rel(rel)}{inside}]-(a)"
    return f"(a)-[r:{checked_rel(rel)}{inside}]->(b)"


# --- generic writes ------------------------------------------------------------------


def merge_nodes(kind: NodeKind) -> str:
    """Upsert a batch of ``{id, props}`` rows of a one-label kind; returns how many."""
    return (
        f"UNWIND $rows AS row "
        f"MERGE (n:{checked_label(kind.key_label)} {{id: row.id}}) "
        f"ON CREATE SET n.created_at = $now "
        f"SET n += row.props, n.updated_at = $now "
        f"RETURN count(n) AS written"
    )


def update_nodes(kind: NodeKind) -> str:
    """Update the existing nodes of a batch of ``{id, props}`` rows; return their labels.

    Upserts run as this statement then ``create_nodes``, in one transaction. Matching
    on the key label alone lets ArcadeDB use its unique index (a ``MERGE`` on two labels
    scans), and returning the labels lets the caller refuse an id of another kind.
    """
    return (
        f"UNWIND $rows AS row "
        f"MATCH (n:{checked_label(kind.key_label)} {{id: row.id}}) "
        f"SET n += row.props, n.updated_at = $now "
        f"RETURN n.id AS id, labels(n) AS labels"
    )


def create_nodes(kind: NodeKind) -> str:
    """Create the nodes of a batch that do not exist yet; returns how many."""
    return (
        f"UNWIND $rows AS row "
        f"OPTIONAL MATCH (e:{checked_label(kind.key_label)} {{id: row.id}}) "
        f"WITH row, e WHERE e IS NULL "
        f"CREATE (n:{_labels(kind)} {{id: row.id}}) "
        f"SET n += row.props, n.created_at = $now, n.updated_at = $now "
        f"RETURN count(n) AS created"
    )


def merge_facts(rel: RelKind, start_label: str, end_label: str) -> str:
    """Upsert a batch of fact edges, appending each new piece of evidence once.

    A row is ``{id, start, end, props, key, complaint, quote, from, to, method,
    confidence}``; ``key`` is null for an edge written without evidence. The edge is
    identified by its endpoints and type; evidence already listed (same key) is not
    added twice, so replaying a batch changes nothing.
    """
    return (
        f"UNWIND $rows AS row {_ends(rel, start_label, end_label)}"
        f"MERGE {_edge(rel)} "
        "ON CREATE SET r.id = row.id, r.created_at = $now, r.review = 'extracted', "
        "r.sources = [], r.evidence_keys = [], r.quotes = [], r.starts = [], r.ends = [], "
        "r.methods = [], r.confidences = [], r.confidence = 0.0 "
        "SET r += row.props, r.updated_at = $now "
        "WITH r, row, (row.key IS NOT NULL AND NOT row.key IN r.evidence_keys) AS fresh "
        "SET r.evidence_keys = CASE WHEN fresh THEN r.evidence_keys + row.key "
        "ELSE r.evidence_keys END, "
        "r.sources = CASE WHEN fresh AND NOT row.complaint IN r.sources "
        "THEN r.sources + row.complaint ELSE r.sources END, "
        "r.quotes = CASE WHEN fresh THEN r.quotes + row.quote ELSE r.quotes END, "
        "r.starts = CASE WHEN fresh THEN r.starts + row.from ELSE r.starts END, "
        "r.ends = CASE WHEN fresh THEN r.ends + row.to ELSE r.ends END, "
        "r.methods = CASE WHEN fresh THEN r.methods + row.method ELSE r.methods END, "
        "r.confidences = CASE WHEN fresh THEN r.confidences + row.confidence "
        "ELSE r.confidences END, "
        "r.confidence = CASE WHEN fresh AND row.confidence > r.confidence "
        "THEN row.confidence ELSE r.confidence END "
        "RETURN count(r) AS written"
    )


def restore_nodes_update(key_label: str) -> str:
    """Give the existing nodes of a batch of ``{id, p}`` rows exactly ``p`` (a restore)."""
    return f"UNWIND $rows AS row MATCH (n:{checked_label(key_label)} {{id: row.id}}) SET n = row.p"


def restore_nodes_create(key_label: str, labels: tuple[str, ...]) -> str:
    """Create with ``labels`` the nodes of a batch of ``{id, p}`` rows not there yet.

    As the repository writes: match on the key label (its unique index), create with
    every label what is missing (ArcadeDB scans a ``MERGE`` on two labels)."""
    return (
        f"UNWIND $rows AS row OPTIONAL MATCH (e:{checked_label(key_label)} {{id: row.id}}) "
        f"WITH row, e WHERE e IS NULL CREATE (n:{':'.join(checked_label(x) for x in labels)}) "
        "SET n = row.p"
    )


def restore_edges(rel: RelKind, start_label: str, end_label: str, has_id: bool) -> str:
    """Upsert the edges of a batch of ``{start, end, rid, p}`` rows with exactly ``p``;
    an edge with an id is told apart from its parallels by it."""
    return (
        f"UNWIND $rows AS row {_ends(rel, start_label, end_label)}"
        f"MERGE {_edge(rel, ' {id: row.rid}' if has_id else '')} SET r = row.p"
    )


def missing_ids(label: str) -> str:
    return (
        f"UNWIND $ids AS id OPTIONAL MATCH (n:{checked_label(label)} {{id: id}}) "
        "WITH id, n WHERE n IS NULL RETURN collect(id) AS missing"
    )


# --- generic reads -------------------------------------------------------------------


def node_by_id(kind: NodeKind) -> str:
    return (
        f"MATCH (n:{checked_label(kind.key_label)} {{id: $id}}) "
        "RETURN properties(n) AS props, labels(n) AS labels"
    )


def expand(kind: NodeKind) -> str:
    """The edges around one node (both directions) with the node at the other end."""
    return (
        f"MATCH (n:{checked_label(kind.key_label)} {{id: $id}})-[r]-(m) "
        "RETURN type(r) AS type, properties(r) AS rel, startNode(r) = n AS outgoing, "
        "properties(m) AS node, labels(m) AS labels "
        "LIMIT $limit"
    )


def fact_by_id(rel: RelKind) -> str:
    return (
        f"MATCH (a)-[r:{checked_rel(rel)} {{id: $id}}]->(b) "
        "RETURN properties(r) AS rel, a.id AS start, b.id AS end"
    )


# Removes every record but the schema version. For tests and benchmarks on their own
# data dirs; nothing in the service calls it.
# The schema version and the counters stay: a pseudonym number is never given twice.
DELETE_ALL_DATA = "MATCH (n) WHERE NOT n:SchemaVersion AND NOT n:Sequence DETACH DELETE n"

COUNT_NODES = "MATCH (n) RETURN count(n) AS count"
COUNT_RELATIONSHIPS = "MATCH ()-[r]->() RETURN count(r) AS count"


def count_label(label: str) -> str:
    return f"MATCH (n:{checked_label(label)}) RETURN count(n) AS count"


# --- curation ------------------------------------------------------------------------

ACTORS_BY_IDS = (
    "UNWIND $ids AS id MATCH (a:Actor {id: id}) RETURN properties(a) AS props, labels(a) AS labels"
)

# Every edge of one actor, both directions, with the id and labels of the other end.
ACTOR_EDGES = (
    "MATCH (a:Actor {id: $id})-[r]-(o) "
    "RETURN type(r) AS type, startNode(r) = a AS outgoing, properties(r) AS props, "
    "o.id AS other, labels(o) AS labels"
)

ACTOR_EDGES_DELETE = "MATCH (a:Actor {id: $id})-[r]-() DELETE r RETURN count(r) AS deleted"

MERGES_OF_PAIR = (
    "MATCH (m:ActorMerge {merged_id: $merged_id}) WHERE m.keep_id = $keep_id "
    "RETURN properties(m) AS props ORDER BY m.created_at, m.id"
)


def create_node(kind: NodeKind) -> str:
    """Create one node; an id already taken fails on the key constraint (a conflict)."""
    return (
        f"CREATE (n:{_labels(kind)} {{id: $id}}) "
        "SET n += $props, n.created_at = $now, n.updated_at = $now "
        "RETURN properties(n) AS props"
    )


def set_node(kind: NodeKind) -> str:
    """Set (a null removes) some properties of one existing node; no row if it is absent."""
    return (
        f"MATCH (n:{checked_label(kind.key_label)} {{id: $id}}) "
        "SET n += $props, n.updated_at = $now "
        "RETURN properties(n) AS props"
    )


def put_edges(rel: RelKind, start_label: str, end_label: str) -> str:
    """Give each edge of a batch of ``{start, end, props}`` rows exactly ``props``,
    creating the edges that do not exist; returns how many were written."""
    return (
        f"UNWIND $rows AS row {_ends(rel, start_label, end_label)}"
        f"MERGE {_edge(rel)} "
        "SET r = row.props "
        "RETURN count(r) AS written"
    )


def delete_edges(rel: RelKind, start_label: str, end_label: str) -> str:
    """Delete the edges of a batch of ``{start, end}`` rows; absent ones are skipped."""
    return (
        f"UNWIND $rows AS row {_ends(rel, start_label, end_label)}"
        f"MATCH {_edge(rel)} "
        "DELETE r RETURN count(r) AS deleted"
    )


def existing_edges(rel: RelKind, start_label: str, end_label: str) -> str:
    """Of a batch of ``{start, end}`` rows, those an edge of ``rel`` joins already."""
    return (
        f"UNWIND $rows AS row {_ends(rel, start_label, end_label)}"
        f"MATCH {_edge(rel)} "
        "RETURN DISTINCT row.start AS start, row.end AS end"
    )


def manual_facts(rel: RelKind, start_label: str, end_label: str) -> str:
    """Create the edges of a batch of ``{start, end, props}`` rows that do not exist yet.

    For facts a person records without a complaint to cite: an edge already there,
    however it came, is left as it is, so a retry changes nothing.
    """
    return (
        f"UNWIND $rows AS row {_ends(rel, start_label, end_label)}"
        f"MERGE {_edge(rel)} "
        "ON CREATE SET r += row.props, r.created_at = $now, r.updated_at = $now "
        "RETURN count(r) AS written"
    )


def review_fact(rel: RelKind) -> str:
    """Record a review decision on one fact (by the type's id index).

    The same decision, note and reviewer again keeps the first ``reviewed_at``.
    """
    return (
        f"MATCH (a)-[r:{checked_rel(rel)} {{id: $id}}]->(b) "
        "WITH a, r, b, (r.review = $review AND r.reviewed_by = $by "
        "AND coalesce(r.review_note, '') = coalesce($note, '') "
        "AND r.reviewed_at IS NOT NULL) AS same "
        "SET r.reviewed_at = CASE WHEN same THEN r.reviewed_at ELSE $now END, "
        "r.updated_at = CASE WHEN same THEN r.updated_at ELSE $now END "
        "SET r.review = $review, r.review_note = $note, r.reviewed_by = $by "
        "RETURN properties(r) AS rel, a.id AS start, b.id AS end"
    )


def fact_confirmed_from(rel: RelKind) -> str:
    """The fact a reviewer confirmed from a tentative one, by that one's id (a retry of
    the confirmation: the tentative fact is gone)."""
    return (
        f"MATCH (a)-[r:{checked_rel(rel)} {{confirmed_from: $id}}]->(b) "
        "RETURN properties(r) AS rel, a.id AS start, b.id AS end LIMIT 1"
    )


def linked_ids(kind: NodeKind, rel: RelKind) -> str:
    """The ids at the end of one node's outgoing edges of one type."""
    return (
        f"MATCH (n:{checked_label(kind.key_label)} {{id: $id}})-[:{checked_rel(rel)}]->(m) "
        "RETURN collect(m.id) AS ids"
    )
