"""Exports: a subgraph as a role may see it, in the formats its users open.

``gather`` reads what a ``Viewer`` may see (``graph.access.policy``: the same statements as the
API, so sealed complaints, what only they support and persons' names stay out for the
roles that may not see them), optionally only around the incidents of a region
(UBIGEO prefix) and a date window. The writers turn it into

* ``graphml`` and ``gexf`` (Gephi, yEd, networkx: list properties joined with ``; ``),
* ``csv``: ``nodes.csv`` and ``relationships.csv`` for ``neo4j-admin database import``
  (``id:ID``, ``:LABEL``, ``:START_ID``, ``:END_ID``, ``:TYPE``) and ``gephi_nodes.csv``
  and ``gephi_edges.csv`` for Gephi's spreadsheet import (``Id``, ``Label``,
  ``Source``, ``Target``, ``Type``),
* ``json``: ``{"nodes": [...], "relationships": [...]}``,
* ``ftm``: FollowTheMoney entities, one JSON object per line (``graph.documents.ftm``).

Free text (incident summaries, evidence quotes, review notes) goes only into a
prosecutor's export: a file leaves the system, and redaction is not a guarantee.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx  # type: ignore[import-untyped]

from graph.access.names import redactor_for, screen
from graph.access.policy import Viewer
from graph.cypher import listing as listing_q
from graph.cypher import paths as paths_q
from graph.cypher.filters import Criteria
from graph.documents.exported import Export, edge_props, node_props
from graph.documents.ftm import entities
from graph.errors import ModelError
from graph.model import MODEL
from graph.reads import Edge, nodes_by_ids
from graph.store.bolt import Store

FORMATS = ("graphml", "gexf", "csv", "json", "ftm")
# every domain kind but the records of the procedures (alerts, merges)
KINDS = tuple(
    k.name for k in MODEL.nodes if not k.internal and k.name not in ("Alert", "ActorMerge")
)
# every fact: the domain's and MENTIONS/REPORTS; not a tentative one (a suspicion pending
# review): a file that leaves the system carries no accusation a reviewer has not made
EDGE_TYPES = tuple(t for t in paths_q.WALKABLE if t not in MODEL.tentative())
CHUNK = 1000
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class Window:
    """Which incidents an export is about (empty: the whole graph the viewer sees)."""

    region: str | None = None  # UBIGEO prefix of the incident's place
    date_from: str | None = None
    date_to: str | None = None

    def __bool__(self) -> bool:
        return bool(self.region or self.date_from or self.date_to)


def _window_ids(store: Store, viewer: Viewer, window: Window) -> set[str]:
    region = window.region
    if region is not None and not (region.isdigit() and len(region) in (2, 4, 6)):
        raise ModelError(f"region must be a UBIGEO prefix of 2, 4 or 6 digits; got {region!r}")
    for name, value in (("from", window.date_from), ("to", window.date_to)):
        if value is not None and not _DATE.match(value):
            raise ModelError(f"{name} must be YYYY-MM-DD (or YYYY-MM, YYYY); got {value!r}")
    criteria = Criteria(ubigeo=window.region, date_from=window.date_from, date_to=window.date_to)
    body, params = listing_q.where(listing_q.listing("Incident"), criteria, viewer)
    incidents = {str(r["id"]) for r in store.read(listing_q.ids_where("Incident", body), **params)}
    around: set[str] = set(incidents)
    for chunk in _chunks(sorted(incidents)):
        for r in store.read(paths_q.expand_frontier("Incident", EDGE_TYPES, viewer), ids=chunk,
                            limit=len(chunk) * 200):  # fmt: skip
            around.add(str(r["other"]))
    return around


def _chunks(ids: Sequence[str]) -> Iterable[list[str]]:
    for i in range(0, len(ids), CHUNK):
        yield list(ids[i : i + CHUNK])


def gather(store: Store, viewer: Viewer, window: Window = Window()) -> Export:
    """What ``viewer`` may see: everything, or the incidents of ``window`` with the
    nodes one fact away from them; and the facts between those nodes."""
    if not viewer.sees_graph:
        raise ModelError("this role may not export the graph")
    if window:
        wanted = sorted(_window_ids(store, viewer, window))
    else:
        wanted = []
        for label in dict.fromkeys(MODEL.node(k).key_label for k in KINDS):
            statement = listing_q.ids_where(label, listing_q.visible_where(label, viewer))
            wanted += [str(r["id"]) for r in store.read(statement)]
    out = Export(viewer)
    for chunk in _chunks(wanted):
        found = nodes_by_ids(store, chunk, viewer=viewer)
        out.nodes.update({i: v for i, v in found.items() if v.kind in KINDS})
    if viewer.pseudonymises:  # persons' names out of places', organisations', … names
        names = redactor_for(store, viewer)
        out.nodes = {i: screen(v, names) for i, v in out.nodes.items()}
    seen: set[tuple[str, str, str]] = set()
    by_label: dict[str, list[str]] = {}
    for node_id in out.nodes:
        by_label.setdefault(MODEL.kind_of_id(node_id).key_label, []).append(node_id)
    for label, ids in by_label.items():
        for chunk in _chunks(ids):
            rows = store.read(paths_q.expand_frontier(label, EDGE_TYPES, viewer), ids=chunk,
                              limit=10_000_000)  # fmt: skip
            for r in rows:
                key = (str(r["type"]), str(r["start"]), str(r["end"]))
                if key in seen or key[1] not in out.nodes or key[2] not in out.nodes:
                    continue
                seen.add(key)
                out.edges.append(Edge(key[0], dict(r["rel"]), key[1], key[2]))
    return out


# --- plain values -----------------------------------------------------------------------


def _scalar(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def to_networkx(export: Export) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    for node_id, view in export.nodes.items():
        props = {k: _scalar(v) for k, v in node_props(export, view).items() if v is not None}
        props["label"] = str(view.props.get("name") or view.props.get("file_number") or node_id)
        G.add_node(node_id, **props)
    for e in export.edges:
        props = {k: _scalar(v) for k, v in edge_props(export, e).items()}
        # GEXF keeps "type" for directed/undirected: the relationship is the edge's label
        G.add_edge(e.start, e.end, key=f"{e.type}:{e.id}", label=e.type, rel_type=e.type, **props)
    return G


def to_json(export: Export) -> str:
    return json.dumps(
        {
            "nodes": [
                {"id": i, "labels": list(v.labels), "properties": node_props(export, v)}
                for i, v in export.nodes.items()
            ],
            "relationships": [
                {
                    "type": e.type,
                    "start": e.start,
                    "end": e.end,
                    "properties": edge_props(export, e),
                }
                for e in export.edges
            ],
        },
        ensure_ascii=False,
        indent=1,
        default=str,
    )


def _table(rows: list[dict[str, Any]], first: Sequence[str]) -> str:
    columns = list(first) + sorted({k for r in rows for k in r} - set(first))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: _scalar(v) for k, v in r.items() if v is not None})
    return buffer.getvalue()


def to_csv(export: Export) -> dict[str, str]:
    """File name → content: the neo4j-admin import layout and Gephi's."""
    nodes = []
    gephi_nodes = []
    for i, v in export.nodes.items():
        props = node_props(export, v)
        label = str(v.props.get("name") or v.props.get("file_number") or i)
        nodes.append({"id:ID": i, ":LABEL": ";".join(v.labels), **props})
        gephi_nodes.append({"Id": i, "Label": label, **props})
    rels = []
    gephi_edges = []
    for e in export.edges:
        props = edge_props(export, e)
        rels.append({":START_ID": e.start, ":END_ID": e.end, ":TYPE": e.type, **props})
        gephi_edges.append({"Source": e.start, "Target": e.end, "Type": "Directed",
                            "Label": e.type, **props})  # fmt: skip
    return {
        "nodes.csv": _table(nodes, ["id:ID", ":LABEL"]),
        "relationships.csv": _table(rels, [":START_ID", ":END_ID", ":TYPE"]),
        "gephi_nodes.csv": _table(gephi_nodes, ["Id", "Label"]),
        "gephi_edges.csv": _table(gephi_edges, ["Source", "Target", "Type", "Label"]),
    }


