"""Places without a ubigeo of their own (a river, a town) are in the area they are PART_OF.

Against the real store: an incident on "río Ene" (a feature PART_OF Junín, 12) or on a
town PART_OF the district of Río Tambo (120606) is found by the region, province and
district filters of the listings, the risk reads, the exports and the analytics exactly
like one placed on the district itself, and by no other area's. Every person here is
invented; the places are real.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from graph.access.policy import FULL, PROSECUTOR
from graph.analysis.analytics import hotspots, impunity, stats
from graph.analysis.projections import facts_graph
from graph.analysis.risk_reads import gather
from graph.analysis.risk_weights import default_weights
from graph.cypher.filters import Criteria
from graph.documents import export as exports
from graph.intake.durable import ComplaintIn, Extraction, process, receive
from graph.intake.extraction import to_extraction
from graph.reads import count, list_page
from graph.rows import FactRecord, NodeRecord
from graph.store.bolt import Store
from graph.store.config import Config
from graph.store.repository import upsert
from nlp.result import AdminUnit, DocResult, Entity, Evidence, Incident
from server import create_app
from tests.auth import bearer
from tests.live import serve

pytestmark = pytest.mark.store

TODAY = date.today()  # complaints are received early today (UTC): never in the future


def day(ago: int) -> str:
    return (TODAY - timedelta(days=ago)).isoformat()


UNITS = [  # id, name, level, ubigeo, parent
    ("plc_12", "Junín", "region", "12", None),
    ("plc_1206", "Satipo", "province", "1206", "plc_12"),
    ("plc_120606", "Río Tambo", "district", "120606", "plc_1206"),
    ("plc_25", "Ucayali", "region", "25", None),
    ("plc_2503", "Atalaya", "province", "2503", "plc_25"),
    ("plc_250305", "Tahuanía", "district", "250305", "plc_2503"),
]
PARTS = [  # id, name, level, parent: no ubigeo of their own
    ("plc_rp_ene", "río Ene", "feature", "plc_12"),
    ("plc_rp_ocopa", "Puerto Ocopa", "locality", "plc_120606"),
    ("plc_rp_puente", "puente de Puerto Ocopa", "feature", "plc_rp_ocopa"),
]
INCIDENTS = [  # id, type, days ago, victim, place
    ("inc_rp_ene", "killing", 10, "per_rp_v1", "plc_rp_ene"),
    ("inc_rp_town", "threat", 20, "per_rp_v2", "plc_rp_ocopa"),
    ("inc_rp_bridge", "assault", 30, "per_rp_v2", "plc_rp_puente"),
    ("inc_rp_tahuania", "threat", 15, "per_rp_v3", "plc_250305"),
    ("inc_rp_nowhere", "threat", 5, "per_rp_v3", None),
]
IN_JUNIN = {"inc_rp_ene", "inc_rp_town", "inc_rp_bridge"}
IN_RIO_TAMBO = {"inc_rp_town", "inc_rp_bridge"}  # río Ene is PART_OF the region only


def known() -> tuple[list[NodeRecord], list[FactRecord]]:
    nodes = [
        NodeRecord("Place", pid, {"name": name, "level": level, "ubigeo": code})
        for pid, name, level, code, _ in UNITS
    ]
    nodes += [
        NodeRecord("Place", pid, {"name": name, "level": level}) for pid, name, level, _ in PARTS
    ]
    facts = [FactRecord("PART_OF", pid, parent) for pid, *_, parent in UNITS if parent]
    facts += [FactRecord("PART_OF", pid, parent) for pid, *_, parent in PARTS]
    nodes += [
        NodeRecord("Person", "per_rp_v1", {"name": "Elvira Quinchori Santos", "defender": True}),
        NodeRecord("Person", "per_rp_v2", {"name": "Abel Chumpate Rojas", "defender": True}),
        NodeRecord("Person", "per_rp_v3", {"name": "Nora Vásquez Tello", "defender": True}),
        NodeRecord("Community", "com_rp", {"name": "CN Alto Ene", "community_kind": "native"}),
        NodeRecord("LandDispute", "dsp_rp", {"name": "Fundo Ocopa", "driver": "logging"}),
    ]
    facts += [
        FactRecord("LOCATED_IN", "com_rp", "plc_rp_ene"),
        FactRecord("LOCATED_IN", "dsp_rp", "plc_rp_ocopa"),
    ]
    for iid, kind, ago, victim, place in INCIDENTS:
        nodes.append(NodeRecord("Incident", iid, {"type": kind, "date": day(ago)}))
        facts.append(FactRecord("VICTIM_OF", victim, iid))
        if place:
            facts.append(FactRecord("OCCURRED_IN", iid, place))
    return nodes, facts


@pytest.fixture
def placed(store: Store) -> Store:
    upsert(store, *known())
    return store


def listed(store: Store, kind: str, ubigeo: str) -> set[str]:
    order = "name" if kind == "Place" else "created"
    page = list_page(store, kind, Criteria(ubigeo=ubigeo), viewer=FULL, order=order, first=100)
    found = {str(v.props["id"]) for v in page.items}
    assert count(store, kind, Criteria(ubigeo=ubigeo), viewer=FULL) == len(found)
    return found


def test_incidents_on_a_river_or_a_town_are_in_their_region_province_and_district(
    placed: Store,
) -> None:
    assert listed(placed, "Incident", "12") == IN_JUNIN
    assert listed(placed, "Incident", "1206") == IN_RIO_TAMBO
    assert listed(placed, "Incident", "120606") == IN_RIO_TAMBO
    assert listed(placed, "Incident", "120604") == set()  # another district of Satipo
    # a place with its own ubigeo: by its code, as before
    assert listed(placed, "Incident", "25") == {"inc_rp_tahuania"}
    assert listed(placed, "Incident", "250305") == {"inc_rp_tahuania"}
    assert listed(placed, "Incident", "15") == set()
    # within an OR, beside another filter
    either = Criteria(any_of=(Criteria(ubigeo="25"), Criteria(ubigeo="1206")))
    both = Criteria(ubigeo="12", incident_types=("killing",))
    assert {v.props["id"] for v in list_page(placed, "Incident", either, viewer=FULL).items} == (
        IN_RIO_TAMBO | {"inc_rp_tahuania"}
    )
    assert {v.props["id"] for v in list_page(placed, "Incident", both, viewer=FULL).items} == {
        "inc_rp_ene"
    }


def test_actors_disputes_and_places_follow_part_of_too(placed: Store) -> None:
    # victims of incidents there, and a community located on the river
    assert listed(placed, "Actor", "12") == {"per_rp_v1", "per_rp_v2", "com_rp"}
    assert listed(placed, "Actor", "1206") == {"per_rp_v2"}
    assert listed(placed, "Actor", "25") == {"per_rp_v3"}
    assert listed(placed, "LandDispute", "120606") == {"dsp_rp"}
    assert listed(placed, "LandDispute", "25") == set()
    assert listed(placed, "Place", "12") == {
        "plc_12",
        "plc_1206",
        "plc_120606",
        "plc_rp_ene",
        "plc_rp_ocopa",
        "plc_rp_puente",
    }
    assert listed(placed, "Place", "1206") == {
        "plc_1206",
        "plc_120606",
        "plc_rp_ocopa",
        "plc_rp_puente",
    }
    assert listed(placed, "Place", "25") == {"plc_25", "plc_2503", "plc_250305"}


def test_stats_hotspots_and_impunity_count_them_under_their_area(placed: Store) -> None:
    G = facts_graph(placed)
    by_region = {r["key"]: set(r["incidents"]) for r in stats(G, "region")}
    assert by_region == {"12": IN_JUNIN, "25": {"inc_rp_tahuania"}, None: {"inc_rp_nowhere"}}
    regions = hotspots(G, level="region", start=day(365), end=day(-1))
    assert {r["ubigeo"]: set(r["incidents"]) for r in regions} == {
        "12": IN_JUNIN,
        "25": {"inc_rp_tahuania"},
    }
    districts = hotspots(G, level="district", start=day(365), end=day(-1))
    assert {r["ubigeo"]: set(r["incidents"]) for r in districts} == {
        "120606": IN_RIO_TAMBO,
        "250305": {"inc_rp_tahuania"},
    }
    assert next(r for r in districts if r["ubigeo"] == "120606")["place_id"] == "plc_120606"
    no_case: dict[str | None, set[str]] = {}
    for r in impunity(G):
        assert r["status"] == "no_case"
        no_case.setdefault(r["region"], set()).update(r["incidents"])
    assert no_case == {"12": IN_JUNIN, "25": {"inc_rp_tahuania"}, None: {"inc_rp_nowhere"}}


def test_risk_places_an_attack_in_a_town_in_its_district(placed: Store) -> None:
    inputs = gather(placed, "per_rp_v2", default_weights(), TODAY)
    assert {a.id: a.districts for a in inputs.attacks} == {
        "inc_rp_town": ("120606",),
        "inc_rp_bridge": ("120606",),
    }
    (area,) = inputs.areas
    assert (area.ubigeo, area.name, area.count) == ("120606", "Río Tambo", 2)
    assert set(area.incidents) == IN_RIO_TAMBO
    # a river PART_OF a region lies in no district
    (killing,) = gather(placed, "per_rp_v1", default_weights(), TODAY).attacks
    assert killing.districts == ()
    tahuania = gather(placed, "per_rp_v3", default_weights(), TODAY)
    assert [(a.ubigeo, a.count) for a in tahuania.areas] == [("250305", 1)]


def test_an_export_of_a_region_takes_its_rivers_and_towns(placed: Store) -> None:
    junin = exports.gather(placed, PROSECUTOR, exports.Window(region="12")).nodes
    assert set(junin) >= IN_JUNIN and "inc_rp_tahuania" not in junin
    ucayali = exports.gather(placed, PROSECUTOR, exports.Window(region="25")).nodes
    assert "inc_rp_tahuania" in ucayali and not IN_JUNIN & set(ucayali)


def test_the_api_filters_and_counts_by_region(placed: Store) -> None:
    http = httpx.Client(timeout=60, headers=bearer(placed))
    query = """{ junin: incidents(filter: {ubigeo: "12"}) { totalCount nodes { id } }
                 ucayali: incidents(filter: {ubigeo: "25"}) { totalCount nodes { id } }
                 patterns { stats(groupBy: REGION) { key count } } }"""
    with serve(create_app(Config.from_env({}), placed)) as url:
        body: dict[str, Any] = http.post(f"{url}/graphql", json={"query": query}).json()
    assert "errors" not in body, body
    found = body["data"]
    assert found["junin"]["totalCount"] == 3
    assert {n["id"] for n in found["junin"]["nodes"]} == IN_JUNIN
    assert [n["id"] for n in found["ucayali"]["nodes"]] == ["inc_rp_tahuania"]
    counted = {r["key"]: r["count"] for r in found["patterns"]["stats"]}
    assert counted == {"12": 3, "25": 1, None: 1}


# --- through the intake's own write path ----------------------------------------------

TEXT = (
    "El defensor ambiental Julián Mayori Sánchez fue amenazado de muerte "
    "cuando navegaba por el río Ene, en la región Junín."
)


def _said(words: str) -> Evidence:
    at = TEXT.index(words)
    return Evidence(at, at + len(words), TEXT, 0, "rule", 0.9)


def _result() -> DocResult:
    victim = Entity(
        "person:julian mayori sanchez",
        "person",
        "Julián Mayori Sánchez",
        defender=True,
        mentions=[_said("Julián Mayori Sánchez")],
    )
    river = Entity(
        "place:rio ene",
        "place",
        "río Ene",
        ubigeo="12",
        level="feature",
        mentions=[_said("río Ene")],
        lineage=[AdminUnit("12", "Junín", "region")],  # as the NLP resolves it
    )
    threat = Incident(
        "threat", _said(TEXT), date=day(3), date_precision="day", place=river.key,
        victims=[victim.key],
    )  # fmt: skip
    return DocResult("es", True, [victim, river], [threat])


def _ingest(store: Store) -> str:
    cid = receive(store, ComplaintIn(text=TEXT, received_at=f"{TODAY}T00:00:00Z")).id

    def extractor(c: str, _text: str, _received: str) -> Extraction:
        return to_extraction(c, _result())

    assert process(store, cid, extractor) == "extracted"
    return cid


def test_an_extracted_incident_on_a_river_is_found_by_its_region(store: Store) -> None:
    _ingest(store)
    rivers = list_page(store, "Place", Criteria(name="rio ene"), viewer=FULL, order="name").items
    (river,) = rivers
    assert river.props["level"] == "feature" and "ubigeo" not in river.props
    (incident,) = list_page(store, "Incident", None, viewer=FULL).items
    assert listed(store, "Incident", "12") == {incident.props["id"]}
    assert listed(store, "Incident", "25") == set()
    assert listed(store, "Place", "12") >= {river.props["id"], "plc_12"}
    by_region = {r["key"]: r["count"] for r in stats(facts_graph(store), "region")}
    assert by_region == {"12": 1}
