"""``caseDossier(caseId)``: the prosecutor's case file as one self-contained HTML page
(``graph.documents.dossier``), with the ids it holds (for the audit log)."""

from __future__ import annotations

import strawberry

from graph.documents import dossier
from graph.errors import NotFound
from schema.context import Ctx
from schema.threads import in_thread


@strawberry.type(description="A case dossier (expediente): HTML with every incident, actor, "
                 "quote and the SHA-256 of every source complaint.")  # fmt: skip
class CaseDossier:
    case_id: strawberry.ID
    html: str
    incident_ids: list[strawberry.ID]
    person_ids: list[strawberry.ID]
    complaint_ids: list[strawberry.ID]


@strawberry.type
class DossierQuery:
    @strawberry.field(description="The dossier of a prosecutor's case, or null if none.")
    async def case_dossier(self, info: Ctx, case_id: strawberry.ID) -> CaseDossier | None:
        ctx = info.context
        try:
            found = await in_thread(dossier.gather, ctx.store, str(case_id), ctx.viewer)
        except NotFound:
            return None
        page = dossier.render(found).html()
        return CaseDossier(
            case_id=case_id,
            html=page,
            incident_ids=[strawberry.ID(i.id) for i in found.incidents],
            person_ids=[strawberry.ID(i) for i, v in found.nodes.items() if v.kind == "Person"],
            complaint_ids=[strawberry.ID(i) for i in found.complaints],
        )
