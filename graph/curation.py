"""Curation: what a person decides about the graph, written whole or not at all.

* ``review_fact`` confirms or rejects one fact.
* ``merge_actors`` makes two actors one; ``split_actor`` undoes a merge exactly, from
  the ``ActorMerge`` record the merge left (a snapshot of every edge it touched).
* ``link_actors`` records a fact between two actors that a person knows of, with the
  quote of a complaint that supports it.
* ``open_case``/``update_case`` and ``record_protection_measure`` record a
  prosecutor's case and a protection measure, with their links as manual facts.

Every operation runs in one store transaction, so nothing is ever half-written, and
every one is idempotent: running it again (a retry) changes nothing it did already.

A split puts back, property for property (timestamps included), every edge that has not
changed since the merge; an edge that gained evidence since keeps it, stamped anew.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from graph.cypher import write as cypher
from graph.errors import ConflictError, ModelError, NotFound
from graph.model import CASE_STATUS, MEASURE_STATUS, MODEL, REVIEW_STATUS, NodeKind, RelKind
from graph.rows import Evidence, FactRecord, Row, chunks, fact_batches, utc_now
from graph.rows import fact_id as edge_id
from graph.store.bolt import Store, Tx
from graph.store.repository import DEFAULT_BATCH, write_all
from nlp.text import fold

Props = dict[str, Any]
Key = tuple[str, str, str]  # (type, start id, end id): one edge per key in this model

LINK_TYPES = ("MEMBER_OF", "WORKS_FOR", "ASSOCIATE_OF")
MERGE_DECISION = "merged"

# One piece of evidence is one entry in each of these parallel lists.
EVIDENCE_COLUMNS = ("evidence_keys", "quotes", "starts", "ends", "methods", "confidences")
_DERIVED = frozenset((*EVIDENCE_COLUMNS, "sources", "confidence"))
_REVIEW = frozenset(("review", "review_note", "reviewed_by", "reviewed_at"))
_STAMPS = frozenset(("id", "created_at", "updated_at"))
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# the types tentative facts (``RelKind.confirms_as``) are confirmed into
_CONFIRMED_INTO = frozenset(r.confirms_as for r in MODEL.relationships if r.confirms_as)


# --- checks shared by the operations -------------------------------------------------


def _required(name: str, value: str | None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ModelError(f"{name} is required")
    return value.strip()


def _choice(name: str, value: str, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise ModelError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
    return value


def _day(name: str, value: str | None) -> str | None:
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


def _ids_of(group: str, ids: Iterable[str]) -> list[str]:
    """The ids, once each and in order; every one must be an id of ``group``."""
    out = list(dict.fromkeys(ids))
    for node_id in out:
        if not MODEL.in_group(MODEL.kind_of_id(node_id), group):
            raise ModelError(f"{node_id!r} is not an id of kind {group}")
    return out


@dataclass(frozen=True)
class _Actor:
    id: str
    kind: str
    props: Props


def _actors(tx: Tx, ids: Sequence[str]) -> dict[str, _Actor]:
    """The actors with these ids that exist."""
    if not ids:
        return {}
    out: dict[str, _Actor] = {}
    for row in tx.run(cypher.ACTORS_BY_IDS, ids=list(dict.fromkeys(ids))):
        props = dict(row["props"])
        actor_id = str(props["id"])
        out[actor_id] = _Actor(actor_id, MODEL.kind_of_id(actor_id).name, props)
    return out


def _require(
    tx: Tx, *, actors: Sequence[str] = (), incidents: Sequence[str] = (), cases: Sequence[str] = ()
) -> dict[str, _Actor]:
    """Raise ``NotFound`` listing every id that names no node, and ``ConflictError`` for
    an actor merged into another (the kept actor is the one to name)."""
    missing: list[str] = []
    for label, ids in (("Incident", incidents), ("Case", cases)):
        if ids:
            rows = tx.run(cypher.missing_ids(label), ids=sorted(set(ids)))
            missing += [str(i) for i in rows[0]["missing"]] if rows else list(ids)
    found = _actors(tx, actors)
    missing += [i for i in actors if i not in found]
    if missing:
        raise NotFound(f"no node with id {', '.join(sorted(set(missing)))}")
    for actor in found.values():
        if actor.props.get("merged_into"):
            raise ConflictError(
                f"{actor.id} was merged into {actor.props['merged_into']}; name that actor"
            )
    return found


def _node(tx: Tx, kind: NodeKind, node_id: str) -> Props | None:
    rows = tx.run(cypher.node_by_id(kind), id=node_id)
    if not rows or kind.name not in rows[0]["labels"]:
        return None
    return dict(rows[0]["props"])


def _fact_view(rel: RelKind, row: Row) -> Props:
    return {**row["rel"], "type": rel.type, "start": row["start"], "end": row["end"]}


# --- review ---------------------------------------------------------------------------


def review_fact(
    store: Store, rel_type: str, fact_id: str, decision: str, note: str | None, by: str
) -> Props:
    """Record a reviewer's decision on one fact; returns the fact with its ends.

    Deciding the same again (same decision, note and reviewer) changes nothing.
    Confirming a tentative fact (``SUSPECTED_OF``) turns it into the fact it is a weaker
    form of (``PERPETRATOR_OF``), which is returned; see ``_confirm_tentative``. A fact
    confirmed that way is not reopened (to pending): a reviewer rejects it instead.
    """
    rel = MODEL.relationship(rel_type)
    if not rel.fact:
        raise ModelError(f"{rel.type} is not a fact; it is not reviewed")
    _choice("decision", decision, REVIEW_STATUS)
    reviewer = _required("by", by)
    clean_note = (note or "").strip() or None
    now = utc_now()
    if rel.confirms_as is not None and decision == "confirmed":
        return store.transaction(
            lambda tx: _confirm_tentative(tx, rel, fact_id, clean_note, reviewer, now)
        )
    reopening = decision == "extracted" and rel.type in _CONFIRMED_INTO

    def work(tx: Tx) -> Props:
        if reopening:
            found = tx.run(cypher.fact_by_id(rel), id=fact_id)
            if found and found[0]["rel"].get("confirmed_from"):
                raise ConflictError(
                    f"{rel.type} {fact_id} was confirmed from a suspicion: reject it, "
                    "it is not reopened"
                )
        rows = tx.run(
            cypher.review_fact(rel),
            id=fact_id,
            review=decision,
            note=clean_note,
            by=reviewer,
            now=now,
        )
        if not rows:
            raise NotFound(f"no {rel.type} fact {fact_id}")
        return _fact_view(rel, rows[0])

    return store.transaction(work)


def _confirm_tentative(
    tx: Tx, rel: RelKind, fact_id: str, note: str | None, by: str, now: str
) -> Props:
    """Turn a tentative fact into the firm one it confirms as, with its provenance.

    The firm edge (``PERPETRATOR_OF``, status alleged) gets the tentative one's evidence,
    sources and confidence, review ``confirmed`` by ``by`` and ``confirmed_from`` its id;
    a firm edge already between the two keeps its values and gains the evidence. The
    tentative edge goes. A retry (the tentative edge gone) returns the firm edge as is.
    """
    firm = MODEL.relationship(str(rel.confirms_as))
    rows = tx.run(cypher.fact_by_id(rel), id=fact_id)
    if not rows:
        done = tx.run(cypher.fact_confirmed_from(firm), id=fact_id)
        if done:
            return _fact_view(firm, done[0])
        raise NotFound(f"no {rel.type} fact {fact_id}")
    start, end = str(rows[0]["start"]), str(rows[0]["end"])
    tentative = dict(rows[0]["rel"])
    labels = MODEL.kind_of_id(start).key_label, MODEL.kind_of_id(end).key_label
    firm_id = edge_id(firm.type, start, end)
    there = tx.run(cypher.fact_by_id(firm), id=firm_id)
    if there:
        props = _combine(dict(there[0]["rel"]), tentative, True)
    else:
        own = {k: v for k, v in tentative.items() if k not in _REVIEW and k != "id"}
        props = {**own, "id": firm_id, "status": "alleged"}
    props.update(
        review="confirmed",
        review_note=note,
        reviewed_by=by,
        reviewed_at=now,
        confirmed_from=fact_id,
        updated_at=now,
    )
    firm.check({k: v for k, v in props.items() if v is not None})
    plan = _Plan()
    plan.delete(_At(rel.type, start, end, *labels))
    plan.put(_At(firm.type, start, end, *labels), props)
    plan.run(tx)
    rows = tx.run(cypher.fact_by_id(firm), id=firm_id)
    return _fact_view(firm, rows[0])


def without_settled_suspicions(tx: Tx, facts: Sequence[FactRecord]) -> list[FactRecord]:
    """``facts`` without the tentative ones (``SUSPECTED_OF``) whose two ends the firm
    type (``PERPETRATOR_OF``) joins already: extracted again after a reviewer confirmed
    the suspicion, or after a report attributed the act, a suspicion adds nothing."""
    groups: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for f in facts:
        rel = MODEL.relationship(f.type)
        if rel.confirms_as is not None:
            labels = MODEL.kind_of_id(f.start).key_label, MODEL.kind_of_id(f.end).key_label
            groups[(rel.confirms_as, *labels)].append({"start": f.start, "end": f.end})
    settled: set[tuple[str, str]] = set()
    for (firm, start, end), rows in groups.items():
        statement = cypher.existing_edges(MODEL.relationship(firm), start, end)
        for part in chunks(rows, DEFAULT_BATCH):
            settled |= {(str(r["start"]), str(r["end"])) for r in tx.run(statement, rows=part)}
    if not settled:
        return list(facts)
    return [
        f
        for f in facts
        if MODEL.relationship(f.type).confirms_as is None or (f.start, f.end) not in settled
    ]


# --- edges as plain data: evidence, combining, writing --------------------------------


def _evidence(props: Mapping[str, Any] | None) -> list[tuple[Any, ...]]:
    """The evidence of a fact, one tuple per piece, in ``EVIDENCE_COLUMNS`` order."""
    if not props:
        return []
    return list(zip(*(list(props.get(c) or []) for c in EVIDENCE_COLUMNS), strict=False))


def _keys(props: Mapping[str, Any] | None) -> set[str]:
    return {str(e[0]) for e in _evidence(props)}


def _with_evidence(props: Props, evidence: list[tuple[Any, ...]], sources: list[str]) -> Props:
    out = dict(props)
    for i, column in enumerate(EVIDENCE_COLUMNS):
        out[column] = [e[i] for e in evidence]
    cited = {str(e[0]).rsplit(":", 2)[0] for e in evidence}
    out["sources"] = [s for s in dict.fromkeys(sources) if s in cited]
    return out


def _combine(kept: Mapping[str, Any], moved: Mapping[str, Any], fact: bool) -> Props:
    """One edge from two: ``kept``'s values win, ``moved`` fills what it lacks (its review
    excepted), and the evidence of both is listed once each; confidence is the highest."""
    out = {k: v for k, v in moved.items() if k not in _DERIVED and k not in _REVIEW}
    out.update(kept)
    if not fact:
        return out
    evidence = _evidence(kept)
    seen = {e[0] for e in evidence}
    for e in _evidence(moved):
        if e[0] not in seen:
            seen.add(e[0])
            evidence.append(e)
    sources = [*(kept.get("sources") or []), *(moved.get("sources") or [])]
    out = _with_evidence(out, evidence, sources)
    out["confidence"] = max(
        float(kept.get("confidence") or 0.0), float(moved.get("confidence") or 0.0)
    )
    return out


def _without(props: Mapping[str, Any], drop: set[str], floor: float) -> Props:
    """The edge without the evidence whose keys are in ``drop``."""
    if not drop or not drop & _keys(props):
        return dict(props)
    evidence = [e for e in _evidence(props) if e[0] not in drop]
    out = _with_evidence(dict(props), evidence, list(props.get("sources") or []))
    out["confidence"] = max([floor, *(float(e[5]) for e in evidence)])
    return out


def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return {k: v for k, v in a.items() if k != "updated_at"} == {
        k: v for k, v in b.items() if k != "updated_at"
    }


@dataclass(frozen=True)
class _At:
    """Where an edge is: its type, its ends and the labels to find them by."""

    type: str
    start: str
    end: str
    start_label: str
    end_label: str

    @property
    def key(self) -> Key:
        return (self.type, self.start, self.end)


@dataclass
class _Plan:
    """Edge writes gathered by (type, start label, end label): one statement per group."""

    puts: dict[tuple[str, str, str], list[Row]] = field(default_factory=lambda: defaultdict(list))
    deletes: dict[tuple[str, str, str], list[Row]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def put(self, at: _At, props: Props) -> None:
        clean = {k: v for k, v in props.items() if v is not None}
        self.puts[(at.type, at.start_label, at.end_label)].append(
            {"start": at.start, "end": at.end, "props": clean}
        )

    def delete(self, at: _At) -> None:
        self.deletes[(at.type, at.start_label, at.end_label)].append(
            {"start": at.start, "end": at.end}
        )

    def run(self, tx: Tx) -> None:
        for (rel_type, start, end), rows in self.deletes.items():
            rel = MODEL.relationship(rel_type)
            for part in chunks(rows, DEFAULT_BATCH):
                tx.run(cypher.delete_edges(rel, start, end), rows=part)
        for (rel_type, start, end), rows in self.puts.items():
            rel = MODEL.relationship(rel_type)
            for part in chunks(rows, DEFAULT_BATCH):
                done = tx.run(cypher.put_edges(rel, start, end), rows=part)
                if not done or int(done[0]["written"]) != len(part):
                    raise ConflictError(f"{rel.type}: an end of an edge is gone; try again")


# --- merging and splitting actors -----------------------------------------------------


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

    def at(self, merged_id: str, actor_id: str) -> _At:
        """This edge with the merged actor's end held by ``actor_id``."""
        other = actor_id if self.other == merged_id else self.other
        mine = (actor_id, "Actor")
        theirs = (other, "Actor" if other == actor_id else self.other_label)
        (s, sl), (e, el) = (mine, theirs) if self.outgoing else (theirs, mine)
        return _At(self.type, s, e, sl, el)


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
            decision = MERGE_DECISION if edge.type == "POSSIBLY_SAME_AS" else None
            out.append(replace(edge, between=True, decision=decision))
            continue
        there = kept.get(edge.at(merged_id, keep_id).key)
        before = None if there is None else there.props
        out.append(replace(edge, existed=there is not None, before=before))
    return sorted(out, key=lambda e: (e.type, not e.outgoing, e.other))


