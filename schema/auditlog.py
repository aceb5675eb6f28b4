"""``auditLog``: the audit log for admins, oldest first, with keyset paging."""

from __future__ import annotations

from typing import Any

import strawberry

from graph.access import audit
from graph.errors import ModelError
from schema.context import Ctx
from schema.threads import in_thread

MAX_PAGE = 100


@strawberry.type(description="One operation in the audit log.")
class AuditRecord:
    seq: int
    at: str
    who: str
    role: str
    operation: str
    kind: str | None
    variables_hash: str = strawberry.field(description="SHA-256 of the variables.")
    persons: list[strawberry.ID]
    complaints: list[strawberry.ID]
    outcome: str | None
    prev: str
    hash: str


@strawberry.type(description="A page of the audit log.")
class AuditPage:
    records: list[AuditRecord]
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page.")
    has_next_page: bool


@strawberry.input(description="Filter the audit log; every field given must match.")
class AuditFilter:
    who: str | None = None
    role: str | None = None
    operation: str | None = None
    person_id: strawberry.ID | None = strawberry.field(default=None, description="Returned.")
    complaint_id: strawberry.ID | None = strawberry.field(default=None, description="Returned.")
    from_: str | None = strawberry.field(default=None, name="from", description="ISO instant.")
    to: str | None = strawberry.field(default=None, description="ISO instant (exclusive).")


def _record(p: dict[str, Any]) -> AuditRecord:
    return AuditRecord(
        seq=int(p["seq"]),
        at=p["at"],
        who=p["who"],
        role=p["role"],
        operation=p["operation"],
        kind=p.get("kind"),
        variables_hash=p["variables_hash"],
        persons=[strawberry.ID(i) for i in p.get("persons") or []],
        complaints=[strawberry.ID(i) for i in p.get("complaints") or []],
        outcome=p.get("outcome"),
        prev=p["prev"],
        hash=p["hash"],
    )


@strawberry.type
class AuditQuery:
    @strawberry.field(description="The audit log (admins): who did what, when, oldest first.")
    async def audit_log(
        self,
        info: Ctx,
        filter: AuditFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> AuditPage:
        if not 1 <= first <= MAX_PAGE:
            raise ModelError(f"first must be within 1..{MAX_PAGE}; got {first}")
        if after is not None and not after.isdigit():
            raise ModelError("after is not a cursor this API handed out")
        f = filter or AuditFilter()
        filters = {
            "who": f.who,
            "role": f.role,
            "operation": f.operation,
            "person": f.person_id,
            "complaint": f.complaint_id,
            "date_from": f.from_,
            "date_to": f.to,
        }
        rows = await in_thread(
            audit.listing,
            info.context.store,
            {k: (str(v) if v is not None else None) for k, v in filters.items()},
            first=first + 1,
            after=int(after or 0),
        )
        page = [_record(r) for r in rows[:first]]
        return AuditPage(
            records=page,
            end_cursor=str(page[-1].seq) if page else None,
            has_next_page=len(rows) > first,
        )
