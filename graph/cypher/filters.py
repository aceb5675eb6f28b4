"""The filter compiler: a ``Criteria`` tree into one ``WHERE`` with numbered parameters.

An AND/OR of any shape never splices a user string into the query text; each kind's
conditions (``actor_filter`` …) take the viewer's visibility and pseudonyms into account,
and for nodes in the viewer's ``Screen``, what the viewer is shown of them. Which kind
takes which filter is ``graph.cypher.listing``'s to say.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from graph.access.policy import FULL, Viewer
from graph.cypher.labels import checked_label, where_clause
from graph.cypher.visibility import Screen, pseudonym_expr, pseudonymised, visible
from graph.errors import ModelError
from graph.model import ALL_ROLES, MODEL, ROLE_TYPES, Rel


@dataclass(frozen=True)
class Criteria:
    """A filter. Fields left empty do not filter; ``all_of``/``any_of`` nest.

    Which fields apply depends on the kind listed (``supported``); the schema only
    offers those, and ``where`` refuses the others.
    """

    name: str | None = None  # folded; contains, over names and aliases
    kinds: tuple[str, ...] = ()  # actor kinds: Person, Organization, Community
    organization_kinds: tuple[str, ...] = ()
    community_kinds: tuple[str, ...] = ()
    ubigeo: str | None = None  # UBIGEO prefix: 2 region, 4 province, 6 district digits
    date_from: str | None = None
    date_to: str | None = None
    incident_types: tuple[str, ...] = ()
    role: str | None = None  # perpetrator, victim, witness
    actor_id: str | None = None
    drivers: tuple[str, ...] = ()
    review: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    confidentiality: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    office: str | None = None
    all_of: tuple[Criteria, ...] = ()
    any_of: tuple[Criteria, ...] = ()

    def used(self) -> list[str]:
        return [
            f.name
            for f in fields(self)
            if f.name not in ("all_of", "any_of") and getattr(self, f.name) not in (None, ())
        ]


class Params:
    def __init__(self, viewer: Viewer = FULL, screen: Screen | None = None) -> None:
        self.values: dict[str, Any] = {}
        self.viewer = viewer
        self.screen = screen or Screen()
        self.label = ""  # the label listed (``where``)
        self._screened: dict[str, str] = {}

    def add(self, value: Any) -> str:
        name = f"f{len(self.values)}"
        self.values[name] = value
        return f"${name}"

    def shown(self, var: str, label: str, prop: str, text: str) -> tuple[str, str] | None:
        """For a screened node of ``label`` bound to ``var``: the condition that it is
        one, and the condition that its shown ``prop`` holds ``text`` (None: nothing of
        ``label`` is screened)."""
        screened = self.screen.of(label)
        if not screened:
            return None
        if label not in self._screened:
            self._screened[label] = self.add(screened)
        hits = self.add(self.screen.hits(prop, text, label))
        return (
            f"{self._screened[label]}[{var}.id] IS NOT NULL",
            f"{hits}[{var}.id] IS NOT NULL",
        )


def _matching(
    ps: Params, var: str, prop: str, text: str, real: str, p: str, label: str | None = None
) -> str:
    """``real`` (the stored ``prop`` holds the parameter ``p``), but for what the viewer
    sees under a pseudonym or redacted: a pseudonymised person matches on the pseudonym
    only, a screened node on its shown value only."""
    label = label or ps.label
    branches = []
    hidden = pseudonymised(ps.viewer, var)
    if hidden is not None and prop == "name" and label == "Actor":
        branches.append((hidden, f"toLower({pseudonym_expr(var)}) CONTAINS {p}"))
    shown = ps.shown(var, label, prop, text)
    if shown is not None:
        branches.append(shown)
    if not branches:
        return real
    # as AND/OR, not CASE: ArcadeDB evaluates an ``any(…)`` in a CASE's ELSE for every row
    # (a person's alias matched behind the pseudonym); these conditions are never null
    out: list[str] = []
    before: list[str] = []
    for when, then in branches:
        out.append(f"({' AND '.join([*before, when, then])})")
        before.append(f"NOT {when}")
    out.append(f"({' AND '.join([*before, real])})")
    return f"({' OR '.join(out)})"


def _date_from(expr: str, p: str) -> str:
    # a date kept at month or year precision may fall in the range: compare its prefix
    return f"({expr} IS NOT NULL AND {expr} >= substring({p}, 0, size({expr})))"


def _date_to(expr: str, p: str) -> str:
    return f"({expr} IS NOT NULL AND {expr} <= {p})"


def _roles(c: Criteria) -> str:
    if c.role is None:
        return "|".join(ALL_ROLES)
    try:
        return ROLE_TYPES[c.role]
    except KeyError:
        raise ModelError(f"role must be one of {', '.join(ROLE_TYPES)}; got {c.role!r}") from None


def _incident_conditions(c: Criteria, ps: Params, i: str, r: str) -> list[str]:
    conds = []
    if c.incident_types:
        conds.append(f"{i}.type IN {ps.add(list(c.incident_types))}")
    if c.date_from:
        conds.append(_date_from(f"{i}.date", ps.add(c.date_from)))
    if c.date_to:
        conds.append(_date_to(f"{i}.date", ps.add(c.date_to)))
    if c.review:
        conds.append(f"{r}.review IN {ps.add(list(c.review))}")
    return conds


def _exists(
    ps: Params,
    pattern: str,
    conds: Sequence[str],
    nodes: Sequence[str] = (),
    edges: Sequence[str] = (),
) -> str:
    """``EXISTS`` over a pattern, with the viewer's visibility of its nodes and edges."""
    where = where_clause([*visible(ps.viewer, nodes, edges), *conds])
    return f"EXISTS {{ MATCH {pattern}{where} }}"


