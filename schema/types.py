"""The GraphQL types of the domain, with their relationships as fields.

Every relationship field returns links: the node at the other end and the ``Fact``
(the edge) with its provenance, so a prosecutor can go from any link to the sentence
behind it (``fact { evidence { complaintId quote start end } }``). Relationship fields
load through the request's DataLoaders: one query per field kind, whatever the page.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

import strawberry
from strawberry.types import Info

from graph.cypher.read import ALL_ROLES, ROLE_TYPES, SUSPECT_ROLE
from graph.errors import ModelError
from graph.reads import MAX_LINKS, Edge, LinkSpec, Moment, Subgraph
from graph.store.repository import NodeView
from schema import disclosure
from schema.context import Context
from schema.enums import (
    CaseStatus,
    Channel,
    CommunityKind,
    ComplaintStatus,
    Confidentiality,
    DatePrecision,
    DisputeDriver,
    DisputeStatus,
    Gender,
    IncidentType,
    MeasureStatus,
    Method,
    OrganizationKind,
    PlaceLevel,
    RelationshipType,
    ReviewStatus,
    Role,
    member,
)

T = TypeVar("T")
Ctx = Info[Context, None]
LINKS_DEFAULT = 50


# --- facts and their evidence ---------------------------------------------------------


@strawberry.type(description="One piece of evidence: a span of a complaint.")
class Evidence:
    complaint_id: strawberry.ID
    quote: str | None = strawberry.field(
        description="The sentence (or span) that supports the fact, persons redacted as the "
        "token's role requires; null when the role may not read that complaint (sealed)."
    )
    start: int = strawberry.field(description="Where the supporting span starts in the text.")
    end: int = strawberry.field(description="Where it ends (exclusive).")
    method: Method
    confidence: float
    review: ReviewStatus


def fact_gid(edge: Edge) -> str:
    """A fact's public id: its type and its id (the type picks the index to look in)."""
    return f"{edge.type}:{edge.id}"


def parse_fact_gid(gid: str) -> tuple[str, str]:
    rel_type, sep, fact_id = gid.partition(":")
    if not sep or not fact_id:
        raise ModelError(f"{gid!r} is not a fact id")
    return rel_type, fact_id


@strawberry.type(description="A relationship and the provenance behind it.")
class Fact:
    id: strawberry.ID
    type: RelationshipType
    review: ReviewStatus | None
    confidence: float | None
    reviewed_by: str | None
    reviewed_at: str | None
    role: str | None = strawberry.field(description="In MEMBER_OF/WORKS_FOR: apu, president…")
    side: str | None = strawberry.field(description="In PARTY_TO: claimant or respondent.")
    perpetration: str | None = strawberry.field(description="In PERPETRATOR_OF: alleged…")
    confirmed_from: strawberry.ID | None = strawberry.field(
        description="In PERPETRATOR_OF: the id of the SUSPECTED_OF fact a reviewer confirmed "
        "it from (confirming that id again returns this fact)."
    )
    start_id: strawberry.ID
    end_id: strawberry.ID
    props: strawberry.Private[Mapping[str, Any]]

    @strawberry.field(description="The reviewer's note.")
    async def review_note(self, info: Ctx) -> str | None:
        return await disclosure.note(info.context, self.props.get("review_note"))

    @strawberry.field(description="Complaints that support it (those the role may see).")
    async def source_ids(self, info: Ctx) -> list[strawberry.ID]:
        sources = [str(s) for s in self.props.get("sources") or []]
        if info.context.viewer.sealed_visible:
            return [strawberry.ID(s) for s in sources]
        seen = await asyncio.gather(
            *(disclosure.complaint_visible(info.context, s) for s in sources)
        )
        return [strawberry.ID(s) for s, ok in zip(sources, seen, strict=True) if ok]

    @strawberry.field(
        description="Every piece of evidence the role may see, in the order it arrived."
    )
    async def evidence(self, info: Ctx) -> list[Evidence]:
        p = self.props
        review = ReviewStatus(p.get("review") or "extracted")
        out = []
        columns = zip(
            p.get("evidence_keys") or [],
            p.get("quotes") or [],
            p.get("starts") or [],
            p.get("ends") or [],
            p.get("methods") or [],
            p.get("confidences") or [],
            strict=False,
        )
        rows = [(str(key).rsplit(":", 2)[0], *rest) for key, *rest in columns]
        ctx = info.context
        if ctx.viewer.unrestricted:  # a prosecutor: every quote as it is, nothing to load
            quotes = [r[1] for r in rows]
        else:
            # gathered, so the request's loaders batch every complaint in one statement
            seen = await asyncio.gather(*(disclosure.complaint_visible(ctx, r[0]) for r in rows))
            rows = [r for r, ok in zip(rows, seen, strict=True) if ok]
            quotes = await asyncio.gather(
                *(disclosure.from_complaint(ctx, r[0], r[1]) for r in rows)
            )
        for (complaint_id, _, start, end, method, confidence), quote in zip(
            rows, quotes, strict=True
        ):
            out.append(
                Evidence(
                    complaint_id=strawberry.ID(complaint_id),
                    quote=quote,
                    start=start,
                    end=end,
                    method=Method(method),
                    confidence=confidence,
                    review=review,
                )
            )
        return out


