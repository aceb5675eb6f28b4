"""The Cypher of the read side: pages, filters, links, search, paths and timelines.

Like ``graph.cypher.write`` (the write side), every statement is built here from words the
domain model vouches for; user values travel only as parameters. Filters are compiled
from a ``Criteria`` tree into one ``WHERE`` with numbered parameters, so an AND/OR of
any shape never splices a user string into the query text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any

from graph.access.policy import FULL, Pseudonyms, Viewer
from graph.access.pseudonyms import WORD
from graph.cypher.write import _label, _rel, fulltext_name
from graph.errors import ModelError
from graph.model import MODEL, NodeKind
from graph.store.repository import NodeView
from nlp.text import fold

# The roles an actor has in an incident. "suspect" (SUSPECTED_OF: named, not attributed
# the act, pending review) is asked for by name only: ALL_ROLES, the roles the text
# gives, leaves it out, and so does every count of perpetrators.
ROLE_TYPES = {
    "perpetrator": "PERPETRATOR_OF",
    "victim": "VICTIM_OF",
    "witness": "WITNESS_OF",
    "suspect": "SUSPECTED_OF",
}
ALL_ROLES = ("PERPETRATOR_OF", "VICTIM_OF", "WITNESS_OF")
SUSPECT_ROLE = MODEL.relationship("SUSPECTED_OF").type
# Relationships walked by paths and neighbourhoods unless the caller names others:
# the facts between domain entities. Complaints (MENTIONS, REPORTS) are hubs that would
# join everything they name; the name index and review candidates are not facts;
# tentative facts (a suspicion pending review) would link an actor to an act unproven.
DEFAULT_WALK = tuple(
    r.type
    for r in MODEL.relationships
    if r.fact and not r.tentative and r.type not in ("MENTIONS", "REPORTS")
)
WALKABLE = tuple(r.type for r in MODEL.relationships if r.fact)
TEXT_PROPS = frozenset({"text"})  # never sent with lists: complaint texts can be 200 kB


# --- what a viewer may see (graph.access.policy) ---------------------------------------------
#
# Every statement below that serves a viewer takes it and builds its conditions in:
# a sealed complaint, a fact only sealed complaints support and a node only sealed
# complaints name are never matched for a viewer who may not see sealed complaints, and
# a pseudonymised person's name and aliases never leave the store for one who sees the
# person as "Persona N".


def pseudonymised(v: Viewer, var: str) -> str | None:
    """Whether ``var`` is a person ``v`` sees under a pseudonym (None: no one is)."""
    if v.pseudonyms is Pseudonyms.NONE:
        return None
    if v.pseudonyms is Pseudonyms.ALL:
        return f"{var}:Person"
    return f"({var}:Person AND coalesce({var}.protected, false))"


def _open_source(var: str) -> str:
    return (
        f"EXISTS {{ MATCH ({var}_src:Complaint {{id: {var}_s}}) "
        f"WHERE {var}_src.confidentiality <> 'sealed' }}"
    )


def visible_nodes(v: Viewer, *names: str) -> list[str]:
    """Conditions for nodes bound to ``names`` to exist for ``v``."""
    if v.sealed_visible:
        return []
    out = []
    for n in names:
        said = f"({n})<-[:MENTIONS|REPORTS]-({n}_by:Complaint)"
        out.append(
            f"(coalesce({n}.confidentiality, '') <> 'sealed' AND "
            f"(NOT EXISTS {{ MATCH {said} WHERE {n}_by.confidentiality = 'sealed' }} OR "
            f"EXISTS {{ MATCH {said} WHERE {n}_by.confidentiality <> 'sealed' }}))"
        )
    return out


def visible_edges(v: Viewer, *names: str) -> list[str]:
    """Conditions for edges bound to ``names`` to exist for ``v``: a fact with sources
    needs one that is not sealed (facts made by reviewers have none)."""
    if v.sealed_visible:
        return []
    return [
        f"(size(coalesce({r}.sources, [])) = 0 OR "
        f"any({r}_s IN {r}.sources WHERE {_open_source(r)}))"
        for r in names
    ]


def visible(v: Viewer, nodes: Sequence[str] = (), edges: Sequence[str] = ()) -> list[str]:
    return visible_nodes(v, *nodes) + visible_edges(v, *edges)


def _and(conds: Sequence[str]) -> str:
    return " AND ".join(conds) or "true"


def _where(conds: Sequence[str]) -> str:
    return f" WHERE {' AND '.join(conds)}" if conds else ""


def pseudonym_expr(var: str) -> str:
    return f"'{WORD} ' + toString({var}.pseudonym_no)"


def sort_name(v: Viewer, var: str, keys: str | None = None) -> str:
    """The name sort key: a pseudonymised person sorts by pseudonym, not by name; a node
    whose name the viewer sees redacted, by the redacted name (``keys``: the parameter
    holding ``Screen.keys``)."""
    name = f"{var}.name_norm" if keys is None else f"coalesce({keys}[{var}.id], {var}.name_norm)"
    p = pseudonymised(v, var)
    if p is None:
        return name
    padded = f"right('0000000000' + toString({var}.pseudonym_no), 10)"
    return f"CASE WHEN {p} THEN '{WORD.lower()} ' + {padded} ELSE {name} END"


@dataclass(frozen=True)
class Screen:
    """The nodes a viewer sees with persons' names redacted from their own names and
    other shown values (built by ``graph.access.names``), as the viewer sees them.

    Filters match these nodes, sorts order them and search scores them by the values
    shown, never by the stored ones: a name behind a pseudonym finds nothing. Empty for
    viewers who see every name, and when no name is redacted anywhere."""

    views: Mapping[str, NodeView] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.views)

    def ids(self, label: str | None = None) -> list[str]:
        """The screened nodes (those of ``label``)."""
        return sorted(i for i, v in self.views.items() if label is None or label in v.labels)

    def values(self, view: NodeView, prop: str) -> list[str]:
        """What a filter on ``prop`` compares, as ``Criteria`` holds it: names and
        aliases folded, other values lower-cased."""
        p = view.props
        if prop == "name":
            return [fold(str(x)) for x in [p.get("name"), *(p.get("aliases") or [])] if x]
        value = p.get(prop)
        return [str(value).lower()] if value else []

    def hits(self, prop: str, text: str, label: str) -> dict[str, bool]:
        """The screened nodes of ``label`` whose shown ``prop`` holds ``text`` (a map:
        statements look ids up in it, whatever its size)."""
        return {
            i: True
            for i, v in self.views.items()
            if label in v.labels and any(text in x for x in self.values(v, prop))
        }

    def of(self, label: str) -> dict[str, bool]:
        """The screened nodes of ``label``, as a map for statements to look ids up in."""
        return {i: True for i, v in self.views.items() if label in v.labels}

    def keys_of(self, label: str) -> dict[str, str]:
        """``keys`` of the screened nodes of ``label``."""
        return {i: k for i, k in self.keys.items() if label in self.views[i].labels}

    @cached_property
    def keys(self) -> dict[str, str]:
        """Each screened node's sort key, as shown: the folded name, else the file number
        or the kind (what ``page`` and ``links`` sort by)."""
        out = {}
        for i, v in self.views.items():
            p = v.props
            key = fold(str(p["name"])) if p.get("name") else p.get("file_number") or p.get("kind")
            if key:
                out[i] = str(key)
        return out


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


class _Params:
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
    ps: _Params, var: str, prop: str, text: str, real: str, p: str, label: str | None = None
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


def _incident_conditions(c: Criteria, ps: _Params, i: str, r: str) -> list[str]:
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
    ps: _Params,
    pattern: str,
    conds: Sequence[str],
    nodes: Sequence[str] = (),
    edges: Sequence[str] = (),
) -> str:
    """``EXISTS`` over a pattern, with the viewer's visibility of its nodes and edges."""
    where = _where([*visible(ps.viewer, nodes, edges), *conds])
    return f"EXISTS {{ MATCH {pattern}{where} }}"


