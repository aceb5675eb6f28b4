"""Unit tests for graph/analysis/analytics.py and networks.py on small hand-made facts graphs."""

from __future__ import annotations

from typing import Any

import networkx as nx  # type: ignore[import-untyped]
import pytest

from graph.analysis.analytics import (
    companies_across_disputes,
    hotspot_index,
    hotspots,
    impunity,
    repeat_perpetrators,
    stats,
)
from graph.analysis.networks import clusters, dispute_actor_graph, incident_actor_graph, key_actors
from graph.errors import ModelError

KINDS = {
    "per": "Person",
    "org": "Organization",
    "com": "Community",
    "inc": "Incident",
    "plc": "Place",
    "dsp": "LandDispute",
    "cas": "Case",
    "pm": "ProtectionMeasure",
}


def build(
    nodes: dict[str, dict[str, Any]] | None = None,
    edges: list[tuple[str, str, str]] | None = None,
) -> nx.MultiDiGraph:
    """A facts graph: node kinds come from the id prefix; edges are (source, type, target)."""
    G = nx.MultiDiGraph()
    for node, attrs in (nodes or {}).items():
        G.add_node(node, kind=KINDS[node.split("_")[0]], **attrs)
    for u, rel, v in edges or []:
        for node in (u, v):
            if node not in G:
                G.add_node(node, kind=KINDS[node.split("_")[0]])
        G.add_edge(u, v, key=rel, type=rel)
    return G


# --- projections ----------------------------------------------------------------------


def test_incident_actor_graph_weights_and_incidents() -> None:
    G = build(
        {"per_1": {"name": "Ana"}, "org_1": {"name": "Minera Sur"}, "per_9": {"name": "Nadie"}},
        [
            ("org_1", "PERPETRATOR_OF", "inc_1"),
            ("per_1", "VICTIM_OF", "inc_1"),
            ("per_2", "WITNESS_OF", "inc_1"),
            ("org_1", "PERPETRATOR_OF", "inc_2"),
            ("per_1", "VICTIM_OF", "inc_2"),
            ("per_3", "VICTIM_OF", "inc_3"),
            ("per_9", "MEMBER_OF", "org_1"),
            ("inc_1", "OCCURRED_IN", "plc_1"),
        ],
    )
    H = incident_actor_graph(G)
    assert sorted(H.nodes) == ["org_1", "per_1", "per_2", "per_3"]
    assert H.nodes["org_1"] == {"kind": "Organization", "name": "Minera Sur"}
    assert H.nodes["per_2"] == {"kind": "Person", "name": None}
    edges = {tuple(sorted((u, v))): d for u, v, d in H.edges(data=True)}
    assert edges == {
        ("org_1", "per_1"): {"weight": 2, "incidents": ["inc_1", "inc_2"]},
        ("org_1", "per_2"): {"weight": 1, "incidents": ["inc_1"]},
        ("per_1", "per_2"): {"weight": 1, "incidents": ["inc_1"]},
    }
    assert H.degree("per_3") == 0


def test_dispute_actor_graph_party_and_incident_paths() -> None:
    G = build(
        {"org_1": {"name": "Minera Sur", "org_kind": "company"}},
        [
            ("org_1", "PARTY_TO", "dsp_1"),
            ("com_1", "PARTY_TO", "dsp_1"),
            ("org_1", "PERPETRATOR_OF", "inc_1"),
            ("com_2", "VICTIM_OF", "inc_1"),
            ("per_1", "VICTIM_OF", "inc_1"),
            ("inc_1", "PART_OF", "dsp_1"),
            ("inc_1", "PART_OF", "dsp_2"),
            ("com_3", "VICTIM_OF", "inc_2"),  # not part of a dispute
        ],
    )
    H = dispute_actor_graph(G)
    assert sorted(H.nodes) == ["com_1", "com_2", "org_1"]
    edges = {tuple(sorted((u, v))): d for u, v, d in H.edges(data=True)}
    assert edges == {
        ("com_1", "org_1"): {"weight": 1, "disputes": ["dsp_1"]},
        ("com_2", "org_1"): {"weight": 2, "disputes": ["dsp_1", "dsp_2"]},
        ("com_1", "com_2"): {"weight": 1, "disputes": ["dsp_1"]},
    }


