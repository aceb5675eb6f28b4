"""``export(format, filter)``: a subgraph in a file format, as the token's role may see it.

Thin over ``graph.documents.export`` (the same viewer as every other read: trainers get pseudonyms
and no sealed complaint). The files come back as text in the response, so the export is
capped; the command line (``defensores export``) has no cap.
"""

from __future__ import annotations

from enum import Enum

import strawberry

from graph.documents import export
from graph.errors import ModelError
from schema.context import Ctx
from schema.threads import in_thread

MAX_NODES = 20_000


@strawberry.enum
class ExportFormat(Enum):
    GRAPHML = "graphml"
    GEXF = "gexf"
    CSV = "csv"
    JSON = "json"
    FTM = "ftm"


@strawberry.input(description="Which incidents to export, with what is one fact away.")
class ExportFilter:
    region: str | None = strawberry.field(default=None, description="UBIGEO prefix.")
    from_: str | None = strawberry.field(default=None, name="from")
    to: str | None = None


@strawberry.type
class ExportFile:
    name: str
    content: str


@strawberry.type(description="An export: its files, and what it holds.")
class ExportResult:
    format: ExportFormat
    nodes: int
    relationships: int
    files: list[ExportFile]
    node_ids: list[strawberry.ID] = strawberry.field(description="Every node in the export.")


@strawberry.type
class ExportQuery:
    @strawberry.field(
        description="The graph, or the incidents of a region and a date window with what is "
        "one fact away, as GraphML, GEXF, CSV (neo4j-admin and Gephi layouts), JSON or "
        "FollowTheMoney entities; pseudonymised as the token's role requires."
    )
    async def export(
        self, info: Ctx, format: ExportFormat, filter: ExportFilter | None = None
    ) -> ExportResult:
        f = filter or ExportFilter()
        window = export.Window(f.region, f.from_, f.to)
        found = await in_thread(export.gather, info.context.store, info.context.viewer, window)
        if len(found.nodes) > MAX_NODES:
            raise ModelError(
                f"the export holds {len(found.nodes)} nodes, over {MAX_NODES}: narrow it with "
                "a filter, or use `defensores export`"
            )
        files = await in_thread(export.render, found, format.value)
        return ExportResult(
            format=format,
            nodes=len(found.nodes),
            relationships=len(found.edges),
            files=[ExportFile(name=n, content=c) for n, c in files.items()],
            node_ids=[strawberry.ID(i) for i in found.nodes],
        )