def _name(c: Criteria, ps: _Params, n: str = "n", label: str | None = None) -> str:
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
        f"EXISTS {{ MATCH ({place})-[:PART_OF*1..{AREA_HOPS}]->({up}:Place) "
        f"WHERE {up}.ubigeo STARTS WITH {p} }}))"
    )


def _in(prop: str, values: Sequence[str], ps: _Params) -> str:
    return f"n.{prop} IN {ps.add(list(values))}"


def _actor(c: Criteria, ps: _Params) -> list[str]:
    out: list[str] = []
    if c.name:
        out.append(_name(c, ps))
    if c.kinds:
        labels = [_label(MODEL.node(k).labels[-1]) for k in c.kinds]
        out.append("(" + " OR ".join(f"n:{label}" for label in labels) + ")")
    if c.organization_kinds:
        out.append(_in("kind", c.organization_kinds, ps))
    if c.community_kinds:
        out.append(_in("community_kind", c.community_kinds, ps))
    if c.ubigeo:
        p = ps.add(c.ubigeo)
        roles = "|".join(ALL_ROLES)
        located = _exists(ps, "(n)-[e:LOCATED_IN]->(pl:Place)", [in_area("pl", p)], ["pl"], ["e"])
        acted = _exists(
            ps,
            f"(n)-[e:{roles}]->(i:Incident)-[o:OCCURRED_IN]->(pl:Place)",
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
                "(n)-[e:PARTY_TO]->(d:LandDispute)",
                [f"d.driver IN {ps.add(list(c.drivers))}"],
                ["d"],
                ["e"],
            )
        )
    return out


def _incident(c: Criteria, ps: _Params) -> list[str]:
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
            _exists(ps, "(n)-[e:OCCURRED_IN]->(pl:Place)", [in_area("pl", p)], ["pl"], ["e"])
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
                "(n)-[e:PART_OF]->(d:LandDispute)",
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


def _complaint(c: Criteria, ps: _Params) -> list[str]:
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
                "(n)-[e:REPORTS]->(i:Incident)",
                [f"i.type IN {ps.add(list(c.incident_types))}"],
                ["i"],
                ["e"],
            )
        )
    return out


def _dispute(c: Criteria, ps: _Params) -> list[str]:
    out: list[str] = []
    if c.name:
        out.append(_name(c, ps))
    if c.drivers:
        out.append(_in("driver", c.drivers, ps))
    if c.statuses:
        out.append(_in("status", c.statuses, ps))
    if c.ubigeo:
        p = ps.add(c.ubigeo)
        out.append(_exists(ps, "(n)-[e:LOCATED_IN]->(pl:Place)", [in_area("pl", p)], ["pl"], ["e"]))
    if c.actor_id:
        out.append(
            _exists(
                ps, "(n)<-[e:PARTY_TO]-(a:Actor)", [f"a.id = {ps.add(c.actor_id)}"], ["a"], ["e"]
            )
        )
    return out