# --- key actors -----------------------------------------------------------------------


def star() -> nx.Graph:
    H = nx.Graph()
    for leaf in ("per_a", "per_b", "per_c", "per_d"):
        H.add_edge("org_hub", leaf, weight=1, incidents=["inc_1"])
    return H


@pytest.mark.parametrize("metric", ["degree", "betweenness", "pagerank"])
def test_key_actors_star_centre_first(metric: str) -> None:
    ranked = key_actors(star(), metric, top=3)
    assert [r["id"] for r in ranked] == ["org_hub", "per_a", "per_b"]  # leaf ties by id
    assert [r["rank"] for r in ranked] == [1, 2, 3]
    assert ranked[0]["score"] > ranked[1]["score"] == ranked[2]["score"]


def test_key_actors_scores() -> None:
    degree = key_actors(star(), "degree")
    assert [(r["id"], r["score"]) for r in degree] == [
        ("org_hub", 1.0),
        ("per_a", 0.25),
        ("per_b", 0.25),
        ("per_c", 0.25),
        ("per_d", 0.25),
    ]
    between = key_actors(star(), "betweenness", k=100)  # k above n: capped, exact
    assert between[0] == {"id": "org_hub", "score": 1.0, "rank": 1}
    assert {r["score"] for r in between[1:]} == {0.0}
    # by hand: hub = 0.15/5 + 0.85 * 4 * leaf, leaf = 0.15/5 + 0.85 * hub / 4
    pagerank = key_actors(star(), "pagerank")
    assert pagerank[0]["score"] == pytest.approx(0.132 / 0.2775, abs=1e-5)
    assert pagerank[1]["score"] == pytest.approx(0.03 + 0.2125 * 0.132 / 0.2775, abs=1e-5)
    assert sum(r["score"] for r in pagerank) == pytest.approx(1.0)
    # weights count: a heavier tie pulls rank towards its end
    H = star()
    H["org_hub"]["per_d"]["weight"] = 5
    assert [r["id"] for r in key_actors(H, "pagerank", top=2)] == ["org_hub", "per_d"]
    assert key_actors(nx.Graph(), "degree") == []


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"metric": "closeness"}, "metric"),
        ({"top": 0}, "top"),
        ({"top": 1001}, "top"),
        ({"top": True}, "top"),
        ({"k": 0}, "k"),
    ],
)
def test_key_actors_bad_arguments(kwargs: dict[str, Any], named: str) -> None:
    with pytest.raises(ModelError, match=f"^{named} "):
        key_actors(star(), **kwargs)


# --- clusters -------------------------------------------------------------------------


def two_cliques() -> nx.Graph:
    H = nx.Graph()
    a = [f"per_a{i}" for i in range(1, 6)]
    b = [f"per_b{i}" for i in range(1, 6)]
    for group, incident in ((a, "inc_a"), (b, "inc_b")):
        for i, u in enumerate(group):
            for v in group[i + 1 :]:
                H.add_edge(u, v, weight=3, incidents=[incident])
    H.add_edge("per_a1", "per_b1", weight=1, incidents=["inc_bridge"])
    H.add_node("per_alone")
    return H


def test_clusters_two_cliques() -> None:
    found = clusters(two_cliques())
    assert found == [
        {
            "id": "cluster-1",
            "members": ["per_a1", "per_a2", "per_a3", "per_a4", "per_a5"],
            "size": 5,
            "incidents": ["inc_a"],
        },
        {
            "id": "cluster-2",
            "members": ["per_b1", "per_b2", "per_b3", "per_b4", "per_b5"],
            "size": 5,
            "incidents": ["inc_b"],
        },
    ]
    # the same for other seeds; min_size filters; a singleton shows at min_size 1
    assert [c["members"] for c in clusters(two_cliques(), seed=1)] == [c["members"] for c in found]
    assert clusters(two_cliques(), min_size=6) == []
    singles = clusters(two_cliques(), min_size=1)
    assert singles[-1] == {"id": "cluster-3", "members": ["per_alone"], "size": 1, "incidents": []}


