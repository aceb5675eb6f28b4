"""Network analytics over the facts graph: projections, key actors, clusters, patterns.

Pure functions in the networkx style: each takes a graph (and plain values) and returns a
new graph, a plain dict or a list of plain dicts; nothing here reads the store or does IO.
Output is deterministic: ties are broken by id and random algorithms take a fixed,
overridable ``seed``.

The input ("facts graph") is an ``nx.MultiDiGraph`` whose nodes carry a ``kind``
(``Person``, ``Organization``, ``Community``, ``Incident``, ``Place``, ``LandDispute``,
``Case``, ``ProtectionMeasure``) and whose edges are keyed by relationship type, with the
attribute ``type`` equal to the key (``PERPETRATOR_OF``, ``VICTIM_OF``, ``OCCURRED_IN``, ...),
pointing as in the store (actor → incident, incident → place, case → incident, ...).
Attributes other than ``kind`` may be missing or ``None``.

Places are located by their ``ubigeo``: 2 digits name a region, 4 a province, 6 a district.
A place without a ubigeo (e.g. a locality) takes that of its nearest ``PART_OF`` ancestor.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import combinations
from typing import Any

import networkx as nx  # type: ignore[import-untyped]

from graph.errors import ModelError

Row = dict[str, Any]

ACTOR_KINDS = frozenset({"Person", "Organization", "Community"})
ROLES = ("PERPETRATOR_OF", "VICTIM_OF", "WITNESS_OF")
METRICS = ("degree", "betweenness", "pagerank")
LEVELS = {"region": 2, "province": 4, "district": 6}
GROUP_BY = ("incident_type", "region", "year", "victim_gender", "victim_people")
MAX_TOP = 1000

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MONTH = re.compile(r"\d{4}-\d{2}")
_ISO_YEAR = re.compile(r"\d{4}")

_PARTIES = frozenset({"Organization", "Community"})
_INCIDENT = frozenset({"Incident"})
_DISPUTE = frozenset({"LandDispute"})
_PLACE = frozenset({"Place"})


# --- shared helpers -------------------------------------------------------------------


def _kind(G: nx.Graph, node: Any) -> str | None:
    kind = G.nodes[node].get("kind")
    return kind if isinstance(kind, str) else None


def _attr(G: nx.Graph, node: Any, name: str) -> Any:
    return G.nodes[node].get(name)


def _edges(G: nx.Graph) -> Iterator[tuple[Any, Any, Any, dict[str, Any]]]:
    if G.is_multigraph():
        yield from G.edges(keys=True, data=True)
    else:
        for u, v, data in G.edges(data=True):
            yield u, v, None, data


def _links(
    G: nx.Graph, rel: str, sources: Iterable[str], targets: Iterable[str]
) -> list[tuple[str, str]]:
    """The ``(source, target)`` pairs of ``rel`` edges between nodes of the given kinds."""
    source_kinds, target_kinds = frozenset(sources), frozenset(targets)
    pairs = []
    for u, v, key, data in _edges(G):
        rel_type = data.get("type") or key
        if rel_type == rel and _kind(G, u) in source_kinds and _kind(G, v) in target_kinds:
            pairs.append((u, v))
    return pairs


def _group(pairs: Iterable[tuple[str, str]], *, reverse: bool = False) -> dict[str, set[str]]:
    """Map each source to its targets (or, with ``reverse``, each target to its sources)."""
    out: dict[str, set[str]] = defaultdict(set)
    for u, v in pairs:
        if reverse:
            out[v].add(u)
        else:
            out[u].add(v)
    return out


def _incidents(G: nx.Graph) -> list[str]:
    return sorted(n for n in G.nodes if _kind(G, n) == "Incident")


def _actor_incidents(G: nx.Graph, roles: Iterable[str] = ROLES) -> dict[str, set[str]]:
    """Each actor's incidents in the given roles."""
    out: dict[str, set[str]] = defaultdict(set)
    for rel in roles:
        for actor, incident in _links(G, rel, ACTOR_KINDS, _INCIDENT):
            out[actor].add(incident)
    return out