def _case(c: Criteria, ps: _Params) -> list[str]:
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
                ps, "(n)-[e:ACCUSES]->(a:Actor)", [f"a.id = {ps.add(c.actor_id)}"], ["a"], ["e"]
            )
        )
    return out


def _place(c: Criteria, ps: _Params) -> list[str]:
    out: list[str] = []
    if c.name:
        p = ps.add(c.name)
        out.append(_matching(ps, "n", "name", c.name, f"n.name_norm CONTAINS {p}", p))
    if c.levels:
        out.append(_in("level", c.levels, ps))
    if c.ubigeo:
        out.append(in_area("n", ps.add(c.ubigeo)))
    return out


def _alert(c: Criteria, ps: _Params) -> list[str]:
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


@dataclass(frozen=True)
class Listing:
    """How one kind is listed: its label, its filters, its sort keys."""

    kind: str
    label: str
    compile: Callable[[Criteria, _Params], list[str]]
    supported: frozenset[str]
    orders: dict[str, str]
    always: tuple[str, ...] = ()
    extra_labels: dict[str, str] = field(default_factory=dict)


_ACTOR_FILTERS = frozenset(
    {
        "name",
        "kinds",
        "organization_kinds",
        "community_kinds",
        "ubigeo",
        "role",
        "incident_types",
        "date_from",
        "date_to",
        "review",
        "drivers",
    }
)

LISTINGS: dict[str, Listing] = {
    "Actor": Listing(
        "Actor",
        "Actor",
        _actor,
        _ACTOR_FILTERS,
        {"name": "n.name_norm", "created": "n.created_at"},
        always=("n.merged_into IS NULL",),
    ),
    "Incident": Listing(
        "Incident",
        "Incident",
        _incident,
        frozenset(
            {
                "incident_types",
                "date_from",
                "date_to",
                "ubigeo",
                "name",
                "role",
                "actor_id",
                "drivers",
                "review",
            }
        ),
        {"date": "n.date", "created": "n.created_at"},
    ),
    "Complaint": Listing(
        "Complaint",
        "Complaint",
        _complaint,
        frozenset(
            {
                "statuses",
                "channels",
                "confidentiality",
                "languages",
                "date_from",
                "date_to",
                "incident_types",
            }
        ),
        {"received": "n.received_at", "created": "n.created_at"},
    ),
    "LandDispute": Listing(
        "LandDispute",
        "LandDispute",
        _dispute,
        frozenset({"name", "drivers", "statuses", "ubigeo", "actor_id"}),
        {"name": "n.name_norm", "created": "n.created_at"},
    ),
    "Case": Listing(
        "Case",
        "Case",
        _case,
        frozenset({"name", "office", "statuses", "date_from", "date_to", "actor_id"}),
        {"file_number": "n.file_number", "opened": "n.opened_at", "created": "n.created_at"},
    ),
    "Alert": Listing(
        "Alert",
        "Alert",
        _alert,
        frozenset({"statuses", "levels", "ubigeo", "actor_id"}),
        {"created": "n.created_at", "score": "n.score", "updated": "n.updated_at"},
    ),
    "Place": Listing(
        "Place",
        "Place",
        _place,
        frozenset({"name", "levels", "ubigeo"}),
        {"name": "n.name_norm", "ubigeo": "n.ubigeo"},
    ),
}


def listing(kind: str) -> Listing:
    try:
        return LISTINGS[kind]
    except KeyError:
        raise ModelError(f"{kind!r} cannot be listed") from None


def where(
    spec: Listing, criteria: Criteria | None, viewer: Viewer, screen: Screen | None = None
) -> tuple[str, dict[str, Any]]:
    """The ``WHERE`` body (``true`` when nothing filters) and its parameters: what
    ``viewer`` may see of ``spec``'s kind, and what ``criteria`` asks for (of the nodes
    in ``screen``, what the viewer is shown of them)."""
    ps = _Params(viewer, screen)
    ps.label = spec.label
    parts = [*spec.always, *visible_nodes(viewer, "n")]
    if criteria is not None:
        body = _compile(spec, criteria, ps)
        if body:
            parts.append(body)
    return (" AND ".join(parts) or "true"), ps.values


def _compile(spec: Listing, c: Criteria, ps: _Params) -> str:
    unsupported = set(c.used()) - spec.supported
    if unsupported:
        raise ModelError(f"{spec.kind} cannot be filtered by {', '.join(sorted(unsupported))}")
    parts = spec.compile(c, ps)
    for sub in c.all_of:
        body = _compile(spec, sub, ps)
        if body:
            parts.append(body)
    if c.any_of:
        alts = [_compile(spec, sub, ps) or "true" for sub in c.any_of]
        parts.append("(" + " OR ".join(alts) + ")")
    return "(" + " AND ".join(parts) + ")" if parts else ""


# A pseudonymised person's properties that name them, and what replaces each.
_IDENTIFYING: dict[str, Callable[[str], str]] = {
    "name": lambda var: pseudonym_expr(var),
    "name_norm": lambda var: f"toLower({pseudonym_expr(var)})",
    "aliases": lambda var: "[]",
    "aliases_norm": lambda var: "[]",
}


