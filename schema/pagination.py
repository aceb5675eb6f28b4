"""Relay connections: keyset cursors over (sort key, id), pages of at most 100."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry

from graph import reads
from graph.cypher.filters import Criteria
from graph.errors import ModelError
from graph.store.repository import NodeView
from schema.context import Ctx
from schema.threads import in_thread

T = TypeVar("T")


def encode_cursor(sort: str, node_id: str) -> str:
    raw = json.dumps([sort, node_id], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        sort, node_id = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError, TypeError):
        raise ModelError("after is not a cursor this API handed out") from None
    if not isinstance(sort, str) or not isinstance(node_id, str):
        raise ModelError("after is not a cursor this API handed out")
    return sort, node_id


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of results (Relay).")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    kind: strawberry.Private[str]
    criteria: strawberry.Private[Criteria | None]

    @strawberry.field(description="How many match the filter, over all pages.")
    async def total_count(self, info: Ctx) -> int:
        return await in_thread(
            reads.count, info.context.store, self.kind, self.criteria, viewer=info.context.viewer
        )

    @strawberry.field(description="The nodes of this page (the edges' nodes).")
    def nodes(self) -> list[T]:
        return [e.node for e in self.edges]


async def connection(
    info: Ctx,
    kind: str,
    criteria: Criteria | None,
    order: str,
    descending: bool,
    first: int,
    after: str | None,
    convert: Callable[[NodeView], T],
) -> Connection[T]:
    """One page of ``kind`` as a connection; ``convert`` makes each node's type."""
    if not 0 <= first <= reads.MAX_PAGE:
        raise ModelError(f"first must be within 0..{reads.MAX_PAGE}; got {first}")
    cursor = decode_cursor(after) if after else None
    ctx = info.context

    def read() -> reads.Page:
        page = reads.list_page(
            ctx.store,
            kind,
            criteria,
            viewer=ctx.viewer,
            order=order,
            descending=descending,
            first=first,
            after=cursor,
        )
        return reads.Page(ctx.screened(page.items), page.cursors, page.has_next)

    page = await in_thread(read)
    for v in page.items:
        info.context.nodes.prime(v.id, v)
    edges = [
        Edge(cursor=encode_cursor(*c), node=convert(v))
        for v, c in zip(page.items, page.cursors, strict=True)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=cursor is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        kind=kind,
        criteria=criteria,
    )