def to_fact(edge: Edge) -> Fact:
    p = edge.props
    return Fact(
        id=strawberry.ID(fact_gid(edge)),
        type=RelationshipType(edge.type.lower()),
        review=member(ReviewStatus, p.get("review")),
        confidence=p.get("confidence"),
        reviewed_by=p.get("reviewed_by"),
        reviewed_at=p.get("reviewed_at"),
        role=p.get("role"),
        side=p.get("side"),
        perpetration=p.get("status"),
        confirmed_from=(
            strawberry.ID(f"{SUSPECT_ROLE}:{p['confirmed_from']}")
            if p.get("confirmed_from")
            else None
        ),
        start_id=strawberry.ID(edge.start),
        end_id=strawberry.ID(edge.end),
        props=p,
    )


@strawberry.type(description="A node at the other end of a relationship, and the fact.")
class Link(Generic[T]):
    node: T
    fact: Fact


async def _links(info: Ctx, node_id: str, spec: LinkSpec, first: int) -> list[Link[Any]]:
    if not 1 <= first <= MAX_LINKS:
        raise ModelError(f"first must be within 1..{MAX_LINKS}; got {first}")
    page = await info.context.links(spec, first).load(node_id)
    return [Link(node=to_type(link.node), fact=to_fact(link.edge)) for link in page.items]


def _spec(label: str, types: str, outgoing: bool, other: str, order: str = "name") -> LinkSpec:
    return LinkSpec(label, tuple(types.split("|")), outgoing, other, order)


# --- nodes ----------------------------------------------------------------------------


@strawberry.interface(description="Anything with a stable id (Relay).")
class Node:
    id: strawberry.ID


def _common(view: NodeView) -> dict[str, Any]:
    p = view.props
    return {
        "id": strawberry.ID(view.id),
        "created_at": p.get("created_at"),
        "updated_at": p.get("updated_at"),
    }


ROLE_LINKS = {role: _spec("Actor", t, True, "Incident", "date") for role, t in ROLE_TYPES.items()}
ALL_ROLE_LINKS = _spec("Actor", "|".join(ALL_ROLES), True, "Incident", "date")


