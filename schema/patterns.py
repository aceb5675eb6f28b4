"""Patterns of abuse: ``patterns { … }`` over the analytics projections.

Each entry links to the nodes and incidents behind it (through the request's loader),
so an analyst can go from "this company is tied to three disputes" to the incidents and,
from there, to the evidence. Whole-graph metrics (centrality, clusters) are computed
once per version of the graph and kept with the projection (``graph.analysis.projections``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import strawberry

from graph.analysis import analytics, facts, networks
from graph.analysis.projections import Projections
from graph.errors import ModelError
from schema.actors import Actor, Community
from schema.context import Ctx
from schema.enums import CentralityMetric, HotspotLevel, Projection, StatsGroup
from schema.incidents import Incident, LandDispute, Place
from schema.nodes import load_node
from schema.threads import in_thread

MAX_LIST = 100
MAX_GROUPS = 20  # bounds the thresholds (and so the cached variants)
RANKED = facts.MAX_TOP  # whole rankings are cached; requests slice them
BETWEENNESS_SAMPLE = 500  # pivots for betweenness on graphs larger than this


def _first(first: int) -> int:
    return _within("first", first, MAX_LIST)


def _within(name: str, value: int, high: int) -> int:
    if not 1 <= value <= high:
        raise ModelError(f"{name} must be within 1..{high}; got {value}")
    return value


async def _load(info: Ctx, ids: Sequence[str]) -> list[Any]:
    found = await asyncio.gather(*(load_node(info, i) for i in ids))
    return [n for n in found if n is not None]


def _ids(values: Sequence[Any]) -> list[strawberry.ID]:
    return [strawberry.ID(str(v)) for v in values]


@strawberry.type(description="Incidents behind an entry: how many, and the first of them.")
class WithIncidents:
    incident_ids: list[strawberry.ID]

    @strawberry.field
    def incident_count(self) -> int:
        return len(self.incident_ids)

    @strawberry.field(description="The incidents, by id (at most `first`).")
    async def incidents(self, info: Ctx, first: int = 20) -> list[Incident]:
        return await _load(info, self.incident_ids[: _first(first)])


@strawberry.type(description="An actor who attacked in two or more communities or disputes.")
class RepeatPerpetrator(WithIncidents):
    actor_id: strawberry.ID
    community_ids: list[strawberry.ID]
    dispute_ids: list[strawberry.ID]

    @strawberry.field
    async def actor(self, info: Ctx) -> Actor | None:
        found: Actor | None = await load_node(info, self.actor_id)
        return found

    @strawberry.field
    async def communities(self, info: Ctx) -> list[Community]:
        return await _load(info, self.community_ids)

    @strawberry.field
    async def disputes(self, info: Ctx) -> list[LandDispute]:
        return await _load(info, self.dispute_ids)


@strawberry.type(description="An actor ranked by a centrality metric.")
class KeyActor:
    actor_id: strawberry.ID
    score: float
    rank: int

    @strawberry.field
    async def actor(self, info: Ctx) -> Actor | None:
        found: Actor | None = await load_node(info, self.actor_id)
        return found


@strawberry.type(description="A cluster of actors linked through shared incidents (Louvain).")
class Cluster(WithIncidents):
    id: str
    size: int
    member_ids: list[strawberry.ID]

    @strawberry.field(description="The members (at most `first`).")
    async def members(self, info: Ctx, first: int = 20) -> list[Actor]:
        return await _load(info, self.member_ids[: _first(first)])


@strawberry.type(description="A company tied to incidents in two or more land disputes.")
class CompanyAcrossDisputes(WithIncidents):
    company_id: strawberry.ID
    dispute_ids: list[strawberry.ID]

    @strawberry.field
    async def company(self, info: Ctx) -> Actor | None:
        found: Actor | None = await load_node(info, self.company_id)
        return found

    @strawberry.field
    async def disputes(self, info: Ctx) -> list[LandDispute]:
        return await _load(info, self.dispute_ids)


@strawberry.type(description="An area ranked by incidents in a window, with its growth.")
class Hotspot(WithIncidents):
    ubigeo: str
    name: str | None
    count: int
    previous: int = strawberry.field(description="Incidents in the window before.")
    growth: float | None = strawberry.field(
        description="(count - previous) / previous; null when there were none before."
    )
    place_id: strawberry.ID | None

    @strawberry.field
    async def place(self, info: Ctx) -> Place | None:
        return None if self.place_id is None else await load_node(info, self.place_id)


@strawberry.type(description="Cases by status for one region and incident type.")
class ImpunityRow(WithIncidents):
    region: str | None = strawberry.field(description="UBIGEO of the region (2 digits).")
    incident_type: str | None
    status: str = strawberry.field(description="A case status, or no_case.")
    cases: int
    case_ids: list[strawberry.ID]


@strawberry.type(description="Incidents in one group of a breakdown.")
class StatRow(WithIncidents):
    key: str | None
    count: int


def _metric(projection: str, metric: str) -> Callable[[Any], list[dict[str, Any]]]:
    def compute(facts: Any) -> list[dict[str, Any]]:
        h = (
            networks.incident_actor_graph(facts)
            if projection == "incidents"
            else networks.dispute_actor_graph(facts)
        )
        k = BETWEENNESS_SAMPLE if h.number_of_nodes() > BETWEENNESS_SAMPLE else None
        return networks.key_actors(h, metric, RANKED, k=k)

    return compute


@strawberry.type(description="Patterns of abuse over the whole graph.")
class Patterns:
    projections: strawberry.Private[Projections]

    @strawberry.field(
        description="Actors who attacked in two or more communities or land disputes."
    )
    async def repeat_perpetrators(
        self, min_groups: int = 2, first: int = 20
    ) -> list[RepeatPerpetrator]:
        rows = await in_thread(
            self.projections.cached,
            f"repeat:{_within('minGroups', min_groups, MAX_GROUPS)}",
            lambda g: analytics.repeat_perpetrators(g, min_groups=min_groups),
        )
        return [
            RepeatPerpetrator(
                actor_id=strawberry.ID(r["id"]),
                community_ids=_ids(r["communities"]),
                dispute_ids=_ids(r["disputes"]),
                incident_ids=_ids(r["incidents"]),
            )
            for r in rows[: _first(first)]
        ]

    @strawberry.field(description="Key actors by degree, betweenness or PageRank.")
    async def key_actors(
        self,
        metric: CentralityMetric = CentralityMetric.PAGERANK,  # type: ignore[attr-defined]
        top: int = 10,
        projection: Projection = Projection.INCIDENTS,  # type: ignore[attr-defined]
    ) -> list[KeyActor]:
        name, proj = str(metric.value), str(projection.value)
        rows = await in_thread(self.projections.cached, f"key:{proj}:{name}", _metric(proj, name))
        return [
            KeyActor(actor_id=strawberry.ID(r["id"]), score=r["score"], rank=r["rank"])
            for r in rows[: _first(top)]
        ]

    @strawberry.field(description="Clusters of linked cases: actors grouped by Louvain.")
    async def clusters(self, min_size: int = 2, first: int = 20) -> list[Cluster]:
        rows = await in_thread(
            self.projections.cached,
            f"clusters:{_within('minSize', min_size, MAX_GROUPS)}",
            lambda g: networks.clusters(networks.incident_actor_graph(g), min_size=min_size),
        )
        return [
            Cluster(
                id=r["id"],
                size=r["size"],
                member_ids=_ids(r["members"]),
                incident_ids=_ids(r["incidents"]),
            )
            for r in rows[: _first(first)]
        ]

    @strawberry.field(description="Companies tied to incidents in two or more land disputes.")
    async def companies_across_disputes(
        self, min_disputes: int = 2, first: int = 20
    ) -> list[CompanyAcrossDisputes]:
        rows = await in_thread(
            self.projections.cached,
            f"companies:{_within('minDisputes', min_disputes, MAX_GROUPS)}",
            lambda g: analytics.companies_across_disputes(g, min_disputes=min_disputes),
        )
        return [
            CompanyAcrossDisputes(
                company_id=strawberry.ID(r["id"]),
                dispute_ids=_ids(r["disputes"]),
                incident_ids=_ids(r["incidents"]),
            )
            for r in rows[: _first(first)]
        ]

    @strawberry.field(
        description="Districts, provinces or regions ranked by incidents in [from, to), "
        "with their growth against the window of the same length before."
    )
    async def hotspots(
        self,
        from_: Annotated[str, strawberry.argument(name="from")],
        to: str,
        level: HotspotLevel = HotspotLevel.DISTRICT,  # type: ignore[attr-defined]
        top: int = 20,
    ) -> list[Hotspot]:
        lvl = str(level.value)
        limit = _first(top)

        def count() -> list[dict[str, Any]]:  # windows vary: the index is kept, not them
            facts, index = self.projections.cached(  # both of one build of the projection
                "hotspot-index", lambda g: (g, analytics.hotspot_index(g))
            )
            return analytics.hotspots(facts, level=lvl, start=from_, end=to, top=limit, index=index)

        rows = await in_thread(count)
        return [
            Hotspot(
                ubigeo=r["ubigeo"],
                name=r["name"],
                count=r["count"],
                previous=r["previous"],
                growth=r["growth"],
                place_id=None if r["place_id"] is None else strawberry.ID(r["place_id"]),
                incident_ids=_ids(r["incidents"]),
            )
            for r in rows
        ]

    @strawberry.field(description="Impunity: cases by status per region and incident type.")
    async def impunity(self) -> list[ImpunityRow]:
        rows = await in_thread(self.projections.cached, "impunity", analytics.impunity)
        return [
            ImpunityRow(
                region=r["region"],
                incident_type=r["incident_type"],
                status=r["status"],
                cases=r["cases"],
                case_ids=_ids(r["case_ids"]),
                incident_ids=_ids(r["incidents"]),
            )
            for r in rows
        ]

    @strawberry.field(
        description="Incidents broken down by type, region, year, or the victims' gender "
        "or people (the intersectional view)."
    )
    async def stats(self, group_by: StatsGroup) -> list[StatRow]:
        key = str(group_by.value)
        rows = await in_thread(
            self.projections.cached, f"stats:{key}", lambda g: analytics.stats(g, key)
        )
        return [
            StatRow(key=r["key"], count=r["count"], incident_ids=_ids(r["incidents"])) for r in rows
        ]


@strawberry.type
class PatternQuery:
    @strawberry.field(description="Patterns of abuse: repeat perpetrators, key actors, …")
    def patterns(self, info: Ctx) -> Patterns:
        return Patterns(projections=info.context.services.projections(info.context.viewer))