def _name(c: Criteria, ps: Params, n: str = "n", label: str | None = None) -> str:
    """Name or alias contains; a pseudonymised person matches on the pseudonym only, a
    node whose name the viewer sees redacted on the redacted name only."""
    assert c.name is not None
    p = ps.add(c.name)
    real = (
        f"({n}.name_norm CONTAINS {p} OR "
        f"any(a IN coalesce({n}.aliases_norm, []) WHERE a CONTAINS {p}))"
    )
    return _matching(ps, n, "name", c.name, real, p, label)


# A place lies in an area when its ubigeo starts with the area's code; a place without
# one (a river, a protected area, a town: ``PLACE_LEVELS`` "feature" and "locality") lies
# where a place it is PART_OF does, up to AREA_HOPS steps up (a river in a locality in a
# district). A place with its own ubigeo is judged by that code alone, as before.
AREA_HOPS = 3


def in_area(place: str, p: str) -> str:
    """``place`` lies in the area whose ubigeo prefix is the parameter ``p``."""
    up = f"{place}_up"
    return (
        f"({place}.ubigeo STARTS WITH {p} OR ({place}.ubigeo IS NULL AND "
        f"EXISTS {{ MATCH ({place})-[:{Rel.PART_OF}*1..{AREA_HOPS}]->({up}:Place) "
        f"WHERE {up}.ubigeo STARTS WITH {p} }}))"
    )


def _in(prop: str, values: Sequence[str], ps: Params) -> str:
    return f"n.{prop} IN {ps.add(list(values))}"


def actor_filter(c: Criteria, ps: Params) -> list[str]:
    out: list[str] = []
    if c.name:
        out.append(_name(c, ps))
    if c.kinds:
        labels = [checked_label(MODEL.node(k).labels[-1]) for k in c.kinds]
        out.append("(" + " OR ".join(f"n:{label}" for label in labels) + ")")
    if c.organization_kinds:
        out.append(_in("kind", c.organization_kinds, ps))
    if c.community_kinds:
        out.append(_in("community_kind", c.community_kinds, ps))
    if c.ubigeo:
        p = ps.add(c.ubigeo)
        roles = "|".join(ALL_ROLES)
        located = _exists(
            ps, f"(n)-[e:{Rel.LOCATED_IN}]->(pl:Place)", [in_area("pl", p)], ["pl"], ["e"]
        )
        acted = _exists(
            ps,
            f"(n)-[e:{roles}]->(i:Incident)-[o:{Rel.OCCURRED_IN}]->(pl:Place)",
            [in_area("pl", p)],
            ["i", "pl"],
            ["e", "o"],
        )
        out.append(f"({located} OR {acted})")
    if c.role or c.incident_types or c.date_from or c.date_to or c.review:
        out.append(
            _exists(
                ps,
                f"(n)-[r:{_roles(c)}]->(i:Incident)",
                _incident_conditions(c, ps, "i", "r"),
                ["i"],
                ["r"],
            )
        )
    if c.drivers:
        out.append(
            _exists(
                ps,
                f"(n)-[e:{Rel.PARTY_TO}]->(d:LandDispute)",
                [f"d.driver IN {ps.add(list(c.drivers))}"],
                ["d"],
                ["e"],
            )
        )
    return out


