"""Curation mutations: review facts, merge and split actors, link actors, cases and
protection measures. Thin: each validates its input, calls one ``graph.curation``
function in a worker thread, and maps expected failures to typed results."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import strawberry

from graph.curation.cases import open_case, update_case
from graph.curation.links import link_actors
from graph.curation.measures import record_protection_measure
from graph.curation.merges import merge_actors, split_actor
from graph.curation.review import review_fact
from graph.errors import ModelError
from graph.reads import Edge
from graph.store.repository import NodeView
from schema.actors import ActorMerge, to_merge
from schema.context import Ctx
from schema.enums import ActorRelationship, CaseStatus, MeasureStatus
from schema.errors import USER_ERRORS, UserError, as_result
from schema.facts import Fact, parse_fact_gid, to_fact
from schema.incidents import Case, ProtectionMeasure
from schema.nodes import to_type
from schema.threads import in_thread


def _who(info: Ctx) -> str:
    return info.context.who()


@strawberry.enum(description="A reviewer's decision on an extracted fact.")
class ReviewDecision(Enum):
    CONFIRM = "confirmed"
    REJECT = "rejected"
    REOPEN = "extracted"


@strawberry.input(description="Where a fact comes from: a quote of a stored complaint.")
class EvidenceInput:
    complaint_id: strawberry.ID
    quote: str = strawberry.field(description="Text that occurs in the complaint.")


@strawberry.type
class FactReviewed:
    fact: Fact


@strawberry.type
class ActorsMerged:
    merge: ActorMerge


@strawberry.type
class ActorSplit:
    merge: ActorMerge


@strawberry.type
class ActorsLinked:
    fact: Fact


@strawberry.type
class CaseSaved:
    case: Case
    created: bool


@strawberry.type
class MeasureSaved:
    measure: ProtectionMeasure
    created: bool


@strawberry.input(description="A prosecutor's case file to open.")
class CaseInput:
    file_number: str
    office: str | None = None
    status: CaseStatus = strawberry.field(default_factory=lambda: CaseStatus("open"))
    opened_at: str | None = strawberry.field(default=None, description="YYYY-MM-DD.")
    incident_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    accused_ids: list[strawberry.ID] = strawberry.field(default_factory=list)


@strawberry.input(description="Changes to a case; lists add or remove links.")
class CaseUpdate:
    office: str | None = None
    status: CaseStatus | None = None
    opened_at: str | None = None
    add_incident_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    remove_incident_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    add_accused_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    remove_accused_ids: list[strawberry.ID] = strawberry.field(default_factory=list)


@strawberry.input(description="A protection measure; with `id`, an update of one.")
class ProtectionMeasureInput:
    kind: str = strawberry.field(description="E.g. police patrols, relocation, escort.")
    status: MeasureStatus
    actor_ids: list[strawberry.ID]
    id: strawberry.ID | None = None
    case_id: strawberry.ID | None = None
    incident_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    requested_at: str | None = None
    granted_at: str | None = None
    implemented_at: str | None = None
    authority: str | None = None


ReviewResult = Annotated[FactReviewed | UserError, strawberry.union("ReviewFactResult")]
MergeResult = Annotated[ActorsMerged | UserError, strawberry.union("MergeActorsResult")]
SplitResult = Annotated[ActorSplit | UserError, strawberry.union("SplitActorResult")]
LinkResult = Annotated[ActorsLinked | UserError, strawberry.union("LinkActorsResult")]
CaseResult = Annotated[CaseSaved | UserError, strawberry.union("CaseResult")]
MeasureResult = Annotated[MeasureSaved | UserError, strawberry.union("ProtectionMeasureResult")]


def _edge(rel_type: str, found: dict[str, Any]) -> Edge:
    props = {k: v for k, v in found.items() if k not in ("start", "end", "type")}
    return Edge(rel_type, props, str(found["start"]), str(found["end"]))


def _view(kind: str, props: dict[str, Any]) -> NodeView:
    return NodeView(kind, (kind,), {k: v for k, v in props.items() if v is not None})


@strawberry.type
class CurationMutation:
    @strawberry.mutation(
        description="Confirm or reject an extracted fact (or reopen it). Confirming a "
        "SUSPECTED_OF fact makes it a PERPETRATOR_OF with the same evidence (the suspicion "
        "goes) and returns that fact; a perpetrator confirmed so is rejected, not reopened."
    )
    async def review_fact(
        self, info: Ctx, id: strawberry.ID, decision: ReviewDecision, note: str | None = None
    ) -> ReviewResult:
        try:
            rel_type, fact_id = parse_fact_gid(id)
            found = await in_thread(
                review_fact,
                info.context.store,
                rel_type,
                fact_id,
                decision.value,
                note,
                _who(info),
            )
        except USER_ERRORS as exc:
            return as_result(exc)
        return FactReviewed(fact=to_fact(_edge(str(found.get("type") or rel_type), found)))

    @strawberry.mutation(
        description="Merge `mergeId` into `keepId`: relationships and their evidence move, "
        "names become aliases, the merge is recorded (and can be undone by splitActor)."
    )
    async def merge_actors(
        self, info: Ctx, keep_id: strawberry.ID, merge_id: strawberry.ID, reason: str
    ) -> MergeResult:
        if not reason.strip():
            return as_result(ModelError("a merge needs a reason"), "reason")
        try:
            record = await in_thread(
                merge_actors, info.context.store, keep_id, merge_id, reason, _who(info)
            )
        except USER_ERRORS as exc:
            return as_result(exc)
        return ActorsMerged(merge=to_merge(record))

    @strawberry.mutation(description="Undo a merge: both actors as they were before it.")
    async def split_actor(self, info: Ctx, merge_id: strawberry.ID, reason: str) -> SplitResult:
        if not reason.strip():
            return as_result(ModelError("a split needs a reason"), "reason")
        try:
            record = await in_thread(split_actor, info.context.store, merge_id, reason, _who(info))
        except USER_ERRORS as exc:
            return as_result(exc)
        return ActorSplit(merge=to_merge(record))

    @strawberry.mutation(description="Record a relationship between two actors, with a quote.")
    async def link_actors(
        self,
        info: Ctx,
        from_id: strawberry.ID,
        to_id: strawberry.ID,
        type: ActorRelationship,
        evidence: EvidenceInput,
    ) -> LinkResult:
        try:
            found = await in_thread(
                link_actors,
                info.context.store,
                from_id,
                to_id,
                type.value,
                evidence.complaint_id,
                evidence.quote,
                _who(info),
            )
        except USER_ERRORS as exc:
            return as_result(exc)
        return ActorsLinked(fact=to_fact(_edge(type.value, found)))

    @strawberry.mutation(description="Open a case file; the same input again returns it.")
    async def open_case(self, info: Ctx, input: CaseInput) -> CaseResult:
        try:
            case, created = await in_thread(
                open_case,
                info.context.store,
                input.file_number,
                input.office,
                input.status.value,
                input.opened_at,
                list(input.incident_ids),
                list(input.accused_ids),
                _who(info),
            )
        except USER_ERRORS as exc:
            return as_result(exc)
        return CaseSaved(case=to_type(_view("Case", case)), created=created)

    @strawberry.mutation(description="Change a case: office, status, incidents, accused.")
    async def update_case(self, info: Ctx, id: strawberry.ID, input: CaseUpdate) -> CaseResult:
        try:
            case = await in_thread(
                update_case,
                info.context.store,
                id,
                office=input.office,
                status=input.status.value if input.status else None,
                opened_at=input.opened_at,
                add_incidents=list(input.add_incident_ids),
                remove_incidents=list(input.remove_incident_ids),
                add_accused=list(input.add_accused_ids),
                remove_accused=list(input.remove_accused_ids),
                by=_who(info),
            )
        except USER_ERRORS as exc:
            return as_result(exc)
        return CaseSaved(case=to_type(_view("Case", case)), created=False)

    @strawberry.mutation(description="Record a protection measure, or update one (with id).")
    async def record_protection_measure(
        self, info: Ctx, input: ProtectionMeasureInput
    ) -> MeasureResult:
        try:
            measure, created = await in_thread(
                record_protection_measure,
                info.context.store,
                kind=input.kind,
                status=input.status.value,
                actor_ids=list(input.actor_ids),
                case_id=input.case_id,
                incident_ids=list(input.incident_ids),
                requested_at=input.requested_at,
                granted_at=input.granted_at,
                implemented_at=input.implemented_at,
                authority=input.authority,
                measure_id=input.id,
                by=_who(info),
            )
        except USER_ERRORS as exc:
            return as_result(exc)
        return MeasureSaved(measure=to_type(_view("ProtectionMeasure", measure)), created=created)