@strawberry.interface(description="A person, organisation or community.")
class Actor(Node):
    name: str
    aliases: list[str]
    merged_into: strawberry.ID | None = strawberry.field(
        description="Set when this actor was merged into another (see mergeActors)."
    )
    created_at: str | None
    updated_at: str | None

    @strawberry.field(
        description="Incidents the actor took part in (as perpetrator, victim or witness), "
        "latest first. `role: SUSPECT` lists instead those whose reports name the actor "
        "without attributing the act: pending review, not an accusation."
    )
    async def incidents(
        self, info: Ctx, role: Role | None = None, first: int = LINKS_DEFAULT
    ) -> list[Link[Incident]]:
        spec = ALL_ROLE_LINKS if role is None else ROLE_LINKS[role.value]
        return await _links(info, self.id, spec, first)

    @strawberry.field(description="Organisations and communities the actor belongs to.")
    async def member_of(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        return await _links(info, self.id, _spec("Actor", "MEMBER_OF", True, "Actor"), first)

    @strawberry.field(description="Members of this organisation or community.")
    async def members(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        return await _links(info, self.id, _spec("Actor", "MEMBER_OF", False, "Actor"), first)

    @strawberry.field(description="Organisations the person works for.")
    async def works_for(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        return await _links(info, self.id, _spec("Actor", "WORKS_FOR", True, "Actor"), first)

    @strawberry.field(description="People who work for this organisation.")
    async def employees(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        return await _links(info, self.id, _spec("Actor", "WORKS_FOR", False, "Actor"), first)

    @strawberry.field(description="Places the actor is located in.")
    async def places(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Place]]:
        return await _links(info, self.id, _spec("Actor", "LOCATED_IN", True, "Place"), first)

    @strawberry.field(description="Land disputes the actor is a party to.")
    async def disputes(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[LandDispute]]:
        spec = _spec("Actor", "PARTY_TO", True, "LandDispute")
        return await _links(info, self.id, spec, first)

    @strawberry.field(description="Complaints that name the actor, latest first.")
    async def mentioned_in(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Complaint]]:
        spec = _spec("Actor", "MENTIONS", False, "Complaint", "received")
        return await _links(info, self.id, spec, first)

    @strawberry.field(description="Prosecutors' cases that accuse the actor.")
    async def accused_in(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Case]]:
        return await _links(info, self.id, _spec("Actor", "ACCUSES", False, "Case"), first)

    @strawberry.field(description="Protection measures for the actor.")
    async def protection_measures(
        self, info: Ctx, first: int = LINKS_DEFAULT
    ) -> list[Link[ProtectionMeasure]]:
        spec = _spec("Actor", "PROTECTS", False, "ProtectionMeasure")
        return await _links(info, self.id, spec, first)

    @strawberry.field(description="Actors that may be this one: review candidates.")
    async def possibly_same_as(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        out = await _links(info, self.id, _spec("Actor", "POSSIBLY_SAME_AS", True, "Actor"), first)
        back = await _links(
            info, self.id, _spec("Actor", "POSSIBLY_SAME_AS", False, "Actor"), first
        )
        return (out + back)[:first]


@strawberry.type(description="A natural person. Roles live on relationships.")
class Person(Actor):
    gender: Gender | None
    people: str | None
    defender: bool | None
    protected: bool | None


@strawberry.type(description="A company, state body, police or military unit, federation…")
class Organization(Actor):
    organization_kind: OrganizationKind
    acronym: str | None
    ruc: str | None


@strawberry.type(description="A comunidad nativa or comunidad campesina.")
class Community(Actor):
    community_kind: CommunityKind
    people: str | None
    titling_status: str | None


@strawberry.type(description="An act: who did what to whom, where and when.")
class Incident(Node):
    type: IncidentType
    date: str | None = strawberry.field(description="YYYY-MM-DD, YYYY-MM or YYYY.")
    date_precision: DatePrecision | None
    severity: int | None
    created_at: str | None
    updated_at: str | None
    raw_summary: strawberry.Private[str | None]

    @strawberry.field(
        description="The sentence it was extracted from, persons redacted as the role requires."
    )
    async def summary(self, info: Ctx) -> str | None:
        return await disclosure.from_incident(info.context, self.id, self.raw_summary)

    async def _role(self, info: Ctx, rel: str, first: int) -> list[Link[Actor]]:
        return await _links(info, self.id, _spec("Incident", rel, False, "Actor"), first)

    @strawberry.field(description="Who did it (alleged unless confirmed).")
    async def perpetrators(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        return await self._role(info, "PERPETRATOR_OF", first)

    @strawberry.field
    async def victims(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        return await self._role(info, "VICTIM_OF", first)

    @strawberry.field
    async def witnesses(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        return await self._role(info, "WITNESS_OF", first)

    @strawberry.field(
        description="Mencionados sin atribución: actors a report of it names while no "
        "sentence attributes the act to them (SUSPECTED_OF). Pending review, not "
        "perpetrators: a reviewer's confirmation (reviewFact) makes one a perpetrator."
    )
    async def suspects(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        return await self._role(info, "SUSPECTED_OF", first)

    @strawberry.field(description="Where it happened.")
    async def places(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Place]]:
        return await _links(info, self.id, _spec("Incident", "OCCURRED_IN", True, "Place"), first)

    @strawberry.field(description="The land disputes it is part of.")
    async def disputes(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[LandDispute]]:
        spec = _spec("Incident", "PART_OF", True, "LandDispute")
        return await _links(info, self.id, spec, first)

    @strawberry.field(description="The complaints that report it.")
    async def reported_in(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Complaint]]:
        spec = _spec("Incident", "REPORTS", False, "Complaint", "received")
        return await _links(info, self.id, spec, first)

    @strawberry.field(description="Prosecutors' cases that investigate it.")
    async def cases(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Case]]:
        return await _links(info, self.id, _spec("Incident", "INVESTIGATES", False, "Case"), first)


@strawberry.type(description="A region, province, district or locality.")
class Place(Node):
    name: str
    ubigeo: str | None
    level: PlaceLevel
    lat: float | None
    lon: float | None

    @strawberry.field(description="The place this one is part of.")
    async def parent(self, info: Ctx) -> Link[Place] | None:
        found = await _links(info, self.id, _spec("Place", "PART_OF", True, "Place"), 1)
        return found[0] if found else None

    @strawberry.field(description="The places within this one.")
    async def children(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Place]]:
        return await _links(info, self.id, _spec("Place", "PART_OF", False, "Place"), first)

    @strawberry.field(description="Incidents that occurred here (not in places within).")
    async def incidents(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Incident]]:
        spec = _spec("Place", "OCCURRED_IN", False, "Incident", "date")
        return await _links(info, self.id, spec, first)

    @strawberry.field(description="Actors located here.")
    async def actors(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        return await _links(info, self.id, _spec("Place", "LOCATED_IN", False, "Actor"), first)


@strawberry.type(description="A conflict over land or territory.")
class LandDispute(Node):
    name: str
    driver: DisputeDriver | None
    status: DisputeStatus | None

    @strawberry.field(description="Communities, companies and others party to it.")
    async def parties(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        spec = _spec("LandDispute", "PARTY_TO", False, "Actor")
        return await _links(info, self.id, spec, first)

    @strawberry.field(description="Incidents in this dispute, latest first.")
    async def incidents(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Incident]]:
        spec = _spec("LandDispute", "PART_OF", False, "Incident", "date")
        return await _links(info, self.id, spec, first)

    @strawberry.field
    async def places(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Place]]:
        spec = _spec("LandDispute", "LOCATED_IN", True, "Place")
        return await _links(info, self.id, spec, first)


@strawberry.type(description="A prosecutor's case file (carpeta fiscal).")
class Case(Node):
    file_number: str
    office: str | None
    status: CaseStatus
    opened_at: str | None

    @strawberry.field
    async def incidents(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Incident]]:
        spec = _spec("Case", "INVESTIGATES", True, "Incident", "date")
        return await _links(info, self.id, spec, first)

    @strawberry.field(description="The actors the case accuses.")
    async def accused(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        return await _links(info, self.id, _spec("Case", "ACCUSES", True, "Actor"), first)

    @strawberry.field
    async def protection_measures(
        self, info: Ctx, first: int = LINKS_DEFAULT
    ) -> list[Link[ProtectionMeasure]]:
        spec = _spec("Case", "CONCERNS", False, "ProtectionMeasure")
        return await _links(info, self.id, spec, first)


@strawberry.type(description="A medida de protección: requested, granted, implemented…")
class ProtectionMeasure(Node):
    kind: str
    status: MeasureStatus
    requested_at: str | None
    granted_at: str | None
    implemented_at: str | None
    authority: str | None

    @strawberry.field(description="Who it protects.")
    async def protects(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        spec = _spec("ProtectionMeasure", "PROTECTS", True, "Actor")
        return await _links(info, self.id, spec, first)

    @strawberry.field
    async def cases(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Case]]:
        spec = _spec("ProtectionMeasure", "CONCERNS", True, "Case")
        return await _links(info, self.id, spec, first)

    @strawberry.field
    async def incidents(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Incident]]:
        spec = _spec("ProtectionMeasure", "CONCERNS", True, "Incident", "date")
        return await _links(info, self.id, spec, first)


