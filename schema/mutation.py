"""Mutations: intake of complaints, review and curation of the graph.

Expected failures come back as typed results (``ValidationError``, ``NotFound``,
``Conflict``); only unexpected ones are raised (and masked).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Annotated, Any

import strawberry

from graph import reads
from graph.analysis import alerts
from graph.analysis.alerts import AlertChange
from graph.errors import ModelError
from graph.intake import durable as intake
from graph.intake.durable import ComplaintIn, Receipt, Sender
from graph.rows import utc_now
from schema.alerts import AlertMutation, events_of
from schema.context import in_thread
from schema.curation import CurationMutation
from schema.enums import Channel, ComplaintStatus, Confidentiality
from schema.errors import USER_ERRORS, UserError, ValidationError, as_result
from schema.events import ComplaintEventData
from schema.types import Complaint, Ctx, load_node

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


def _field_of(exc: Exception) -> str | None:
    return exc.field if isinstance(exc, FieldError) else None


def _complaint(c: ComplaintInput, submitted_by: str | None = None) -> ComplaintIn:
    try:
        reported = intake.normalise_day(c.reported_at, "reportedAt")
    except ModelError as exc:
        raise FieldError(str(exc), "reportedAt") from None
    complaint = ComplaintIn(
        text=c.text,
        received_at=intake.normalise_instant(c.received_at),
        channel=str(c.channel.value) if c.channel else "web",
        confidentiality=str(c.confidentiality.value) if c.confidentiality else "restricted",
        source=c.source,
        submitted_by=submitted_by,
        reported_at=reported,
    )
    intake.validate(complaint)
    return complaint


def _extractor(services: Any) -> Any:
    """The app's batch extractor, loaded on first use (the spaCy models take seconds)."""
    with services.extract_lock:
        if services.extractor is None:
            from graph.intake.extraction import NlpBatchExtractor
            from nlp.pipeline import Extractor

            services.extractor = NlpBatchExtractor(Extractor())
        return services.extractor


def _store_and_extract(
    services: Any, complaints: Sequence[ComplaintIn], sender: Sender
) -> tuple[list[Receipt], list[AlertChange]]:
    """Store, extract, and raise the alerts the new facts call for, in this request."""
    received = intake.receive_batch(services.store, complaints, sender=sender)
    todo = [r.id for r in received]
    extractor = _extractor(services)
    raised: list[AlertChange] = []

    def raise_alerts(cids: list[str]) -> None:
        raised.extend(alerts.after_intake(services.store, cids))

    with services.extract_lock:  # one extraction at a time: the pipelines are shared
        intake.process_batch(
            services.store, list(dict.fromkeys(todo)), extractor, after=raise_alerts
        )
    return received, raised


async def _submit(info: Ctx, inputs: Sequence[ComplaintInput]) -> list[ComplaintSubmitted]:
    services = info.context.services
    complaints = [_complaint(c, info.context.who()) for c in inputs]
    principal = info.context.principal
    sender = (
        Sender(str(principal.name), str(principal.role), principal.token_id)
        if principal is not None
        else Sender(info.context.who(), "unknown")
    )
    received, raised = await in_thread(_store_and_extract, services, complaints, sender)
    if services.alert_broker is not None:
        for event in events_of(raised):
            services.alert_broker.publish(event)
    out = []
    for receipt in received:
        cid, created = receipt.id, receipt.created
        stored = await in_thread(reads.submission, services.store, cid)
        if stored is None:  # pragma: no cover - stored a moment ago
            raise ModelError(f"complaint {cid} vanished")
        broker = services.broker
        if broker is not None:
            at = utc_now()
            by = stored.get("submitted_by")
            if created:
                broker.publish(ComplaintEventData("received", cid, "received", at, None, by))
            kind = "extracted" if stored["status"] == "extracted" else "failed"
            broker.publish(
                ComplaintEventData(
                    kind, cid, str(stored["status"]), at, stored.get("status_detail"), by
                )
            )
        out.append(
            ComplaintSubmitted(
                complaint_id=strawberry.ID(cid),
                status=ComplaintStatus(stored["status"]),
                status_detail=stored.get("status_detail"),
                duplicate=not created,
                confidentiality=Confidentiality(receipt.confidentiality),
            )
        )
    return out


@strawberry.type
class Mutation(CurationMutation, AlertMutation):
    @strawberry.mutation(
        description="Store a complaint durably, extract it, and return it with what was "
        "extracted. Submitting the same text again returns the stored complaint."
    )
    async def submit_complaint(self, info: Ctx, input: ComplaintInput) -> SubmitResult:
        try:
            return (await _submit(info, [input]))[0]
        except USER_ERRORS as exc:
            return as_result(exc, _field_of(exc))

    @strawberry.mutation(description=f"Up to {MAX_BATCH} complaints at once, all or none.")
    async def submit_complaints(self, info: Ctx, inputs: list[ComplaintInput]) -> SubmitManyResult:
        if not 1 <= len(inputs) <= MAX_BATCH:
            return ValidationError(
                message=f"inputs must hold 1 to {MAX_BATCH} complaints", field="inputs"
            )
        for i, c in enumerate(inputs):
            try:
                _complaint(c)
            except USER_ERRORS as exc:
                field = _field_of(exc)
                where = f"inputs[{i}].{field}" if field else f"inputs[{i}]"
                return ValidationError(message=str(exc), field=where)
        try:
            return ComplaintsSubmitted(results=await _submit(info, inputs))
        except USER_ERRORS as exc:
            return as_result(exc)


def new_lock() -> threading.Lock:
    return threading.Lock()