def projection(kinds: Sequence[NodeKind], var: str = "n", viewer: Viewer = FULL) -> str:
    """``n {.id, .name, …}``: every model property of these kinds but complaint texts;
    a person ``viewer`` sees under a pseudonym gets it for name, no aliases."""
    names: dict[str, None] = {"id": None}
    for kind in kinds:
        for prop in kind.properties:
            if prop not in TEXT_PROPS:
                names.setdefault(prop, None)
    hidden = pseudonymised(viewer, var)
    persons = any(k.name == "Person" for k in kinds)

    def item(p: str) -> str:
        if hidden is None or not persons or p not in _IDENTIFYING:
            return f".{p}"
        return f"{p}: CASE WHEN {hidden} THEN {_IDENTIFYING[p](var)} ELSE {var}.{p} END"

    return f"{var} {{" + ", ".join(item(p) for p in names) + "}"


def kinds_of(group: str) -> list[NodeKind]:
    """The node kinds a label or interface stands for (``Actor`` → its three kinds)."""
    found = [k for k in MODEL.nodes if group in k.labels]
    if not found:
        raise ModelError(f"{group!r} is not a label of the model")
    return found


SCREEN_KEYS = "$screen_keys"  # the parameter holding ``Screen.keys``
_SCREENED_ORDERS = ("n.name_norm", "n.file_number")


def screened_order(spec: Listing, order: str) -> bool:
    """Whether sorting ``spec`` by ``order`` sorts screened nodes by what is shown
    (the statement then takes ``$screen_keys``)."""
    return spec.orders.get(order) in _SCREENED_ORDERS


def page(
    spec: Listing,
    where_body: str,
    order: str,
    descending: bool,
    keyset: bool,
    viewer: Viewer,
    screened: bool = False,
) -> str:
    """One page of nodes, sorted by ``order`` then id, after a keyset cursor if given;
    with ``screened``, screened nodes sort by the keys in ``$screen_keys``."""
    key = spec.orders[order]
    keys = SCREEN_KEYS if screened and key in _SCREENED_ORDERS else None
    if key == "n.name_norm":
        key = sort_name(viewer, "n", keys)
    elif keys is not None:
        key = f"coalesce({keys}[n.id], {key})"
    sort = f"coalesce({key}, '')"
    op = "<" if descending else ">"
    after = f" AND ({sort} {op} $after_key OR ({sort} = $after_key AND n.id {op} $after_id))"
    direction = " DESC" if descending else ""
    return (
        f"MATCH (n:{_label(spec.label)}) WHERE {where_body}{after if keyset else ''} "
        f"RETURN {projection(kinds_of(spec.label), 'n', viewer)} AS props, labels(n) AS labels, "
        f"{sort} AS sort ORDER BY sort{direction}, n.id{direction} LIMIT $limit"
    )


def ids_where(label: str, where_body: str) -> str:
    return f"MATCH (n:{_label(label)}) WHERE {where_body} RETURN n.id AS id"


def visible_where(label: str, viewer: Viewer) -> str:
    """Every node of a label ``viewer`` may see (merged actors out): an export's body."""
    conds = visible_nodes(viewer, "n")
    if label == "Actor":
        conds.append("n.merged_into IS NULL")
    return _and(conds)


def total(spec: Listing, where_body: str) -> str:
    return f"MATCH (n:{_label(spec.label)}) WHERE {where_body} RETURN count(n) AS total"


# --- by id, and links -----------------------------------------------------------------


def nodes_by_ids(label: str, viewer: Viewer) -> str:
    return (
        f"UNWIND $ids AS id MATCH (n:{_label(label)} {{id: id}})"
        f"{_where(visible_nodes(viewer, 'n'))} "
        f"RETURN {projection(kinds_of(label), 'n', viewer)} AS props, labels(n) AS labels"
    )


# Where a complaint is in intake, and who submitted it: nothing it says.
SUBMISSION = (
    "MATCH (c:Complaint {id: $id}) RETURN c.id AS id, c.status AS status, "
    "c.received_at AS received_at, c.extracted_at AS extracted_at, "
    "c.status_detail AS status_detail, c.submitted_by AS submitted_by"
)


def complaint_texts(viewer: Viewer) -> str:
    """The texts of complaints ``viewer`` may see; a sealed one's is null unless the
    viewer may read sealed texts."""
    text = (
        "c.text"
        if viewer.sealed_text
        else "CASE WHEN c.confidentiality = 'sealed' THEN null ELSE c.text END"
    )
    return (
        f"UNWIND $ids AS id MATCH (c:Complaint {{id: id}}){_where(visible_nodes(viewer, 'c'))} "
        f"RETURN c.id AS id, {text} AS text"
    )


def complaint_persons(viewer: Viewer) -> str:
    """For each complaint ``viewer`` may see: its confidentiality, and the persons it
    names that the viewer sees under pseudonyms, with their mention spans (redaction)."""
    hidden = pseudonymised(viewer, "p") or "false"
    return (
        f"UNWIND $ids AS id MATCH (c:Complaint {{id: id}}){_where(visible_nodes(viewer, 'c'))} "
        f"OPTIONAL MATCH (c)-[m:MENTIONS]->(p:Person) WHERE {hidden} "
        "WITH c, collect({no: p.pseudonym_no, name: p.name, aliases: p.aliases, "
        "starts: m.starts, ends: m.ends}) AS persons "
        "RETURN c.id AS id, c.confidentiality AS confidentiality, persons"
    )