@strawberry.type(description="A denuncia: the source of every extracted fact.")
class Complaint(Node):
    sha256: str
    language: str | None
    received_at: str
    reported_at: str | None = strawberry.field(
        description="When the report was made or published, if given: the date relative "
        "dates in the text were read against."
    )
    channel: Channel | None
    confidentiality: Confidentiality
    status: ComplaintStatus
    status_detail: str | None
    attempts: int | None
    extracted_at: str | None
    extractor: str | None
    raw_source: strawberry.Private[str | None]

    @strawberry.field(description="Who or what brought it (an office, a partner).")
    async def source(self, info: Ctx) -> str | None:
        return await disclosure.note(info.context, self.raw_source)

    @strawberry.field(
        description="The complaint as received, verbatim for prosecutors; persons redacted "
        "for roles that see pseudonyms; null when the role may not read it (sealed)."
    )
    async def text(self, info: Ctx) -> str | None:
        text = await info.context.texts.load(self.id)
        return await disclosure.from_complaint(info.context, self.id, text, whole=True)

    @strawberry.field(description="Incidents extracted from it.")
    async def incidents(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Incident]]:
        spec = _spec("Complaint", "REPORTS", True, "Incident", "date")
        return await _links(info, self.id, spec, first)

    @strawberry.field(description="Persons, organisations and communities it names.")
    async def actors(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        return await _links(info, self.id, _spec("Complaint", "MENTIONS", True, "Actor"), first)

    @strawberry.field(description="Places it names.")
    async def places(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Place]]:
        return await _links(info, self.id, _spec("Complaint", "MENTIONS", True, "Place"), first)

    @strawberry.field(description="Land disputes it names.")
    async def disputes(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[LandDispute]]:
        spec = _spec("Complaint", "MENTIONS", True, "LandDispute")
        return await _links(info, self.id, spec, first)


