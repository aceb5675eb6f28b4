"""Incidents and what surrounds them: places, land disputes, prosecutors' cases,
protection measures and the complaints every fact comes from, with their relationships
as fields."""

from __future__ import annotations

import strawberry

from graph.model import Rel
from graph.store.repository import NodeView
from schema import disclosure
from schema.actors import Actor
from schema.context import Ctx
from schema.enums import (
    CaseStatus,
    Channel,
    ComplaintStatus,
    Confidentiality,
    DatePrecision,
    DisputeDriver,
    DisputeStatus,
    IncidentType,
    MeasureStatus,
    PlaceLevel,
    member,
)
from schema.facts import LINKS_DEFAULT, Link, link_spec, load_links
from schema.nodes import Node, common, converts


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
        return await load_links(info, self.id, link_spec("Incident", rel, False, "Actor"), first)

    @strawberry.field(description="Who did it (alleged unless confirmed).")
    async def perpetrators(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        return await self._role(info, Rel.PERPETRATOR_OF, first)

    @strawberry.field
    async def victims(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        return await self._role(info, Rel.VICTIM_OF, first)

    @strawberry.field
    async def witnesses(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        return await self._role(info, Rel.WITNESS_OF, first)

    @strawberry.field(
        description="Mencionados sin atribución: actors a report of it names while no "
        "sentence attributes the act to them (SUSPECTED_OF). Pending review, not "
        "perpetrators: a reviewer's confirmation (reviewFact) makes one a perpetrator."
    )
    async def suspects(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        return await self._role(info, Rel.SUSPECTED_OF, first)

    @strawberry.field(description="Where it happened.")
    async def places(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Place]]:
        return await load_links(
            info, self.id, link_spec("Incident", Rel.OCCURRED_IN, True, "Place"), first
        )

    @strawberry.field(description="The land disputes it is part of.")
    async def disputes(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[LandDispute]]:
        spec = link_spec("Incident", Rel.PART_OF, True, "LandDispute")
        return await load_links(info, self.id, spec, first)

    @strawberry.field(description="The complaints that report it.")
    async def reported_in(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Complaint]]:
        spec = link_spec("Incident", Rel.REPORTS, False, "Complaint", "received")
        return await load_links(info, self.id, spec, first)

    @strawberry.field(description="Prosecutors' cases that investigate it.")
    async def cases(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Case]]:
        return await load_links(
            info, self.id, link_spec("Incident", Rel.INVESTIGATES, False, "Case"), first
        )


@strawberry.type(description="A region, province, district or locality.")
class Place(Node):
    name: str
    ubigeo: str | None
    level: PlaceLevel
    lat: float | None
    lon: float | None

    @strawberry.field(description="The place this one is part of.")
    async def parent(self, info: Ctx) -> Link[Place] | None:
        found = await load_links(info, self.id, link_spec("Place", Rel.PART_OF, True, "Place"), 1)
        return found[0] if found else None

    @strawberry.field(description="The places within this one.")
    async def children(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Place]]:
        return await load_links(
            info, self.id, link_spec("Place", Rel.PART_OF, False, "Place"), first
        )

    @strawberry.field(description="Incidents that occurred here (not in places within).")
    async def incidents(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Incident]]:
        spec = link_spec("Place", Rel.OCCURRED_IN, False, "Incident", "date")
        return await load_links(info, self.id, spec, first)

    @strawberry.field(description="Actors located here.")
    async def actors(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        return await load_links(
            info, self.id, link_spec("Place", Rel.LOCATED_IN, False, "Actor"), first
        )


@strawberry.type(description="A conflict over land or territory.")
class LandDispute(Node):
    name: str
    driver: DisputeDriver | None
    status: DisputeStatus | None

    @strawberry.field(description="Communities, companies and others party to it.")
    async def parties(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        spec = link_spec("LandDispute", Rel.PARTY_TO, False, "Actor")
        return await load_links(info, self.id, spec, first)

    @strawberry.field(description="Incidents in this dispute, latest first.")
    async def incidents(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Incident]]:
        spec = link_spec("LandDispute", Rel.PART_OF, False, "Incident", "date")
        return await load_links(info, self.id, spec, first)

    @strawberry.field
    async def places(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Place]]:
        spec = link_spec("LandDispute", Rel.LOCATED_IN, True, "Place")
        return await load_links(info, self.id, spec, first)