def test_clusters_without_incidents_and_bad_arguments() -> None:
    H = nx.Graph()
    H.add_edge("org_1", "com_1", weight=2, disputes=["dsp_1", "dsp_2"])
    assert clusters(H) == [
        {"id": "cluster-1", "members": ["com_1", "org_1"], "size": 2, "incidents": []}
    ]
    assert clusters(nx.Graph()) == []
    with pytest.raises(ModelError, match="^min_size "):
        clusters(H, min_size=0)
    with pytest.raises(ModelError, match="^resolution "):
        clusters(H, resolution=0)


# --- patterns -------------------------------------------------------------------------


def test_repeat_perpetrators() -> None:
    G = build(
        edges=[
            # org_mine: one incident against a member of com_a, one against com_b itself
            ("org_mine", "PERPETRATOR_OF", "inc_1"),
            ("per_1", "VICTIM_OF", "inc_1"),
            ("per_1", "MEMBER_OF", "com_a"),
            ("org_mine", "PERPETRATOR_OF", "inc_2"),
            ("com_b", "VICTIM_OF", "inc_2"),
            # org_local: two incidents, both within com_a
            ("org_local", "PERPETRATOR_OF", "inc_3"),
            ("per_1", "VICTIM_OF", "inc_3"),
            ("org_local", "PERPETRATOR_OF", "inc_4"),
            ("per_2", "VICTIM_OF", "inc_4"),
            ("per_2", "MEMBER_OF", "com_a"),
            ("per_2", "MEMBER_OF", "org_ngo"),  # not a community
            # per_x: incidents in two disputes, and one in neither
            ("per_x", "PERPETRATOR_OF", "inc_5"),
            ("inc_5", "PART_OF", "dsp_1"),
            ("per_x", "PERPETRATOR_OF", "inc_6"),
            ("inc_6", "PART_OF", "dsp_2"),
            ("per_x", "PERPETRATOR_OF", "inc_7"),
            # a victim who is also a witness elsewhere: roles other than perpetrator ignored
            ("com_b", "WITNESS_OF", "inc_3"),
        ]
    )
    assert repeat_perpetrators(G) == [
        {
            "id": "per_x",
            "incidents": ["inc_5", "inc_6", "inc_7"],
            "communities": [],
            "disputes": ["dsp_1", "dsp_2"],
            "count": 3,
        },
        {
            "id": "org_mine",
            "incidents": ["inc_1", "inc_2"],
            "communities": ["com_a", "com_b"],
            "disputes": [],
            "count": 2,
        },
    ]
    relaxed = repeat_perpetrators(G, min_groups=1)
    assert [r["id"] for r in relaxed] == ["per_x", "org_mine", "org_local"]
    assert relaxed[2]["communities"] == ["com_a"]
    with pytest.raises(ModelError, match="^min_groups "):
        repeat_perpetrators(G, min_groups=0)


def test_companies_across_disputes() -> None:
    G = build(
        {
            "org_co1": {"org_kind": "company"},
            "org_co2": {"org_kind": "company"},
            "org_co3": {"org_kind": "company"},
            "org_pol": {"org_kind": "police"},
        },
        [
            # org_co1: directly in dsp_1, through an employee in dsp_2, plus one undisputed
            ("org_co1", "PERPETRATOR_OF", "inc_1"),
            ("inc_1", "PART_OF", "dsp_1"),
            ("per_e", "WORKS_FOR", "org_co1"),
            ("per_e", "PERPETRATOR_OF", "inc_2"),
            ("inc_2", "PART_OF", "dsp_2"),
            ("org_co1", "PERPETRATOR_OF", "inc_6"),
            # org_co2: through a member in dsp_3 and dsp_4, directly in dsp_3
            ("per_m", "MEMBER_OF", "org_co2"),
            ("per_m", "PERPETRATOR_OF", "inc_3"),
            ("inc_3", "PART_OF", "dsp_3"),
            ("per_m", "PERPETRATOR_OF", "inc_4"),
            ("inc_4", "PART_OF", "dsp_4"),
            ("org_co2", "PERPETRATOR_OF", "inc_5"),
            ("inc_5", "PART_OF", "dsp_3"),
            # org_co3: one dispute only; org_pol: not a company
            ("org_co3", "PERPETRATOR_OF", "inc_1"),
            ("org_pol", "PERPETRATOR_OF", "inc_1"),
            ("org_pol", "PERPETRATOR_OF", "inc_2"),
            # a victim who works for a company does not tie it
            ("per_v", "WORKS_FOR", "org_co3"),
            ("per_v", "VICTIM_OF", "inc_4"),
        ],
    )
    assert companies_across_disputes(G) == [
        {"id": "org_co2", "disputes": ["dsp_3", "dsp_4"], "incidents": ["inc_3", "inc_4", "inc_5"]},
        {"id": "org_co1", "disputes": ["dsp_1", "dsp_2"], "incidents": ["inc_1", "inc_2"]},
    ]
    one = companies_across_disputes(G, min_disputes=1)
    assert [r["id"] for r in one] == ["org_co2", "org_co1", "org_co3"]
    assert one[2] == {"id": "org_co3", "disputes": ["dsp_1"], "incidents": ["inc_1"]}
    with pytest.raises(ModelError, match="^min_disputes "):
        companies_across_disputes(G, min_disputes=0)


