"""Merging and splitting actors.

``merge_actors`` makes two actors one; ``split_actor`` undoes a merge exactly, from the
``ActorMerge`` record the merge left (a snapshot of every edge it touched). A split puts
back, property for property (timestamps included), every edge that has not changed since
the merge; an edge that gained evidence since keeps it, stamped anew.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from graph.curation.checks import (
    Actor,
    Props,
    create_node,
    find_actors,
    find_node,
    ids_of,
    required,
)
from graph.curation.edges import (
    STAMPS,
    At,
    Key,
    Plan,
    combine,
    keys_of,
    same_edge,
    without_evidence,
)
from graph.cypher import write as cypher
from graph.errors import ConflictError, ModelError, NotFound
from graph.model import MODEL, Rel
from graph.rows import fact_id as edge_id
from graph.rows import utc_now
from graph.store.bolt import Store, Tx
from nlp.text import fold

MERGE_DECISION = "merged"


@dataclass(frozen=True)
class Moved:
    """One edge of a merged actor as the merge found it (an entry of the snapshot).

    ``outgoing`` is seen from the merged actor. ``existed``/``before``: the kept actor
    had the same edge already, and how it was. ``between``: the edge joined the two
    actors, so it was dropped rather than moved (``decision`` 'merged' for a review
    candidate).
    """

    type: str
    outgoing: bool
    other: str
    other_label: str
    props: Props
    existed: bool = False
    before: Props | None = None
    between: bool = False
    decision: str | None = None

    def at(self, merged_id: str, actor_id: str) -> At:
        """This edge with the merged actor's end held by ``actor_id``."""
        other = actor_id if self.other == merged_id else self.other
        mine = (actor_id, "Actor")
        theirs = (other, "Actor" if other == actor_id else self.other_label)
        (s, sl), (e, el) = (mine, theirs) if self.outgoing else (theirs, mine)
        return At(self.type, s, e, sl, el)


def _edges_of(tx: Tx, actor_id: str) -> dict[Key, Moved]:
    """Every edge of one actor, by key; a type outside the model is refused."""
    out: dict[Key, Moved] = {}
    for row in tx.run(cypher.ACTOR_EDGES, id=actor_id):
        rel = MODEL.relationship(str(row["type"]))
        other = str(row["other"])
        edge = Moved(
            rel.type, bool(row["outgoing"]), other, MODEL.kind_of_id(other).key_label, row["props"]
        )
        out[edge.at(actor_id, actor_id).key] = edge
    return out


def _snapshot(
    moved: Mapping[Key, Moved], kept: Mapping[Key, Moved], keep_id: str, merged_id: str
) -> list[Moved]:
    out: list[Moved] = []
    for edge in moved.values():
        if edge.other == keep_id:
            decision = MERGE_DECISION if edge.type == Rel.POSSIBLY_SAME_AS else None
            out.append(replace(edge, between=True, decision=decision))
            continue
        there = kept.get(edge.at(merged_id, keep_id).key)
        before = None if there is None else there.props
        out.append(replace(edge, existed=there is not None, before=before))
    return sorted(out, key=lambda e: (e.type, not e.outgoing, e.other))


def _move(plan: Plan, entries: Sequence[Moved], keep_id: str, merged_id: str, now: str) -> None:
    for entry in entries:
        if entry.between:
            continue
        at = entry.at(merged_id, keep_id)
        fact = MODEL.relationship(entry.type).fact
        if entry.before is not None:
            props = combine(entry.before, entry.props, fact)
        else:
            props = {**entry.props, "id": edge_id(at.type, at.start, at.end)}
        plan.put(at, {**props, "updated_at": now})


def _aliases_gained(keep: Props, merged: Props) -> tuple[list[str], list[str]]:
    """The merged actor's name and aliases the kept actor lacks, and their folded forms."""
    have = list(keep.get("aliases") or [])
    added: list[str] = []
    for name in [merged.get("name"), *(merged.get("aliases") or [])]:
        if isinstance(name, str) and name and name != keep.get("name") and name not in have:
            added.append(name)
    added = list(dict.fromkeys(added))
    norms = set(keep.get("aliases_norm") or [])
    norm_added = [n for n in dict.fromkeys(fold(a) for a in added) if n not in norms]
    return added, norm_added