def _first_day(value: Any) -> date | None:
    """The first day a date value covers: "YYYY-MM-DD", "YYYY-MM" or "YYYY"; else None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if _ISO_DAY.fullmatch(text):
            return date.fromisoformat(text)
        if _ISO_MONTH.fullmatch(text):
            return date.fromisoformat(f"{text}-01")
        if _ISO_YEAR.fullmatch(text):
            return date.fromisoformat(f"{text}-01-01")
    except ValueError:
        return None
    return None


def _ubigeo(G: nx.Graph, place: str) -> str | None:
    code = _attr(G, place, "ubigeo")
    if isinstance(code, str) and code.strip().isdigit():
        return code.strip()
    return None


def _place_code(G: nx.Graph, place: str, parents: dict[str, set[str]]) -> str | None:
    """The place's ubigeo, or that of its nearest ``PART_OF`` ancestor that has one."""
    seen: set[str] = set()
    current: str | None = place
    while current is not None and current not in seen:
        seen.add(current)
        code = _ubigeo(G, current)
        if code is not None:
            return code
        ups = parents.get(current)
        current = min(ups) if ups else None
    return None


def _incident_codes(G: nx.Graph) -> dict[str, set[str]]:
    """Each placed incident's ubigeo codes (one per place it occurred in)."""
    parents = _group(_links(G, "PART_OF", _PLACE, _PLACE))
    out: dict[str, set[str]] = defaultdict(set)
    for incident, place in _links(G, "OCCURRED_IN", _INCIDENT, _PLACE):
        code = _place_code(G, place, parents)
        if code is not None:
            out[incident].add(code)
    return out


def _areas(codes: Iterable[str], digits: int) -> set[str]:
    """The areas ``digits`` long that the codes fall in; shorter codes are left out."""
    return {code[:digits] for code in codes if len(code) >= digits}


def _none_last(value: Any) -> tuple[bool, Any]:
    return (value is None, "" if value is None else value)


def _check_int(name: str, value: Any, low: int, high: int | None = None) -> None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= low
    if ok and high is not None:
        ok = value <= high
    if not ok:
        bounds = f"within {low}..{high}" if high is not None else f"an integer >= {low}"
        raise ModelError(f"{name} must be {bounds}; got {value!r}")


def _check_iso_day(name: str, value: Any) -> date:
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ModelError(f"{name} must be a date YYYY-MM-DD; got {value!r}")


def _weighted_projection(links: dict[str, set[str]], G: nx.MultiDiGraph, attr: str) -> nx.Graph:
    """Actors linked by the items they share: ``links`` maps each actor to its items."""
    H = nx.Graph()
    for actor in sorted(links):
        H.add_node(actor, kind=_attr(G, actor, "kind"), name=_attr(G, actor, "name"))
    by_item = _group(((a, item) for a, items in links.items() for item in items), reverse=True)
    shared: dict[tuple[str, str], set[str]] = defaultdict(set)
    for item, actors in by_item.items():
        for pair in combinations(sorted(actors), 2):
            shared[pair].add(item)
    for (u, v), items in sorted(shared.items()):
        H.add_edge(u, v, weight=len(items), **{attr: sorted(items)})
    return H


# --- projections ----------------------------------------------------------------------


def incident_actor_graph(G: nx.MultiDiGraph) -> nx.Graph:
    """Project the facts graph onto actors linked through shared incidents.

    Parameters
    ----------
    G : nx.MultiDiGraph
        The facts graph.

    Returns
    -------
    nx.Graph
        One node per actor (Person, Organization, Community) with at least one
        ``PERPETRATOR_OF``, ``VICTIM_OF`` or ``WITNESS_OF`` edge, carrying ``kind`` and
        ``name``; an edge between two actors that share incidents in any role, with
        ``weight`` (the number of shared incidents) and ``incidents`` (their sorted ids).
        Actors who share no incident are kept as isolated nodes.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("per_1", kind="Person", name="Ana")
    >>> G.add_node("org_1", kind="Organization", name="Minera")
    >>> G.add_node("inc_1", kind="Incident", type="threat")
    >>> _ = G.add_edge("per_1", "inc_1", key="VICTIM_OF", type="VICTIM_OF")
    >>> _ = G.add_edge("org_1", "inc_1", key="PERPETRATOR_OF", type="PERPETRATOR_OF")
    >>> H = incident_actor_graph(G)
    >>> H.edges["org_1", "per_1"]
    {'weight': 1, 'incidents': ['inc_1']}
    """
    return _weighted_projection(_actor_incidents(G), G, "incidents")


