"""The statements of the analytics projections (``graph.analysis.projections``): nodes
and edges a viewer may see, with the attributes the analytics read."""

from __future__ import annotations

from graph.access.policy import Viewer
from graph.cypher.labels import checked_label, checked_rel, conjunction, where_clause
from graph.cypher.visibility import visible_edges, visible_nodes
from graph.model import ALL_ROLES, MODEL, Rel

# The node attributes the analytics read, per kind (store property -> graph attribute).
PROJECTED: dict[str, dict[str, str]] = {
    "Person": {"name": "name", "gender": "gender", "people": "people", "defender": "defender"},
    "Organization": {"name": "name", "kind": "org_kind"},
    "Community": {"name": "name", "community_kind": "community_kind", "people": "people"},
    "Incident": {"type": "type", "date": "date", "severity": "severity"},
    "Place": {"name": "name", "ubigeo": "ubigeo", "level": "level"},
    "LandDispute": {"name": "name", "driver": "driver", "status": "status"},
    "Case": {"file_number": "file_number", "status": "status", "office": "office"},
    "ProtectionMeasure": {"kind": "measure_kind", "status": "status"},
}
PROJECTED_RELS = (
    *ALL_ROLES,
    Rel.OCCURRED_IN,
    Rel.PART_OF,
    Rel.PARTY_TO,
    Rel.MEMBER_OF,
    Rel.WORKS_FOR,
    Rel.INVESTIGATES,
    Rel.ACCUSES,
    Rel.PROTECTS,
)


def projection_nodes(kind_name: str, viewer: Viewer) -> str:
    """Every node of a kind ``viewer`` may see, with the attributes the analytics read
    (merged actors out). Names go in for the analytics; the API shows nodes by id only
    and loads them for the viewer."""
    kind = MODEL.node(kind_name)
    cols = ", ".join(f"n.{kind.prop(p).name} AS {attr}" for p, attr in PROJECTED[kind_name].items())
    conds = ["n.merged_into IS NULL"] if "Actor" in kind.labels else []
    conds += visible_nodes(viewer, "n")
    # the kind's own label: an actor's key label is the Actor interface
    return (
        f"MATCH (n:{checked_label(kind.labels[-1])}){where_clause(conds)} RETURN n.id AS id, {cols}"
    )


def projection_edges(rel_type: str, viewer: Viewer) -> str:
    """Every edge of a type ``viewer`` may see, rejected facts out."""
    rel = MODEL.relationship(rel_type)
    side = "r.side" if "side" in rel.properties else "null"
    conds = ["coalesce(r.review, '') <> 'rejected'", *visible_edges(viewer, "r")]
    return (
        f"MATCH (a)-[r:{checked_rel(rel)}]->(b) WHERE {conjunction(conds)} "
        f"RETURN a.id AS s, b.id AS t, {side} AS side"
    )


PROJECTION_FINGERPRINT = (
    "MATCH (c:Complaint) RETURN count(c) AS complaints, max(c.updated_at) AS last"
)
