"""Protection measures: recorded or updated, with the actors they protect and what they
concern as manual facts."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from graph.curation.checks import (
    Props,
    changes,
    choice,
    create_node,
    day,
    find_node,
    ids_of,
    require_nodes,
    required,
    same_or_conflict,
)
from graph.curation.links import add_manual_links, linked_ids
from graph.cypher import write as cypher
from graph.errors import ModelError, NotFound
from graph.model import MEASURE_STATUS, MODEL, Rel
from graph.rows import utc_now
from graph.store.bolt import Store, Tx
from nlp.text import fold


def measure_id_for(
    kind: str, actor_ids: Iterable[str], requested_at: str | None, authority: str | None
) -> str:
    """The id of a measure of this kind for these actors, requested then, by them."""
    parts = [fold(kind), *sorted(set(actor_ids)), requested_at or "", fold(authority or "")]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"pm_{digest[:24]}"


def _measure_view(tx: Tx, node_id: str) -> Props:
    kind = MODEL.node("ProtectionMeasure")
    props = find_node(tx, kind, node_id)
    if props is None:
        raise NotFound(f"no protection measure {node_id}")
    concerns = linked_ids(tx, kind, node_id, Rel.CONCERNS)
    return {
        **props,
        "actor_ids": linked_ids(tx, kind, node_id, Rel.PROTECTS),
        "case_ids": [i for i in concerns if MODEL.kind_of_id(i).name == "Case"],
        "incident_ids": [i for i in concerns if MODEL.kind_of_id(i).name == "Incident"],
    }


def record_protection_measure(
    store: Store,
    *,
    kind: str,
    status: str,
    actor_ids: Sequence[str],
    case_id: str | None = None,
    incident_ids: Sequence[str] = (),
    requested_at: str | None = None,
    granted_at: str | None = None,
    implemented_at: str | None = None,
    authority: str | None = None,
    measure_id: str | None = None,
    by: str,
) -> tuple[Props, bool]:
    """Record a protection measure, or with ``measure_id`` update one; returns it and
    whether it was created.

    The measure protects the actors and concerns the case and incidents named (links
    are added, never removed here). Without ``measure_id`` the same kind, actors,
    request date and authority name the same measure: a retry returns it, and other
    dates or status for it are a conflict (update it by its id instead).
    """
    props = {
        "kind": required("kind", kind),
        "status": choice("status", status, MEASURE_STATUS),
        "requested_at": day("requested_at", requested_at),
        "granted_at": day("granted_at", granted_at),
        "implemented_at": day("implemented_at", implemented_at),
        "authority": authority.strip() if authority and authority.strip() else None,
    }
    props = {k: v for k, v in props.items() if v is not None}
    MODEL.node("ProtectionMeasure").check(props)
    actors = ids_of("Actor", actor_ids)
    if not actors:
        raise ModelError("a protection measure protects at least one actor")
    cases = ids_of("Case", [case_id] if case_id else [])
    incidents = ids_of("Incident", incident_ids)
    reviewer = required("by", by)
    now = utc_now()
    node_kind = MODEL.node("ProtectionMeasure")
    if measure_id is not None and MODEL.kind_of_id(measure_id) is not node_kind:
        raise ModelError(f"{measure_id!r} is not the id of a protection measure")
    node_id = measure_id or measure_id_for(kind, actors, requested_at, props.get("authority"))

    def work(tx: Tx) -> tuple[Props, bool]:
        require_nodes(tx, actors=actors, incidents=incidents, cases=cases)
        found = find_node(tx, node_kind, node_id)
        if measure_id is not None:
            if found is None:
                raise NotFound(f"no protection measure {measure_id}")
            changed = changes(found, props)
            if changed:
                tx.run(cypher.set_node(node_kind), id=node_id, props=changed, now=now)
        elif found is None:
            create_node(tx, "ProtectionMeasure", node_id, props, now)
        else:
            names = ("status", "granted_at", "implemented_at")
            same_or_conflict(found, props, names, f"protection measure {node_id}")
        add_manual_links(tx, Rel.PROTECTS, node_id, actors, reviewer, now)
        add_manual_links(tx, Rel.CONCERNS, node_id, [*cases, *incidents], reviewer, now)
        return _measure_view(tx, node_id), found is None

    return store.transaction(work)