@strawberry.type(description="A merge of two actors, as recorded (splitActor undoes it).")
class ActorMerge(Node):
    keep_id: strawberry.ID
    merged_id: strawberry.ID
    reason: str
    merged_by: str | None
    merged_at: str | None
    status: str
    aliases_added: list[str]
    undone_by: str | None
    undone_at: str | None
    undo_reason: str | None

    @strawberry.field
    async def keep(self, info: Ctx) -> Actor | None:
        found: Actor | None = await load_node(info, self.keep_id)
        return found

    @strawberry.field
    async def merged(self, info: Ctx) -> Actor | None:
        found: Actor | None = await load_node(info, self.merged_id)
        return found


def to_merge(p: Mapping[str, Any]) -> ActorMerge:
    return ActorMerge(
        id=strawberry.ID(p["id"]),
        keep_id=strawberry.ID(p["keep_id"]),
        merged_id=strawberry.ID(p["merged_id"]),
        reason=p.get("reason", ""),
        merged_by=p.get("merged_by"),
        merged_at=p.get("merged_at"),
        status=p.get("status", "active"),
        aliases_added=list(p.get("aliases_added") or []),
        undone_by=p.get("undone_by"),
        undone_at=p.get("undone_at"),
        undo_reason=p.get("undo_reason"),
    )


