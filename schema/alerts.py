"""Risk assessments and alerts (alerta temprana): types, queries, mutations, events.

Thin over ``graph.analysis.risk`` and ``graph.analysis.alerts``: every score comes with its
factors, their weights and the evidence (incidents and complaint quotes) behind each, so
an expert can check the arithmetic and the sources before acting.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Callable, Mapping
from dataclasses import asdict
from typing import Annotated, Any

import strawberry

from graph.analysis import alerts, risk_reads
from graph.analysis.alerts import AlertChange
from graph.store.repository import NodeView
from schema import disclosure
from schema import filters as f
from schema.actors import Actor
from schema.context import Ctx
from schema.enums import AlertLevel, AlertStatus, member
from schema.errors import USER_ERRORS, UserError, as_result
from schema.events import AlertEventData
from schema.incidents import Incident
from schema.nodes import Node, converts, load_node
from schema.pagination import Connection, connection
from schema.threads import in_thread

PAGE = 20


# --- risk -------------------------------------------------------------------------------


@strawberry.type(description="What a factor rests on: an incident, a complaint quote, a node.")
class RiskEvidence:
    incident_id: strawberry.ID | None
    complaint_id: strawberry.ID | None
    node_id: strawberry.ID | None
    raw_quote: strawberry.Private[str | None]

    @strawberry.field(
        description="The complaint's words, persons redacted as the role requires; null "
        "when the role may not read that complaint (sealed)."
    )
    async def quote(self, info: Ctx) -> str | None:
        if self.complaint_id is None:
            return await disclosure.note(info.context, self.raw_quote)
        return await disclosure.from_complaint(info.context, self.complaint_id, self.raw_quote)

    @strawberry.field
    async def incident(self, info: Ctx) -> Incident | None:
        return None if self.incident_id is None else await load_node(info, self.incident_id)


@strawberry.type(description="One reason for the score: its weight, its points, its evidence.")
class RiskFactor:
    name: str
    label: str = strawberry.field(description="The factor as the mechanism names it.")
    weight: float = strawberry.field(description="Points per unit, from risk.toml.")
    points: float
    raw_detail: strawberry.Private[str]
    evidence: list[RiskEvidence]

    @strawberry.field(
        description="The factor in words (incidents, aggressors, land disputes, areas); "
        "persons' names redacted as the role requires."
    )
    async def detail(self, info: Ctx) -> str:
        return await disclosure.generated(info.context, self.raw_detail)


@strawberry.type(description="An explainable risk assessment of a defender or a community.")
class RiskAssessment:
    actor_id: strawberry.ID
    score: float
    level: AlertLevel
    factors: list[RiskFactor]
    as_of: str
    urgent: bool = strawberry.field(
        description="The latest incident is a killing attempt (or worse) or a death threat."
    )
    latest_incident_id: strawberry.ID | None

    @strawberry.field
    async def actor(self, info: Ctx) -> Actor | None:
        found: Actor | None = await load_node(info, self.actor_id)
        return found


def _id(value: Any) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))


def to_assessment(a: Mapping[str, Any]) -> RiskAssessment:
    """From ``dataclasses.asdict`` of a ``graph.analysis.risk.Assessment`` (also as kept
    on alerts)."""
    return RiskAssessment(
        actor_id=strawberry.ID(a["subject_id"]),
        score=a["score"],
        level=AlertLevel(a["level"]),
        factors=[
            RiskFactor(
                name=x["name"],
                label=x["label"],
                weight=x["weight"],
                points=x["points"],
                raw_detail=x["detail"],
                evidence=[
                    RiskEvidence(
                        incident_id=_id(e["incident_id"]),
                        complaint_id=_id(e["complaint_id"]),
                        raw_quote=e["quote"],
                        node_id=_id(e["node_id"]),
                    )
                    for e in x["evidence"]
                ],
            )
            for x in a["factors"]
        ],
        as_of=a["as_of"],
        urgent=a["urgent"],
        latest_incident_id=_id(a["latest_incident"]),
    )


# --- alerts -----------------------------------------------------------------------------


@strawberry.type(description="One change to an alert: who, when, what and why.")
class AlertTransition:
    at: str
    by: str
    action: str = strawberry.field(description="created, escalated, status, level or consultation.")
    from_: str | None = strawberry.field(name="from")
    to: str | None
    raw_reason: strawberry.Private[str | None]

    @strawberry.field
    async def reason(self, info: Ctx) -> str | None:
        return await disclosure.note(info.context, self.raw_reason)


@strawberry.type(description="An alerta temprana about a defender or community at risk.")
class Alert(Node):
    level: AlertLevel = strawberry.field(description="The level in force (an override wins).")
    assessed_level: AlertLevel | None
    status: AlertStatus
    urgent: bool
    score: float | None
    consulted: bool = strawberry.field(description="The person at risk was consulted.")
    subject_id: strawberry.ID
    latest_incident_id: strawberry.ID | None
    complaint_id: strawberry.ID | None
    ubigeo: str | None
    created_at: str | None
    updated_at: str | None
    history: list[AlertTransition]
    raw_assessment: strawberry.Private[str | None]
    raw_notes: strawberry.Private[Mapping[str, Any]]

    @strawberry.field(description="Why an expert set the level.")
    async def override_reason(self, info: Ctx) -> str | None:
        return await disclosure.note(info.context, self.raw_notes.get("override_reason"))

    @strawberry.field(description="What the person or community at risk said.")
    async def consultation_note(self, info: Ctx) -> str | None:
        return await disclosure.note(info.context, self.raw_notes.get("consultation_note"))

    @strawberry.field(description="The defender or community at risk.")
    async def subject(self, info: Ctx) -> Actor | None:
        found: Actor | None = await load_node(info, self.subject_id)
        return found

    @strawberry.field(description="The incident that raised the level.")
    async def latest_incident(self, info: Ctx) -> Incident | None:
        if self.latest_incident_id is None:
            return None
        found: Incident | None = await load_node(info, self.latest_incident_id)
        return found

    @strawberry.field(description="The assessment that raised (or last escalated) the alert.")
    def assessment(self) -> RiskAssessment | None:
        return None if not self.raw_assessment else to_assessment(json.loads(self.raw_assessment))


def to_alert(p: Mapping[str, Any]) -> Alert:
    return Alert(
        id=strawberry.ID(str(p["id"])),
        level=AlertLevel(p["level"]),
        assessed_level=member(AlertLevel, p.get("assessed_level")),
        status=AlertStatus(p["status"]),
        urgent=bool(p.get("urgent")),
        score=p.get("score"),
        consulted=bool(p.get("consulted")),
        subject_id=strawberry.ID(str(p["subject_id"])),
        latest_incident_id=_id(p.get("latest_incident")),
        complaint_id=_id(p.get("complaint_id")),
        ubigeo=p.get("ubigeo"),
        created_at=p.get("created_at"),
        updated_at=p.get("updated_at"),
        history=[
            AlertTransition(
                at=h["at"],
                by=h["by"],
                action=h["action"],
                from_=None if h["from"] is None else str(h["from"]).lower(),
                to=None if h["to"] is None else str(h["to"]).lower(),
                raw_reason=h["reason"],
            )
            for h in alerts.history(p)
        ],
        raw_assessment=p.get("assessment"),
        raw_notes={k: p.get(k) for k in ("override_reason", "consultation_note")},
    )


@converts("Alert")
def alert_from_view(view: NodeView) -> Alert:
    return to_alert({**view.props, "id": view.id})


@strawberry.type
class AlertQuery:
    @strawberry.field(
        description="The risk of a defender or community now: score, level (low, medium, "
        "high, extreme) and every factor with its weight and evidence."
    )
    async def risk_assessment(self, info: Ctx, actor_id: strawberry.ID) -> RiskAssessment:
        found = await in_thread(risk_reads.assess_actor, info.context.store, str(actor_id))
        return to_assessment(asdict(found))

    @strawberry.field(
        description="Alerts (alertas tempranas), newest first. `status` and `level` take "
        "one value or a list; `region` is a UBIGEO prefix (2, 4 or 6 digits) of the "
        "latest incident's district."
    )
    async def alerts(
        self,
        info: Ctx,
        status: list[AlertStatus] | None = None,
        level: list[AlertLevel] | None = None,
        region: str | None = None,
        actor_id: strawberry.ID | None = None,
        order_by: f.AlertOrder | None = None,
        first: int = PAGE,
        after: str | None = None,
    ) -> Connection[Alert]:
        o = order_by or f.AlertOrder()
        desc = o.direction is f.Direction.DESC
        criteria = f.alert_criteria(status, level, region, actor_id)
        return await connection(
            info, "Alert", criteria, str(o.field.value), desc, first, after, alert_from_view
        )

    @strawberry.field(description="One alert by id.")
    async def alert(self, info: Ctx, id: strawberry.ID) -> Alert | None:
        found = await load_node(info, id)
        return found if isinstance(found, Alert) else None


# --- the procedure ----------------------------------------------------------------------


@strawberry.type(description="The alert after the change.")
class AlertChanged:
    alert: Alert


AlertResult = Annotated[AlertChanged | UserError, strawberry.union("AlertResult")]


async def _change(fn: Callable[..., Mapping[str, Any]], *args: Any, **kwargs: Any) -> AlertResult:
    try:
        props = await in_thread(fn, *args, **kwargs)
    except USER_ERRORS as exc:
        return as_result(exc)
    return AlertChanged(alert=to_alert(props))


@strawberry.type
class AlertMutation:
    @strawberry.mutation(
        description="Move an alert along new → under_review → measures_requested → closed "
        "(closing is allowed from any open state), saying why."
    )
    async def transition_alert(
        self, info: Ctx, id: strawberry.ID, status: AlertStatus, reason: str
    ) -> AlertResult:
        return await _change(
            alerts.transition,
            info.context.store,
            str(id),
            str(status.value),
            by=info.context.who(),
            reason=reason,
        )

    @strawberry.mutation(description="An expert sets the alert's level, with a reason.")
    async def override_alert_level(
        self, info: Ctx, id: strawberry.ID, level: AlertLevel, reason: str
    ) -> AlertResult:
        return await _change(
            alerts.override_level,
            info.context.store,
            str(id),
            str(level.value),
            by=info.context.who(),
            reason=reason,
        )

    @strawberry.mutation(
        description="Record whether the person or community at risk was consulted, and "
        "what they said (or why they could not be asked)."
    )
    async def record_alert_consultation(
        self, info: Ctx, id: strawberry.ID, consulted: bool, note: str
    ) -> AlertResult:
        return await _change(
            alerts.record_consultation,
            info.context.store,
            str(id),
            consulted,
            by=info.context.who(),
            note=note,
        )


# --- events -----------------------------------------------------------------------------


def events_of(changes: list[AlertChange]) -> list[AlertEventData]:
    return [AlertEventData(c.kind, c.alert) for c in changes]


@strawberry.type(description="An alert created or escalated by intake.")
class AlertEvent:
    kind: str = strawberry.field(description="created or escalated.")
    alert: Alert


@strawberry.type
class AlertSubscription:
    @strawberry.subscription(
        description="Alerts created or escalated in this server, as intake raises them."
    )
    async def alerts(
        self, info: Ctx, urgent_only: bool = False
    ) -> AsyncGenerator[AlertEvent, None]:
        async for e in info.context.services.alert_broker.subscribe():
            if urgent_only and not e.alert.get("urgent"):
                continue
            yield AlertEvent(kind=e.kind, alert=to_alert(e.alert))