def incident_filter(c: Criteria, ps: Params) -> list[str]:
    out: list[str] = []
    if c.incident_types:
        out.append(_in("type", c.incident_types, ps))
    if c.date_from:
        out.append(_date_from("n.date", ps.add(c.date_from)))
    if c.date_to:
        out.append(_date_to("n.date", ps.add(c.date_to)))
    if c.ubigeo:
        p = ps.add(c.ubigeo)
        out.append(
            _exists(ps, f"(n)-[e:{Rel.OCCURRED_IN}]->(pl:Place)", [in_area("pl", p)], ["pl"], ["e"])
        )
    if c.name or c.role or c.actor_id:
        conds = []
        if c.name:
            conds.append(_name(c, ps, "a", "Actor"))
        if c.actor_id:
            conds.append(f"a.id = {ps.add(c.actor_id)}")
        out.append(_exists(ps, f"(n)<-[e:{_roles(c)}]-(a:Actor)", conds, ["a"], ["e"]))
    if c.drivers:
        out.append(
            _exists(
                ps,
                f"(n)-[e:{Rel.PART_OF}]->(d:LandDispute)",
                [f"d.driver IN {ps.add(list(c.drivers))}"],
                ["d"],
                ["e"],
            )
        )
    if c.review:
        roles = "|".join(ALL_ROLES)
        out.append(
            _exists(
                ps, f"(n)<-[r:{roles}]-(o)", [f"r.review IN {ps.add(list(c.review))}"], ["o"], ["r"]
            )
        )
    return out


def complaint_filter(c: Criteria, ps: Params) -> list[str]:
    out: list[str] = []
    if c.statuses:
        out.append(_in("status", c.statuses, ps))
    if c.channels:
        out.append(_in("channel", c.channels, ps))
    if c.confidentiality:
        out.append(_in("confidentiality", c.confidentiality, ps))
    if c.languages:
        out.append(_in("language", c.languages, ps))
    if c.date_from:
        out.append(_date_from("n.received_at", ps.add(c.date_from)))
    if c.date_to:
        # an instant on the last day is within a range that ends that day
        out.append(f"n.received_at < {ps.add(c.date_to + '~')}")
    if c.incident_types:
        out.append(
            _exists(
                ps,
                f"(n)-[e:{Rel.REPORTS}]->(i:Incident)",
                [f"i.type IN {ps.add(list(c.incident_types))}"],
                ["i"],
                ["e"],
            )
        )
    return out


def dispute_filter(c: Criteria, ps: Params) -> list[str]:
    out: list[str] = []
    if c.name:
        out.append(_name(c, ps))
    if c.drivers:
        out.append(_in("driver", c.drivers, ps))
    if c.statuses:
        out.append(_in("status", c.statuses, ps))
    if c.ubigeo:
        p = ps.add(c.ubigeo)
        out.append(
            _exists(ps, f"(n)-[e:{Rel.LOCATED_IN}]->(pl:Place)", [in_area("pl", p)], ["pl"], ["e"])
        )
    if c.actor_id:
        out.append(
            _exists(
                ps,
                f"(n)<-[e:{Rel.PARTY_TO}]-(a:Actor)",
                [f"a.id = {ps.add(c.actor_id)}"],
                ["a"],
                ["e"],
            )
        )
    return out


def case_filter(c: Criteria, ps: Params) -> list[str]:
    out: list[str] = []
    if c.name:
        p = ps.add(c.name)
        real = f"toLower(n.file_number) CONTAINS {p}"
        out.append(_matching(ps, "n", "file_number", c.name, real, p))
    if c.office:
        p = ps.add(c.office)
        real = f"toLower(coalesce(n.office, '')) CONTAINS {p}"
        out.append(_matching(ps, "n", "office", c.office, real, p))
    if c.statuses:
        out.append(_in("status", c.statuses, ps))
    if c.date_from:
        out.append(_date_from("n.opened_at", ps.add(c.date_from)))
    if c.date_to:
        out.append(_date_to("n.opened_at", ps.add(c.date_to)))
    if c.actor_id:
        out.append(
            _exists(
                ps,
                f"(n)-[e:{Rel.ACCUSES}]->(a:Actor)",
                [f"a.id = {ps.add(c.actor_id)}"],
                ["a"],
                ["e"],
            )
        )
    return out


def place_filter(c: Criteria, ps: Params) -> list[str]:
    out: list[str] = []
    if c.name:
        p = ps.add(c.name)
        out.append(_matching(ps, "n", "name", c.name, f"n.name_norm CONTAINS {p}", p))
    if c.levels:
        out.append(_in("level", c.levels, ps))
    if c.ubigeo:
        out.append(in_area("n", ps.add(c.ubigeo)))
    return out


def alert_filter(c: Criteria, ps: Params) -> list[str]:
    out: list[str] = []
    if c.statuses:
        out.append(_in("status", c.statuses, ps))
    if c.levels:
        out.append(_in("level", c.levels, ps))
    if c.ubigeo:
        out.append(f"n.ubigeo STARTS WITH {ps.add(c.ubigeo)}")
    if c.actor_id:
        out.append(f"n.subject_id = {ps.add(c.actor_id)}")
    return out
