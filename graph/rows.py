"""Pure conversion of domain records to the rows the batched writes send.

Nothing here touches the store. Records are validated against the model, grouped by
kind (nodes) or by type and endpoint labels (facts), and de-duplicated, because a
batch that names the same edge or evidence twice must write it once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from graph.errors import ModelError
from graph.kinds import NodeKind, Prop, PropType, RelKind
from graph.model import METHODS, MODEL
from nlp.text import fold

Row = dict[str, Any]


@dataclass(frozen=True)
class NodeRecord:
    """A node to upsert: its kind (``Person``…), stable id and properties."""

    kind: str
    id: str
    props: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Evidence:
    """Where a fact comes from: a span of a complaint, how it was found, how sure."""

    complaint_id: str
    quote: str
    start: int
    end: int
    method: str
    confidence: float

    @property
    def key(self) -> str:
        return f"{self.complaint_id}:{self.start}:{self.end}"


@dataclass(frozen=True)
class FactRecord:
    """A relationship to upsert between two ids, with optional evidence."""

    type: str
    start: str
    end: str
    props: Mapping[str, Any] = field(default_factory=dict)
    evidence: Evidence | None = None


@dataclass(frozen=True)
class NodeBatch:
    kind: NodeKind
    rows: list[Row]


@dataclass(frozen=True)
class FactBatch:
    rel: RelKind
    start_label: str
    end_label: str
    rows: list[Row]


def utc_now() -> str:
    """The current instant as the model stores it."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def fact_id(rel_type: str, start: str, end: str) -> str:
    """The stable id of the edge ``(start)-[rel_type]->(end)``."""
    digest = hashlib.sha256(f"{rel_type}\x1f{start}\x1f{end}".encode()).hexdigest()
    return f"rel_{digest[:24]}"


def _node_props(kind: NodeKind, props: Mapping[str, Any]) -> Row:
    clean = {k: v for k, v in props.items() if v is not None}
    if "name" in kind.properties and isinstance(clean.get("name"), str):
        clean.setdefault("name_norm", fold(clean["name"]))
    if "aliases" in kind.properties and isinstance(clean.get("aliases"), list):
        clean.setdefault("aliases_norm", [fold(a) for a in clean["aliases"]])
    return clean


def as_stored(declared: Mapping[str, Prop], props: Row) -> Row:
    """Values as every store keeps them: a float list's whole numbers as floats (Neo4j
    stores ``[1, 2.5]`` as ``[1.0, 2.5]``, ArcadeDB as given)."""
    out = dict(props)
    for name, value in props.items():
        prop = declared.get(name)
        if prop is not None and prop.type is PropType.FLOAT_LIST and isinstance(value, list):
            out[name] = [float(v) for v in value]
    return out


def node_batches(records: Iterable[NodeRecord], *, partial: bool = False) -> list[NodeBatch]:
    """Validate and group node records by kind; a repeated id merges (later props win).

    ``partial`` allows records that update only some properties of existing nodes.
    """
    grouped: dict[str, dict[str, Row]] = {}
    for rec in records:
        kind = MODEL.node(rec.kind)
        if MODEL.kind_of_id(rec.id) is not kind:
            raise ModelError(f"id {rec.id!r} does not belong to kind {kind.name}")
        if "id" in rec.props and rec.props["id"] != rec.id:
            raise ModelError(f"{kind.name} {rec.id}: props carry another id")
        props = _node_props(kind, {k: v for k, v in rec.props.items() if k != "id"})
        by_id = grouped.setdefault(kind.name, {})
        merged = {**by_id.get(rec.id, {}), **props}
        kind.check(merged, partial=partial)
        by_id[rec.id] = as_stored(kind.properties, merged)
    return [
        NodeBatch(MODEL.node(name), [{"id": i, "props": p} for i, p in rows.items()])
        for name, rows in grouped.items()
    ]


def _evidence_row(ev: Evidence | None) -> Row:
    if ev is None:
        return {
            "key": None,
            "complaint": None,
            "quote": None,
            "from": None,
            "to": None,
            "method": None,
            "confidence": 0.0,
        }
    if ev.method not in METHODS:
        raise ModelError(f"evidence method must be one of {', '.join(METHODS)}; got {ev.method!r}")
    if not 0.0 <= ev.confidence <= 1.0:
        raise ModelError(f"evidence confidence must be within 0..1; got {ev.confidence}")
    if ev.start < 0 or ev.end < ev.start:
        raise ModelError(f"evidence span {ev.start}..{ev.end} is not a span")
    if MODEL.kind_of_id(ev.complaint_id).name != "Complaint":
        raise ModelError(f"evidence must cite a complaint id; got {ev.complaint_id!r}")
    return {
        "key": ev.key,
        "complaint": ev.complaint_id,
        "quote": ev.quote,
        "from": ev.start,
        "to": ev.end,
        "method": ev.method,
        "confidence": float(ev.confidence),
    }


_RESERVED = frozenset(
    (
        "id",
        "sources",
        "evidence_keys",
        "quotes",
        "starts",
        "ends",
        "methods",
        "confidences",
        "confidence",
        "created_at",
        "updated_at",
    )
)


def fact_batches(records: Iterable[FactRecord]) -> list[FactBatch]:
    """Validate and group facts by (type, start label, end label), without repeats."""
    grouped: dict[tuple[str, str, str], dict[tuple[str, str | None], Row]] = {}
    for rec in records:
        rel = MODEL.relationship(rec.type)
        start, end = MODEL.kind_of_id(rec.start), MODEL.kind_of_id(rec.end)
        MODEL.check_endpoints(rel, start, end)
        props = {k: v for k, v in rec.props.items() if v is not None}
        reserved = _RESERVED.intersection(props)
        if reserved:
            raise ModelError(f"{rel.type}: {', '.join(sorted(reserved))} are kept by the store")
        rel.check(props)
        props = as_stored(rel.properties, props)
        if rec.evidence is not None and not rel.fact:
            raise ModelError(f"{rel.type} does not carry evidence")
        row: Row = {
            "id": fact_id(rel.type, rec.start, rec.end),
            "start": rec.start,
            "end": rec.end,
            "props": props,
            **_evidence_row(rec.evidence),
        }
        key = (rel.type, start.key_label, end.key_label)
        rows = grouped.setdefault(key, {})
        ident = (row["id"], row["key"])
        if ident in rows:
            rows[ident]["props"] = {**rows[ident]["props"], **props}
        else:
            rows[ident] = row
    return [
        FactBatch(MODEL.relationship(t), s, e, list(rows.values()))
        for (t, s, e), rows in grouped.items()
    ]


def chunks(rows: list[Row], size: int) -> Iterable[list[Row]]:
    if size <= 0:
        raise ValueError("batch size must be positive")
    for i in range(0, len(rows), size):
        yield rows[i : i + size]
