"""The Cypher of the intake (``graph.intake``): storing, claiming and extracting complaints,
resolving their actors across complaints, and re-extraction."""

from __future__ import annotations

from graph.cypher.labels import checked_label
from graph.model import Rel

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
# viewer may see (graph.analysis.projections) are rebuilt. The complaint is locked (a
# write) before its level is compared: Neo4j reads committed values without locking, so
# two raises at once would both see the old level and both be recorded.
COMPLAINTS_RAISE = (
    "UNWIND $rows AS row "
    "MATCH (c:Complaint {id: row.id}) SET c.raising = true REMOVE c.raising "
    "WITH c, row WHERE c.confidentiality = row.before "
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

# Where each of several complaints stands: its intake status and claim (graph.intake.durable
# checks a claim with it) and what a submitter is told (graph.intake.ingest reads a batch
# back with it). Never the text. A complaint not stored has no row.
COMPLAINTS_STATE = (
    "UNWIND $ids AS id MATCH (c:Complaint {id: id}) "
    "RETURN c.id AS id, c.status AS status, c.status_detail AS status_detail, "
    "c.submitted_by AS submitted_by, c.claimed_by AS claimed_by, c.claimed_at AS claimed_at"
)


# --- resolution across complaints ---------------------------------------------------


CANDIDATES_BY_NAME_KEYS = (
    "UNWIND $rows AS row UNWIND row.keys AS key "
    f"MATCH (k:NameKey {{id: key}})<-[:{Rel.HAS_NAME_KEY}]-(a:Actor) WHERE a.id <> row.id "
    "RETURN DISTINCT row.id AS id, a.id AS other, a.name AS name, labels(a) AS labels "
    "LIMIT $limit"
)

# Each side's own few contexts, compared: walking into a community from one side and
# back out to the other would read every member of the community.
SHARED_CONTEXT = (
    "UNWIND $pairs AS p "
    f"MATCH (a:Actor {{id: p.a}})-[:{Rel.MEMBER_OF}|{Rel.WORKS_FOR}|{Rel.PARTY_TO}]->(x) "
    "WITH p, collect(DISTINCT x.id) AS mine "
    f"MATCH (b:Actor {{id: p.b}})-[:{Rel.MEMBER_OF}|{Rel.WORKS_FOR}|{Rel.PARTY_TO}]->(y) "
    "WHERE y.id IN mine "
    "RETURN p.a AS a, p.b AS b, count(DISTINCT y) AS shared"
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
    f"MATCH (:Complaint {{id: $id}})-[:{Rel.REPORTS}]->(i:Incident)-[r]-(o) "
    "WHERE $id IN coalesce(r.sources, []) "
    "RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end, "
    "properties(r) AS props "
    "UNION ALL "
    f"MATCH (:Complaint {{id: $id}})-[:{Rel.MENTIONS}]->(a:Actor)-[r]->(o) "
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
        f"UNWIND $ids AS id MATCH (n:{checked_label(label)} {{id: id}}) "
        f"OPTIONAL MATCH (n)-[r]-(o) WHERE type(r) <> '{Rel.HAS_NAME_KEY}' "
        f"AND NOT (type(r) IN ['{Rel.MENTIONS}', '{Rel.REPORTS}'] AND o.id = $cid) "
        f"AND NOT (type(r) = '{Rel.POSSIBLY_SAME_AS}' "
        "AND coalesce(r.decision, 'open') = 'open') "
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
        f"UNWIND $ids AS id MATCH (n:{checked_label(label)} {{id: id}}) "
        f"OPTIONAL MATCH (n)-[:{Rel.HAS_NAME_KEY}]->(k:NameKey) "
        "WITH n, collect(k.id) AS keys DETACH DELETE n RETURN keys"
    )


NAME_KEYS_UNUSED_DELETE = (
    "UNWIND $ids AS id MATCH (k:NameKey {id: id}) "
    f"WHERE NOT EXISTS {{ MATCH (k)<-[:{Rel.HAS_NAME_KEY}]-() }} "
    "DELETE k RETURN count(k) AS deleted"
)
