"""Backup and restore: every node, relationship and property, as gzipped JSON lines.

``backup`` streams the store into a file: a header (format, schema version, counts and
the graph's checksum), then one line per node (its labels and properties) and one per
relationship (its type, the ids and key labels of its ends, its properties). The schema
version node is left out: the target's migrations make it, and ``restore`` refuses a
backup of another schema version.

``restore`` writes a backup into an empty store (one that holds nothing but its schema
and counters), in batches of idempotent MERGEs, so a restore interrupted by a crash can
simply be run again. Labels and relationship types come only from the domain model: a
line naming anything else stops the restore before it writes, with the line's number.
Afterwards the graph's checksum must equal the header's, or the restore says so.

``checksum`` is the SHA-256 of the sorted canonical lines of the whole graph, so two
stores holding the same graph have the same checksum whatever the order of writing.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graph.cypher import write as cypher
from graph.errors import ConflictError, ModelError
from graph.model import MODEL
from graph.store.bolt import Store
from graph.store.migrations import current_version

FORMAT = "defensores-backup"
VERSION = 1
BATCH = 500
SKIPPED = ("SchemaVersion",)

NODES = "MATCH (n) WHERE NOT n:SchemaVersion RETURN labels(n) AS labels, properties(n) AS props"
RELATIONSHIPS = (
    "MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS start, b.id AS end, properties(r) AS props"
)
NOT_EMPTY = "MATCH (n) WHERE NOT n:SchemaVersion AND NOT n:Sequence RETURN count(n) AS count"


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)  # fmt: skip


def _node_line(labels: list[str], props: dict[str, Any]) -> dict[str, Any]:
    return {"n": sorted(labels), "p": props}


def _rel_line(rel_type: str, start: str, end: str, props: dict[str, Any]) -> dict[str, Any]:
    return {
        "r": rel_type,
        "s": start,
        "sl": MODEL.kind_of_id(start).key_label,
        "e": end,
        "el": MODEL.kind_of_id(end).key_label,
        "p": props,
    }


def lines(store: Store) -> Iterator[dict[str, Any]]:
    """Every node, then every relationship, as backup lines (streamed)."""
    for row in store.stream(NODES):
        yield _node_line(list(row["labels"]), dict(row["props"]))
    for row in store.stream(RELATIONSHIPS):
        yield _rel_line(str(row["type"]), str(row["start"]), str(row["end"]), dict(row["props"]))


def checksum(store: Store) -> tuple[str, dict[str, int]]:
    """The graph's checksum and its node and relationship counts."""
    canonical = sorted(_canonical(line) for line in lines(store))
    digest = hashlib.sha256("\n".join(canonical).encode("utf-8")).hexdigest()
    nodes = sum(1 for c in canonical if c.startswith('{"n":'))
    return digest, {"nodes": nodes, "relationships": len(canonical) - nodes}


def backup(store: Store, out: Path) -> dict[str, Any]:
    """Write the whole graph to ``out`` (gzipped JSON lines); returns the header."""
    digest, counts = checksum(store)
    header = {"format": FORMAT, "version": VERSION, "schema_version": current_version(store),
              "checksum": digest, **counts}  # fmt: skip
    tmp = out.with_name(out.name + ".partial")
    with gzip.open(tmp, "wt", encoding="utf-8") as f:
        f.write(_canonical(header) + "\n")
        for line in lines(store):
            f.write(_canonical(line) + "\n")
    tmp.replace(out)  # a crash leaves no half-written backup under the real name
    return header


def _read(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            raw = f.readlines()
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path} is not a Defensores backup ({exc})") from None
    if not raw:
        raise ModelError(f"{path} is empty")
    try:
        header = json.loads(raw[0])
        body = [json.loads(x) for x in raw[1:] if x.strip()]
    except json.JSONDecodeError as exc:
        raise ModelError(f"{path}: a line is not JSON ({exc.msg})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ModelError(f"{path} is not a Defensores backup (no header)")
    return header, body


def _check(body: list[dict[str, Any]]) -> None:
    labels = set(MODEL.labels()) - set(SKIPPED)
    types = {r.type for r in MODEL.relationships}
    for number, line in enumerate(body, start=2):
        if "n" in line:
            bad = [x for x in line["n"] if x not in labels]
            if bad or "id" not in line.get("p", {}):
                raise ModelError(f"line {number}: a node with labels {line['n']} or no id")
        elif (
            line.get("r") not in types
            or line.get("sl") not in labels
            or line.get("el") not in labels
        ):
            raise ModelError(f"line {number}: relationship type {line.get('r')!r} is unknown")


def restore(store: Store, path: Path) -> dict[str, Any]:
    """Write the backup at ``path`` into this empty store; returns what was restored."""
    header, body = _read(path)
    version = current_version(store)
    if header.get("schema_version") != version:
        raise ModelError(
            f"the backup is of schema version {header.get('schema_version')}, the store of "
            f"{version}: restore it with the version of Defensores that made it"
        )
    if store.read(NOT_EMPTY)[0]["count"]:
        raise ConflictError("restore writes only into an empty store; this one holds data")
    _check(body)
    nodes: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    rels: dict[tuple[str, str, str, bool], list[dict[str, Any]]] = defaultdict(list)
    for line in body:
        if "n" in line:
            nodes[tuple(line["n"])].append({"id": line["p"]["id"], "p": line["p"]})
        else:
            has_id = "id" in line["p"]
            row = {"start": line["s"], "end": line["e"], "rid": line["p"].get("id"), "p": line["p"]}
            rels[(line["r"], line["sl"], line["el"], has_id)].append(row)
    for labels, rows in nodes.items():
        key_label = MODEL.kind_of_id(rows[0]["id"]).key_label
        update = cypher.restore_nodes_update(key_label)
        create = cypher.restore_nodes_create(key_label, labels)
        for i in range(0, len(rows), BATCH):
            store.write(update, rows=rows[i : i + BATCH])
            store.write(create, rows=rows[i : i + BATCH])
    for (rel_type, start, end, has_id), rows in rels.items():
        statement = cypher.restore_edges(MODEL.relationship(rel_type), start, end, has_id)
        for i in range(0, len(rows), BATCH):
            store.write(statement, rows=rows[i : i + BATCH])
    digest, counts = checksum(store)
    if digest != header.get("checksum"):
        raise ConflictError(
            f"restored {counts['nodes']} nodes and {counts['relationships']} relationships, "
            f"but the checksum differs from the backup's: the store does not hold the same "
            "graph"
        )
    return {"checksum": digest, **counts}
