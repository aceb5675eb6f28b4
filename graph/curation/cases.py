"""A prosecutor's case: opened by its file number, updated, with its links as manual facts."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

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
from graph.curation.links import add_manual_links, linked_ids, remove_links
from graph.cypher import write as cypher
from graph.errors import ModelError, NotFound
from graph.model import CASE_STATUS, MODEL, Rel
from graph.rows import utc_now
from graph.store.bolt import Store, Tx
from nlp.text import fold


def case_id_for(file_number: str) -> str:
    """The id of the case of a file number (spacing, case and accents aside)."""
    digest = hashlib.sha256(fold(file_number).encode()).hexdigest()
    return f"cas_{digest[:24]}"


def _case_view(tx: Tx, node_id: str) -> Props:
    kind = MODEL.node("Case")
    props = find_node(tx, kind, node_id)
    if props is None:
        raise NotFound(f"no case {node_id}")
    return {
        **props,
        "incident_ids": linked_ids(tx, kind, node_id, Rel.INVESTIGATES),
        "accused_ids": linked_ids(tx, kind, node_id, Rel.ACCUSES),
    }


def _case_props(office: str | None, status: str | None, opened_at: str | None) -> Props:
    props: Props = {}
    if office is not None:
        if not office.strip():
            raise ModelError("office must not be blank (leave it out to keep it)")
        props["office"] = office.strip()
    if status is not None:
        props["status"] = choice("status", status, CASE_STATUS)
    if opened_at is not None:
        props["opened_at"] = day("opened_at", opened_at)
    return props


def open_case(
    store: Store,
    file_number: str,
    office: str | None,
    status: str,
    opened_at: str | None,
    incident_ids: Sequence[str],
    accused_ids: Sequence[str],
    by: str,
) -> tuple[Props, bool]:
    """Open the case of a file number; returns it and whether it was created.

    The same file number again, with the same office, status and opening date, is the
    same case (its links named again are ensured); with others, a conflict.
    """
    number = required("file_number", file_number)
    reviewer = required("by", by)
    props = {"file_number": number, **_case_props(office, status, opened_at)}
    MODEL.node("Case").check(props)
    incidents, accused = ids_of("Incident", incident_ids), ids_of("Actor", accused_ids)
    node_id = case_id_for(number)
    now = utc_now()

    def work(tx: Tx) -> tuple[Props, bool]:
        require_nodes(tx, actors=accused, incidents=incidents)
        found = find_node(tx, MODEL.node("Case"), node_id)
        if found is None:
            create_node(tx, "Case", node_id, props, now)
        else:
            same_or_conflict(found, props, ("office", "status", "opened_at"), f"case {number}")
        add_manual_links(tx, Rel.INVESTIGATES, node_id, incidents, reviewer, now)
        add_manual_links(tx, Rel.ACCUSES, node_id, accused, reviewer, now)
        return _case_view(tx, node_id), found is None

    return store.transaction(work)


def update_case(
    store: Store,
    case_id: str,
    *,
    office: str | None = None,
    status: str | None = None,
    opened_at: str | None = None,
    add_incidents: Sequence[str] = (),
    remove_incidents: Sequence[str] = (),
    add_accused: Sequence[str] = (),
    remove_accused: Sequence[str] = (),
    by: str,
) -> Props:
    """Change a case's office, status or opening date (None keeps it) and its links."""
    kind = MODEL.node("Case")
    if MODEL.kind_of_id(case_id) is not kind:
        raise ModelError(f"{case_id!r} is not the id of a case")
    reviewer = required("by", by)
    props = _case_props(office, status, opened_at)
    kind.check(props, partial=True)
    adds = ids_of("Incident", add_incidents), ids_of("Actor", add_accused)
    drops = ids_of("Incident", remove_incidents), ids_of("Actor", remove_accused)
    both = (set(adds[0]) & set(drops[0])) | (set(adds[1]) & set(drops[1]))
    if both:
        raise ModelError(f"added and removed at once: {', '.join(sorted(both))}")
    now = utc_now()

    def work(tx: Tx) -> Props:
        found = find_node(tx, kind, case_id)
        if found is None:
            raise NotFound(f"no case {case_id}")
        require_nodes(tx, incidents=adds[0], actors=adds[1])
        changed = changes(found, props)
        if changed:
            tx.run(cypher.set_node(kind), id=case_id, props=changed, now=now)
        add_manual_links(tx, Rel.INVESTIGATES, case_id, adds[0], reviewer, now)
        add_manual_links(tx, Rel.ACCUSES, case_id, adds[1], reviewer, now)
        remove_links(tx, Rel.INVESTIGATES, case_id, drops[0])
        remove_links(tx, Rel.ACCUSES, case_id, drops[1])
        return _case_view(tx, case_id)

    return store.transaction(work)