def _move(plan: _Plan, entries: Sequence[Moved], keep_id: str, merged_id: str, now: str) -> None:
    for entry in entries:
        if entry.between:
            continue
        at = entry.at(merged_id, keep_id)
        fact = MODEL.relationship(entry.type).fact
        if entry.before is not None:
            props = _combine(entry.before, entry.props, fact)
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


def _check_pair(actors: Mapping[str, _Actor], keep_id: str, merged_id: str) -> None:
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
    why, who = _required("reason", reason), _required("by", by)
    _ids_of("Actor", [keep_id, merge_id])
    if keep_id == merge_id:
        raise ModelError(f"{keep_id} cannot be merged into itself")
    now = utc_now()
    return store.transaction(lambda tx: _merge(tx, keep_id, merge_id, why, who, now))


def _merge(tx: Tx, keep_id: str, merged_id: str, reason: str, by: str, now: str) -> Props:
    actors = _actors(tx, [keep_id, merged_id])
    if merged_id in actors and actors[merged_id].props.get("merged_into") == keep_id:
        done = _active_merge(tx, keep_id, merged_id)
        if done is not None:
            return done  # a retry of this very merge
    _check_pair(actors, keep_id, merged_id)
    entries = _snapshot(_edges_of(tx, merged_id), _edges_of(tx, keep_id), keep_id, merged_id)
    plan = _Plan()
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
    return _create(tx, "ActorMerge", _merge_record_id(tx, keep_id, merged_id), record, now)


