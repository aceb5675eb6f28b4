"""Root queries: thin resolvers over ``graph.reads`` through the request's loaders."""

from __future__ import annotations

from typing import Any

import strawberry

from graph import reads
from graph.errors import ModelError
from graph.model import ACTOR_KINDS, MODEL
from schema import filters as f
from schema.actors import Actor
from schema.alerts import AlertQuery
from schema.auditlog import AuditQuery
from schema.context import Ctx
from schema.dossier import DossierQuery
from schema.drawings import Graph, SearchHit, TimelineEntry, to_entry, to_graph
from schema.enums import ComplaintStatus, RelationshipType, SearchKind
from schema.exports import ExportQuery
from schema.facts import Fact, parse_fact_gid, to_fact
from schema.incidents import Case, Complaint, Incident, LandDispute, Place
from schema.nodes import Node, load_node, to_type
from schema.pagination import Connection, connection
from schema.patterns import PatternQuery
from schema.threads import in_thread

PAGE = 20
SEARCH_LABELS = {"actor": "Actor", "place": "Place", "land_dispute": "LandDispute", "case": "Case"}


def _order(order: Any, default: Any) -> tuple[str, bool]:
    o = order or default
    return str(o.field.value), o.direction is f.Direction.DESC


def _via(via: list[RelationshipType] | None) -> list[str] | None:
    return None if not via else [str(v.value).upper() for v in via]


async def _typed(info: Ctx, node_id: str, kinds: tuple[str, ...]) -> Any:
    try:
        kind = MODEL.kind_of_id(node_id)
    except ModelError:
        return None
    if kind.name not in kinds:
        return None
    return await load_node(info, node_id)


@strawberry.type(description="Where a submitted complaint is in intake.")
class Submission:
    complaint_id: strawberry.ID
    status: ComplaintStatus
    received_at: str | None
    extracted_at: str | None
    status_detail: str | None = strawberry.field(description="Why extraction failed.")