def dispute_actor_graph(G: nx.MultiDiGraph) -> nx.Graph:
    """Project the facts graph onto organizations and communities linked through disputes.

    Parameters
    ----------
    G : nx.MultiDiGraph
        The facts graph.

    Returns
    -------
    nx.Graph
        One node per Organization or Community that is ``PARTY_TO`` a land dispute or is
        perpetrator or victim of an incident ``PART_OF`` one, carrying ``kind`` and
        ``name``; an edge between two of them for the disputes they share, with ``weight``
        (the number of shared disputes) and ``disputes`` (their sorted ids).
    """
    links: dict[str, set[str]] = defaultdict(set)
    for actor, dispute in _links(G, "PARTY_TO", _PARTIES, _DISPUTE):
        links[actor].add(dispute)
    disputes_of = _group(_links(G, "PART_OF", _INCIDENT, _DISPUTE))
    for rel in ("PERPETRATOR_OF", "VICTIM_OF"):
        for actor, incident in _links(G, rel, _PARTIES, _INCIDENT):
            if incident in disputes_of:
                links[actor] |= disputes_of[incident]
    return _weighted_projection(links, G, "disputes")


# --- centrality and clusters ----------------------------------------------------------


def key_actors(
    H: nx.Graph,
    metric: str = "pagerank",
    top: int = 10,
    *,
    k: int | None = None,
    seed: int = 7,
) -> list[Row]:
    """Rank the nodes of a projection by a centrality metric.

    Parameters
    ----------
    H : nx.Graph
        A projection (e.g. from :func:`incident_actor_graph`); edges may carry ``weight``.
    metric : {"degree", "betweenness", "pagerank"}
        ``degree``: degree centrality; ``betweenness``: unweighted betweenness, sampled
        over ``k`` pivots when ``k`` is given; ``pagerank``: PageRank weighted by
        ``weight``.
    top : int
        How many entries to return, 1..1000.
    k : int, optional
        Pivots for sampled betweenness (capped at the number of nodes); exact if None.
    seed : int
        Seed for the betweenness sampling.

    Returns
    -------
    list of dict
        ``{"id", "score", "rank"}`` sorted by score descending, then id; rank starts at 1.
        An empty graph gives an empty list.

    Examples
    --------
    >>> star = nx.star_graph(3)
    >>> key_actors(nx.relabel_nodes(star, str), "degree", top=2)
    [{'id': '0', 'score': 1.0, 'rank': 1}, {'id': '1', 'score': 0.3333333333333333, 'rank': 2}]
    """
    if metric not in METRICS:
        raise ModelError(f"metric must be one of {', '.join(METRICS)}; got {metric!r}")
    _check_int("top", top, 1, MAX_TOP)
    if k is not None:
        _check_int("k", k, 1)
    n = H.number_of_nodes()
    if n == 0:
        return []
    if metric == "degree":
        scores = nx.degree_centrality(H)
    elif metric == "betweenness":
        scores = nx.betweenness_centrality(H, k=min(k, n) if k else None, seed=seed, weight=None)
    else:
        scores = nx.pagerank(H, weight="weight")
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:top]
    return [
        {"id": node, "score": float(score), "rank": i}
        for i, (node, score) in enumerate(ranked, start=1)
    ]


def clusters(
    H: nx.Graph, *, min_size: int = 2, seed: int = 7, resolution: float = 1.0
) -> list[Row]:
    """Find clusters of closely linked nodes in a projection (Louvain).

    Parameters
    ----------
    H : nx.Graph
        A projection; edges may carry ``weight`` and ``incidents``.
    min_size : int
        The smallest cluster to report (>= 1).
    seed : int
        Seed for the Louvain method.
    resolution : float
        Louvain resolution (> 0); above 1 favours smaller clusters.

    Returns
    -------
    list of dict
        ``{"id": "cluster-1", "members", "size", "incidents"}`` ordered by size
        descending, then first member, and numbered in that order; ``members`` are sorted
        ids and ``incidents`` the sorted union of the ``incidents`` of the edges inside
        the cluster (empty when the edges carry none).
    """
    _check_int("min_size", min_size, 1)
    if isinstance(resolution, bool) or not isinstance(resolution, int | float) or resolution <= 0:
        raise ModelError(f"resolution must be a number > 0; got {resolution!r}")
    if H.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(H, weight="weight", seed=seed, resolution=resolution)
    groups = sorted(
        (sorted(group) for group in found if len(group) >= min_size),
        key=lambda members: (-len(members), members[0]),
    )
    out: list[Row] = []
    for i, members in enumerate(groups, start=1):
        incidents: set[str] = set()
        for _, _, items in H.subgraph(members).edges(data="incidents"):
            if items:
                incidents.update(items)
        out.append(
            {
                "id": f"cluster-{i}",
                "members": members,
                "size": len(members),
                "incidents": sorted(incidents),
            }
        )
    return out


