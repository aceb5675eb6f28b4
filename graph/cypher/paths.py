"""Paths, neighbourhoods and timelines, through what a viewer may see."""

from __future__ import annotations

from collections.abc import Sequence

from graph.access.policy import Viewer
from graph.cypher.labels import checked_label, conjunction, type_union, where_clause
from graph.cypher.visibility import projection, visible, visible_edges, visible_nodes
from graph.errors import ModelError
from graph.model import ALL_ROLES, MODEL, Rel

# Relationships walked by paths and neighbourhoods unless the caller names others:
# the facts between domain entities. Complaints (MENTIONS, REPORTS) are hubs that would
# join everything they name; the name index and review candidates are not facts;
# tentative facts (a suspicion pending review) would link an actor to an act unproven.
DEFAULT_WALK = tuple(
    r.type
    for r in MODEL.relationships
    if r.fact and not r.tentative and r.type not in (Rel.MENTIONS, Rel.REPORTS)
)
WALKABLE = tuple(r.type for r in MODEL.relationships if r.fact)


def shortest_paths(
    from_label: str, to_label: str, rel_types: Sequence[str], hops: int, viewer: Viewer
) -> str:
    """Every shortest path of at most ``hops`` edges, as ids, types and edge properties;
    for a viewer who may not see sealed complaints, only paths wholly visible to it.

    ``hops`` is an integer checked by the caller (Cypher takes no parameter there)."""
    if not isinstance(hops, int) or not 1 <= hops <= 6:
        raise ModelError(f"hops must be an integer within 1..6; got {hops!r}")
    through = []
    if not viewer.sealed_visible:
        (node,) = visible_nodes(viewer, "x")
        (edge,) = visible_edges(viewer, "y")
        through = [
            f"all(x IN nodes(p) WHERE {node})",
            f"all(y IN relationships(p) WHERE {edge})",
        ]
    return (
        f"MATCH (a:{checked_label(from_label)} {{id: $from}}), "
        f"(b:{checked_label(to_label)} {{id: $to}})"
        f"{where_clause(visible_nodes(viewer, 'a', 'b'))} "
        f"MATCH p = allShortestPaths((a)-[:{type_union(rel_types)}*..{hops}]-(b))"
        f"{where_clause(through)} "
        "RETURN [x IN nodes(p) | x.id] AS nodes, "
        "[r IN relationships(p) | {type: type(r), rel: properties(r), "
        "start: startNode(r).id, end: endNode(r).id}] AS edges LIMIT $limit"
    )


def expand_frontier(label: str, rel_types: Sequence[str], viewer: Viewer) -> str:
    """The edges (of these types, either direction) of a set of nodes of one label, to
    nodes ``viewer`` may see; in a stable order, so a neighbourhood cut at its limit is
    the same on every store and every run."""
    return (
        f"UNWIND $ids AS id MATCH (n:{checked_label(label)} {{id: id}})"
        f"-[r:{type_union(rel_types)}]-(m)"
        f"{where_clause(visible(viewer, ['m'], ['r']))} "
        "RETURN type(r) AS type, properties(r) AS rel, startNode(r).id AS start, "
        "endNode(r).id AS end, m.id AS other ORDER BY other, type, start, end LIMIT $limit"
    )


_ROLES = type_union(ALL_ROLES)
_TIMELINE_INCIDENT = projection([MODEL.node("Incident")], "i")

# The timelines: (pattern, nodes and edges the viewer must see, what ``via`` is).
_TIMELINES = {
    "actor": (
        f"(a:Actor {{id: $id}})-[r:{_ROLES}]->(i:Incident)",
        ["a", "i"],
        ["r"],
        "collect(type(r)) AS roles, null AS via",
    ),
    "members": (
        f"(a:Actor {{id: $id}})<-[e:{Rel.MEMBER_OF}|{Rel.WORKS_FOR}]-(p:Actor)"
        f"-[r:{_ROLES}]->(i:Incident)",
        ["a", "p", "i"],
        ["e", "r"],
        "collect(type(r)) AS roles, p.id AS via",
    ),
    "place": (
        f"(p:Place {{id: $id}})<-[:{Rel.PART_OF}*0..3]-(q:Place)"
        f"<-[e:{Rel.OCCURRED_IN}]-(i:Incident)",
        ["p", "q", "i"],
        ["e"],
        "[] AS roles, q.id AS via",
    ),
    "dispute": (
        f"(d:LandDispute {{id: $id}})<-[e:{Rel.PART_OF}]-(i:Incident)",
        ["d", "i"],
        ["e"],
        "[] AS roles, null AS via",
    ),
    "case": (
        f"(c:Case {{id: $id}})-[e:{Rel.INVESTIGATES}]->(i:Incident)",
        ["c", "i"],
        ["e"],
        "[] AS roles, null AS via",
    ),
}


def timeline(which: str, viewer: Viewer) -> str:
    """The dated incidents of one timeline (``_TIMELINES``) that ``viewer`` may see."""
    pattern, nodes, edges, rest = _TIMELINES[which]
    conds = ["i.date IS NOT NULL", *visible(viewer, nodes, edges)]
    distinct = "DISTINCT " if which == "place" else ""
    return (
        f"MATCH {pattern} WHERE {conjunction(conds)} "
        f"RETURN {distinct}{_TIMELINE_INCIDENT} AS incident, {rest}"
    )