# --- from store views to types --------------------------------------------------------


def _actor_fields(view: NodeView) -> dict[str, Any]:
    p = view.props
    return {
        **_common(view),
        "name": p.get("name", ""),
        "aliases": list(p.get("aliases") or []),
        "merged_into": p.get("merged_into"),
    }


def to_type(view: NodeView) -> Any:
    """The GraphQL object for a node read from the store."""
    p = view.props
    kind = view.kind
    if kind == "Person":
        return Person(
            **_actor_fields(view),
            gender=member(Gender, p.get("gender")),
            people=p.get("people"),
            defender=p.get("defender"),
            protected=p.get("protected"),
        )
    if kind == "Organization":
        return Organization(
            **_actor_fields(view),
            organization_kind=OrganizationKind(p.get("kind", "other")),
            acronym=p.get("acronym"),
            ruc=p.get("ruc"),
        )
    if kind == "Community":
        return Community(
            **_actor_fields(view),
            community_kind=CommunityKind(p.get("community_kind", "other")),
            people=p.get("people"),
            titling_status=p.get("titling_status"),
        )
    if kind == "Incident":
        return Incident(
            **_common(view),
            type=IncidentType(p["type"]),
            date=p.get("date"),
            date_precision=member(DatePrecision, p.get("date_precision")),
            severity=p.get("severity"),
            raw_summary=p.get("summary"),
        )
    node_id = strawberry.ID(view.id)
    if kind == "Place":
        return Place(
            id=node_id,
            name=p.get("name", ""),
            ubigeo=p.get("ubigeo"),
            level=PlaceLevel(p.get("level", "locality")),
            lat=p.get("lat"),
            lon=p.get("lon"),
        )
    if kind == "LandDispute":
        return LandDispute(
            id=node_id,
            name=p.get("name", ""),
            driver=member(DisputeDriver, p.get("driver")),
            status=member(DisputeStatus, p.get("status")),
        )
    if kind == "Case":
        return Case(
            id=node_id,
            file_number=p["file_number"],
            office=p.get("office"),
            status=CaseStatus(p["status"]),
            opened_at=p.get("opened_at"),
        )
    if kind == "ProtectionMeasure":
        return ProtectionMeasure(
            id=node_id,
            kind=p["kind"],
            status=MeasureStatus(p["status"]),
            requested_at=p.get("requested_at"),
            granted_at=p.get("granted_at"),
            implemented_at=p.get("implemented_at"),
            authority=p.get("authority"),
        )
    if kind == "Complaint":
        return Complaint(
            id=node_id,
            sha256=p["sha256"],
            language=p.get("language"),
            received_at=p["received_at"],
            reported_at=p.get("reported_at"),
            channel=member(Channel, p.get("channel")),
            raw_source=p.get("source"),
            confidentiality=Confidentiality(p["confidentiality"]),
            status=ComplaintStatus(p["status"]),
            status_detail=p.get("status_detail"),
            attempts=p.get("attempts"),
            extracted_at=p.get("extracted_at"),
            extractor=p.get("extractor"),
        )
    if kind == "ActorMerge":
        return to_merge(p)
    if kind == "Alert":
        from schema.alerts import alert_from_view  # the alerts module builds on this one

        return alert_from_view(view)
    raise ModelError(f"a {kind} is not served by the API")


async def load_node(info: Ctx, node_id: str) -> Any:
    """The GraphQL object for an id, or None (unknown, malformed or internal ids)."""
    try:
        view = await info.context.nodes.load(node_id)
    except ModelError:
        return None
    return None if view is None else to_type(view)


# --- drawings: paths, neighbourhoods, timelines ---------------------------------------


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