def incident_sources(viewer: Viewer) -> str:
    """For each incident: the confidentiality of every complaint that reports it (the
    summary is a sentence of one of them), and the persons those complaints name that
    ``viewer`` sees under pseudonyms."""
    hidden = pseudonymised(viewer, "p") or "false"
    return (
        "UNWIND $ids AS id MATCH (i:Incident {id: id}) "
        "OPTIONAL MATCH (i)<-[:REPORTS]-(c:Complaint) "
        f"OPTIONAL MATCH (c)-[:MENTIONS]->(p:Person) WHERE {hidden} "
        "WITH id, collect(c.confidentiality) AS confidentiality, "
        "collect({no: p.pseudonym_no, name: p.name, aliases: p.aliases}) AS persons "
        "RETURN id, confidentiality, persons"
    )


# Every person (or every protected one), for redaction (graph.access.names).
PROTECTED_PERSONS = (
    "MATCH (p:Person) WHERE p.protected = true "
    "RETURN p.pseudonym_no AS no, p.name AS name, p.aliases AS aliases"
)
ALL_PERSONS = "MATCH (p:Person) RETURN p.pseudonym_no AS no, p.name AS name, p.aliases AS aliases"
PERSONS_FINGERPRINT = "MATCH (p:Person) RETURN count(p) AS persons, max(p.updated_at) AS last"


def names_fingerprints(screened: Mapping[str, Sequence[str]]) -> list[str]:
    """What tells whether persons, or the nodes of the ``screened`` kinds, changed: a
    count and a last update per kind (``graph.access.names`` rebuilds when one moves)."""
    out = []
    for kind in ("Person", *screened):
        label = _label(MODEL.node(kind).labels[-1])
        out.append(f"MATCH (n:{label}) RETURN count(n) AS count, max(n.updated_at) AS last")
    return out


def screened_labels(screened: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The screened kinds by the label that holds them alone (``Organization``, not the
    ``Actor`` interface, which persons share)."""
    out: dict[str, list[str]] = {}
    for kind in screened:
        out.setdefault(MODEL.node(kind).labels[-1], []).append(kind)
    return out


def screened_nodes(label: str, kinds: Sequence[str]) -> str:
    """Every node of ``label`` with its kind and properties (complaint texts aside), for
    ``graph.access.names`` to redact; the gazetteer's places (with a UBIGEO code) are public."""
    found = [k for k in MODEL.nodes if k.name in kinds]
    if not found:
        raise ModelError(f"no kind of {kinds!r} to screen")
    kind = found[0].name
    where = " WHERE n.ubigeo IS NULL" if kind == "Place" else ""
    return (
        f"MATCH (n:{_label(label)}){where} "
        f"RETURN '{kind}' AS kind, labels(n) AS labels, {projection(found, 'n')} AS props"
    )


def _types(rel_types: Sequence[str]) -> str:
    return "|".join(_rel(MODEL.relationship(t)) for t in rel_types)


def links(
    label: str,
    rel_types: Sequence[str],
    outgoing: bool,
    other: str,
    order: str,
    viewer: Viewer,
    screened: bool = False,
) -> str:
    """For each id: its edges of these types to ``other`` nodes ``viewer`` may see,
    sorted, the first ``$limit`` of them, and how many there are (with ``screened``,
    screened nodes sort by the keys in ``$screen_keys``)."""
    arrow = f"-[r:{_types(rel_types)}]->" if outgoing else f"<-[r:{_types(rel_types)}]-"
    named = f"coalesce({sort_name(viewer, 'm')}, m.file_number, m.kind, '')"
    if screened:
        named = f"coalesce({SCREEN_KEYS}[m.id], {named})"
    sort = {
        "date": "coalesce(m.date, '') DESC",
        "received": "m.received_at DESC",
        "name": named,
        "created": "m.created_at DESC",
    }[order]
    return (
        f"UNWIND $ids AS id MATCH (n:{_label(label)} {{id: id}}){arrow}(m:{_label(other)})"
        f"{_where(visible(viewer, ['m'], ['r']))} "
        # the projection gets its own WITH: ArcadeDB flattens a map projection nested
        # in a map literal
        f"WITH id, r, m, {projection(kinds_of(other), 'm', viewer)} AS node "
        f"ORDER BY {sort}, m.id "
        "WITH id, collect({type: type(r), rel: properties(r), node: node, labels: labels(m)}) "
        "AS items "
        "RETURN id, size(items) AS total, items[0..$limit] AS items"
    )


def fact_by_id(rel_type: str, viewer: Viewer) -> str:
    rel = MODEL.relationship(rel_type)
    return (
        f"MATCH (a)-[r:{_rel(rel)} {{id: $id}}]->(b){_where(visible(viewer, ['a', 'b'], ['r']))} "
        "RETURN properties(r) AS rel, a.id AS start, b.id AS end"
    )


# --- search ---------------------------------------------------------------------------


_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/\s])')