def _merge_record_id(tx: Tx, keep_id: str, merged_id: str) -> str:
    """One id per merge of a pair: a pair merged, split and merged again has two."""
    earlier = tx.run(cypher.MERGES_OF_PAIR, keep_id=keep_id, merged_id=merged_id)
    seed = f"{keep_id}\x1f{merged_id}\x1f{len(earlier)}"
    return f"mrg_{hashlib.sha256(seed.encode()).hexdigest()[:24]}"


def _active_merge(tx: Tx, keep_id: str, merged_id: str) -> Props | None:
    rows = tx.run(cypher.MERGES_OF_PAIR, keep_id=keep_id, merged_id=merged_id)
    active = [dict(r["props"]) for r in rows if r["props"].get("status") == "active"]
    return active[-1] if active else None


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _candidates(entries: Sequence[Moved]) -> str | None:
    found = [
        {
            "id": e.props.get("id"),
            "outgoing": e.outgoing,
            "props": {**e.props, "decision": e.decision},
        }
        for e in entries
        if e.decision == MERGE_DECISION
    ]
    return _dump(found) if found else None


def _check_pair(actors: Mapping[str, Actor], keep_id: str, merged_id: str) -> None:
    missing = [i for i in (keep_id, merged_id) if i not in actors]
    if missing:
        raise NotFound(f"no actor with id {', '.join(missing)}")
    keep, merged = actors[keep_id], actors[merged_id]
    if keep.kind != merged.kind:
        raise ModelError(
            f"cannot merge {merged.kind} {merged.id} into {keep.kind} {keep.id}: "
            "not the same kind of actor"
        )
    for actor in (keep, merged):
        if actor.props.get("merged_into"):
            raise ConflictError(f"{actor.id} is already merged into {actor.props['merged_into']}")


def merge_actors(store: Store, keep_id: str, merge_id: str, reason: str, by: str) -> Props:
    """Make ``merge_id`` one with ``keep_id``; returns the ``ActorMerge`` record.

    Every edge of the merged actor moves to the kept actor (the same edge there already
    gains its evidence); the kept actor gains its name and aliases as aliases; the merged
    actor stays, emptied, with ``merged_into``. Merging a pair already merged returns the
    active record.
    """
    why, who = required("reason", reason), required("by", by)
    ids_of("Actor", [keep_id, merge_id])
    if keep_id == merge_id:
        raise ModelError(f"{keep_id} cannot be merged into itself")
    now = utc_now()
    return store.transaction(lambda tx: _merge(tx, keep_id, merge_id, why, who, now))


def _merge(tx: Tx, keep_id: str, merged_id: str, reason: str, by: str, now: str) -> Props:
    actors = find_actors(tx, [keep_id, merged_id])
    if merged_id in actors and actors[merged_id].props.get("merged_into") == keep_id:
        done = _active_merge(tx, keep_id, merged_id)
        if done is not None:
            return done  # a retry of this very merge
    _check_pair(actors, keep_id, merged_id)
    entries = _snapshot(_edges_of(tx, merged_id), _edges_of(tx, keep_id), keep_id, merged_id)
    plan = Plan()
    _move(plan, entries, keep_id, merged_id, now)
    tx.run(cypher.ACTOR_EDGES_DELETE, id=merged_id)
    plan.run(tx)
    added, norm_added = _aliases_gained(actors[keep_id].props, actors[merged_id].props)
    kind = MODEL.node(actors[keep_id].kind)
    if added:
        keep = actors[keep_id].props
        aliases = {
            "aliases": [*(keep.get("aliases") or []), *added],
            "aliases_norm": [*(keep.get("aliases_norm") or []), *norm_added],
        }
        tx.run(cypher.set_node(kind), id=keep_id, props=aliases, now=now)
    tx.run(cypher.set_node(kind), id=merged_id, props={"merged_into": keep_id}, now=now)
    record: Props = {
        "keep_id": keep_id,
        "merged_id": merged_id,
        "reason": reason,
        "merged_by": by,
        "merged_at": now,
        "snapshot": _dump([asdict(e) for e in entries]),
        "aliases_added": added,
        "aliases_norm_added": norm_added,
        "candidate": _candidates(entries),
        "status": "active",
    }
    return create_node(tx, "ActorMerge", _merge_record_id(tx, keep_id, merged_id), record, now)


