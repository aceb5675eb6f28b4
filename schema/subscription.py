"""Subscriptions over ``graphql-transport-ws``."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from enum import Enum

import strawberry

from schema.alerts import AlertSubscription
from schema.context import Ctx


@strawberry.enum
class ComplaintEventKind(Enum):
    RECEIVED = "received"
    EXTRACTED = "extracted"
    FAILED = "failed"


@strawberry.type(description="A step of a complaint through intake.")
class ComplaintEvent:
    kind: ComplaintEventKind
    complaint_id: strawberry.ID
    status: str
    at: str
    detail: str | None


@strawberry.type
class Subscription(AlertSubscription):
    @strawberry.subscription(
        description="Complaints received, extracted or failed in this server, as they happen."
    )
    async def complaint_events(
        self, info: Ctx, complaint_ids: list[strawberry.ID] | None = None
    ) -> AsyncGenerator[ComplaintEvent, None]:
        wanted = set(complaint_ids or [])
        own_only = info.context.role == "intake"  # intake sees its own submissions only
        async for e in info.context.services.broker.subscribe():
            if wanted and e.complaint_id not in wanted:
                continue
            if own_only and e.submitted_by != info.context.who():
                continue
            yield ComplaintEvent(
                kind=ComplaintEventKind(e.kind),
                complaint_id=strawberry.ID(e.complaint_id),
                status=e.status,
                at=e.at,
                detail=e.detail,
            )