def text_index(label: str) -> str | None:
    """The full-text index over ``label``'s names, if the model asks for one."""
    kinds = [k for k in MODEL.nodes if k.key_label == label and k.text_indexed]
    return fulltext_name(label) if kinds else None


def fulltext_contains(terms: Sequence[str]) -> str:
    """A Lucene query (for a ``keyword``-analysed index) matching the values that
    contain any of ``terms``, each term's special characters escaped."""
    return " OR ".join("*" + _LUCENE_SPECIAL.sub(r"\\\1", t) + "*" for t in terms)


def search_candidates(label: str, terms: int, viewer: Viewer, fulltext: bool = False) -> str:
    """Nodes whose folded name (or file number) holds any of ``$t0…``: search's recall.
    Persons ``viewer`` sees under pseudonyms are not searched by name.

    With ``fulltext`` (Neo4j), labels with a full-text index are looked up in it with
    ``$text`` (``fulltext_contains`` of the same terms), which finds the same nodes as the
    scan with ``CONTAINS`` without reading every name."""
    spec = listing(label)
    index = text_index(label) if fulltext else None
    target = "toLower(n.file_number)" if label == "Case" else "n.name_norm"
    alias = (
        " OR any(a IN coalesce(n.aliases_norm, []) WHERE "
        + " OR ".join(f"a CONTAINS $t{i}" for i in range(terms))
        + ")"
        if label == "Actor"
        else ""
    )
    hits = " OR ".join(f"{target} CONTAINS $t{i}" for i in range(terms))
    hidden = pseudonymised(viewer, "n")
    always = _and(
        [*spec.always, *visible_nodes(viewer, "n"), *([f"NOT {hidden}"] if hidden else [])]
    )
    found = (
        f"CALL db.index.fulltext.queryNodes('{index}', $text) YIELD node AS n "
        f"WITH n WHERE n:{_label(label)} AND {always} "
        if index
        else f"MATCH (n:{_label(label)}) WHERE {always} AND ({hits}{alias}) "
    )
    return (
        f"{found}"
        f"RETURN n.id AS id, labels(n) AS labels, coalesce(n.name, n.file_number) AS name, "
        f"{'n.aliases' if label == 'Actor' else '[]'} AS aliases, "
        f"{'n.office' if label == 'Case' else 'null'} AS extra LIMIT $limit"
    )


def search_screened(label: str, viewer: Viewer) -> str:
    """The screened nodes of ``label`` (``$ids``, ``graph.access.names``) that ``viewer`` may
    see: search scores them by what the viewer is shown of them, and only by that."""
    spec = listing(label)
    always = _and([*spec.always, *visible_nodes(viewer, "n")])
    return (
        f"MATCH (n:{_label(label)}) WHERE n.id IN $ids AND {always} "
        "RETURN n.id AS id, labels(n) AS labels, null AS name, [] AS aliases, null AS extra "
        "LIMIT $limit"
    )


def search_by_name_keys(viewer: Viewer) -> str:
    hidden = pseudonymised(viewer, "n")
    conds = ["n.merged_into IS NULL", *visible_nodes(viewer, "n")]
    return (
        "UNWIND $keys AS key MATCH (k:NameKey {id: key})<-[:HAS_NAME_KEY]-(n:Actor) "
        f"WHERE {_and([*conds, *([f'NOT {hidden}'] if hidden else [])])} "
        "RETURN DISTINCT n.id AS id, labels(n) AS labels, n.name AS name, n.aliases AS aliases, "
        "null AS extra LIMIT $limit"
    )


def search_pseudonym(viewer: Viewer) -> str | None:
    """The person shown as "Persona $no" to ``viewer`` (None: the viewer sees none)."""
    hidden = pseudonymised(viewer, "n")
    if hidden is None:
        return None
    conds = ["n.pseudonym_no = $no", hidden, "n.merged_into IS NULL", *visible_nodes(viewer, "n")]
    return (
        f"MATCH (n:Person) WHERE {_and(conds)} "
        f"RETURN n.id AS id, labels(n) AS labels, {pseudonym_expr('n')} AS name, [] AS aliases, "
        "null AS extra LIMIT $limit"
    )


# --- paths, neighbourhoods, timelines -------------------------------------------------


def shortest_paths(
    from_label: str, to_label: str, rel_types: Sequence[str], hops: int, viewer: Viewer
) -> str:
    """Every shortest path of at most ``hops`` edges, as ids, types and edge properties;
    for a viewer who may not see sealed complaints, only paths wholly visible to it.

    ``hops`` is an integer checked by the caller (Cypher takes no parameter there)."""
    if not isinstance(hops, int) or not 1 <= hops <= 6:
        raise ModelError(f"hops must be an integer within 1..6; got {hops!r}")
    through = []
    if not viewer.sealed_visible:
        (node,) = visible_nodes(viewer, "x")
        (edge,) = visible_edges(viewer, "y")
        through = [
            f"all(x IN nodes(p) WHERE {node})",
            f"all(y IN relationships(p) WHERE {edge})",
        ]
    return (
        f"MATCH (a:{_label(from_label)} {{id: $from}}), (b:{_label(to_label)} {{id: $to}})"
        f"{_where(visible_nodes(viewer, 'a', 'b'))} "
        f"MATCH p = allShortestPaths((a)-[:{_types(rel_types)}*..{hops}]-(b)){_where(through)} "
        "RETURN [x IN nodes(p) | x.id] AS nodes, "
        "[r IN relationships(p) | {type: type(r), rel: properties(r), "
        "start: startNode(r).id, end: endNode(r).id}] AS edges LIMIT $limit"
    )


