"""Answers shaped for drawing and browsing: subgraphs (paths, neighbourhoods) with their
edges' facts, timelines of incidents, and search hits."""

from __future__ import annotations

import strawberry

from graph.model import ROLE_TYPES
from graph.reads import Edge, Moment, Subgraph
from schema.context import Ctx
from schema.enums import RelationshipType, Role
from schema.facts import Fact, fact_gid, to_fact
from schema.incidents import Incident
from schema.nodes import Node, load_node, to_type


@strawberry.type(description="An edge ready for drawing: ends by id, and its fact.")
class GraphEdge:
    id: strawberry.ID
    type: RelationshipType
    source: strawberry.ID
    target: strawberry.ID
    fact: Fact


def to_edge(edge: Edge) -> GraphEdge:
    return GraphEdge(
        id=strawberry.ID(fact_gid(edge)),
        type=RelationshipType(edge.type.lower()),
        source=strawberry.ID(edge.start),
        target=strawberry.ID(edge.end),
        fact=to_fact(edge),
    )


@strawberry.type(description="Nodes and the edges between them.")
class Graph:
    node_ids: strawberry.Private[list[str]]
    edges: list[GraphEdge]
    truncated: bool = strawberry.field(description="True when a limit cut the result short.")

    @strawberry.field
    async def nodes(self, info: Ctx) -> list[Node]:
        views = await info.context.nodes.load_many(self.node_ids)
        return [to_type(v) for v in views if v is not None]


def to_graph(sub: Subgraph) -> Graph:
    return Graph(node_ids=sub.nodes, edges=[to_edge(e) for e in sub.edges], truncated=sub.truncated)


@strawberry.type(description="A dated incident on a timeline.")
class TimelineEntry:
    date: str
    incident: Incident
    roles: list[Role] = strawberry.field(description="The actor's roles in it, if any.")
    via_id: strawberry.ID | None = strawberry.field(
        description="The member or sub-place it came through, when not direct."
    )

    @strawberry.field
    async def via(self, info: Ctx) -> Node | None:
        return None if self.via_id is None else await load_node(info, self.via_id)


_ROLE_OF = {t: r for r, t in ROLE_TYPES.items()}


def to_entry(moment: Moment) -> TimelineEntry:
    incident = to_type(moment.incident)
    return TimelineEntry(
        date=str(moment.incident.props.get("date")),
        incident=incident,
        roles=[Role(_ROLE_OF[r]) for r in moment.roles if r in _ROLE_OF],
        via_id=None if moment.via is None else strawberry.ID(moment.via),
    )


@strawberry.type(description="A search result, with how well it matched.")
class SearchHit:
    score: float = strawberry.field(description="0..100, accents and case ignored.")
    matched: str = strawberry.field(description="The name or alias that matched.")
    node_id: strawberry.Private[str]

    @strawberry.field
    async def node(self, info: Ctx) -> Node | None:
        found: Node | None = await load_node(info, self.node_id)
        return found