@strawberry.type
class Query(AlertQuery, PatternQuery, AuditQuery, ExportQuery, DossierQuery):
    @strawberry.field(
        description="The intake status of a complaint. An intake token sees only the "
        "complaints it submitted."
    )
    async def submission(self, info: Ctx, id: strawberry.ID) -> Submission | None:
        if not str(id).startswith("cmp_"):
            return None
        p = await in_thread(reads.submission, info.context.store, str(id))
        if p is None:
            return None
        if info.context.role == "intake" and p.get("submitted_by") != info.context.who():
            return None
        return Submission(
            complaint_id=strawberry.ID(str(id)),
            status=ComplaintStatus(p["status"]),
            received_at=p.get("received_at"),
            extracted_at=p.get("extracted_at"),
            status_detail=p.get("status_detail"),
        )

    @strawberry.field(description="Any node by its id (Relay).")
    async def node(self, info: Ctx, id: strawberry.ID) -> Node | None:
        found: Node | None = await load_node(info, id)
        return found

    @strawberry.field(description="A person, organisation or community by id.")
    async def actor(self, info: Ctx, id: strawberry.ID) -> Actor | None:
        found: Actor | None = await _typed(info, id, ACTOR_KINDS)
        return found

    @strawberry.field(description="A fact (relationship) by id, with its evidence.")
    async def fact(self, info: Ctx, id: strawberry.ID) -> Fact | None:
        try:
            rel_type, fact_id = parse_fact_gid(id)
            edge = await in_thread(
                reads.get_fact, info.context.store, rel_type, fact_id, viewer=info.context.viewer
            )
        except ModelError:
            return None
        return None if edge is None else to_fact(edge)

    @strawberry.field(description="Actors, filtered and sorted (merged actors left out).")
    async def actors(
        self,
        info: Ctx,
        filter: f.ActorFilter | None = None,
        order_by: f.ActorOrder | None = None,
        first: int = PAGE,
        after: str | None = None,
    ) -> Connection[Actor]:
        order, desc = _order(order_by, f.ActorOrder())
        criteria = f.actor_criteria(filter)
        return await connection(info, "Actor", criteria, order, desc, first, after, to_type)

    @strawberry.field(description="Incidents, filtered and sorted (latest first).")
    async def incidents(
        self,
        info: Ctx,
        filter: f.IncidentFilter | None = None,
        order_by: f.IncidentOrder | None = None,
        first: int = PAGE,
        after: str | None = None,
    ) -> Connection[Incident]:
        order, desc = _order(order_by, f.IncidentOrder())
        criteria = f.incident_criteria(filter)
        return await connection(info, "Incident", criteria, order, desc, first, after, to_type)

    @strawberry.field(description="Complaints (denuncias), latest first.")
    async def complaints(
        self,
        info: Ctx,
        filter: f.ComplaintFilter | None = None,
        order_by: f.ComplaintOrder | None = None,
        first: int = PAGE,
        after: str | None = None,
    ) -> Connection[Complaint]:
        order, desc = _order(order_by, f.ComplaintOrder())
        criteria = f.complaint_criteria(filter)
        return await connection(info, "Complaint", criteria, order, desc, first, after, to_type)

    @strawberry.field(description="Land disputes.")
    async def land_disputes(
        self,
        info: Ctx,
        filter: f.LandDisputeFilter | None = None,
        order_by: f.LandDisputeOrder | None = None,
        first: int = PAGE,
        after: str | None = None,
    ) -> Connection[LandDispute]:
        order, desc = _order(order_by, f.LandDisputeOrder())
        criteria = f.dispute_criteria(filter)
        return await connection(info, "LandDispute", criteria, order, desc, first, after, to_type)

    @strawberry.field(description="Prosecutors' cases.")
    async def cases(
        self,
        info: Ctx,
        filter: f.CaseFilter | None = None,
        order_by: f.CaseOrder | None = None,
        first: int = PAGE,
        after: str | None = None,
    ) -> Connection[Case]:
        order, desc = _order(order_by, f.CaseOrder())
        criteria = f.case_criteria(filter)
        return await connection(info, "Case", criteria, order, desc, first, after, to_type)

    @strawberry.field(description="Regions, provinces, districts and localities.")
    async def places(
        self,
        info: Ctx,
        filter: f.PlaceFilter | None = None,
        order_by: f.PlaceOrder | None = None,
        first: int = PAGE,
        after: str | None = None,
    ) -> Connection[Place]:
        order, desc = _order(order_by, f.PlaceOrder())
        criteria = f.place_criteria(filter)
        return await connection(info, "Place", criteria, order, desc, first, after, to_type)

    @strawberry.field(
        description="Fuzzy search over names (accents, case and spelling variants forgiven), "
        "best match first."
    )
    async def search(
        self,
        info: Ctx,
        text: str,
        kinds: list[SearchKind] | None = None,
        first: int = PAGE,
    ) -> list[SearchHit]:
        labels = [SEARCH_LABELS[k.value] for k in kinds] if kinds else list(reads.SEARCHABLE)
        ctx = info.context

        def read() -> list[SearchHit]:
            hits = reads.search(ctx.store, text, labels, first, viewer=ctx.viewer)
            redactor = ctx.redactor()  # an organisation may bear a person's name
            return [
                SearchHit(
                    score=h.score,
                    matched=redactor.redact(h.matched) if redactor else h.matched,
                    node_id=h.id,
                )
                for h in hits
            ]

        return await in_thread(read)

    @strawberry.field(
        description="The shortest paths between two nodes (at most maxHops edges, 1..6), "
        "each as nodes and edges with their evidence."
    )
    async def connections(
        self,
        info: Ctx,
        from_id: strawberry.ID,
        to_id: strawberry.ID,
        max_hops: int = 4,
        via: list[RelationshipType] | None = None,
        first: int = 10,
    ) -> list[Graph]:
        paths = await in_thread(
            reads.connections,
            info.context.store,
            from_id,
            to_id,
            max_hops,
            _via(via),
            first,
            viewer=info.context.viewer,
        )
        return [to_graph(p) for p in paths]

    @strawberry.field(
        description="The subgraph around a node (depth 1..3, at most `limit` nodes), "
        "ready for drawing."
    )
    async def neighbourhood(
        self,
        info: Ctx,
        id: strawberry.ID,
        depth: int = 1,
        limit: int = 100,
        via: list[RelationshipType] | None = None,
    ) -> Graph:
        sub = await in_thread(
            reads.neighbourhood,
            info.context.store,
            id,
            depth,
            limit,
            _via(via),
            viewer=info.context.viewer,
        )
        return to_graph(sub)

    @strawberry.field(
        description="The dated incidents around an actor, community, place, dispute or "
        "case, oldest first."
    )
    async def timeline(self, info: Ctx, id: strawberry.ID) -> list[TimelineEntry]:
        moments = await in_thread(
            reads.timeline, info.context.store, id, viewer=info.context.viewer
        )
        for m in moments:
            info.context.nodes.prime(m.incident.id, m.incident)
        return [to_entry(m) for m in moments]
