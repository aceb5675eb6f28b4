"""The Cypher of access (``graph.access``): API tokens, the audit log and pseudonym numbers."""

from __future__ import annotations

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
