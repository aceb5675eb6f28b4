"""Actors: persons, organisations and communities, with their relationships as fields,
and the record of a merge of two actors.

The kinds an actor links to (incidents, places, disputes, complaints, cases, measures)
are declared in ``schema.incidents``, which builds on this module; they are named here
lazily (``strawberry.lazy``), so the two modules do not import each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from graph.model import ALL_ROLES, ROLE_TYPES, Rel
from graph.store.repository import NodeView
from schema.context import Ctx
from schema.enums import CommunityKind, Gender, OrganizationKind, Role, member
from schema.facts import LINKS_DEFAULT, Link, link_spec, load_links
from schema.nodes import Node, common, converts, load_node

if TYPE_CHECKING:
    from schema.incidents import Case, Complaint, Incident, LandDispute, Place, ProtectionMeasure

_AT = "schema.incidents"
IncidentRef = Annotated["Incident", strawberry.lazy(_AT)]
PlaceRef = Annotated["Place", strawberry.lazy(_AT)]
LandDisputeRef = Annotated["LandDispute", strawberry.lazy(_AT)]
ComplaintRef = Annotated["Complaint", strawberry.lazy(_AT)]
CaseRef = Annotated["Case", strawberry.lazy(_AT)]
ProtectionMeasureRef = Annotated["ProtectionMeasure", strawberry.lazy(_AT)]

ROLE_LINKS = {
    role: link_spec("Actor", t, True, "Incident", "date") for role, t in ROLE_TYPES.items()
}
ALL_ROLE_LINKS = link_spec("Actor", "|".join(ALL_ROLES), True, "Incident", "date")


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
    ) -> list[Link[IncidentRef]]:
        spec = ALL_ROLE_LINKS if role is None else ROLE_LINKS[role.value]
        return await load_links(info, self.id, spec, first)

    @strawberry.field(description="Organisations and communities the actor belongs to.")
    async def member_of(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        return await load_links(
            info, self.id, link_spec("Actor", Rel.MEMBER_OF, True, "Actor"), first
        )

    @strawberry.field(description="Members of this organisation or community.")
    async def members(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        return await load_links(
            info, self.id, link_spec("Actor", Rel.MEMBER_OF, False, "Actor"), first
        )

    @strawberry.field(description="Organisations the person works for.")
    async def works_for(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        return await load_links(
            info, self.id, link_spec("Actor", Rel.WORKS_FOR, True, "Actor"), first
        )

    @strawberry.field(description="People who work for this organisation.")
    async def employees(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        return await load_links(
            info, self.id, link_spec("Actor", Rel.WORKS_FOR, False, "Actor"), first
        )

    @strawberry.field(description="Places the actor is located in.")
    async def places(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[PlaceRef]]:
        return await load_links(
            info, self.id, link_spec("Actor", Rel.LOCATED_IN, True, "Place"), first
        )

    @strawberry.field(description="Land disputes the actor is a party to.")
    async def disputes(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[LandDisputeRef]]:
        spec = link_spec("Actor", Rel.PARTY_TO, True, "LandDispute")
        return await load_links(info, self.id, spec, first)

    @strawberry.field(description="Complaints that name the actor, latest first.")
    async def mentioned_in(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[ComplaintRef]]:
        spec = link_spec("Actor", Rel.MENTIONS, False, "Complaint", "received")
        return await load_links(info, self.id, spec, first)

    @strawberry.field(description="Prosecutors' cases that accuse the actor.")
    async def accused_in(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[CaseRef]]:
        return await load_links(
            info, self.id, link_spec("Actor", Rel.ACCUSES, False, "Case"), first
        )

    @strawberry.field(description="Protection measures for the actor.")
    async def protection_measures(
        self, info: Ctx, first: int = LINKS_DEFAULT
    ) -> list[Link[ProtectionMeasureRef]]:
        spec = link_spec("Actor", Rel.PROTECTS, False, "ProtectionMeasure")
        return await load_links(info, self.id, spec, first)

    @strawberry.field(description="Actors that may be this one: review candidates.")
    async def possibly_same_as(self, info: Ctx, first: int = LINKS_DEFAULT) -> list[Link[Actor]]:
        out = await load_links(
            info, self.id, link_spec("Actor", Rel.POSSIBLY_SAME_AS, True, "Actor"), first
        )
        back = await load_links(
            info, self.id, link_spec("Actor", Rel.POSSIBLY_SAME_AS, False, "Actor"), first
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
        **common(view),
        "name": p.get("name", ""),
        "aliases": list(p.get("aliases") or []),
        "merged_into": p.get("merged_into"),
    }


@converts("Person")
def to_person(view: NodeView) -> Person:
    p = view.props
    return Person(
        **_actor_fields(view),
        gender=member(Gender, p.get("gender")),
        people=p.get("people"),
        defender=p.get("defender"),
        protected=p.get("protected"),
    )


@converts("Organization")
def to_organization(view: NodeView) -> Organization:
    p = view.props
    return Organization(
        **_actor_fields(view),
        organization_kind=OrganizationKind(p.get("kind", "other")),
        acronym=p.get("acronym"),
        ruc=p.get("ruc"),
    )


@converts("Community")
def to_community(view: NodeView) -> Community:
    p = view.props
    return Community(
        **_actor_fields(view),
        community_kind=CommunityKind(p.get("community_kind", "other")),
        people=p.get("people"),
        titling_status=p.get("titling_status"),
    )


@converts("ActorMerge")
def _merge_from_view(view: NodeView) -> ActorMerge:
    return to_merge(view.props)