def _create(tx: Tx, kind_name: str, node_id: str, props: Props, now: str) -> Props:
    kind = MODEL.node(kind_name)
    clean = {k: v for k, v in props.items() if v is not None}
    kind.check(clean)
    rows = tx.run(cypher.create_node(kind), id=node_id, props=clean, now=now)
    return dict(rows[0]["props"])


def split_actor(store: Store, merge_record_id: str, reason: str, by: str) -> Props:
    """Undo a merge; returns its record, now ``undone``.

    The merged actor gets its edges back as they were; the kept actor's edges lose what
    the merge brought and keep what arrived since; the aliases it gained go. Splitting
    an undone merge returns its record unchanged.
    """
    why, who = _required("reason", reason), _required("by", by)
    kind = MODEL.node("ActorMerge")
    if MODEL.kind_of_id(merge_record_id) is not kind:
        raise ModelError(f"{merge_record_id!r} is not the id of an actor merge")
    now = utc_now()

    def work(tx: Tx) -> Props:
        record = _node(tx, kind, merge_record_id)
        if record is None:
            raise NotFound(f"no actor merge {merge_record_id}")
        if record.get("status") == "undone":
            return record
        return _split(tx, record, why, who, now)

    return store.transaction(work)


def _check_split(actors: Mapping[str, _Actor], keep_id: str, merged_id: str) -> None:
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
    actors = _actors(tx, [keep_id, merged_id])
    _check_split(actors, keep_id, merged_id)
    entries = [Moved(**e) for e in json.loads(str(record["snapshot"]))]
    kept, merged = _edges_of(tx, keep_id), _edges_of(tx, merged_id)
    plan = _Plan()
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
    plan: _Plan, entry: Moved, merged: Mapping[Key, Moved], merged_id: str, now: str
) -> None:
    """The merged actor's edge as it was, with anything it has gained since."""
    at = entry.at(merged_id, merged_id)
    since = merged.get(at.key)
    if since is None:
        plan.put(at, dict(entry.props))
    else:
        fact = MODEL.relationship(entry.type).fact
        plan.put(at, {**_combine(entry.props, since.props, fact), "updated_at": now})


