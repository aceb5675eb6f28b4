"""Facts (the edges) with their evidence, and links: a node at the other end of a fact.

Every relationship field returns links, so a prosecutor can go from any link to the
sentence behind it (``fact { evidence { complaintId quote start end } }``). Relationship
fields load through the request's DataLoaders: one query per field kind, whatever the page.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

import strawberry

from graph.errors import ModelError
from graph.model import SUSPECT_ROLE
from graph.reads import MAX_LINKS, Edge, LinkSpec
from schema import disclosure
from schema.context import Ctx
from schema.enums import Method, RelationshipType, ReviewStatus, member
from schema.nodes import to_type

T = TypeVar("T")
LINKS_DEFAULT = 50


@strawberry.type(description="One piece of evidence: a span of a complaint.")
class Evidence:
    complaint_id: strawberry.ID
    quote: str | None = strawberry.field(
        description="The sentence (or span) that supports the fact, persons redacted as the "
        "token's role requires; null when the role may not read that complaint (sealed)."
    )
    start: int = strawberry.field(description="Where the supporting span starts in the text.")
    end: int = strawberry.field(description="Where it ends (exclusive).")
    method: Method
    confidence: float
    review: ReviewStatus


def fact_gid(edge: Edge) -> str:
    """A fact's public id: its type and its id (the type picks the index to look in)."""
    return f"{edge.type}:{edge.id}"


def parse_fact_gid(gid: str) -> tuple[str, str]:
    rel_type, sep, fact_id = gid.partition(":")
    if not sep or not fact_id:
        raise ModelError(f"{gid!r} is not a fact id")
    return rel_type, fact_id


@strawberry.type(description="A relationship and the provenance behind it.")
class Fact:
    id: strawberry.ID
    type: RelationshipType
    review: ReviewStatus | None
    confidence: float | None
    reviewed_by: str | None
    reviewed_at: str | None
    role: str | None = strawberry.field(description="In MEMBER_OF/WORKS_FOR: apu, president…")
    side: str | None = strawberry.field(description="In PARTY_TO: claimant or respondent.")
    perpetration: str | None = strawberry.field(description="In PERPETRATOR_OF: alleged…")
    confirmed_from: strawberry.ID | None = strawberry.field(
        description="In PERPETRATOR_OF: the id of the SUSPECTED_OF fact a reviewer confirmed "
        "it from (confirming that id again returns this fact)."
    )
    start_id: strawberry.ID
    end_id: strawberry.ID
    props: strawberry.Private[Mapping[str, Any]]

    @strawberry.field(description="The reviewer's note.")
    async def review_note(self, info: Ctx) -> str | None:
        return await disclosure.note(info.context, self.props.get("review_note"))

    @strawberry.field(description="Complaints that support it (those the role may see).")
    async def source_ids(self, info: Ctx) -> list[strawberry.ID]:
        sources = [str(s) for s in self.props.get("sources") or []]
        if info.context.viewer.sealed_visible:
            return [strawberry.ID(s) for s in sources]
        seen = await asyncio.gather(
            *(disclosure.complaint_visible(info.context, s) for s in sources)
        )
        return [strawberry.ID(s) for s, ok in zip(sources, seen, strict=True) if ok]

    @strawberry.field(
        description="Every piece of evidence the role may see, in the order it arrived."
    )
    async def evidence(self, info: Ctx) -> list[Evidence]:
        p = self.props
        review = ReviewStatus(p.get("review") or "extracted")
        out = []
        columns = zip(
            p.get("evidence_keys") or [],
            p.get("quotes") or [],
            p.get("starts") or [],
            p.get("ends") or [],
            p.get("methods") or [],
            p.get("confidences") or [],
            strict=False,
        )
        rows = [(str(key).rsplit(":", 2)[0], *rest) for key, *rest in columns]
        ctx = info.context
        if ctx.viewer.unrestricted:  # a prosecutor: every quote as it is, nothing to load
            quotes = [r[1] for r in rows]
        else:
            # gathered, so the request's loaders batch every complaint in one statement
            seen = await asyncio.gather(*(disclosure.complaint_visible(ctx, r[0]) for r in rows))
            rows = [r for r, ok in zip(rows, seen, strict=True) if ok]
            quotes = await asyncio.gather(
                *(disclosure.from_complaint(ctx, r[0], r[1]) for r in rows)
            )
        for (complaint_id, _, start, end, method, confidence), quote in zip(
            rows, quotes, strict=True
        ):
            out.append(
                Evidence(
                    complaint_id=strawberry.ID(complaint_id),
                    quote=quote,
                    start=start,
                    end=end,
                    method=Method(method),
                    confidence=confidence,
                    review=review,
                )
            )
        return out


def to_fact(edge: Edge) -> Fact:
    p = edge.props
    return Fact(
        id=strawberry.ID(fact_gid(edge)),
        type=RelationshipType(edge.type.lower()),
        review=member(ReviewStatus, p.get("review")),
        confidence=p.get("confidence"),
        reviewed_by=p.get("reviewed_by"),
        reviewed_at=p.get("reviewed_at"),
        role=p.get("role"),
        side=p.get("side"),
        perpetration=p.get("status"),
        confirmed_from=(
            strawberry.ID(f"{SUSPECT_ROLE}:{p['confirmed_from']}")
            if p.get("confirmed_from")
            else None
        ),
        start_id=strawberry.ID(edge.start),
        end_id=strawberry.ID(edge.end),
        props=p,
    )


@strawberry.type(description="A node at the other end of a relationship, and the fact.")
class Link(Generic[T]):
    node: T
    fact: Fact


async def load_links(info: Ctx, node_id: str, spec: LinkSpec, first: int) -> list[Link[Any]]:
    """The first ``first`` links of ``spec`` from ``node_id``, through the request's loader."""
    if not 1 <= first <= MAX_LINKS:
        raise ModelError(f"first must be within 1..{MAX_LINKS}; got {first}")
    page = await info.context.links(spec, first).load(node_id)
    return [Link(node=to_type(link.node), fact=to_fact(link.edge)) for link in page.items]


def link_spec(label: str, types: str, outgoing: bool, other: str, order: str = "name") -> LinkSpec:
    """The links of ``label`` by ``types`` (``"A|B"``), outgoing or not, to ``other``."""
    return LinkSpec(label, tuple(types.split("|")), outgoing, other, order)