def expand_frontier(label: str, rel_types: Sequence[str], viewer: Viewer) -> str:
    """The edges (of these types, either direction) of a set of nodes of one label, to
    nodes ``viewer`` may see; in a stable order, so a neighbourhood cut at its limit is
    the same on every store and every run."""
    return (
        f"UNWIND $ids AS id MATCH (n:{_label(label)} {{id: id}})-[r:{_types(rel_types)}]-(m)"
        f"{_where(visible(viewer, ['m'], ['r']))} "
        "RETURN type(r) AS type, properties(r) AS rel, startNode(r).id AS start, "
        "endNode(r).id AS end, m.id AS other ORDER BY other, type, start, end LIMIT $limit"
    )


_TIMELINE_INCIDENT = projection([MODEL.node("Incident")], "i")

# The timelines: (pattern, nodes and edges the viewer must see, what ``via`` is).
_TIMELINES = {
    "actor": (
        "(a:Actor {id: $id})-[r:PERPETRATOR_OF|VICTIM_OF|WITNESS_OF]->(i:Incident)",
        ["a", "i"],
        ["r"],
        "collect(type(r)) AS roles, null AS via",
    ),
    "members": (
        "(a:Actor {id: $id})<-[e:MEMBER_OF|WORKS_FOR]-(p:Actor)"
        "-[r:PERPETRATOR_OF|VICTIM_OF|WITNESS_OF]->(i:Incident)",
        ["a", "p", "i"],
        ["e", "r"],
        "collect(type(r)) AS roles, p.id AS via",
    ),
    "place": (
        "(p:Place {id: $id})<-[:PART_OF*0..3]-(q:Place)<-[e:OCCURRED_IN]-(i:Incident)",
        ["p", "q", "i"],
        ["e"],
        "[] AS roles, q.id AS via",
    ),
    "dispute": (
        "(d:LandDispute {id: $id})<-[e:PART_OF]-(i:Incident)",
        ["d", "i"],
        ["e"],
        "[] AS roles, null AS via",
    ),
    "case": (
        "(c:Case {id: $id})-[e:INVESTIGATES]->(i:Incident)",
        ["c", "i"],
        ["e"],
        "[] AS roles, null AS via",
    ),
}


def timeline(which: str, viewer: Viewer) -> str:
    """The dated incidents of one timeline (``_TIMELINES``) that ``viewer`` may see."""
    pattern, nodes, edges, rest = _TIMELINES[which]
    conds = ["i.date IS NOT NULL", *visible(viewer, nodes, edges)]
    distinct = "DISTINCT " if which == "place" else ""
    return (
        f"MATCH {pattern} WHERE {_and(conds)} "
        f"RETURN {distinct}{_TIMELINE_INCIDENT} AS incident, {rest}"
    )


# --- risk assessment (graph.analysis.risk) -----------------------------------------------------

_LIVE = "coalesce({r}.review, '') <> 'rejected'"  # rejected facts never count

