"""Filter and order inputs of the list queries, and their translation to ``Criteria``.

Names are matched accent- and case-insensitively (``grandez`` finds ``Grández``);
``ubigeo`` is a prefix (``25`` Ucayali, ``2503`` Atalaya, ``250305`` Tahuanía); dates
are ``YYYY-MM-DD`` and a month- or year-precise date counts when it may fall inside.
``and``/``or`` take lists of filters of the same kind.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any

import strawberry

from graph.cypher.filters import Criteria
from graph.errors import ModelError
from nlp.text import fold
from schema.enums import (
    ActorKind,
    CaseStatus,
    Channel,
    CommunityKind,
    ComplaintStatus,
    Confidentiality,
    DisputeDriver,
    DisputeStatus,
    IncidentType,
    OrganizationKind,
    PlaceLevel,
    ReviewStatus,
    Role,
)

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_UBIGEO = re.compile(r"^\d{2}(\d{2}){0,2}$")
MAX_NESTING = 4


def _values(items: list[Any] | None) -> tuple[str, ...]:
    return tuple(str(i.value) for i in items or [])


def _date(name: str, value: str | None) -> str | None:
    if value is not None and not _DATE.match(value):
        raise ModelError(f"{name} must be YYYY-MM-DD (or YYYY-MM, YYYY); got {value!r}")
    return value


def _ubigeo(value: str | None) -> str | None:
    if value is not None and not _UBIGEO.match(value):
        raise ModelError(f"ubigeo must be 2, 4 or 6 digits; got {value!r}")
    return value


def _text(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    folded = fold(value)
    if not folded or len(folded) > 200:
        raise ModelError(f"{name} must be 1 to 200 characters")
    return folded


def _nested(f: Any, depth: int, convert: Any) -> dict[str, Any]:
    if depth > MAX_NESTING:
        raise ModelError(f"filters nest at most {MAX_NESTING} levels")
    return {
        "all_of": tuple(convert(x, depth + 1) for x in f.and_ or []),
        "any_of": tuple(convert(x, depth + 1) for x in f.or_ or []),
    }


def _role(value: Enum | None) -> str | None:
    return None if value is None else str(value.value)


@strawberry.input(description="Filter actors. All given fields must hold.")
class ActorFilter:
    name: str | None = strawberry.field(
        default=None, description="Contained in the name or an alias, accents ignored."
    )
    kinds: list[ActorKind] | None = None
    organization_kinds: list[OrganizationKind] | None = None
    community_kinds: list[CommunityKind] | None = None
    ubigeo: str | None = strawberry.field(
        default=None, description="Located in, or involved in an incident in, this area."
    )
    role: Role | None = strawberry.field(
        default=None, description="Has this role in an incident (with the incident filters)."
    )
    incident_types: list[IncidentType] | None = None
    date_from: str | None = None
    date_to: str | None = None
    review: list[ReviewStatus] | None = None
    drivers: list[DisputeDriver] | None = strawberry.field(
        default=None, description="Party to a land dispute with one of these drivers."
    )
    and_: list[ActorFilter] | None = strawberry.field(default=None, name="and")
    or_: list[ActorFilter] | None = strawberry.field(default=None, name="or")


def actor_criteria(f: ActorFilter | None, depth: int = 0) -> Criteria | None:
    if f is None:
        return None
    return Criteria(
        name=_text("name", f.name or None),
        kinds=tuple(k.value.capitalize() for k in f.kinds or []),
        organization_kinds=_values(f.organization_kinds),
        community_kinds=_values(f.community_kinds),
        ubigeo=_ubigeo(f.ubigeo),
        role=_role(f.role),
        incident_types=_values(f.incident_types),
        date_from=_date("dateFrom", f.date_from),
        date_to=_date("dateTo", f.date_to),
        review=_values(f.review),
        drivers=_values(f.drivers),
        **_nested(f, depth, actor_criteria),
    )


@strawberry.input(description="Filter incidents. All given fields must hold.")
class IncidentFilter:
    types: list[IncidentType] | None = None
    date_from: str | None = None
    date_to: str | None = None
    ubigeo: str | None = strawberry.field(default=None, description="Occurred in this area.")
    actor_name: str | None = strawberry.field(
        default=None, description="An actor taking part (in `role`, if given) is named so."
    )
    actor_id: strawberry.ID | None = None
    role: Role | None = None
    drivers: list[DisputeDriver] | None = None
    review: list[ReviewStatus] | None = strawberry.field(
        default=None, description="A role in it has this review status."
    )
    and_: list[IncidentFilter] | None = strawberry.field(default=None, name="and")
    or_: list[IncidentFilter] | None = strawberry.field(default=None, name="or")


def incident_criteria(f: IncidentFilter | None, depth: int = 0) -> Criteria | None:
    if f is None:
        return None
    return Criteria(
        incident_types=_values(f.types),
        date_from=_date("dateFrom", f.date_from),
        date_to=_date("dateTo", f.date_to),
        ubigeo=_ubigeo(f.ubigeo),
        name=_text("actorName", f.actor_name),
        actor_id=f.actor_id,
        role=_role(f.role),
        drivers=_values(f.drivers),
        review=_values(f.review),
        **_nested(f, depth, incident_criteria),
    )


@strawberry.input(description="Filter complaints.")
class ComplaintFilter:
    statuses: list[ComplaintStatus] | None = None
    channels: list[Channel] | None = None
    confidentiality: list[Confidentiality] | None = None
    languages: list[str] | None = None
    received_from: str | None = None
    received_to: str | None = None
    incident_types: list[IncidentType] | None = None
    and_: list[ComplaintFilter] | None = strawberry.field(default=None, name="and")
    or_: list[ComplaintFilter] | None = strawberry.field(default=None, name="or")


def complaint_criteria(f: ComplaintFilter | None, depth: int = 0) -> Criteria | None:
    if f is None:
        return None
    return Criteria(
        statuses=_values(f.statuses),
        channels=_values(f.channels),
        confidentiality=_values(f.confidentiality),
        languages=tuple(f.languages or ()),
        date_from=_date("receivedFrom", f.received_from),
        date_to=_date("receivedTo", f.received_to),
        incident_types=_values(f.incident_types),
        **_nested(f, depth, complaint_criteria),
    )


@strawberry.input(description="Filter land disputes.")
class LandDisputeFilter:
    name: str | None = None
    drivers: list[DisputeDriver] | None = None
    statuses: list[DisputeStatus] | None = None
    ubigeo: str | None = None
    party_id: strawberry.ID | None = None
    and_: list[LandDisputeFilter] | None = strawberry.field(default=None, name="and")
    or_: list[LandDisputeFilter] | None = strawberry.field(default=None, name="or")


def dispute_criteria(f: LandDisputeFilter | None, depth: int = 0) -> Criteria | None:
    if f is None:
        return None
    return Criteria(
        name=_text("name", f.name),
        drivers=_values(f.drivers),
        statuses=_values(f.statuses),
        ubigeo=_ubigeo(f.ubigeo),
        actor_id=f.party_id,
        **_nested(f, depth, dispute_criteria),
    )


@strawberry.input(description="Filter prosecutors' cases.")
class CaseFilter:
    file_number: str | None = None
    office: str | None = None
    statuses: list[CaseStatus] | None = None
    opened_from: str | None = None
    opened_to: str | None = None
    accused_id: strawberry.ID | None = None
    and_: list[CaseFilter] | None = strawberry.field(default=None, name="and")
    or_: list[CaseFilter] | None = strawberry.field(default=None, name="or")


def _lower(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    if not value.strip() or len(value) > 200:
        raise ModelError(f"{name} must be 1 to 200 characters")
    return value.strip().lower()


def case_criteria(f: CaseFilter | None, depth: int = 0) -> Criteria | None:
    if f is None:
        return None
    return Criteria(
        name=_lower("fileNumber", f.file_number),
        office=_lower("office", f.office),
        statuses=_values(f.statuses),
        date_from=_date("openedFrom", f.opened_from),
        date_to=_date("openedTo", f.opened_to),
        actor_id=f.accused_id,
        **_nested(f, depth, case_criteria),
    )


@strawberry.input(description="Filter places.")
class PlaceFilter:
    name: str | None = None
    levels: list[PlaceLevel] | None = None
    ubigeo: str | None = None
    and_: list[PlaceFilter] | None = strawberry.field(default=None, name="and")
    or_: list[PlaceFilter] | None = strawberry.field(default=None, name="or")


def place_criteria(f: PlaceFilter | None, depth: int = 0) -> Criteria | None:
    if f is None:
        return None
    return Criteria(
        name=_text("name", f.name),
        levels=_values(f.levels),
        ubigeo=_ubigeo(f.ubigeo),
        **_nested(f, depth, place_criteria),
    )


@strawberry.enum(description="Sort keys of actors.")
class ActorOrderField(Enum):
    NAME = "name"
    CREATED = "created"


@strawberry.enum(description="Sort keys of incidents.")
class IncidentOrderField(Enum):
    DATE = "date"
    CREATED = "created"


@strawberry.enum(description="Sort keys of complaints.")
class ComplaintOrderField(Enum):
    RECEIVED = "received"
    CREATED = "created"


@strawberry.enum(description="Sort keys of land disputes.")
class LandDisputeOrderField(Enum):
    NAME = "name"
    CREATED = "created"


@strawberry.enum(description="Sort keys of cases.")
class CaseOrderField(Enum):
    FILE_NUMBER = "file_number"
    OPENED = "opened"
    CREATED = "created"


@strawberry.enum(description="Sort keys of places.")
class PlaceOrderField(Enum):
    NAME = "name"
    UBIGEO = "ubigeo"


@strawberry.enum
class Direction(Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.input
class ActorOrder:
    field: ActorOrderField = ActorOrderField.NAME
    direction: Direction = Direction.ASC


@strawberry.input
class IncidentOrder:
    field: IncidentOrderField = IncidentOrderField.DATE
    direction: Direction = Direction.DESC


@strawberry.input
class ComplaintOrder:
    field: ComplaintOrderField = ComplaintOrderField.RECEIVED
    direction: Direction = Direction.DESC


@strawberry.input
class LandDisputeOrder:
    field: LandDisputeOrderField = LandDisputeOrderField.NAME
    direction: Direction = Direction.ASC


@strawberry.input
class CaseOrder:
    field: CaseOrderField = CaseOrderField.FILE_NUMBER
    direction: Direction = Direction.ASC


@strawberry.input
class PlaceOrder:
    field: PlaceOrderField = PlaceOrderField.NAME
    direction: Direction = Direction.ASC


def _region(value: str | None) -> str | None:
    if value is not None and not _UBIGEO.match(value):
        raise ModelError(f"region must be a UBIGEO prefix of 2, 4 or 6 digits; got {value!r}")
    return value


def alert_criteria(
    statuses: list[Any] | None, levels: list[Any] | None, region: str | None, actor: Any
) -> Criteria | None:
    """The alert listing's arguments as criteria."""
    return Criteria(
        statuses=_values(statuses),
        levels=_values(levels),
        ubigeo=_region(region),
        actor_id=str(actor) if actor else None,
    )


@strawberry.enum(description="Sort keys of alerts.")
class AlertOrderField(Enum):
    CREATED = "created"
    UPDATED = "updated"
    SCORE = "score"


@strawberry.input
class AlertOrder:
    field: AlertOrderField = AlertOrderField.CREATED
    direction: Direction = Direction.DESC
