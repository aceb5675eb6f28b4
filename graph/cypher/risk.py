"""The statements of risk assessment (``graph.analysis.risk``).

Every statement takes many subjects at once (``$ids``) and names the subject of each
row (``sid``), so assessing the victims of a whole batch of complaints costs the same
dozen statements as assessing one.
"""

from __future__ import annotations

from graph.cypher.filters import AREA_HOPS
from graph.model import Rel

_LIVE = "coalesce({r}.review, '') <> 'rejected'"  # rejected facts never count

RISK_MEMBERSHIPS = (
    f"UNWIND $ids AS sid MATCH (a:Actor {{id: sid}})-[m:{Rel.MEMBER_OF}]->(c:Actor) "
    "RETURN sid, c.id AS id, m.role AS role, c.community_kind AS community_kind, "
    "'Community' IN labels(c) AS community"
)
_ATTACK_RETURN = (
    f"OPTIONAL MATCH (p:Actor)-[r:{Rel.PERPETRATOR_OF}]->(i) WHERE " + _LIVE.format(r="r") + " "
    "WITH sid, i, v, via, collect(DISTINCT p.id) AS perpetrators "
    f"OPTIONAL MATCH (i)-[:{Rel.OCCURRED_IN}]->(pl:Place) "
    # a place without a ubigeo (a river, a town) is where the places it is PART_OF are
    f"OPTIONAL MATCH (pl)-[:{Rel.PART_OF}*1..{AREA_HOPS}]->(up:Place) WHERE pl.ubigeo IS NULL "
    "RETURN sid, i.id AS id, i.type AS type, i.date AS date, perpetrators, "
    "collect(DISTINCT pl.ubigeo) + collect(DISTINCT up.ubigeo) AS ubigeos, "
    "v.sources AS sources, v.quotes AS quotes, via"
)
RISK_ATTACKS = (
    f"UNWIND $ids AS sid MATCH (a:Actor {{id: sid}})-[v:{Rel.VICTIM_OF}]->(i:Incident) "
    "WHERE " + _LIVE.format(r="v") + " WITH sid, i, v, null AS via " + _ATTACK_RETURN
)
RISK_MEMBER_ATTACKS = (
    "UNWIND $ids AS sid "
    f"MATCH (a:Actor {{id: sid}})<-[:{Rel.MEMBER_OF}|{Rel.WORKS_FOR}]-(m:Actor)"
    f"-[v:{Rel.VICTIM_OF}]->(i:Incident) "
    "WHERE " + _LIVE.format(r="v") + " WITH sid, i, v, m.id AS via " + _ATTACK_RETURN
)
# Up to $cap violent incidents per perpetrator (a prolific one has thousands): the
# caller drops each subject's own incidents, so $cap exceeds all of them by a margin.
RISK_VIOLENT_HISTORY = (
    "UNWIND $ids AS pid MATCH (p:Actor {id: pid}) "
    f"CALL {{ WITH p MATCH (p)-[r:{Rel.PERPETRATOR_OF}]->(j:Incident) "
    "WHERE j.type IN $violent AND " + _LIVE.format(r="r") + " RETURN j.id AS jid LIMIT $cap } "
    "RETURN pid AS id, collect(jid) AS incidents"
)
RISK_DISPUTES_OF_HOLDERS = (
    f"UNWIND $ids AS h MATCH (:Actor {{id: h}})-[:{Rel.PARTY_TO}]->(d:LandDispute) "
    "RETURN h AS via, d.id AS id"
)
RISK_DISPUTES_OF_INCIDENTS = (
    f"UNWIND $ids AS x MATCH (:Incident {{id: x}})-[:{Rel.PART_OF}]->(d:LandDispute) "
    "RETURN x AS via, d.id AS id"
)
RISK_DISPUTE_PARTIES = (
    f"UNWIND $ids AS did MATCH (d:LandDispute {{id: did}})<-[:{Rel.PARTY_TO}]-(o:Actor) "
    f"CALL {{ WITH o MATCH (o)-[r:{Rel.PERPETRATOR_OF}]->(j:Incident) "
    "WHERE j.type IN $violent AND " + _LIVE.format(r="r") + " RETURN j.id AS jid LIMIT 5 } "
    "RETURN did AS dispute, d.name AS name, d.status AS status, o.id AS actor, "
    "collect(jid) AS incidents"
)
# An area's incidents: those placed in it, and on the places without a ubigeo of their
# own that are PART_OF it (a river, a town in the district).
RISK_AREAS = (
    "UNWIND $codes AS code MATCH (pl:Place {ubigeo: code})"
    f"<-[:{Rel.PART_OF}*0..{AREA_HOPS}]-(at:Place)<-[:{Rel.OCCURRED_IN}]-(i:Incident) "
    "WHERE (at.ubigeo IS NULL OR at.ubigeo = code) "
    "AND i.date >= $prev_start AND i.date <= $end "
    "WITH code, pl, collect(DISTINCT i) AS found "
    "RETURN code AS ubigeo, pl.name AS name, "
    "size([i IN found WHERE i.date >= $start]) AS count, "
    "size([i IN found WHERE i.date < $start]) AS previous, "
    "[i IN found WHERE i.date >= $start | i.id][..50] AS incidents"
)
RISK_MEASURES = (
    f"UNWIND $ids AS sid MATCH (m:ProtectionMeasure)-[:{Rel.PROTECTS}]->(a:Actor {{id: sid}}) "
    "RETURN sid, m.id AS id, m.kind AS kind, m.status AS status"
)