def split_actor(store: Store, merge_record_id: str, reason: str, by: str) -> Props:
    """Undo a merge; returns its record, now ``undone``.

    The merged actor gets its edges back as they were; the kept actor's edges lose what
    the merge brought and keep what arrived since; the aliases it gained go. Splitting
    an undone merge returns its record unchanged.
    """
    why, who = required("reason", reason), required("by", by)
    kind = MODEL.node("ActorMerge")
    if MODEL.kind_of_id(merge_record_id) is not kind:
        raise ModelError(f"{merge_record_id!r} is not the id of an actor merge")
    now = utc_now()

    def work(tx: Tx) -> Props:
        record = find_node(tx, kind, merge_record_id)
        if record is None:
            raise NotFound(f"no actor merge {merge_record_id}")
        if record.get("status") == "undone":
            return record
        return _split(tx, record, why, who, now)

    return store.transaction(work)


def _check_split(actors: Mapping[str, Actor], keep_id: str, merged_id: str) -> None:
    missing = [i for i in (keep_id, merged_id) if i not in actors]
    if missing:
        raise NotFound(f"no actor with id {', '.join(missing)}")
    later = actors[keep_id].props.get("merged_into")
    if later:
        raise ConflictError(f"{keep_id} was merged into {later} since; split that merge first")
    if actors[merged_id].props.get("merged_into") != keep_id:
        raise ConflictError(f"{merged_id} is no longer merged into {keep_id}")


def _split(tx: Tx, record: Props, reason: str, by: str, now: str) -> Props:
    keep_id, merged_id = str(record["keep_id"]), str(record["merged_id"])
    actors = find_actors(tx, [keep_id, merged_id])
    _check_split(actors, keep_id, merged_id)
    entries = [Moved(**e) for e in json.loads(str(record["snapshot"]))]
    kept, merged = _edges_of(tx, keep_id), _edges_of(tx, merged_id)
    plan = Plan()
    for entry in entries:
        _give_back(plan, entry, merged, merged_id, now)
        if not entry.between:
            _take_back(plan, entry, kept, merged_id, keep_id, now)
    plan.run(tx)
    kind = MODEL.node(actors[keep_id].kind)
    aliases = _aliases_left(actors[keep_id].props, record)
    if aliases:
        tx.run(cypher.set_node(kind), id=keep_id, props=aliases, now=now)
    tx.run(cypher.set_node(kind), id=merged_id, props={"merged_into": None}, now=now)
    undone = {"status": "undone", "undone_by": by, "undone_at": now, "undo_reason": reason}
    rows = tx.run(cypher.set_node(MODEL.node("ActorMerge")), id=record["id"], props=undone, now=now)
    return dict(rows[0]["props"])


def _give_back(
    plan: Plan, entry: Moved, merged: Mapping[Key, Moved], merged_id: str, now: str
) -> None:
    """The merged actor's edge as it was, with anything it has gained since."""
    at = entry.at(merged_id, merged_id)
    since = merged.get(at.key)
    if since is None:
        plan.put(at, dict(entry.props))
    else:
        fact = MODEL.relationship(entry.type).fact
        plan.put(at, {**combine(entry.props, since.props, fact), "updated_at": now})


def _take_back(
    plan: Plan, entry: Moved, kept: Mapping[Key, Moved], merged_id: str, keep_id: str, now: str
) -> None:
    """The kept actor's edge without what the merge brought to it.

    An edge the merge created goes, unless evidence arrived on it since; an edge that was
    there before is as it was, plus what arrived since.
    """
    at = entry.at(merged_id, keep_id)
    current = kept.get(at.key)
    if current is None:
        return  # removed since the merge: it stays removed
    before = entry.before
    floor = float(before.get("confidence") or 0.0) if before and not keys_of(before) else 0.0
    rest = without_evidence(current.props, keys_of(entry.props) - keys_of(before), floor)
    if before is not None:  # what the merged edge filled in goes with it
        for name, value in entry.props.items():
            if name not in before and name not in STAMPS and rest.get(name) == value:
                rest.pop(name, None)
    if not keys_of(rest) and (before is None or keys_of(before)):
        plan.delete(at)
    elif before is not None and same_edge(rest, before):
        plan.put(at, dict(before))
    elif not same_edge(rest, current.props):
        plan.put(at, {**rest, "updated_at": now})


def _aliases_left(keep: Props, record: Props) -> Props:
    added = set(record.get("aliases_added") or [])
    norms = set(record.get("aliases_norm_added") or [])
    if not added and not norms:
        return {}
    aliases = [a for a in keep.get("aliases") or [] if a not in added]
    folded = [n for n in keep.get("aliases_norm") or [] if n not in norms]
    return {"aliases": aliases or None, "aliases_norm": folded or None}
