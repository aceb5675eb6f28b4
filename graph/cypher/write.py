"""Every Cypher statement of the project: named constants and small builders.

Values always travel as parameters. Labels, relationship types and property names are
the only words spliced into statements, and only after the domain model has vouched
for them (``_label``, ``_rel``, ``_prop``), so no user input can reach the query text.
The dialect is Neo4j 5 Cypher, which ArcadeDB's Bolt server also speaks.
"""

from __future__ import annotations

from graph.errors import ModelError
from graph.model import MODEL, NodeKind, RelKind


def _label(label: str) -> str:
    if label not in MODEL.labels() and label not in MODEL.interfaces:
        raise ModelError(f"label {label!r} is not in the model")
    return label


def _rel(rel: RelKind) -> str:
    return MODEL.relationship(rel.type).type


def _labels(kind: NodeKind) -> str:
    return ":".join(_label(label) for label in MODEL.node(kind.name).labels)


def _prop(kind: NodeKind, name: str) -> str:
    return kind.prop(name).name


def _ends(rel: RelKind, start_label: str, end_label: str) -> str:
    """``MATCH`` a row's two ends, ``a`` (``row.start``) and ``b`` (``row.end``), the
    edge's anchor first (see ``RelKind.anchor``)."""
    start = f"MATCH (a:{_label(start_label)} {{id: row.start}}) "
    end = f"MATCH (b:{_label(end_label)} {{id: row.end}}) "
    return end + start if rel.anchor == "end" else start + end


def _edge(rel: RelKind, inside: str = "") -> str:
    """The pattern of an edge ``r`` from ``a`` to ``b``, written from its anchor."""
    if rel.anchor == "end":
        return f"(b)<-[r:{_rel(rel)}{inside}]-(a)"
    return f"(a)-[r:{_rel(rel)}{inside}]->(b)"


# --- schema --------------------------------------------------------------------------


def unique_constraint(label: str, prop: str) -> str:
    name = f"{label.lower()}_{prop}_unique"
    return (
        f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{_label(label)}) REQUIRE n.{prop} IS UNIQUE"
    )


def node_index(label: str, prop: str) -> str:
    name = f"{label.lower()}_{prop}_idx"
    return f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{_label(label)}) ON (n.{prop})"


def rel_index(rel: RelKind, prop: str) -> str:
    name = f"{rel.type.lower()}_{prop}_idx"
    return f"CREATE INDEX {name} IF NOT EXISTS FOR ()-[r:{_rel(rel)}]-() ON (r.{prop})"


def drop_rel_index(rel: RelKind, prop: str) -> str:
    """Drop ``rel_index`` (Neo4j replaces it by ``rel_unique_constraint``)."""
    return f"DROP INDEX {rel.type.lower()}_{prop}_idx IF EXISTS"


def rel_unique_constraint(rel: RelKind, prop: str) -> str:
    """A relationship property uniqueness constraint (Neo4j 5.7 and later): the store
    itself refuses a second edge with the same id. It brings its own index."""
    name = f"{rel.type.lower()}_{prop}_unique"
    return (
        f"CREATE CONSTRAINT {name} IF NOT EXISTS "
        f"FOR ()-[r:{_rel(rel)}]-() REQUIRE r.{prop} IS UNIQUE"
    )


def fulltext_name(label: str) -> str:
    """The full-text index over ``label``'s names (Neo4j only)."""
    return f"{label.lower()}_names_text"