def _take_back(
    plan: _Plan, entry: Moved, kept: Mapping[Key, Moved], merged_id: str, keep_id: str, now: str
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
    floor = float(before.get("confidence") or 0.0) if before and not _keys(before) else 0.0
    rest = _without(current.props, _keys(entry.props) - _keys(before), floor)
    if before is not None:  # what the merged edge filled in goes with it
        for name, value in entry.props.items():
            if name not in before and name not in _STAMPS and rest.get(name) == value:
                rest.pop(name, None)
    if not _keys(rest) and (before is None or _keys(before)):
        plan.delete(at)
    elif before is not None and _same(rest, before):
        plan.put(at, dict(before))
    elif not _same(rest, current.props):
        plan.put(at, {**rest, "updated_at": now})


def _aliases_left(keep: Props, record: Props) -> Props:
    added = set(record.get("aliases_added") or [])
    norms = set(record.get("aliases_norm_added") or [])
    if not added and not norms:
        return {}
    aliases = [a for a in keep.get("aliases") or [] if a not in added]
    folded = [n for n in keep.get("aliases_norm") or [] if n not in norms]
    return {"aliases": aliases or None, "aliases_norm": folded or None}


# --- facts a person records -----------------------------------------------------------


def _folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each of its characters, where it comes from in ``text``."""
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        bare = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        for c in bare.casefold():
            if c.isspace():
                if not chars or chars[-1] == " ":
                    continue
                c = " "
            chars.append(c)
            origin.append(i)
    return "".join(chars), origin


def find_quote(text: str, quote: str) -> tuple[int, int]:
    """The span of ``quote`` in ``text``: as written, else ignoring case and accents."""
    if not quote.strip():
        raise ModelError("quote is required")
    exact = text.find(quote)
    if exact >= 0:
        return exact, exact + len(quote)
    folded, origin = _folded_with_offsets(text)
    needle = fold(quote)
    at = folded.find(needle)
    if at < 0:
        raise ModelError("the quote does not occur in the complaint")
    start, end = origin[at], origin[at + len(needle) - 1] + 1
    while end < len(text) and unicodedata.combining(text[end]):
        end += 1
    return start, end


def link_actors(
    store: Store,
    from_id: str,
    to_id: str,
    rel_type: str,
    complaint_id: str,
    quote: str,
    by: str,
    *,
    props: Mapping[str, Any] | None = None,
) -> Props:
    """Record that one actor is linked to another (``MEMBER_OF``, ``WORKS_FOR``,
    ``ASSOCIATE_OF``), citing the span of a complaint; returns the fact.

    The evidence is manual and certain (confidence 1.0) and the fact confirmed by ``by``.
    ``props`` are the type's own properties (``role``, ``relationship``).
    """
    _choice("rel_type", rel_type, LINK_TYPES)
    rel = MODEL.relationship(rel_type)
    _ids_of("Actor", [from_id, to_id])
    MODEL.check_endpoints(rel, MODEL.kind_of_id(from_id), MODEL.kind_of_id(to_id))
    if from_id == to_id:
        raise ModelError(f"{from_id} cannot be linked to itself")
    if MODEL.kind_of_id(complaint_id).name != "Complaint":
        raise ModelError(f"{complaint_id!r} is not the id of a complaint")
    reviewer = _required("by", by)
    _required("quote", quote)
    now = utc_now()

    def work(tx: Tx) -> Props:
        _require(tx, actors=[from_id, to_id])
        found = tx.run(cypher.COMPLAINT_GET, id=complaint_id)
        if not found:
            raise NotFound(f"no complaint {complaint_id}")
        text = str(found[0]["complaint"]["text"])
        a, b = find_quote(text, quote)
        evidence = Evidence(complaint_id, text[a:b], a, b, "manual", 1.0)
        review = {"review": "confirmed", "reviewed_by": reviewer, "reviewed_at": now}
        record = FactRecord(rel.type, from_id, to_id, {**(props or {}), **review}, evidence)
        write_all(tx, [], fact_batches([record]), now, DEFAULT_BATCH)
        rows = tx.run(cypher.fact_by_id(rel), id=edge_id(rel.type, from_id, to_id))
        return _fact_view(rel, rows[0])

    return store.transaction(work)


def _manual_props(rel: RelKind, by: str, now: str) -> Props:
    """A fact a person records without a complaint to cite: no evidence, confirmed."""
    props: Props = {
        **{column: [] for column in EVIDENCE_COLUMNS},
        "sources": [],
        "confidence": 1.0,
        "method": "manual",
        "review": "confirmed",
        "reviewed_by": by,
        "reviewed_at": now,
    }
    rel.check(props)
    return props


def _link(tx: Tx, rel_type: str, start_id: str, end_ids: Sequence[str], by: str, now: str) -> None:
    """Create the manual facts ``start -[rel_type]-> end`` that do not exist yet."""
    rel = MODEL.relationship(rel_type)
    start = MODEL.kind_of_id(start_id)
    props = _manual_props(rel, by, now)
    groups: dict[str, list[Row]] = defaultdict(list)
    for end_id in end_ids:
        end = MODEL.kind_of_id(end_id)
        MODEL.check_endpoints(rel, start, end)
        row = {
            "start": start_id,
            "end": end_id,
            "props": {**props, "id": edge_id(rel.type, start_id, end_id)},
        }
        groups[end.key_label].append(row)
    for label, rows in groups.items():
        done = tx.run(cypher.manual_facts(rel, start.key_label, label), rows=rows, now=now)
        if not done or int(done[0]["written"]) != len(rows):
            raise NotFound(f"{rel.type}: an end of a link is gone")


def _unlink(tx: Tx, rel_type: str, start_id: str, end_ids: Sequence[str]) -> None:
    rel = MODEL.relationship(rel_type)
    start = MODEL.kind_of_id(start_id)
    groups: dict[str, list[Row]] = defaultdict(list)
    for end_id in end_ids:
        groups[MODEL.kind_of_id(end_id).key_label].append({"start": start_id, "end": end_id})
    for label, rows in groups.items():
        tx.run(cypher.delete_edges(rel, start.key_label, label), rows=rows)


def _linked(tx: Tx, kind: NodeKind, node_id: str, rel_type: str) -> list[str]:
    rows = tx.run(cypher.linked_ids(kind, MODEL.relationship(rel_type)), id=node_id)
    return sorted(str(i) for i in rows[0]["ids"]) if rows else []


def _changes(found: Props, props: Props) -> Props:
    """The properties of ``props`` that ``found`` does not hold already."""
    return {k: v for k, v in props.items() if found.get(k) != v}


def _same_or_conflict(found: Props, props: Props, names: Sequence[str], what: str) -> None:
    differ = [n for n in names if props.get(n) != found.get(n)]
    if differ:
        shown = ", ".join(f"{n} {found.get(n)!r}" for n in differ)
        raise ConflictError(f"{what} is already recorded with {shown}")


# --- cases ----------------------------------------------------------------------------


def case_id_for(file_number: str) -> str:
    """The id of the case of a file number (spacing, case and accents aside)."""
    digest = hashlib.sha256(fold(file_number).encode()).hexdigest()
    return f"cas_{digest[:24]}"


def _case_view(tx: Tx, node_id: str) -> Props:
    kind = MODEL.node("Case")
    props = _node(tx, kind, node_id)
    if props is None:
        raise NotFound(f"no case {node_id}")
    return {
        **props,
        "incident_ids": _linked(tx, kind, node_id, "INVESTIGATES"),
        "accused_ids": _linked(tx, kind, node_id, "ACCUSES"),
    }


def _case_props(office: str | None, status: str | None, opened_at: str | None) -> Props:
    props: Props = {}
    if office is not None:
        if not office.strip():
            raise ModelError("office must not be blank (leave it out to keep it)")
        props["office"] = office.strip()
    if status is not None:
        props["status"] = _choice("status", status, CASE_STATUS)
    if opened_at is not None:
        props["opened_at"] = _day("opened_at", opened_at)
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
    number = _required("file_number", file_number)
    reviewer = _required("by", by)
    props = {"file_number": number, **_case_props(office, status, opened_at)}
    MODEL.node("Case").check(props)
    incidents, accused = _ids_of("Incident", incident_ids), _ids_of("Actor", accused_ids)
    node_id = case_id_for(number)
    now = utc_now()

    def work(tx: Tx) -> tuple[Props, bool]:
        _require(tx, actors=accused, incidents=incidents)
        found = _node(tx, MODEL.node("Case"), node_id)
        if found is None:
            _create(tx, "Case", node_id, props, now)
        else:
            _same_or_conflict(found, props, ("office", "status", "opened_at"), f"case {number}")
        _link(tx, "INVESTIGATES", node_id, incidents, reviewer, now)
        _link(tx, "ACCUSES", node_id, accused, reviewer, now)
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
    reviewer = _required("by", by)
    props = _case_props(office, status, opened_at)
    kind.check(props, partial=True)
    adds = _ids_of("Incident", add_incidents), _ids_of("Actor", add_accused)
    drops = _ids_of("Incident", remove_incidents), _ids_of("Actor", remove_accused)
    both = (set(adds[0]) & set(drops[0])) | (set(adds[1]) & set(drops[1]))
    if both:
        raise ModelError(f"added and removed at once: {', '.join(sorted(both))}")
    now = utc_now()

    def work(tx: Tx) -> Props:
        found = _node(tx, kind, case_id)
        if found is None:
            raise NotFound(f"no case {case_id}")
        _require(tx, incidents=adds[0], actors=adds[1])
        changed = _changes(found, props)
        if changed:
            tx.run(cypher.set_node(kind), id=case_id, props=changed, now=now)
        _link(tx, "INVESTIGATES", case_id, adds[0], reviewer, now)
        _link(tx, "ACCUSES", case_id, adds[1], reviewer, now)
        _unlink(tx, "INVESTIGATES", case_id, drops[0])
        _unlink(tx, "ACCUSES", case_id, drops[1])
        return _case_view(tx, case_id)

    return store.transaction(work)


# --- protection measures --------------------------------------------------------------


def measure_id_for(
    kind: str, actor_ids: Iterable[str], requested_at: str | None, authority: str | None
) -> str:
    """The id of a measure of this kind for these actors, requested then, by them."""
    parts = [fold(kind), *sorted(set(actor_ids)), requested_at or "", fold(authority or "")]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"pm_{digest[:24]}"


def _measure_view(tx: Tx, node_id: str) -> Props:
    kind = MODEL.node("ProtectionMeasure")
    props = _node(tx, kind, node_id)
    if props is None:
        raise NotFound(f"no protection measure {node_id}")
    concerns = _linked(tx, kind, node_id, "CONCERNS")
    return {
        **props,
        "actor_ids": _linked(tx, kind, node_id, "PROTECTS"),
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
        "kind": _required("kind", kind),
        "status": _choice("status", status, MEASURE_STATUS),
        "requested_at": _day("requested_at", requested_at),
        "granted_at": _day("granted_at", granted_at),
        "implemented_at": _day("implemented_at", implemented_at),
        "authority": authority.strip() if authority and authority.strip() else None,
    }
    props = {k: v for k, v in props.items() if v is not None}
    MODEL.node("ProtectionMeasure").check(props)
    actors = _ids_of("Actor", actor_ids)
    if not actors:
        raise ModelError("a protection measure protects at least one actor")
    cases = _ids_of("Case", [case_id] if case_id else [])
    incidents = _ids_of("Incident", incident_ids)
    reviewer = _required("by", by)
    now = utc_now()
    node_kind = MODEL.node("ProtectionMeasure")
    if measure_id is not None and MODEL.kind_of_id(measure_id) is not node_kind:
        raise ModelError(f"{measure_id!r} is not the id of a protection measure")
    node_id = measure_id or measure_id_for(kind, actors, requested_at, props.get("authority"))

    def work(tx: Tx) -> tuple[Props, bool]:
        _require(tx, actors=actors, incidents=incidents, cases=cases)
        found = _node(tx, node_kind, node_id)
        if measure_id is not None:
            if found is None:
                raise NotFound(f"no protection measure {measure_id}")
            changed = _changes(found, props)
            if changed:
                tx.run(cypher.set_node(node_kind), id=node_id, props=changed, now=now)
        elif found is None:
            _create(tx, "ProtectionMeasure", node_id, props, now)
        else:
            names = ("status", "granted_at", "implemented_at")
            _same_or_conflict(found, props, names, f"protection measure {node_id}")
        _link(tx, "PROTECTS", node_id, actors, reviewer, now)
        _link(tx, "CONCERNS", node_id, [*cases, *incidents], reviewer, now)
        return _measure_view(tx, node_id), found is None

    return store.transaction(work)