@strawberry.type(description="A prosecutor's case file (carpeta fiscal).")
class Case(Node):
    file_number: str
    office: str | None
    status: CaseStatus
    opened_at: str | None

    @strawberry.field
    async def incidents(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Incident]]:
        spec = link_spec("Case", Rel.INVESTIGATES, True, "Incident", "date")
        return await load_links(info, self.id, spec, first)

    @strawberry.field(description="The actors the case accuses.")
    async def accused(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        return await load_links(info, self.id, link_spec("Case", Rel.ACCUSES, True, "Actor"), first)

    @strawberry.field
    async def protection_measures(
        self, info: Ctx, first: int = LINKS_DEFAULT
    ) -> list[Link[ProtectionMeasure]]:
        spec = link_spec("Case", Rel.CONCERNS, False, "ProtectionMeasure")
        return await load_links(info, self.id, spec, first)


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
        spec = link_spec("ProtectionMeasure", Rel.PROTECTS, True, "Actor")
        return await load_links(info, self.id, spec, first)

    @strawberry.field
    async def cases(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Case]]:
        spec = link_spec("ProtectionMeasure", Rel.CONCERNS, True, "Case")
        return await load_links(info, self.id, spec, first)

    @strawberry.field
    async def incidents(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Incident]]:
        spec = link_spec("ProtectionMeasure", Rel.CONCERNS, True, "Incident", "date")
        return await load_links(info, self.id, spec, first)


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
        spec = link_spec("Complaint", Rel.REPORTS, True, "Incident", "date")
        return await load_links(info, self.id, spec, first)

    @strawberry.field(description="Persons, organisations and communities it names.")
    async def actors(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        return await load_links(
            info, self.id, link_spec("Complaint", Rel.MENTIONS, True, "Actor"), first
        )

    @strawberry.field(description="Places it names.")
    async def places(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Place]]:
        return await load_links(
            info, self.id, link_spec("Complaint", Rel.MENTIONS, True, "Place"), first
        )

    @strawberry.field(description="Land disputes it names.")
    async def disputes(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[LandDispute]]:
        spec = link_spec("Complaint", Rel.MENTIONS, True, "LandDispute")
        return await load_links(info, self.id, spec, first)


# --- from store views to types --------------------------------------------------------


@converts("Incident")
def to_incident(view: NodeView) -> Incident:
    p = view.props
    return Incident(
        **common(view),
        type=IncidentType(p["type"]),
        date=p.get("date"),
        date_precision=member(DatePrecision, p.get("date_precision")),
        severity=p.get("severity"),
        raw_summary=p.get("summary"),
    )


@converts("Place")
def to_place(view: NodeView) -> Place:
    p = view.props
    return Place(
        id=strawberry.ID(view.id),
        name=p.get("name", ""),
        ubigeo=p.get("ubigeo"),
        level=PlaceLevel(p.get("level", "locality")),
        lat=p.get("lat"),
        lon=p.get("lon"),
    )


@converts("LandDispute")
def to_dispute(view: NodeView) -> LandDispute:
    p = view.props
    return LandDispute(
        id=strawberry.ID(view.id),
        name=p.get("name", ""),
        driver=member(DisputeDriver, p.get("driver")),
        status=member(DisputeStatus, p.get("status")),
    )


@converts("Case")
def to_case(view: NodeView) -> Case:
    p = view.props
    return Case(
        id=strawberry.ID(view.id),
        file_number=p["file_number"],
        office=p.get("office"),
        status=CaseStatus(p["status"]),
        opened_at=p.get("opened_at"),
    )


@converts("ProtectionMeasure")
def to_measure(view: NodeView) -> ProtectionMeasure:
    p = view.props
    return ProtectionMeasure(
        id=strawberry.ID(view.id),
        kind=p["kind"],
        status=MeasureStatus(p["status"]),
        requested_at=p.get("requested_at"),
        granted_at=p.get("granted_at"),
        implemented_at=p.get("implemented_at"),
        authority=p.get("authority"),
    )


@converts("Complaint")
def to_complaint(view: NodeView) -> Complaint:
    p = view.props
    return Complaint(
        id=strawberry.ID(view.id),
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