# --- patterns -------------------------------------------------------------------------


def repeat_perpetrators(G: nx.MultiDiGraph, *, min_groups: int = 2) -> list[Row]:
    """Find actors who perpetrated incidents in several communities or disputes.

    An incident is in a community when the community is ``VICTIM_OF`` it, or a Person
    ``VICTIM_OF`` it is ``MEMBER_OF`` that community; it is in a dispute when it is
    ``PART_OF`` that dispute.

    Parameters
    ----------
    G : nx.MultiDiGraph
        The facts graph.
    min_groups : int
        How many distinct communities, or distinct disputes, qualify an actor (>= 1).

    Returns
    -------
    list of dict
        ``{"id", "incidents", "communities", "disputes", "count"}`` (sorted ids; count is
        the number of incidents the actor perpetrated), ordered by communities plus
        disputes descending, count descending, id.
    """
    _check_int("min_groups", min_groups, 1)
    communities_of: dict[str, set[str]] = defaultdict(set)
    memberships = _group(_links(G, "MEMBER_OF", {"Person"}, {"Community"}))
    for victim, incident in _links(G, "VICTIM_OF", ACTOR_KINDS, _INCIDENT):
        if _kind(G, victim) == "Community":
            communities_of[incident].add(victim)
        else:
            communities_of[incident] |= memberships.get(victim, set())
    disputes_of = _group(_links(G, "PART_OF", _INCIDENT, _DISPUTE))
    out: list[Row] = []
    for actor, incidents in _actor_incidents(G, ("PERPETRATOR_OF",)).items():
        communities = set().union(*(communities_of.get(i, set()) for i in incidents))
        disputes = set().union(*(disputes_of.get(i, set()) for i in incidents))
        if len(communities) >= min_groups or len(disputes) >= min_groups:
            out.append(
                {
                    "id": actor,
                    "incidents": sorted(incidents),
                    "communities": sorted(communities),
                    "disputes": sorted(disputes),
                    "count": len(incidents),
                }
            )
    out.sort(key=lambda r: (-(len(r["communities"]) + len(r["disputes"])), -r["count"], r["id"]))
    return out


def companies_across_disputes(G: nx.MultiDiGraph, *, min_disputes: int = 2) -> list[Row]:
    """Find companies tied to incidents in several land disputes.

    A company (Organization with ``org_kind`` "company") is tied to an incident when it
    is ``PERPETRATOR_OF`` it, or a Person who ``WORKS_FOR`` or is ``MEMBER_OF`` the
    company is; the incident's disputes are those it is ``PART_OF``.

    Parameters
    ----------
    G : nx.MultiDiGraph
        The facts graph.
    min_disputes : int
        How many distinct disputes qualify a company (>= 1).

    Returns
    -------
    list of dict
        ``{"id", "disputes", "incidents"}`` with sorted ids; ``incidents`` are the tied
        incidents that are part of a dispute. Ordered by number of disputes descending,
        number of incidents descending, id.
    """
    _check_int("min_disputes", min_disputes, 1)
    companies = {
        n for n in G.nodes if _kind(G, n) == "Organization" and _attr(G, n, "org_kind") == "company"
    }
    perpetrated = _actor_incidents(G, ("PERPETRATOR_OF",))
    tied: dict[str, set[str]] = defaultdict(set)
    for company in companies:
        tied[company] |= perpetrated.get(company, set())
    for rel in ("WORKS_FOR", "MEMBER_OF"):
        for person, org in _links(G, rel, {"Person"}, {"Organization"}):
            if org in companies:
                tied[org] |= perpetrated.get(person, set())
    disputes_of = _group(_links(G, "PART_OF", _INCIDENT, _DISPUTE))
    out: list[Row] = []
    for company, incidents in tied.items():
        in_disputes = {i for i in incidents if i in disputes_of}
        disputes = set().union(*(disputes_of[i] for i in in_disputes))
        if len(disputes) >= min_disputes:
            out.append(
                {"id": company, "disputes": sorted(disputes), "incidents": sorted(in_disputes)}
            )
    out.sort(key=lambda r: (-len(r["disputes"]), -len(r["incidents"]), r["id"]))
    return out


# --- places and time ------------------------------------------------------------------