# --- hotspots -------------------------------------------------------------------------

# window [2024-03-01, 2024-04-01) is 31 days; the previous one is [2024-01-30, 2024-03-01)
START, END = "2024-03-01", "2024-04-01"


def hotspot_graph() -> nx.MultiDiGraph:
    G = build(
        {
            "plc_reg": {"ubigeo": "25", "level": "region", "name": "Ucayali"},
            "plc_prov": {"ubigeo": "2501", "level": "province", "name": "Coronel Portillo"},
            "plc_d1": {"ubigeo": "250101", "level": "district", "name": "Callería"},
            "plc_d1b": {"ubigeo": "250101", "level": "locality", "name": "Pucallpa"},
            "plc_d2": {"ubigeo": "250102", "level": "district", "name": "Campoverde"},
            "plc_d3": {"ubigeo": "250103", "level": "district", "name": "Iparía"},
            "plc_loc": {"level": "locality", "name": "Caserío sin código"},
            "plc_atl": {"ubigeo": "250201", "level": "locality", "name": "Atalaya pueblo"},
        },
        [("plc_loc", "PART_OF", "plc_d2"), ("plc_d1", "PART_OF", "plc_prov")],
    )

    def incident(node: str, when: str | None, *places: str) -> None:
        G.add_node(node, kind="Incident", type="threat", date=when)
        for place in places:
            G.add_edge(node, place, key="OCCURRED_IN", type="OCCURRED_IN")

    # district 250101: 3 previous (a month date counts by its first day), 6 current
    incident("inc_p1", "2024-01-30", "plc_d1")
    incident("inc_p2", "2024-02-10", "plc_d1")
    incident("inc_p3", "2024-02", "plc_d1")
    incident("inc_c1", "2024-03-01", "plc_d1")
    incident("inc_c2", "2024-03-05", "plc_d1")
    incident("inc_c3", "2024-03-10", "plc_d1")
    incident("inc_c4", "2024-03-15", "plc_d1", "plc_d1b")  # two places, one area
    incident("inc_c5", "2024-03", "plc_d1")
    incident("inc_c6", "2024-03-31", "plc_d1")
    # outside both windows, or undated
    incident("inc_x1", "2024-01-29", "plc_d1")
    incident("inc_x2", "2024-04", "plc_d1")
    incident("inc_x3", "2024", "plc_d1")
    incident("inc_x4", None, "plc_d1")
    incident("inc_x5", "2024-04-01", "plc_d1")
    # district 250102: 2 current (one through a locality without a code), 0 previous
    incident("inc_c7", "2024-03-20", "plc_loc")
    incident("inc_c8", "2024-03-21", "plc_d2")
    # district 250103: 2 current, 4 previous
    incident("inc_c9", "2024-03-02", "plc_d3")
    incident("inc_c10", "2024-03-03", "plc_d3")
    for i in range(4, 8):
        incident(f"inc_p{i}", f"2024-02-0{i}", "plc_d3")
    # placed only in the province, only in the region, and in another province
    incident("inc_c11", "2024-03-04", "plc_prov")
    incident("inc_c12", "2024-03-06", "plc_reg")
    incident("inc_c13", "2024-03-07", "plc_atl")
    # an unplaced incident
    incident("inc_c14", "2024-03-08")
    return G


