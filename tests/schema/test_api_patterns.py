"""``patterns { … }`` over a live uvicorn and the real store, on a graph whose answers
are known, and the projection cache seeing a write."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from graph.analysis.projections import Projections
from graph.rows import FactRecord, NodeRecord
from graph.store.bolt import Store
from graph.store.config import Config
from graph.store.repository import delete_all_data, upsert
from server import create_app
from tests.auth import bearer
from tests.live import serve

pytestmark = pytest.mark.store
HTTP = httpx.Client(timeout=60)  # carries the module's bearer token
TODAY = date.today()


def day(ago: int) -> str:
    return (TODAY - timedelta(days=ago)).isoformat()


def known() -> tuple[list[NodeRecord], list[FactRecord]]:
    places = [
        ("plc_pt_25", "Ucayali", "region", "25", None),
        ("plc_pt_2503", "Atalaya", "province", "2503", "plc_pt_25"),
        ("plc_pt_250305", "Tahuanía", "district", "250305", "plc_pt_2503"),
        ("plc_pt_15", "Lima", "region", "15", None),
        ("plc_pt_1501", "Lima", "province", "1501", "plc_pt_15"),
        ("plc_pt_150101", "Lima", "district", "150101", "plc_pt_1501"),
    ]
    nodes = [
        NodeRecord("Place", pid, {"name": name, "level": level, "ubigeo": code})
        for pid, name, level, code, _ in places
    ]
    facts = [FactRecord("PART_OF", pid, parent) for pid, *_, parent in places if parent]
    nodes += [
        NodeRecord("Community", "com_pt1", {"name": "CN Alto Sheshea", "community_kind": "native"}),
        NodeRecord(
            "Community", "com_pt2", {"name": "CC Llactapampa", "community_kind": "campesina"}
        ),
        NodeRecord("Person", "per_pt_v1", {"name": "Rosa Pérez", "gender": "female"}),
        NodeRecord("Person", "per_pt_v2", {"name": "Abner Soria", "gender": "male"}),
        NodeRecord(
            "Person",
            "per_pt_v3",
            {"name": "Nelly Sanancino", "gender": "female", "people": "Shipibo-Konibo"},
        ),
        NodeRecord("Person", "per_pt_perp", {"name": "alias Tigre"}),
        NodeRecord("Person", "per_pt_local", {"name": "alias Mono"}),
        NodeRecord(
            "Organization", "org_pt_co", {"name": "Agrícola Demo S.A.C.", "kind": "company"}
        ),
        NodeRecord("LandDispute", "dsp_pt_a", {"name": "Fundo A", "driver": "palm_oil"}),
        NodeRecord("LandDispute", "dsp_pt_b", {"name": "Fundo B", "driver": "logging"}),
        NodeRecord(
            "Case", "cas_pt_1", {"file_number": "506-2025", "status": "preliminary_investigation"}
        ),
    ]
    incidents = [
        # id, type, days ago, victim, perpetrators, district, dispute
        (
            "inc_pt_1",
            "threat",
            10,
            "per_pt_v1",
            ["per_pt_perp", "org_pt_co"],
            "plc_pt_250305",
            "dsp_pt_a",
        ),
        (
            "inc_pt_2",
            "assault",
            20,
            "per_pt_v2",
            ["per_pt_perp", "org_pt_co"],
            "plc_pt_250305",
            "dsp_pt_b",
        ),
        ("inc_pt_3", "threat", 400, "per_pt_v3", ["per_pt_local"], "plc_pt_250305", None),
        ("inc_pt_4", "harassment", 30, "per_pt_v1", ["per_pt_local"], "plc_pt_150101", None),
        ("inc_pt_5", "property_damage", 50, "per_pt_v3", ["per_pt_perp"], None, None),
    ]
    for iid, kind, ago, victim, perps, place, dispute in incidents:
        nodes.append(NodeRecord("Incident", iid, {"type": kind, "date": day(ago)}))
        facts.append(FactRecord("VICTIM_OF", victim, iid))
        facts += [FactRecord("PERPETRATOR_OF", p, iid) for p in perps]
        if place:
            facts.append(FactRecord("OCCURRED_IN", iid, place))
        if dispute:
            facts.append(FactRecord("PART_OF", iid, dispute))
    facts += [
        FactRecord("MEMBER_OF", "per_pt_v1", "com_pt1"),
        FactRecord("MEMBER_OF", "per_pt_v2", "com_pt2"),
        FactRecord("INVESTIGATES", "cas_pt_1", "inc_pt_1"),
    ]
    return nodes, facts


@pytest.fixture(scope="module")
def base_url(store_session: Store) -> Iterator[str]:
    delete_all_data(store_session, confirm=store_session.database)
    upsert(store_session, *known())
    HTTP.headers.update(bearer(store_session))
    with serve(create_app(Config.from_env({}), store_session)) as url:
        yield url


def data(base_url: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    r = HTTP.post(
        f"{base_url}/graphql", json={"query": query, "variables": variables or {}}, timeout=60
    )
    body = r.json()
    assert r.status_code == 200 and "errors" not in body, body
    result: dict[str, Any] = body["data"]["patterns"]
    return result


def test_repeat_perpetrators_and_companies_across_disputes(base_url: str) -> None:
    p = data(
        base_url,
        """{ patterns {
          repeatPerpetrators { actor { id name } communities { id } disputes { name }
                               incidentCount incidents(first: 2) { id } }
          companiesAcrossDisputes { company { name } disputeIds incidentIds } } }""",
    )
    repeat = p["repeatPerpetrators"]
    assert [r["actor"]["id"] for r in repeat] == ["per_pt_perp", "org_pt_co"]
    assert [c["id"] for c in repeat[0]["communities"]] == ["com_pt1", "com_pt2"]
    assert sorted(d["name"] for d in repeat[0]["disputes"]) == ["Fundo A", "Fundo B"]
    assert repeat[0]["incidentCount"] == 3 and len(repeat[0]["incidents"]) == 2
    assert p["companiesAcrossDisputes"] == [
        {
            "company": {"name": "Agrícola Demo S.A.C."},
            "disputeIds": ["dsp_pt_a", "dsp_pt_b"],
            "incidentIds": ["inc_pt_1", "inc_pt_2"],
        }
    ]


def test_hotspots_growth_on_a_known_series(base_url: str) -> None:
    p = data(
        base_url,
        """query($from: String!, $to: String!) { patterns {
          district: hotspots(from: $from, to: $to) { ubigeo name count previous growth
                                                     place { id } incidentIds }
          region: hotspots(from: $from, to: $to, level: REGION) { ubigeo count previous } } }""",
        {"from": day(365), "to": day(-1)},
    )
    assert p["district"] == [
        {
            "ubigeo": "250305",
            "name": "Tahuanía",
            "count": 2,
            "previous": 1,
            "growth": 1.0,
            "place": {"id": "plc_pt_250305"},
            "incidentIds": ["inc_pt_1", "inc_pt_2"],
        },
        {
            "ubigeo": "150101",
            "name": "Lima",
            "count": 1,
            "previous": 0,
            "growth": None,
            "place": {"id": "plc_pt_150101"},
            "incidentIds": ["inc_pt_4"],
        },
    ]
    assert p["region"] == [
        {"ubigeo": "25", "count": 2, "previous": 1},
        {"ubigeo": "15", "count": 1, "previous": 0},
    ]


def test_key_actors_clusters_stats_and_impunity(base_url: str) -> None:
    p = data(
        base_url,
        """{ patterns {
          keyActors(metric: DEGREE, top: 2) { rank actor { id } }
          pagerank: keyActors(top: 1) { actor { id } }
          clusters { size memberIds }
          stats(groupBy: VICTIM_GENDER) { key count incidentIds }
          impunity { region incidentType status cases caseIds } } }""",
    )
    assert p["keyActors"][0] == {"rank": 1, "actor": {"id": "per_pt_perp"}}
    assert p["pagerank"] == [{"actor": {"id": "per_pt_perp"}}]
    members = sorted(m for c in p["clusters"] for m in c["memberIds"])
    assert len(members) == len(set(members)) >= 6  # every linked actor in one cluster
    assert p["stats"] == [
        {
            "key": "female",
            "count": 4,
            "incidentIds": ["inc_pt_1", "inc_pt_3", "inc_pt_4", "inc_pt_5"],
        },
        {"key": "male", "count": 1, "incidentIds": ["inc_pt_2"]},
    ]
    investigated = [r for r in p["impunity"] if r["status"] != "no_case"]
    assert investigated == [
        {
            "region": "25",
            "incidentType": "threat",
            "status": "preliminary_investigation",
            "cases": 1,
            "caseIds": ["cas_pt_1"],
        }
    ]
    assert sum(r["cases"] for r in p["impunity"] if r["status"] == "no_case") == 4


def test_bad_arguments_are_named(base_url: str) -> None:
    r = HTTP.post(
        f"{base_url}/graphql",
        json={"query": '{ patterns { hotspots(from: "2025-13-01", to: "2026-01-01") { count } } }'},
        timeout=30,
    )
    assert "start" in r.json()["errors"][0]["message"]
    r = HTTP.post(
        f"{base_url}/graphql",
        json={"query": "{ patterns { repeatPerpetrators(minGroups: 0) { incidentCount } } }"},
        timeout=30,
    )
    assert r.json()["errors"][0]["message"] == "minGroups must be within 1..20; got 0"


def test_projection_is_rebuilt_after_a_write_and_kept_otherwise(store: Store) -> None:
    upsert(store, *known())
    cache = Projections(store)
    first = cache.facts()
    assert cache.facts() is first and cache.builds == 1
    assert cache.actors() is cache.actors()
    upsert(
        store,
        [NodeRecord("Incident", "inc_pt_9", {"type": "eviction", "date": day(2)})],
        [FactRecord("VICTIM_OF", "com_pt2", "inc_pt_9")],
    )
    rebuilt = cache.facts()
    assert rebuilt is not first and cache.builds == 2
    assert rebuilt.has_edge("com_pt2", "inc_pt_9", key="VICTIM_OF")


def test_a_stale_projection_is_served_while_it_is_rebuilt_in_the_background(
    store: Store,
) -> None:
    """With ``max_stale``: after a write, the old projection answers at once and one
    rebuild runs in the background; past ``max_stale`` the next answer waits for it."""
    upsert(store, *known())
    cache = Projections(store, max_stale=60)
    first = cache.facts()
    upsert(
        store,
        [NodeRecord("Incident", "inc_pt_10", {"type": "eviction", "date": day(2)})],
        [FactRecord("VICTIM_OF", "com_pt2", "inc_pt_10")],
    )
    assert cache.facts() is first  # stale, served, a rebuild started
    assert cache._refreshing is not None
    cache._refreshing.join(60)
    fresh = cache.facts()
    assert fresh is not first and fresh.has_edge("com_pt2", "inc_pt_10", key="VICTIM_OF")
    assert cache.builds == 2

    strict = Projections(store, max_stale=0.0)
    old = strict.facts()
    upsert(store, [NodeRecord("Incident", "inc_pt_11", {"type": "threat", "date": day(1)})])
    assert strict.facts() is not old  # no staleness allowed: rebuilt before answering