@dataclass(frozen=True)
class HotspotIndex:
    """What ``hotspots`` needs of a facts graph, built once per graph: every dated,
    placed incident sorted by its first day, and per level the Place that names each
    area. A window is then a slice of the list, not a pass over every edge."""

    days: list[date]
    incidents: list[str]
    codes: list[set[str]]
    places: dict[str, dict[str, str]]  # level -> area code -> place id


def hotspot_index(G: nx.MultiDiGraph) -> HotspotIndex:
    dated = []
    for incident, codes in _incident_codes(G).items():
        day = _first_day(_attr(G, incident, "date"))
        if day is not None:
            dated.append((day, incident, codes))
    dated.sort(key=lambda t: (t[0], t[1]))
    coded = [n for n in G.nodes if _kind(G, n) == "Place" and _ubigeo(G, n) is not None]
    places: dict[str, dict[str, str]] = {}
    for level in LEVELS:
        by_code: dict[str, str] = {}
        for place in sorted(coded, key=lambda n: (_attr(G, n, "level") != level, n)):
            by_code.setdefault(str(_ubigeo(G, place)), place)
        places[level] = by_code
    return HotspotIndex(
        [d for d, _, _ in dated], [i for _, i, _ in dated], [c for _, _, c in dated], places
    )


def hotspots(
    G: nx.MultiDiGraph,
    *,
    level: str = "district",
    start: str,
    end: str,
    top: int = 20,
    index: HotspotIndex | None = None,
) -> list[Row]:
    """Count incidents per area in a window and compare with the window before it.

    The window is ``[start, end)``; the previous window has the same length and ends at
    ``start``. A day-precision date counts when ``start <= date < end``; a month or year
    date counts by its first day; incidents without a date are left out. An incident is
    in the areas of the places it occurred in (counted once per area); a place whose code
    is shorter than the level needs does not count.

    Parameters
    ----------
    G : nx.MultiDiGraph
        The facts graph.
    level : {"region", "province", "district"}
        The area size: ubigeo codes cut to 2, 4 or 6 digits.
    start, end : str
        The window, as dates "YYYY-MM-DD"; start must be before end.
    top : int
        How many areas to return at most, 1..1000.
    index : HotspotIndex, optional
        ``hotspot_index(G)``, when the caller keeps it for many windows.

    Returns
    -------
    list of dict
        ``{"ubigeo", "name", "place_id", "count", "previous", "growth", "incidents"}`` for
        the areas with incidents in the window: ``name`` and ``place_id`` are those of
        the Place with that ubigeo (None if there is none), ``growth`` is
        ``(count - previous) / previous`` (None when previous is 0), ``incidents`` the
        sorted ids in the window. Ordered by count descending, growth descending (None
        last), ubigeo.
    """
    if level not in LEVELS:
        raise ModelError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")
    first, stop = _check_iso_day("start", start), _check_iso_day("end", end)
    if first >= stop:
        raise ModelError(f"start must be before end; got {start} and {end}")
    _check_int("top", top, 1, MAX_TOP)
    before = first - (stop - first)
    digits = LEVELS[level]
    idx = index if index is not None else hotspot_index(G)
    current: dict[str, set[str]] = defaultdict(set)
    previous: dict[str, set[str]] = defaultdict(set)
    lo, hi = bisect.bisect_left(idx.days, before), bisect.bisect_left(idx.days, stop)
    for i in range(lo, hi):
        bucket = current if idx.days[i] >= first else previous
        for area in _areas(idx.codes[i], digits):
            bucket[area].add(idx.incidents[i])
    places = idx.places[level]
    out: list[Row] = []
    for area, incidents in current.items():
        count, prior = len(incidents), len(previous.get(area, ()))
        place_id = places.get(area)
        out.append(
            {
                "ubigeo": area,
                "name": _attr(G, place_id, "name") if place_id is not None else None,
                "place_id": place_id,
                "count": count,
                "previous": prior,
                "growth": (count - prior) / prior if prior else None,
                "incidents": sorted(incidents),
            }
        )
    out.sort(
        key=lambda r: (
            -r["count"],
            r["growth"] is None,
            -(r["growth"] or 0.0),
            r["ubigeo"],
        )
    )
    return out[:top]


def _regions(codes_of: dict[str, set[str]], incident: str) -> set[str | None]:
    regions: set[str | None] = set(_areas(codes_of.get(incident, ()), 2))
    return regions or {None}


