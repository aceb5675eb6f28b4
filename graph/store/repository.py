"""Reads and batched writes of domain records.

Writes take rows from ``graph.rows`` (pure conversion) and send them with one
``UNWIND $rows`` statement per batch. ``upsert`` writes everything in one transaction
(all or nothing: a complaint's facts); ``load`` commits batch by batch (bulk imports,
where a retry replays only the failed batch). Both are idempotent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from graph.access import pseudonyms
from graph.cypher import write as cypher
from graph.errors import ConflictError, ModelError
from graph.model import MODEL
from graph.rows import (
    FactBatch,
    FactRecord,
    NodeBatch,
    NodeRecord,
    Row,
    chunks,
    fact_batches,
    node_batches,
    utc_now,
)
from graph.store.bolt import Store, Tx
from graph.store.migrations import current_version

DEFAULT_BATCH = 2000


@dataclass(frozen=True)
class Written:
    nodes: int = 0
    facts: int = 0

    def __add__(self, other: Written) -> Written:
        return Written(self.nodes + other.nodes, self.facts + other.facts)


def write_nodes(tx: Tx, batch: NodeBatch, now: str) -> int:
    """Upsert one batch of nodes of one kind; an id held by another kind is a conflict."""
    kind = batch.kind
    if len(kind.labels) == 1:  # one label: MERGE uses the key index, and no kind can clash
        merged = tx.run(cypher.merge_nodes(kind), rows=batch.rows, now=now)
        return int(merged[0]["written"]) if merged else 0
    updated = tx.run(cypher.update_nodes(kind), rows=batch.rows, now=now)
    for row in updated:
        if set(row["labels"]) != set(kind.labels):
            other = "/".join(sorted(set(row["labels"]) - {kind.key_label})) or kind.key_label
            raise ConflictError(f"id {row['id']} belongs to a {other}, not a {kind.name}")
    created = tx.run(cypher.create_nodes(kind), rows=batch.rows, now=now)
    if kind.name == "Person":  # in the same transaction: no person without a pseudonym
        pseudonyms.number(tx, [str(r["id"]) for r in batch.rows])
    return len(updated) + (int(created[0]["created"]) if created else 0)


def write_facts(tx: Tx, batch: FactBatch, now: str) -> int:
    """Write one batch of facts; every endpoint must exist, or nothing is written."""
    rows = tx.run(
        cypher.merge_facts(batch.rel, batch.start_label, batch.end_label),
        rows=batch.rows,
        now=now,
    )
    written = int(rows[0]["written"]) if rows else 0
    if written < len(batch.rows):
        missing: list[str] = []
        for label, ids in (
            (batch.start_label, {r["start"] for r in batch.rows}),
            (batch.end_label, {r["end"] for r in batch.rows}),
        ):
            found = tx.run(cypher.missing_ids(label), ids=sorted(ids))
            missing += found[0]["missing"] if found else []
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        raise ModelError(f"{batch.rel.type}: no node with id {shown or '(unknown)'}")
    return written


def write_all(
    tx: Tx, nodes: list[NodeBatch], facts: list[FactBatch], now: str, size: int
) -> Written:
    total = Written()
    for nb in nodes:
        for part in chunks(nb.rows, size):
            total += Written(nodes=write_nodes(tx, NodeBatch(nb.kind, part), now))
    for fb in facts:
        for part in chunks(fb.rows, size):
            batch = FactBatch(fb.rel, fb.start_label, fb.end_label, part)
            total += Written(facts=write_facts(tx, batch, now))
    return total


def upsert(
    store: Store,
    nodes: Iterable[NodeRecord] = (),
    facts: Iterable[FactRecord] = (),
    *,
    partial: bool = False,
    batch_size: int = DEFAULT_BATCH,
) -> Written:
    """Upsert nodes then facts in one transaction: all of it is stored, or none."""
    node_rows = node_batches(nodes, partial=partial)
    fact_rows = fact_batches(facts)
    now = utc_now()
    return store.transaction(lambda tx: write_all(tx, node_rows, fact_rows, now, batch_size))


def load(
    store: Store,
    nodes: Iterable[NodeRecord] = (),
    facts: Iterable[FactRecord] = (),
    *,
    batch_size: int = DEFAULT_BATCH,
) -> Written:
    """Bulk upsert, one transaction per batch (nodes first, so facts find their ends)."""
    now = utc_now()
    total = Written()
    for nb in node_batches(nodes):
        for part in chunks(nb.rows, batch_size):
            work = partial(write_nodes, batch=NodeBatch(nb.kind, part), now=now)
            total += Written(nodes=store.transaction(work))
    for fb in fact_batches(facts):
        for part in chunks(fb.rows, batch_size):
            batch = FactBatch(fb.rel, fb.start_label, fb.end_label, part)
            total += Written(facts=store.transaction(partial(write_facts, batch=batch, now=now)))
    return total


# --- reads ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeView:
    kind: str
    labels: tuple[str, ...]
    props: Mapping[str, Any]

    @property
    def id(self) -> str:
        return str(self.props["id"])


@dataclass(frozen=True)
class EdgeView:
    type: str
    outgoing: bool
    props: Mapping[str, Any]
    other: NodeView


def _view(props: Mapping[str, Any], labels: Iterable[str]) -> NodeView:
    kind = MODEL.kind_of_id(str(props["id"]))
    return NodeView(kind.name, tuple(labels), dict(props))


def get_node(store: Store, node_id: str) -> NodeView | None:
    """The node with this id, or None. Ids of no known kind are refused."""
    kind = MODEL.kind_of_id(node_id)
    rows = store.read(cypher.node_by_id(kind), id=node_id)
    if not rows:
        return None
    return _view(rows[0]["props"], rows[0]["labels"])


def neighbours(store: Store, node_id: str, *, limit: int = 100) -> list[EdgeView]:
    """The edges of one node and the nodes at their other ends (1 hop)."""
    kind = MODEL.kind_of_id(node_id)
    if not 0 < limit <= 10_000:
        raise ModelError(f"limit must be within 1..10000; got {limit}")
    rows = store.read(cypher.expand(kind), id=node_id, limit=limit)
    return [
        EdgeView(r["type"], bool(r["outgoing"]), dict(r["rel"]), _view(r["node"], r["labels"]))
        for r in rows
    ]


def get_fact(store: Store, rel_type: str, fact_id: str) -> Row | None:
    rows = store.read(cypher.fact_by_id(MODEL.relationship(rel_type)), id=fact_id)
    return rows[0] if rows else None


def counts(store: Store) -> dict[str, Any]:
    """Node and relationship totals, and nodes per label of the model."""
    nodes = store.read(cypher.COUNT_NODES)[0]["count"]
    rels = store.read(cypher.COUNT_RELATIONSHIPS)[0]["count"]
    by_label = {
        label: store.read(cypher.count_label(label))[0]["count"] for label in MODEL.labels()
    }
    return {
        "nodes": int(nodes),
        "relationships": int(rels),
        "by_label": {k: int(v) for k, v in by_label.items()},
    }


def delete_all_data(store: Store, *, confirm: str) -> None:
    """Empty the store but for its schema. ``confirm`` must be the database name."""
    if confirm != store.database:
        raise ModelError("delete_all_data: confirm with the database name")
    store.write(cypher.DELETE_ALL_DATA)


def status(store: Store) -> dict[str, Any]:
    """What ``defensores db status`` prints: backend, counts and schema version."""
    totals = counts(store)
    return {
        "backend": store.backend,
        "where": store.where,
        "database": store.database,
        "nodes": totals["nodes"],
        "relationships": totals["relationships"],
        "by_label": totals["by_label"],
        "schema_version": current_version(store),
    }
