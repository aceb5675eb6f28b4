"""GraphQL enums, generated from the domain model's vocabularies (declared once there).

``IncidentType.ATTEMPTED_KILLING`` has the value ``"attempted_killing"``, the word the
store keeps. For the type checker they are plain ``Enum`` classes.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar

import strawberry

from graph import model
from graph.analysis import analytics, networks

E = TypeVar("E", bound=Enum)


def vocabulary(name: str, values: tuple[str, ...], description: str) -> Any:
    enum = Enum(name, {v.upper(): v for v in values})  # type: ignore[misc]
    return strawberry.enum(enum, description=description)


def member(enum: type[E], value: Any) -> E | None:
    """The member of ``enum`` for a stored value; None when unset."""
    return None if value is None else enum(value)


# "suspect": named in a report, not attributed the act (SUSPECTED_OF), pending review
ROLES = ("perpetrator", "victim", "witness", "suspect")
SEARCH_KINDS = ("actor", "place", "land_dispute", "case")
ACTOR_KINDS = tuple(k.lower() for k in model.ACTOR_KINDS)
RELATIONSHIPS = tuple(r.type.lower() for r in model.MODEL.relationships if r.fact)

if TYPE_CHECKING:
    IncidentType = Enum
    DatePrecision = Enum
    OrganizationKind = Enum
    CommunityKind = Enum
    Gender = Enum
    PlaceLevel = Enum
    DisputeDriver = Enum
    DisputeStatus = Enum
    CaseStatus = Enum
    MeasureStatus = Enum
    Confidentiality = Enum
    ComplaintStatus = Enum
    Channel = Enum
    Method = Enum
    ReviewStatus = Enum
    Role = Enum
    ActorKind = Enum
    ActorRelationship = Enum
    SearchKind = Enum
    RelationshipType = Enum
    AlertLevel = Enum
    AlertStatus = Enum
    CentralityMetric = Enum
    StatsGroup = Enum
    HotspotLevel = Enum
    Projection = Enum
else:
    IncidentType = vocabulary("IncidentType", model.INCIDENT_TYPES, "What was done.")
    DatePrecision = vocabulary("DatePrecision", model.DATE_PRECISIONS, "How precise a date is.")
    OrganizationKind = vocabulary(
        "OrganizationKind", model.ORGANIZATION_KINDS, "What an organisation is."
    )
    CommunityKind = vocabulary(
        "CommunityKind", model.COMMUNITY_KINDS, "Comunidad nativa or campesina."
    )
    Gender = vocabulary("Gender", model.GENDERS, "A person's gender, when known.")
    PlaceLevel = vocabulary("PlaceLevel", model.PLACE_LEVELS, "A place's level.")
    DisputeDriver = vocabulary(
        "DisputeDriver", model.DISPUTE_DRIVERS, "What drives a land dispute."
    )
    DisputeStatus = vocabulary("DisputeStatus", model.DISPUTE_STATUS, "A dispute's state.")
    CaseStatus = vocabulary("CaseStatus", model.CASE_STATUS, "A prosecutor's case state.")
    MeasureStatus = vocabulary(
        "MeasureStatus", model.MEASURE_STATUS, "A protection measure's state."
    )
    Confidentiality = vocabulary(
        "Confidentiality", model.CONFIDENTIALITY, "Who may read a complaint."
    )
    ComplaintStatus = vocabulary(
        "ComplaintStatus", model.COMPLAINT_STATUS, "Where a complaint is in intake."
    )
    Channel = vocabulary("Channel", model.CHANNELS, "How a complaint arrived.")
    Method = vocabulary("Method", model.METHODS, "How a piece of evidence was found.")
    ReviewStatus = vocabulary("ReviewStatus", model.REVIEW_STATUS, "Human review of a fact.")
    Role = vocabulary(
        "Role",
        ROLES,
        "An actor's part in an incident. SUSPECT: named in a report of it that does not "
        "attribute the act to them; pending review, never an accusation.",
    )
    ActorKind = vocabulary("ActorKind", ACTOR_KINDS, "The three kinds of actor.")
    ActorRelationship = vocabulary(
        "ActorRelationship", model.LINK_TYPES, "Relationships a user may record between two actors."
    )
    SearchKind = vocabulary("SearchKind", SEARCH_KINDS, "What search looks through.")
    RelationshipType = vocabulary(
        "RelationshipType", RELATIONSHIPS, "A kind of fact between two nodes."
    )
    AlertLevel = vocabulary("AlertLevel", model.ALERT_LEVELS, "A level of risk.")
    AlertStatus = vocabulary(
        "AlertStatus", model.ALERT_STATUS, "Where an alerta temprana is in its procedure."
    )
    CentralityMetric = vocabulary(
        "CentralityMetric", networks.METRICS, "How key actors are ranked."
    )
    StatsGroup = vocabulary("StatsGroup", analytics.GROUP_BY, "How incidents are broken down.")
    HotspotLevel = vocabulary("HotspotLevel", tuple(analytics.LEVELS), "Area size for hotspots.")
    Projection = vocabulary(
        "Projection",
        ("incidents", "disputes"),
        "Actors linked through shared incidents, or companies and communities linked "
        "through land disputes.",
    )