def impunity(G: nx.MultiDiGraph) -> list[Row]:
    """Count cases by status per region and incident type, and incidents with no case.

    Parameters
    ----------
    G : nx.MultiDiGraph
        The facts graph.

    Returns
    -------
    list of dict
        ``{"region", "incident_type", "status", "cases", "case_ids", "incidents"}``: for
        each (region, incident type, case status) the distinct Cases that ``INVESTIGATES``
        an incident of that type placed in that region (region None when unplaced; an
        incident in two regions counts in both) and those incidents. Incidents no case
        investigates form rows with status "no_case", ``cases`` = the number of such
        incidents and ``case_ids`` = []. Sorted by region, incident type, status (None
        last in each).
    """
    codes_of = _incident_codes(G)
    cases: dict[tuple[Any, Any, Any], set[str]] = defaultdict(set)
    behind: dict[tuple[Any, Any, Any], set[str]] = defaultdict(set)
    investigated: set[str] = set()
    for case, incident in _links(G, "INVESTIGATES", {"Case"}, _INCIDENT):
        investigated.add(incident)
        kind, status = _attr(G, incident, "type"), _attr(G, case, "status")
        for region in _regions(codes_of, incident):
            cases[(region, kind, status)].add(case)
            behind[(region, kind, status)].add(incident)
    for incident in _incidents(G):
        if incident not in investigated:
            for region in _regions(codes_of, incident):
                behind[(region, _attr(G, incident, "type"), "no_case")].add(incident)
    out: list[Row] = []
    for key in sorted(behind, key=lambda key: tuple(_none_last(part) for part in key)):
        region, kind, status = key
        no_case = status == "no_case" and key not in cases
        out.append(
            {
                "region": region,
                "incident_type": kind,
                "status": status,
                "cases": len(behind[key]) if no_case else len(cases[key]),
                "case_ids": [] if no_case else sorted(cases[key]),
                "incidents": sorted(behind[key]),
            }
        )
    return out


def _victim_values(G: nx.Graph, attr: str, kinds: Iterable[str]) -> dict[str, set[str]]:
    """Each incident's victims' values of ``attr`` (victims of the given kinds)."""
    out: dict[str, set[str]] = defaultdict(set)
    for victim, incident in _links(G, "VICTIM_OF", kinds, _INCIDENT):
        value = _attr(G, victim, attr)
        if attr == "gender" and not value:
            value = "unknown"
        if value:
            out[incident].add(str(value))
    return out


def stats(G: nx.MultiDiGraph, group_by: str) -> list[Row]:
    """Break incidents down by one attribute.

    Parameters
    ----------
    G : nx.MultiDiGraph
        The facts graph.
    group_by : {"incident_type", "region", "year", "victim_gender", "victim_people"}
        ``incident_type``: the incident's type; ``region``: the first 2 ubigeo digits of
        its places; ``year``: the year of its date; ``victim_gender``: the gender of each
        Person victim ("unknown" when missing); ``victim_people``: the ``people`` of each
        Person or Community victim. An incident with several values counts once under
        each; with none it counts under None.

    Returns
    -------
    list of dict
        ``{"key", "count", "incidents"}`` sorted by count descending, then key (None
        last); ``incidents`` are sorted ids.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("inc_1", kind="Incident", type="threat", date="2023-05")
    >>> stats(G, "year")
    [{'key': '2023', 'count': 1, 'incidents': ['inc_1']}]
    """
    if group_by not in GROUP_BY:
        raise ModelError(f"group_by must be one of {', '.join(GROUP_BY)}; got {group_by!r}")
    values: dict[str, set[str]] = {}
    if group_by == "region":
        codes_of = _incident_codes(G)
        values = {i: {c[:2] for c in codes if len(c) >= 2} for i, codes in codes_of.items()}
    elif group_by == "victim_gender":
        values = _victim_values(G, "gender", {"Person"})
    elif group_by == "victim_people":
        values = _victim_values(G, "people", {"Person", "Community"})
    groups: dict[str | None, set[str]] = defaultdict(set)
    for incident in _incidents(G):
        keys: set[str | None]
        if group_by == "incident_type":
            kind = _attr(G, incident, "type")
            keys = {str(kind) if kind else None}
        elif group_by == "year":
            day = _first_day(_attr(G, incident, "date"))
            keys = {f"{day.year:04d}" if day else None}
        else:
            keys = set(values.get(incident, ())) or {None}
        for key in keys:
            groups[key].add(incident)
    rows = sorted(groups.items(), key=lambda item: (-len(item[1]), _none_last(item[0])))
    return [{"key": key, "count": len(ids), "incidents": sorted(ids)} for key, ids in rows]
