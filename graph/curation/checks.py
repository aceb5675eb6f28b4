"""Checks and look-ups the curation operations share: required values, choices, dates,
ids of a kind, the nodes named, and how a node is created or compared."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.cypher import write as cypher
from graph.errors import ConflictError, ModelError, NotFound
from graph.kinds import NodeKind, RelKind
from graph.model import MODEL
from graph.rows import Row
from graph.store.bolt import Tx

Props = dict[str, Any]
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def required(name: str, value: str | None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ModelError(f"{name} is required")
    return value.strip()


def choice(name: str, value: str, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise ModelError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
    return value


def day(name: str, value: str | None) -> str | None:
    """A calendar date ``YYYY-MM-DD`` that exists, or None."""
    if value is None:
        return None
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        pass
    else:
        if _DAY.match(value):
            return value
    raise ModelError(f"{name} must be a date YYYY-MM-DD; got {value!r}")


def ids_of(group: str, ids: Iterable[str]) -> list[str]:
    """The ids, once each and in order; every one must be an id of ``group``."""
    out = list(dict.fromkeys(ids))
    for node_id in out:
        if not MODEL.in_group(MODEL.kind_of_id(node_id), group):
            raise ModelError(f"{node_id!r} is not an id of kind {group}")
    return out


@dataclass(frozen=True)
class Actor:
    id: str
    kind: str
    props: Props


def find_actors(tx: Tx, ids: Sequence[str]) -> dict[str, Actor]:
    """The actors with these ids that exist."""
    if not ids:
        return {}
    out: dict[str, Actor] = {}
    for row in tx.run(cypher.ACTORS_BY_IDS, ids=list(dict.fromkeys(ids))):
        props = dict(row["props"])
        actor_id = str(props["id"])
        out[actor_id] = Actor(actor_id, MODEL.kind_of_id(actor_id).name, props)
    return out


def require_nodes(
    tx: Tx, *, actors: Sequence[str] = (), incidents: Sequence[str] = (), cases: Sequence[str] = ()
) -> dict[str, Actor]:
    """Raise ``NotFound`` listing every id that names no node, and ``ConflictError`` for
    an actor merged into another (the kept actor is the one to name)."""
    missing: list[str] = []
    for label, ids in (("Incident", incidents), ("Case", cases)):
        if ids:
            rows = tx.run(cypher.missing_ids(label), ids=sorted(set(ids)))
            missing += [str(i) for i in rows[0]["missing"]] if rows else list(ids)
    found = find_actors(tx, actors)
    missing += [i for i in actors if i not in found]
    if missing:
        raise NotFound(f"no node with id {', '.join(sorted(set(missing)))}")
    for actor in found.values():
        if actor.props.get("merged_into"):
            raise ConflictError(
                f"{actor.id} was merged into {actor.props['merged_into']}; name that actor"
            )
    return found


def find_node(tx: Tx, kind: NodeKind, node_id: str) -> Props | None:
    rows = tx.run(cypher.node_by_id(kind), id=node_id)
    if not rows or kind.name not in rows[0]["labels"]:
        return None
    return dict(rows[0]["props"])


def fact_view(rel: RelKind, row: Row) -> Props:
    return {**row["rel"], "type": rel.type, "start": row["start"], "end": row["end"]}


def create_node(tx: Tx, kind_name: str, node_id: str, props: Props, now: str) -> Props:
    kind = MODEL.node(kind_name)
    clean = {k: v for k, v in props.items() if v is not None}
    kind.check(clean)
    rows = tx.run(cypher.create_node(kind), id=node_id, props=clean, now=now)
    return dict(rows[0]["props"])


def changes(found: Props, props: Props) -> Props:
    """The properties of ``props`` that ``found`` does not hold already."""
    return {k: v for k, v in props.items() if found.get(k) != v}


def same_or_conflict(found: Props, props: Props, names: Sequence[str], what: str) -> None:
    differ = [n for n in names if props.get(n) != found.get(n)]
    if differ:
        shown = ", ".join(f"{n} {found.get(n)!r}" for n in differ)
        raise ConflictError(f"{what} is already recorded with {shown}")
