"""The Cypher of early alerts (``graph.analysis.alerts``): whom a complaint puts at risk,
their assessed risk, and the alerts themselves."""

from __future__ import annotations

from graph.model import Rel

# --- alerts (alerta temprana) --------------------------------------------------------

# The victims a complaint names and their communities. A person whose killing a reviewer
# has confirmed is no longer assessed (their community still is); an extracted killing
# alone does not stop alerts: extraction can pin another's death on a living defender.
ALERT_SUBJECTS = (
    "UNWIND $ids AS cid "
    f"MATCH (:Complaint {{id: cid}})-[:{Rel.REPORTS}]->(:Incident)<-[v:{Rel.VICTIM_OF}]-(a:Actor) "
    "WHERE coalesce(v.review, '') <> 'rejected' AND a.merged_into IS NULL "
    f"OPTIONAL MATCH (a)-[:{Rel.MEMBER_OF}]->(c:Community) "
    f"WITH cid, a, c, EXISTS {{ MATCH (a)-[k:{Rel.VICTIM_OF}]->(:Incident {{type: 'killing'}}) "
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