def test_hotspots_district() -> None:
    rows = hotspots(hotspot_graph(), level="district", start=START, end=END)
    assert [(r["ubigeo"], r["count"], r["previous"], r["growth"]) for r in rows] == [
        ("250101", 6, 3, 1.0),
        ("250103", 2, 4, -0.5),  # same count as 250102: growth first, None last
        ("250102", 2, 0, None),
        ("250201", 1, 0, None),
    ]
    assert rows[0] == {
        "ubigeo": "250101",
        "name": "Callería",  # the district, not the locality with the same code
        "place_id": "plc_d1",
        "count": 6,
        "previous": 3,
        "growth": 1.0,
        "incidents": ["inc_c1", "inc_c2", "inc_c3", "inc_c4", "inc_c5", "inc_c6"],
    }
    assert rows[2]["incidents"] == ["inc_c7", "inc_c8"]
    assert rows[3]["name"] == "Atalaya pueblo"
    assert hotspots(hotspot_graph(), start=START, end=END, top=1) == rows[:1]


def test_hotspots_province_and_region() -> None:
    G = hotspot_graph()
    provinces = hotspots(G, level="province", start=START, end=END)
    fields = ("ubigeo", "count", "previous", "name", "place_id")
    assert [tuple(r[f] for f in fields) for r in provinces] == [
        ("2501", 11, 7, "Coronel Portillo", "plc_prov"),
        ("2502", 1, 0, None, None),  # no Place carries the code 2502
    ]
    assert provinces[0]["growth"] == pytest.approx(4 / 7)
    assert "inc_c12" not in provinces[0]["incidents"]  # placed only in the region
    regions = hotspots(G, level="region", start=START, end=END)
    assert [(r["ubigeo"], r["count"], r["previous"], r["place_id"]) for r in regions] == [
        ("25", 13, 7, "plc_reg")
    ]


def test_one_kept_index_answers_every_window_and_level() -> None:
    """The server keeps ``hotspot_index`` per projection and slices it per request."""
    G = hotspot_graph()
    index = hotspot_index(G)
    windows = [(START, END), ("2024-03-04", "2024-03-07"), ("2023-01-01", "2025-01-01")]
    windows.append(("2030-01-01", "2030-02-01"))  # nothing in it
    for level in ("district", "province", "region"):
        for start, end in windows:
            kept = hotspots(G, level=level, start=start, end=end, index=index)
            assert kept == hotspots(G, level=level, start=start, end=end)
    assert hotspots(G, start="2030-01-01", end="2030-02-01", index=index) == []
    assert index.days == sorted(index.days) and len(index.days) == len(index.incidents)


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"level": "country"}, "level"),
        ({"start": "2024-3-01"}, "start"),
        ({"start": "2024-02-30"}, "start"),
        ({"start": "2024-03"}, "start"),
        ({"end": None}, "end"),
        ({"end": "2024-03-01"}, "start"),  # start == end
        ({"start": "2024-05-01"}, "start"),  # start after end
        ({"top": 0}, "top"),
    ],
)
def test_hotspots_bad_arguments(kwargs: dict[str, Any], named: str) -> None:
    args: dict[str, Any] = {"level": "district", "start": START, "end": END, **kwargs}
    with pytest.raises(ModelError, match=f"^{named} "):
        hotspots(hotspot_graph(), **args)


# --- impunity -------------------------------------------------------------------------