# Every statement takes many subjects at once (``$ids``) and names the subject of each
# row (``sid``), so assessing the victims of a whole batch of complaints costs the same
# dozen statements as assessing one.
RISK_MEMBERSHIPS = (
    "UNWIND $ids AS sid MATCH (a:Actor {id: sid})-[m:MEMBER_OF]->(c:Actor) "
    "RETURN sid, c.id AS id, m.role AS role, c.community_kind AS community_kind, "
    "'Community' IN labels(c) AS community"
)
_ATTACK_RETURN = (
    "OPTIONAL MATCH (p:Actor)-[r:PERPETRATOR_OF]->(i) WHERE " + _LIVE.format(r="r") + " "
    "WITH sid, i, v, via, collect(DISTINCT p.id) AS perpetrators "
    "OPTIONAL MATCH (i)-[:OCCURRED_IN]->(pl:Place) "
    # a place without a ubigeo (a river, a town) is where the places it is PART_OF are
    f"OPTIONAL MATCH (pl)-[:PART_OF*1..{AREA_HOPS}]->(up:Place) WHERE pl.ubigeo IS NULL "
    "RETURN sid, i.id AS id, i.type AS type, i.date AS date, perpetrators, "
    "collect(DISTINCT pl.ubigeo) + collect(DISTINCT up.ubigeo) AS ubigeos, "
    "v.sources AS sources, v.quotes AS quotes, via"
)
RISK_ATTACKS = (
    "UNWIND $ids AS sid MATCH (a:Actor {id: sid})-[v:VICTIM_OF]->(i:Incident) "
    "WHERE " + _LIVE.format(r="v") + " WITH sid, i, v, null AS via " + _ATTACK_RETURN
)
RISK_MEMBER_ATTACKS = (
    "UNWIND $ids AS sid "
    "MATCH (a:Actor {id: sid})<-[:MEMBER_OF|WORKS_FOR]-(m:Actor)-[v:VICTIM_OF]->(i:Incident) "
    "WHERE " + _LIVE.format(r="v") + " WITH sid, i, v, m.id AS via " + _ATTACK_RETURN
)
# Up to $cap violent incidents per perpetrator (a prolific one has thousands): the
# caller drops each subject's own incidents, so $cap exceeds all of them by a margin.
RISK_VIOLENT_HISTORY = (
    "UNWIND $ids AS pid MATCH (p:Actor {id: pid}) "
    "CALL { WITH p MATCH (p)-[r:PERPETRATOR_OF]->(j:Incident) "
    "WHERE j.type IN $violent AND " + _LIVE.format(r="r") + " RETURN j.id AS jid LIMIT $cap } "
    "RETURN pid AS id, collect(jid) AS incidents"
)
RISK_DISPUTES_OF_HOLDERS = (
    "UNWIND $ids AS h MATCH (:Actor {id: h})-[:PARTY_TO]->(d:LandDispute) "
    "RETURN h AS via, d.id AS id"
)
RISK_DISPUTES_OF_INCIDENTS = (
    "UNWIND $ids AS x MATCH (:Incident {id: x})-[:PART_OF]->(d:LandDispute) "
    "RETURN x AS via, d.id AS id"
)
RISK_DISPUTE_PARTIES = (
    "UNWIND $ids AS did MATCH (d:LandDispute {id: did})<-[:PARTY_TO]-(o:Actor) "
    "CALL { WITH o MATCH (o)-[r:PERPETRATOR_OF]->(j:Incident) "
    "WHERE j.type IN $violent AND " + _LIVE.format(r="r") + " RETURN j.id AS jid LIMIT 5 } "
    "RETURN did AS dispute, d.name AS name, d.status AS status, o.id AS actor, "
    "collect(jid) AS incidents"
)
# An area's incidents: those placed in it, and on the places without a ubigeo of their
# own that are PART_OF it (a river, a town in the district).
RISK_AREAS = (
    "UNWIND $codes AS code MATCH (pl:Place {ubigeo: code})"
    f"<-[:PART_OF*0..{AREA_HOPS}]-(at:Place)<-[:OCCURRED_IN]-(i:Incident) "
    "WHERE (at.ubigeo IS NULL OR at.ubigeo = code) "
    "AND i.date >= $prev_start AND i.date <= $end "
    "WITH code, pl, collect(DISTINCT i) AS found "
    "RETURN code AS ubigeo, pl.name AS name, "
    "size([i IN found WHERE i.date >= $start]) AS count, "
    "size([i IN found WHERE i.date < $start]) AS previous, "
    "[i IN found WHERE i.date >= $start | i.id][..50] AS incidents"
)
RISK_MEASURES = (
    "UNWIND $ids AS sid MATCH (m:ProtectionMeasure)-[:PROTECTS]->(a:Actor {id: sid}) "
    "RETURN sid, m.id AS id, m.kind AS kind, m.status AS status"
)


# --- analytics projections (graph.analysis.projections) ------------------------------------------

# The node attributes the analytics read, per kind (store property -> graph attribute).
PROJECTED: dict[str, dict[str, str]] = {
    "Person": {"name": "name", "gender": "gender", "people": "people", "defender": "defender"},
    "Organization": {"name": "name", "kind": "org_kind"},
    "Community": {"name": "name", "community_kind": "community_kind", "people": "people"},
    "Incident": {"type": "type", "date": "date", "severity": "severity"},
    "Place": {"name": "name", "ubigeo": "ubigeo", "level": "level"},
    "LandDispute": {"name": "name", "driver": "driver", "status": "status"},
    "Case": {"file_number": "file_number", "status": "status", "office": "office"},
    "ProtectionMeasure": {"kind": "measure_kind", "status": "status"},
}
PROJECTED_RELS = (
    "PERPETRATOR_OF",
    "VICTIM_OF",
    "WITNESS_OF",
    "OCCURRED_IN",
    "PART_OF",
    "PARTY_TO",
    "MEMBER_OF",
    "WORKS_FOR",
    "INVESTIGATES",
    "ACCUSES",
    "PROTECTS",
)


def projection_nodes(kind_name: str, viewer: Viewer) -> str:
    """Every node of a kind ``viewer`` may see, with the attributes the analytics read
    (merged actors out). Names go in for the analytics; the API shows nodes by id only
    and loads them for the viewer."""
    kind = MODEL.node(kind_name)
    cols = ", ".join(f"n.{kind.prop(p).name} AS {attr}" for p, attr in PROJECTED[kind_name].items())
    conds = ["n.merged_into IS NULL"] if "Actor" in kind.labels else []
    conds += visible_nodes(viewer, "n")
    # the kind's own label: an actor's key label is the Actor interface
    return f"MATCH (n:{_label(kind.labels[-1])}){_where(conds)} RETURN n.id AS id, {cols}"


def projection_edges(rel_type: str, viewer: Viewer) -> str:
    """Every edge of a type ``viewer`` may see, rejected facts out."""
    rel = MODEL.relationship(rel_type)
    side = "r.side" if "side" in rel.properties else "null"
    conds = ["coalesce(r.review, '') <> 'rejected'", *visible_edges(viewer, "r")]
    return (
        f"MATCH (a)-[r:{_rel(rel)}]->(b) WHERE {_and(conds)} "
        f"RETURN a.id AS s, b.id AS t, {side} AS side"
    )


PROJECTION_FINGERPRINT = (
    "MATCH (c:Complaint) RETURN count(c) AS complaints, max(c.updated_at) AS last"
)