def fulltext_index(kind: NodeKind) -> str:
    """A Neo4j full-text index on ``kind``'s folded names (``text_indexed``). The
    ``keyword`` analyzer keeps each value whole, so a ``*term*`` query finds exactly what
    ``CONTAINS term`` finds."""
    on = ", ".join(f"n.{_prop(kind, p)}" for p in kind.text_indexed)
    return (
        f"CREATE FULLTEXT INDEX {fulltext_name(kind.key_label)} IF NOT EXISTS "
        f"FOR (n:{_label(kind.key_label)}) ON EACH [{on}] "
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

# --- generic writes ------------------------------------------------------------------


def merge_nodes(kind: NodeKind) -> str:
    """Upsert a batch of ``{id, props}`` rows of a one-label kind; returns how many."""
    return (
        f"UNWIND $rows AS row "
        f"MERGE (n:{_label(kind.key_label)} {{id: row.id}}) "
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
        f"MATCH (n:{_label(kind.key_label)} {{id: row.id}}) "
        f"SET n += row.props, n.updated_at = $now "
        f"RETURN n.id AS id, labels(n) AS labels"
    )


def create_nodes(kind: NodeKind) -> str:
    """Create the nodes of a batch that do not exist yet; returns how many."""
    return (
        f"UNWIND $rows AS row "
        f"OPTIONAL MATCH (e:{_label(kind.key_label)} {{id: row.id}}) "
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
    return f"UNWIND $rows AS row MATCH (n:{_label(key_label)} {{id: row.id}}) SET n = row.p"


def restore_nodes_create(key_label: str, labels: tuple[str, ...]) -> str:
    """Create with ``labels`` the nodes of a batch of ``{id, p}`` rows not there yet.

    As the repository writes: match on the key label (its unique index), create with
    every label what is missing (ArcadeDB scans a ``MERGE`` on two labels)."""
    return (
        f"UNWIND $rows AS row OPTIONAL MATCH (e:{_label(key_label)} {{id: row.id}}) "
        f"WITH row, e WHERE e IS NULL CREATE (n:{':'.join(_label(x) for x in labels)}) "
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
        f"UNWIND $ids AS id OPTIONAL MATCH (n:{_label(label)} {{id: id}}) "
        "WITH id, n WHERE n IS NULL RETURN collect(id) AS missing"
    )


# --- generic reads -------------------------------------------------------------------


def node_by_id(kind: NodeKind) -> str:
    return (
        f"MATCH (n:{_label(kind.key_label)} {{id: $id}}) "
        "RETURN properties(n) AS props, labels(n) AS labels"
    )


def expand(kind: NodeKind) -> str:
    """The edges around one node (both directions) with the node at the other end."""
    return (
        f"MATCH (n:{_label(kind.key_label)} {{id: $id}})-[r]-(m) "
        "RETURN type(r) AS type, properties(r) AS rel, startNode(r) = n AS outgoing, "
        "properties(m) AS node, labels(m) AS labels "
        "LIMIT $limit"
    )


def fact_by_id(rel: RelKind) -> str:
    return (
        f"MATCH (a)-[r:{_rel(rel)} {{id: $id}}]->(b) "
        "RETURN properties(r) AS rel, a.id AS start, b.id AS end"
    )


# Removes every record but the schema version. For tests and benchmarks on their own
# data dirs; nothing in the service calls it.
# The schema version and the counters stay: a pseudonym number is never given twice.
DELETE_ALL_DATA = "MATCH (n) WHERE NOT n:SchemaVersion AND NOT n:Sequence DETACH DELETE n"

COUNT_NODES = "MATCH (n) RETURN count(n) AS count"
COUNT_RELATIONSHIPS = "MATCH ()-[r]->() RETURN count(r) AS count"


def count_label(label: str) -> str:
    return f"MATCH (n:{_label(label)}) RETURN count(n) AS count"


# --- complaints (durable intake) -----------------------------------------------------

COMPLAINT_GET = "MATCH (c:Complaint {id: $id}) RETURN properties(c) AS complaint"

# A complaint already stored keeps what it was stored with; a resubmission that asks
# for a higher confidentiality raises it with COMPLAINTS_RAISE (graph.intake.durable decides).
COMPLAINTS_RECEIVE = (
    "UNWIND $rows AS row "
    "MERGE (c:Complaint {id: row.id}) "
    "ON CREATE SET c += row.props, c.created_at = $now, c.updated_at = $now, "
    "c.status = 'received', c.attempts = 0 "
    "RETURN c.id AS id, c.created_at = $now AS created, c.confidentiality AS confidentiality"
)

# Raises each complaint's confidentiality from the level it was read at (a concurrent
# raise that came first leaves nothing to do); updated_at moves, so caches of what a
# viewer may see (graph.analysis.projections) are rebuilt.
COMPLAINTS_RAISE = (
    "UNWIND $rows AS row "
    "MATCH (c:Complaint {id: row.id}) WHERE c.confidentiality = row.before "
    "SET c.confidentiality = row.after, c.updated_at = $now "
    "RETURN c.id AS id, row.before AS before, c.confidentiality AS after"
)

COMPLAINTS_CLAIM = (
    "UNWIND $rows AS row MATCH (c:Complaint {id: row.id}) "
    "WHERE c.status <> 'extracted' AND coalesce(c.claimed_by, '') = row.expected "
    "SET c.status = 'extracting', c.attempts = coalesce(c.attempts, 0) + 1, "
    "c.claimed_by = $me, c.claimed_at = $now, c.updated_at = $now "
    "RETURN c.id AS id, c.text AS text, coalesce(c.reported_at, c.received_at) AS reference"
)

COMPLAINTS_EXTRACTED = (
    "UNWIND $rows AS row MATCH (c:Complaint {id: row.id}) "
    "SET c.status = 'extracted', c.extracted_at = $now, c.extractor = row.extractor, "
    "c.language = coalesce(row.language, c.language), c.status_detail = null, "
    "c.updated_at = $now "
    "RETURN count(c) AS done"
)

COMPLAINT_FAILED = (
    "MATCH (c:Complaint {id: $id}) WHERE c.status <> 'extracted' "
    "SET c.status = 'failed', c.status_detail = $detail, c.updated_at = $now "
    "RETURN properties(c) AS complaint"
)

COMPLAINTS_PENDING = (
    "MATCH (c:Complaint) WHERE c.status IN ['received', 'extracting', 'failed'] "
    "AND coalesce(c.attempts, 0) < $max_attempts "
    "RETURN c.id AS id, c.status AS status, coalesce(c.claimed_by, '') AS claimed_by, "
    "c.claimed_at AS claimed_at ORDER BY c.received_at, c.id LIMIT $limit"
)


# The actors of a batch already in the graph: their stored name, and where the ones
# merged into others went (see graph.curation).
ACTORS_KNOWN = (
    "UNWIND $ids AS id MATCH (a:Actor {id: id}) "
    "RETURN a.id AS id, a.name AS name, a.merged_into AS into"
)


# --- resolution across complaints ---------------------------------------------------


CANDIDATES_BY_NAME_KEYS = (
    "UNWIND $rows AS row UNWIND row.keys AS key "
    "MATCH (k:NameKey {id: key})<-[:HAS_NAME_KEY]-(a:Actor) WHERE a.id <> row.id "
    "RETURN DISTINCT row.id AS id, a.id AS other, a.name AS name, labels(a) AS labels "
    "LIMIT $limit"
)

# Each side's own few contexts, compared: walking into a community from one side and
# back out to the other would read every member of the community.
SHARED_CONTEXT = (
    "UNWIND $pairs AS p "
    "MATCH (a:Actor {id: p.a})-[:MEMBER_OF|WORKS_FOR|PARTY_TO]->(x) "
    "WITH p, collect(DISTINCT x.id) AS mine "
    "MATCH (b:Actor {id: p.b})-[:MEMBER_OF|WORKS_FOR|PARTY_TO]->(y) WHERE y.id IN mine "
    "RETURN p.a AS a, p.b AS b, count(DISTINCT y) AS shared"
)


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
        f"MATCH (n:{_label(kind.key_label)} {{id: $id}}) "
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
        f"MATCH (a)-[r:{_rel(rel)} {{id: $id}}]->(b) "
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
        f"MATCH (a)-[r:{_rel(rel)} {{confirmed_from: $id}}]->(b) "
        "RETURN properties(r) AS rel, a.id AS start, b.id AS end LIMIT 1"
    )


def linked_ids(kind: NodeKind, rel: RelKind) -> str:
    """The ids at the end of one node's outgoing edges of one type."""
    return (
        f"MATCH (n:{_label(kind.key_label)} {{id: $id}})-[:{_rel(rel)}]->(m) "
        "RETURN collect(m.id) AS ids"
    )


# --- alerts (alerta temprana) --------------------------------------------------------

# The victims a complaint names and their communities. A person whose killing a reviewer
# has confirmed is no longer assessed (their community still is); an extracted killing
# alone does not stop alerts: extraction can pin another's death on a living defender.
ALERT_SUBJECTS = (
    "UNWIND $ids AS cid "
    "MATCH (:Complaint {id: cid})-[:REPORTS]->(:Incident)<-[v:VICTIM_OF]-(a:Actor) "
    "WHERE coalesce(v.review, '') <> 'rejected' AND a.merged_into IS NULL "
    "OPTIONAL MATCH (a)-[:MEMBER_OF]->(c:Community) "
    "WITH cid, a, c, EXISTS { MATCH (a)-[k:VICTIM_OF]->(:Incident {type: 'killing'}) "
    "WHERE k.review = 'confirmed' } AS killed "
    "RETURN cid, [x IN collect(DISTINCT CASE WHEN killed THEN null ELSE a.id END) "
    "WHERE x IS NOT NULL] + collect(DISTINCT c.id) AS ids"
)
ACTORS_RISK_SET = (
    "UNWIND $rows AS row MATCH (a:Actor {id: row.id}) WITH a, row, a.risk_level AS before "
    "SET a.risk_level = row.level, a.risk_score = row.score, a.risk_assessed_at = $now "
    "RETURN a.id AS id, before"
)
ALERT_OPEN_FOR = (
    "MATCH (a:Alert {subject_id: $id}) WHERE a.status <> 'closed' "
    "RETURN properties(a) AS props ORDER BY a.created_at DESC LIMIT 1"
)
ALERT_GET = "MATCH (a:Alert {id: $id}) RETURN properties(a) AS props"
ALERT_CREATE = (
    "MERGE (a:Alert {id: $id}) "
    "ON CREATE SET a += $props, a.created_at = $now, a.updated_at = $now "
    "RETURN properties(a) AS props"
)
# Optimistic: only if nobody changed the alert since it was read (``seen``).
ALERT_UPDATE = (
    "MATCH (a:Alert {id: $id}) WHERE a.updated_at = $seen "
    "SET a += $props, a.history = coalesce(a.history, []) + [$entry], a.updated_at = $now "
    "RETURN properties(a) AS props"
)


# --- tokens -----------------------------------------------------------------------------

ACCESS_CREATE = (
    "CREATE (t:ApiToken {id: $id}) SET t += $props, t.created_at = $now, t.updated_at = $now "
    "RETURN properties(t) AS props"
)
ACCESS_ACTIVE_BY_NAME = (
    "MATCH (t:ApiToken {name: $name}) WHERE t.revoked_at IS NULL RETURN t.id AS id"
)
ACCESS_BY_HASH = (
    "MATCH (t:ApiToken {hash: $hash}) WHERE t.revoked_at IS NULL "
    "RETURN t.id AS id, t.name AS name, t.role AS role"
)
ACCESS_LIST = (
    "MATCH (t:ApiToken) RETURN t.id AS id, t.name AS name, t.role AS role, "
    "t.created_at AS created_at, t.created_by AS created_by, t.revoked_at AS revoked_at, "
    "t.revoked_by AS revoked_by ORDER BY t.created_at, t.id"
)
ACCESS_REVOKE = (
    "MATCH (t:ApiToken) WHERE t.id = $key OR (t.name = $key AND t.revoked_at IS NULL) "
    "SET t.revoked_at = coalesce(t.revoked_at, $now), "
    "t.revoked_by = coalesce(t.revoked_by, $by), t.updated_at = $now "
    "RETURN t.id AS id, t.name AS name, t.role AS role, t.revoked_at AS revoked_at"
)


# --- audit log --------------------------------------------------------------------------

AUDIT_HEAD = "MATCH (h:AuditHead {id: $id}) RETURN h.seq AS seq, h.hash AS hash"
# Appends several records, chained, if the head is still where it was read.
AUDIT_APPEND_MANY = (
    "MERGE (h:AuditHead {id: $head}) ON CREATE SET h.seq = 0, h.hash = $genesis "
    "WITH h WHERE h.seq = $seq "
    "SET h.seq = $last_seq, h.hash = $last_hash "
    "WITH h UNWIND $rows AS row CREATE (r:AuditRecord {id: row.id}) SET r += row.props "
    "RETURN count(r) AS written"
)
AUDIT_PAGE = (
    "MATCH (r:AuditRecord) WHERE r.seq > $after "
    "RETURN properties(r) AS props ORDER BY r.seq LIMIT $limit"
)
AUDIT_FILTERS = {  # each applies when its parameter is given; values travel as parameters
    "who": "r.who = $who",
    "role": "r.role = $role",
    "operation": "r.operation = $operation",
    "person": "$person IN r.persons",
    "complaint": "$complaint IN r.complaints",
    "date_from": "r.at >= $date_from",
    "date_to": "r.at < $date_to",
}


def audit_list(used: list[str]) -> str:
    """Records after ``$after`` (a sequence number), oldest first, filtered."""
    conditions = ["r.seq > $after", *(AUDIT_FILTERS[name] for name in used)]
    return (
        f"MATCH (r:AuditRecord) WHERE {' AND '.join(conditions)} "
        "RETURN properties(r) AS props ORDER BY r.seq LIMIT $limit"
    )


# --- pseudonym numbers --------------------------------------------------------------------

PERSONS_UNNUMBERED = (
    "UNWIND $ids AS id MATCH (p:Actor {id: id}) WHERE p:Person AND p.pseudonym_no IS NULL "
    "RETURN p.id AS id ORDER BY id"
)
ALL_PERSONS_UNNUMBERED = (
    "MATCH (p:Person) WHERE p.pseudonym_no IS NULL RETURN p.id AS id ORDER BY p.created_at, id"
)
SEQUENCE_ENSURE = "MERGE (s:Sequence {id: $id}) ON CREATE SET s.value = 0 RETURN s.value AS value"
SEQUENCE_BUMP = (
    "MERGE (s:Sequence {id: $id}) ON CREATE SET s.value = 0 "
    "SET s.value = s.value + $by RETURN s.value AS value"
)
PERSONS_NUMBER = (
    "UNWIND $rows AS row MATCH (p:Actor {id: row.id}) WHERE p.pseudonym_no IS NULL "
    "SET p.pseudonym_no = row.no RETURN count(p) AS numbered"
)


# --- re-extraction (graph.intake.reextract) ----------------------------------------------------

# The extracted complaints and the extractor that ran on each.
COMPLAINTS_EXTRACTED_BY = (
    "MATCH (c:Complaint) WHERE c.status = 'extracted' "
    "RETURN c.id AS id, c.extractor AS extractor ORDER BY c.received_at, c.id"
)

# What a re-extraction reads of its complaints: the text and the reference date for
# relative dates (the report's date when given, else when it was received).
COMPLAINTS_TO_REEXTRACT = (
    "UNWIND $ids AS id MATCH (c:Complaint {id: id}) WHERE c.status = 'extracted' "
    "RETURN c.id AS id, c.text AS text, coalesce(c.reported_at, c.received_at) AS reference, "
    "c.extractor AS extractor"
)

COMPLAINT_EXTRACTOR = (
    "MATCH (c:Complaint {id: $id}) RETURN c.status AS status, c.extractor AS extractor"
)

# Every edge that cites one complaint, found from the nodes it reports and mentions:
# its own edges, every edge of its incidents, and the outgoing edges of its actors to
# nodes other than incidents (those are an incident's edges) and name keys. An actor's
# incoming edges are not walked: a police unit named in every complaint has thousands.
FACTS_CITING = (
    "MATCH (c:Complaint {id: $id})-[r]->(x) "
    "RETURN type(r) AS type, c.id AS start, x.id AS end, properties(r) AS props "
    "UNION ALL "
    "MATCH (:Complaint {id: $id})-[:REPORTS]->(i:Incident)-[r]-(o) "
    "WHERE $id IN coalesce(r.sources, []) "
    "RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end, "
    "properties(r) AS props "
    "UNION ALL "
    "MATCH (:Complaint {id: $id})-[:MENTIONS]->(a:Actor)-[r]->(o) "
    "WHERE NOT o:Incident AND NOT o:NameKey AND $id IN coalesce(r.sources, []) "
    "RETURN type(r) AS type, a.id AS start, o.id AS end, properties(r) AS props"
)

# Stored actors' aliases, so a re-extraction adds to them and never takes any away.
ACTOR_ALIASES = (
    "UNWIND $ids AS id MATCH (a:Actor {id: id}) "
    "RETURN a.id AS id, a.aliases AS aliases, a.aliases_norm AS aliases_norm"
)


def still_held(label: str) -> str:
    """Which of some nodes stand on something besides one complaint's bare mention.

    An edge counts unless it is the complaint's own ``REPORTS``/``MENTIONS``, a name
    index entry, or an open review candidate; a node is held, too, while an alert, a
    merge record or its own ``merged_into`` names it.
    """
    return (
        f"UNWIND $ids AS id MATCH (n:{_label(label)} {{id: id}}) "
        "OPTIONAL MATCH (n)-[r]-(o) WHERE type(r) <> 'HAS_NAME_KEY' "
        "AND NOT (type(r) IN ['MENTIONS', 'REPORTS'] AND o.id = $cid) "
        "AND NOT (type(r) = 'POSSIBLY_SAME_AS' AND coalesce(r.decision, 'open') = 'open') "
        "WITH id, n, count(r) AS edges "
        "RETURN id, edges > 0 OR n.merged_into IS NOT NULL "
        "OR EXISTS { MATCH (a:Alert {subject_id: id}) } "
        "OR EXISTS { MATCH (a:Alert {latest_incident: id}) } "
        "OR EXISTS { MATCH (m:ActorMerge {keep_id: id}) } "
        "OR EXISTS { MATCH (m:ActorMerge {merged_id: id}) } AS held"
    )


def delete_nodes(label: str) -> str:
    """Delete some nodes with their edges; returns the name index keys they had."""
    return (
        f"UNWIND $ids AS id MATCH (n:{_label(label)} {{id: id}}) "
        "OPTIONAL MATCH (n)-[:HAS_NAME_KEY]->(k:NameKey) "
        "WITH n, collect(k.id) AS keys DETACH DELETE n RETURN keys"
    )


NAME_KEYS_UNUSED_DELETE = (
    "UNWIND $ids AS id MATCH (k:NameKey {id: id}) "
    "WHERE NOT EXISTS { MATCH (k)<-[:HAS_NAME_KEY]-() } DELETE k RETURN count(k) AS deleted"
)