def render(export: Export, fmt: str, *, source_base: str | None = None) -> dict[str, str]:
    """File name → content for ``fmt`` (one file, but four for CSV)."""
    if fmt == "graphml":
        return {"graph.graphml": "\n".join(nx.generate_graphml(to_networkx(export)))}
    if fmt == "gexf":
        return {"graph.gexf": "\n".join(nx.generate_gexf(to_networkx(export)))}
    if fmt == "csv":
        return to_csv(export)
    if fmt == "json":
        return {"graph.json": to_json(export)}
    if fmt == "ftm":
        lines = (json.dumps(e, ensure_ascii=False) for e in entities(export, source_base))
        return {"graph.ftm.json": "\n".join(lines) + "\n"}
    raise ModelError(f"format must be one of {', '.join(FORMATS)}; got {fmt!r}")


def counts(export: Export) -> Mapping[str, int]:
    return {"nodes": len(export.nodes), "relationships": len(export.edges)}


def write(files: Mapping[str, str], fmt: str, out: Path) -> list[str]:
    """Write ``render``'s files: CSV's into the folder ``out``, any other format's one file
    as ``out``; returns the paths written."""
    if fmt != "csv":
        [content] = files.values()
        out.write_text(content, encoding="utf-8")
        return [str(out)]
    out.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (out / name).write_text(content, encoding="utf-8")
    return [str(out / name) for name in files]
