"""What an export holds: the nodes and facts a viewer may see, and their properties as
every export format shows them (no free text unless the viewer may read it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from graph.access.policy import Viewer
from graph.reads import Edge
from graph.store.repository import NodeView

FREE_TEXT = frozenset({"summary", "quotes", "review_note", "source", "text"})
EDGE_PROPS = ("id", "confidence", "review", "status", "role", "side", "reviewed_at")


@dataclass
class Export:
    viewer: Viewer
    nodes: dict[str, NodeView] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    @cached_property
    def complaints(self) -> frozenset[str]:
        return frozenset(i for i, v in self.nodes.items() if v.kind == "Complaint")


def free_text_ok(viewer: Viewer) -> bool:
    return viewer.unrestricted


def node_props(export: Export, view: NodeView) -> dict[str, Any]:
    """A node's properties as the export shows them (no free text unless allowed)."""
    props = {
        k: v
        for k, v in view.props.items()
        if k not in ("name_norm", "aliases_norm", "claimed_by", "claimed_at", "submitted_by")
        and (k not in FREE_TEXT or free_text_ok(export.viewer))
    }
    props["kind"] = view.kind
    return props


def edge_props(export: Export, edge: Edge) -> dict[str, Any]:
    p = edge.props
    out = {k: p[k] for k in EDGE_PROPS if p.get(k) is not None}
    out["sources"] = [s for s in p.get("sources") or [] if s in export.complaints]
    if free_text_ok(export.viewer):
        out["quotes"] = list(p.get("quotes") or [])
        if p.get("review_note"):
            out["review_note"] = p["review_note"]
    return out
