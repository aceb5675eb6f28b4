"""Mutations: intake of complaints, review and curation of the graph.

Expected failures come back as typed results (``ValidationError``, ``NotFound``,
``Conflict``); only unexpected ones are raised (and masked).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import strawberry

from graph.errors import ModelError
from graph.intake.durable import (
    BatchExtractor,
    ComplaintIn,
    Sender,
    normalise_day,
    normalise_instant,
)
from graph.intake.extraction import batch_extractor
from graph.intake.ingest import Arrival, Ingested, IngestOptions, Refused, ingest
from graph.rows import utc_now
from schema.alerts import AlertMutation, events_of
from schema.context import Ctx
from schema.curation import CurationMutation
from schema.enums import Channel, ComplaintStatus, Confidentiality
from schema.errors import USER_ERRORS, UserError, ValidationError, as_result
from schema.events import ComplaintEventData
from schema.incidents import Complaint
from schema.nodes import load_node
from schema.services import Services
from schema.threads import in_thread

MAX_BATCH = 100


@strawberry.input(description="A complaint (denuncia) as it arrives.")
class ComplaintInput:
    text: str
    received_at: str | None = strawberry.field(
        default=None, description="ISO-8601 instant; defaults to now."
    )
    channel: Channel | None = None
    confidentiality: Confidentiality | None = strawberry.field(
        default=None, description="Defaults to restricted."
    )
    source: str | None = strawberry.field(
        default=None, description="Who or what brought it (an office, a partner)."
    )
    reported_at: str | None = strawberry.field(
        default=None,
        description="When the report was made or published (YYYY-MM-DD), from 1990 to "
        "today: relative dates in the text ('ayer', 'el 3 de octubre') are read against "
        "it. Defaults to receivedAt.",
    )


@strawberry.type(description="A stored complaint and what extraction made of it.")
class ComplaintSubmitted:
    complaint_id: strawberry.ID
    status: ComplaintStatus
    status_detail: str | None = strawberry.field(description="Why extraction failed.")
    duplicate: bool = strawberry.field(description="The same text was stored before.")
    confidentiality: Confidentiality = strawberry.field(
        description="The confidentiality the complaint is stored with. Submitting a stored "
        "text again with a higher one raises it (recorded in the audit log); a lower one "
        "never lowers it."
    )

    @strawberry.field(
        description="The complaint and what was extracted, as far as the token's role may "
        "see it (an intake token sees only complaintId and status)."
    )
    async def complaint(self, info: Ctx) -> Complaint | None:
        found: Complaint | None = await load_node(info, self.complaint_id)
        return found


@strawberry.type
class ComplaintsSubmitted:
    results: list[ComplaintSubmitted]


SubmitResult = Annotated[ComplaintSubmitted | UserError, strawberry.union("SubmitComplaintResult")]
SubmitManyResult = Annotated[
    ComplaintsSubmitted | UserError, strawberry.union("SubmitComplaintsResult")
]


class FieldError(ModelError):
    """An input field's value is refused; ``field`` names it as the schema does."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def _complaint(c: ComplaintInput, submitted_by: str | None) -> ComplaintIn:
    """The complaint an input holds (``ingest`` validates it)."""
    try:
        reported = normalise_day(c.reported_at, "reportedAt")
    except ModelError as exc:
        raise FieldError(str(exc), "reportedAt") from None
    return ComplaintIn(
        text=c.text,
        received_at=normalise_instant(c.received_at),
        channel=str(c.channel.value) if c.channel else "web",
        confidentiality=str(c.confidentiality.value) if c.confidentiality else "restricted",
        source=c.source,
        submitted_by=submitted_by,
        reported_at=reported,
    )


def _arrival(i: int, c: ComplaintInput, submitted_by: str | None) -> Arrival:
    try:
        return Arrival(f"inputs[{i}]", _complaint(c, submitted_by))
    except FieldError as exc:
        return Arrival(f"inputs[{i}]", error=str(exc), field=exc.field)
    except ModelError as exc:
        return Arrival(f"inputs[{i}]", error=str(exc))


def _extractor(services: Services) -> BatchExtractor:
    """The app's batch extractor, loaded on first use (the spaCy models take seconds)."""
    with services.extract_lock:
        if services.extractor is None:
            with batch_extractor(own_process=False) as loaded:
                services.extractor = loaded
        return services.extractor


def _ingest(services: Services, arriving: list[Arrival], sender: Sender) -> Ingested:
    assert services.store is not None
    # one extraction at a time: the pipelines are shared
    options = IngestOptions(whole=True, sender=sender, lock=services.extract_lock)
    return ingest(services.store, arriving, _extractor(services), options)


def _publish(services: Services, done: Ingested) -> None:
    """The events of a submission: alerts raised, complaints received and extracted."""
    if done.after is not None:
        for event in events_of(done.after.raised):
            services.alert_broker.publish(event)
    for receipt in done.receipts:
        stored = done.read_back[receipt.id]
        at, by = utc_now(), stored.get("submitted_by")
        if receipt.created:
            services.broker.publish(
                ComplaintEventData("received", receipt.id, "received", at, None, by)
            )
        kind = "extracted" if stored["status"] == "extracted" else "failed"
        services.broker.publish(
            ComplaintEventData(
                kind, receipt.id, str(stored["status"]), at, stored.get("status_detail"), by
            )
        )


async def _submit(
    info: Ctx, inputs: Sequence[ComplaintInput]
) -> list[ComplaintSubmitted] | Refused:
    """The complaints submitted, or the first input refused (none is stored then)."""
    services = info.context.services
    who = info.context.who()
    principal = info.context.principal
    sender = (
        Sender(str(principal.name), str(principal.role), principal.token_id)
        if principal is not None
        else Sender(who, "unknown")
    )
    arriving = [_arrival(i, c, who) for i, c in enumerate(inputs)]
    done = await in_thread(_ingest, services, arriving, sender)
    if done.refused:
        return done.refused[0]
    _publish(services, done)
    return [
        ComplaintSubmitted(
            complaint_id=strawberry.ID(receipt.id),
            status=ComplaintStatus(done.read_back[receipt.id]["status"]),
            status_detail=done.read_back[receipt.id].get("status_detail"),
            duplicate=not receipt.created,
            confidentiality=Confidentiality(receipt.confidentiality),
        )
        for receipt in done.receipts
    ]


@strawberry.type
class Mutation(CurationMutation, AlertMutation):
    @strawberry.mutation(
        description="Store a complaint durably, extract it, and return it with what was "
        "extracted. Submitting the same text again returns the stored complaint."
    )
    async def submit_complaint(self, info: Ctx, input: ComplaintInput) -> SubmitResult:
        try:
            done = await _submit(info, [input])
        except USER_ERRORS as exc:
            return as_result(exc)
        if isinstance(done, Refused):
            return ValidationError(message=str(done.error), field=done.field)
        return done[0]

    @strawberry.mutation(description=f"Up to {MAX_BATCH} complaints at once, all or none.")
    async def submit_complaints(self, info: Ctx, inputs: list[ComplaintInput]) -> SubmitManyResult:
        if not 1 <= len(inputs) <= MAX_BATCH:
            return ValidationError(
                message=f"inputs must hold 1 to {MAX_BATCH} complaints", field="inputs"
            )
        try:
            done = await _submit(info, inputs)
        except USER_ERRORS as exc:
            return as_result(exc)
        if isinstance(done, Refused):
            where = f"{done.origin}.{done.field}" if done.field else done.origin
            return ValidationError(message=str(done.error), field=where)
        return ComplaintsSubmitted(results=done)
