"""Patterns over incidents: perpetrators who return to several groups, companies across
disputes, hotspots by area and time, impunity, and statistics by group.

Pure functions in the networkx style (see ``graph.analysis.facts`` for the input): each
takes the facts graph and plain values and returns a list of plain dicts; nothing here
reads the store. Output is deterministic: ties are broken by id.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx  # type: ignore[import-untyped]

from graph.analysis.facts import (
    DISPUTE,
    INCIDENT,
    MAX_TOP,
    Row,
    actor_incidents,
    areas_of,
    attr_of,
    check_int,
    check_iso_day,
    first_day,
    group_pairs,
    incident_codes,
    incident_ids,
    kind_of,
    links_of,
    none_last,
    ubigeo_of,
)
from graph.errors import ModelError
from graph.model import ACTOR_KINDS, Rel

LEVELS = {"region": 2, "province": 4, "district": 6}
GROUP_BY = ("incident_type", "region", "year", "victim_gender", "victim_people")


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
    check_int("min_groups", min_groups, 1)
    communities_of: dict[str, set[str]] = defaultdict(set)
    memberships = group_pairs(links_of(G, Rel.MEMBER_OF, {"Person"}, {"Community"}))
    for victim, incident in links_of(G, Rel.VICTIM_OF, ACTOR_KINDS, INCIDENT):
        if kind_of(G, victim) == "Community":
            communities_of[incident].add(victim)
        else:
            communities_of[incident] |= memberships.get(victim, set())
    disputes_of = group_pairs(links_of(G, Rel.PART_OF, INCIDENT, DISPUTE))
    out: list[Row] = []
    for actor, incidents in actor_incidents(G, (Rel.PERPETRATOR_OF,)).items():
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
    check_int("min_disputes", min_disputes, 1)
    companies = {
        n
        for n in G.nodes
        if kind_of(G, n) == "Organization" and attr_of(G, n, "org_kind") == "company"
    }
    perpetrated = actor_incidents(G, (Rel.PERPETRATOR_OF,))
    tied: dict[str, set[str]] = defaultdict(set)
    for company in companies:
        tied[company] |= perpetrated.get(company, set())
    for rel in (Rel.WORKS_FOR, Rel.MEMBER_OF):
        for person, org in links_of(G, rel, {"Person"}, {"Organization"}):
            if org in companies:
                tied[org] |= perpetrated.get(person, set())
    disputes_of = group_pairs(links_of(G, Rel.PART_OF, INCIDENT, DISPUTE))
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
    for incident, codes in incident_codes(G).items():
        day = first_day(attr_of(G, incident, "date"))
        if day is not None:
            dated.append((day, incident, codes))
    dated.sort(key=lambda t: (t[0], t[1]))
    coded = [n for n in G.nodes if kind_of(G, n) == "Place" and ubigeo_of(G, n) is not None]
    places: dict[str, dict[str, str]] = {}
    for level in LEVELS:
        by_code: dict[str, str] = {}
        for place in sorted(coded, key=lambda n: (attr_of(G, n, "level") != level, n)):
            by_code.setdefault(str(ubigeo_of(G, place)), place)
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
    first, stop = check_iso_day("start", start), check_iso_day("end", end)
    if first >= stop:
        raise ModelError(f"start must be before end; got {start} and {end}")
    check_int("top", top, 1, MAX_TOP)
    before = first - (stop - first)
    digits = LEVELS[level]
    idx = index if index is not None else hotspot_index(G)
    current: dict[str, set[str]] = defaultdict(set)
    previous: dict[str, set[str]] = defaultdict(set)
    lo, hi = bisect.bisect_left(idx.days, before), bisect.bisect_left(idx.days, stop)
    for i in range(lo, hi):
        bucket = current if idx.days[i] >= first else previous
        for area in areas_of(idx.codes[i], digits):
            bucket[area].add(idx.incidents[i])
    places = idx.places[level]
    out: list[Row] = []
    for area, incidents in current.items():
        count, prior = len(incidents), len(previous.get(area, ()))
        place_id = places.get(area)
        out.append(
            {
                "ubigeo": area,
                "name": attr_of(G, place_id, "name") if place_id is not None else None,
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
    regions: set[str | None] = set(areas_of(codes_of.get(incident, ()), 2))
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
    codes_of = incident_codes(G)
    cases: dict[tuple[Any, Any, Any], set[str]] = defaultdict(set)
    behind: dict[tuple[Any, Any, Any], set[str]] = defaultdict(set)
    investigated: set[str] = set()
    for case, incident in links_of(G, Rel.INVESTIGATES, {"Case"}, INCIDENT):
        investigated.add(incident)
        kind, status = attr_of(G, incident, "type"), attr_of(G, case, "status")
        for region in _regions(codes_of, incident):
            cases[(region, kind, status)].add(case)
            behind[(region, kind, status)].add(incident)
    for incident in incident_ids(G):
        if incident not in investigated:
            for region in _regions(codes_of, incident):
                behind[(region, attr_of(G, incident, "type"), "no_case")].add(incident)
    out: list[Row] = []
    for key in sorted(behind, key=lambda key: tuple(none_last(part) for part in key)):
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
    for victim, incident in links_of(G, Rel.VICTIM_OF, kinds, INCIDENT):
        value = attr_of(G, victim, attr)
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
        codes_of = incident_codes(G)
        values = {i: {c[:2] for c in codes if len(c) >= 2} for i, codes in codes_of.items()}
    elif group_by == "victim_gender":
        values = _victim_values(G, "gender", {"Person"})
    elif group_by == "victim_people":
        values = _victim_values(G, "people", {"Person", "Community"})
    groups: dict[str | None, set[str]] = defaultdict(set)
    for incident in incident_ids(G):
        keys: set[str | None]
        if group_by == "incident_type":
            kind = attr_of(G, incident, "type")
            keys = {str(kind) if kind else None}
        elif group_by == "year":
            day = first_day(attr_of(G, incident, "date"))
            keys = {f"{day.year:04d}" if day else None}
        else:
            keys = set(values.get(incident, ())) or {None}
        for key in keys:
            groups[key].add(incident)
    rows = sorted(groups.items(), key=lambda item: (-len(item[1]), none_last(item[0])))
    return [{"key": key, "count": len(ids), "incidents": sorted(ids)} for key, ids in rows]