def test_impunity() -> None:
    G = build(
        {
            "plc_a": {"ubigeo": "250101"},
            "plc_b": {"ubigeo": "150101"},
            "inc_1": {"type": "killing"},
            "inc_2": {"type": "killing"},
            "inc_3": {"type": "threat"},
            "inc_4": {"type": "threat"},
            "inc_5": {"type": "killing"},
            "inc_6": {"type": "threat"},
            "cas_1": {"status": "archived"},
            "cas_2": {"status": "archived"},
            "cas_3": {"status": "convicted"},
            "cas_4": {"status": "open"},
        },
        [
            ("inc_1", "OCCURRED_IN", "plc_a"),
            ("inc_2", "OCCURRED_IN", "plc_a"),
            ("inc_3", "OCCURRED_IN", "plc_b"),
            ("inc_5", "OCCURRED_IN", "plc_a"),
            ("inc_6", "OCCURRED_IN", "plc_a"),
            ("inc_6", "OCCURRED_IN", "plc_b"),
            ("cas_1", "INVESTIGATES", "inc_1"),
            ("cas_1", "INVESTIGATES", "inc_2"),
            ("cas_2", "INVESTIGATES", "inc_1"),
            ("cas_3", "INVESTIGATES", "inc_2"),
            ("cas_4", "INVESTIGATES", "inc_3"),
            ("cas_4", "INVESTIGATES", "inc_4"),
        ],
    )

    def row(
        region: str | None, kind: str, status: str, cases: int, ids: list[str], incs: list[str]
    ) -> dict[str, Any]:
        return {
            "region": region,
            "incident_type": kind,
            "status": status,
            "cases": cases,
            "case_ids": ids,
            "incidents": incs,
        }

    assert impunity(G) == [
        row("15", "threat", "no_case", 1, [], ["inc_6"]),
        row("15", "threat", "open", 1, ["cas_4"], ["inc_3"]),
        row("25", "killing", "archived", 2, ["cas_1", "cas_2"], ["inc_1", "inc_2"]),
        row("25", "killing", "convicted", 1, ["cas_3"], ["inc_2"]),
        row("25", "killing", "no_case", 1, [], ["inc_5"]),
        row("25", "threat", "no_case", 1, [], ["inc_6"]),
        row(None, "threat", "open", 1, ["cas_4"], ["inc_4"]),
    ]


# --- stats ----------------------------------------------------------------------------


def stats_graph() -> nx.MultiDiGraph:
    return build(
        {
            "plc_a": {"ubigeo": "250101"},
            "plc_b": {"ubigeo": "150101"},
            "plc_c": {"ubigeo": "2501"},
            "inc_1": {"type": "killing", "date": "2023-05-02"},
            "inc_2": {"type": "threat", "date": "2023"},
            "inc_3": {"type": "threat", "date": "2024-01"},
            "inc_4": {"type": "assault", "date": None},
            "per_f": {"gender": "female", "people": "Asháninka"},
            "per_m": {"gender": "male", "people": None},
            "per_u": {"people": "Asháninka"},
            "com_1": {"people": "Shipibo-Konibo"},
            "com_2": {"people": "Asháninka"},
        },
        [
            ("inc_1", "OCCURRED_IN", "plc_a"),
            ("inc_2", "OCCURRED_IN", "plc_a"),
            ("inc_2", "OCCURRED_IN", "plc_b"),
            ("inc_3", "OCCURRED_IN", "plc_c"),
            ("per_f", "VICTIM_OF", "inc_1"),
            ("per_m", "VICTIM_OF", "inc_1"),
            ("com_1", "VICTIM_OF", "inc_2"),
            ("per_u", "VICTIM_OF", "inc_3"),
            ("com_2", "VICTIM_OF", "inc_3"),
            ("org_1", "PERPETRATOR_OF", "inc_4"),
            ("per_m", "PERPETRATOR_OF", "inc_2"),  # a perpetrator, not a victim, of inc_2
        ],
    )


@pytest.mark.parametrize(
    ("group_by", "expected"),
    [
        (
            "incident_type",
            [("threat", ["inc_2", "inc_3"]), ("assault", ["inc_4"]), ("killing", ["inc_1"])],
        ),
        ("region", [("25", ["inc_1", "inc_2", "inc_3"]), ("15", ["inc_2"]), (None, ["inc_4"])]),
        ("year", [("2023", ["inc_1", "inc_2"]), ("2024", ["inc_3"]), (None, ["inc_4"])]),
        (
            "victim_gender",
            [
                (None, ["inc_2", "inc_4"]),
                ("female", ["inc_1"]),
                ("male", ["inc_1"]),
                ("unknown", ["inc_3"]),
            ],
        ),
        (
            "victim_people",
            [("Asháninka", ["inc_1", "inc_3"]), ("Shipibo-Konibo", ["inc_2"]), (None, ["inc_4"])],
        ),
    ],
)
def test_stats(group_by: str, expected: list[tuple[str | None, list[str]]]) -> None:
    assert stats(stats_graph(), group_by) == [
        {"key": key, "count": len(ids), "incidents": ids} for key, ids in expected
    ]


def test_stats_bad_group_by() -> None:
    with pytest.raises(ModelError, match="^group_by "):
        stats(stats_graph(), "perpetrator")
