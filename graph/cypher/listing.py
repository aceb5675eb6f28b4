"""Listings, pages and links: how each kind is listed, filtered and sorted for a viewer,
nodes by id, and a node's links to others."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.access.policy import Viewer
from graph.cypher import filters
from graph.cypher.filters import Criteria, Params
from graph.cypher.labels import checked_label, checked_rel, conjunction, type_union, where_clause
from graph.cypher.visibility import (
    SCREEN_KEYS,
    Screen,
    kinds_of,
    projection,
    sort_name,
    visible,
    visible_nodes,
)
from graph.errors import ModelError
from graph.model import MODEL


@dataclass(frozen=True)
class Listing:
    """How one kind is listed: its label, its filters, its sort keys."""

    kind: str
    label: str
    compile: Callable[[Criteria, Params], list[str]]
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
        filters.actor_filter,
        _ACTOR_FILTERS,
        {"name": "n.name_norm", "created": "n.created_at"},
        always=("n.merged_into IS NULL",),
    ),
    "Incident": Listing(
        "Incident",
        "Incident",
        filters.incident_filter,
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
        filters.complaint_filter,
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
        filters.dispute_filter,
        frozenset({"name", "drivers", "statuses", "ubigeo", "actor_id"}),
        {"name": "n.name_norm", "created": "n.created_at"},
    ),
    "Case": Listing(
        "Case",
        "Case",
        filters.case_filter,
        frozenset({"name", "office", "statuses", "date_from", "date_to", "actor_id"}),
        {"file_number": "n.file_number", "opened": "n.opened_at", "created": "n.created_at"},
    ),
    "Alert": Listing(
        "Alert",
        "Alert",
        filters.alert_filter,
        frozenset({"statuses", "levels", "ubigeo", "actor_id"}),
        {"created": "n.created_at", "score": "n.score", "updated": "n.updated_at"},
    ),
    "Place": Listing(
        "Place",
        "Place",
        filters.place_filter,
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
    ps = Params(viewer, screen)
    ps.label = spec.label
    parts = [*spec.always, *visible_nodes(viewer, "n")]
    if criteria is not None:
        body = _compile(spec, criteria, ps)
        if body:
            parts.append(body)
    return (" AND ".join(parts) or "true"), ps.values


def _compile(spec: Listing, c: Criteria, ps: Params) -> str:
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
        f"MATCH (n:{checked_label(spec.label)}) WHERE {where_body}{after if keyset else ''} "
        f"RETURN {projection(kinds_of(spec.label), 'n', viewer)} AS props, labels(n) AS labels, "
        f"{sort} AS sort ORDER BY sort{direction}, n.id{direction} LIMIT $limit"
    )


def ids_where(label: str, where_body: str) -> str:
    return f"MATCH (n:{checked_label(label)}) WHERE {where_body} RETURN n.id AS id"


def visible_where(label: str, viewer: Viewer) -> str:
    """Every node of a label ``viewer`` may see (merged actors out): an export's body."""
    conds = visible_nodes(viewer, "n")
    if label == "Actor":
        conds.append("n.merged_into IS NULL")
    return conjunction(conds)


def total(spec: Listing, where_body: str) -> str:
    return f"MATCH (n:{checked_label(spec.label)}) WHERE {where_body} RETURN count(n) AS total"


# --- by id, and links -----------------------------------------------------------------


def nodes_by_ids(label: str, viewer: Viewer) -> str:
    return (
        f"UNWIND $ids AS id MATCH (n:{checked_label(label)} {{id: id}})"
        f"{where_clause(visible_nodes(viewer, 'n'))} "
        f"RETURN {projection(kinds_of(label), 'n', viewer)} AS props, labels(n) AS labels"
    )


# Where a complaint is in intake, and who submitted it: nothing it says.
SUBMISSION = (
    "MATCH (c:Complaint {id: $id}) RETURN c.id AS id, c.status AS status, "
    "c.received_at AS received_at, c.extracted_at AS extracted_at, "
    "c.status_detail AS status_detail, c.submitted_by AS submitted_by"
)


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
    arrow = f"-[r:{type_union(rel_types)}]->" if outgoing else f"<-[r:{type_union(rel_types)}]-"
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
        f"UNWIND $ids AS id MATCH (n:{checked_label(label)} {{id: id}})"
        f"{arrow}(m:{checked_label(other)})"
        f"{where_clause(visible(viewer, ['m'], ['r']))} "
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
        f"MATCH (a)-[r:{checked_rel(rel)} {{id: $id}}]->(b)"
        f"{where_clause(visible(viewer, ['a', 'b'], ['r']))} "
        "RETURN properties(r) AS rel, a.id AS start, b.id AS end"
    )
