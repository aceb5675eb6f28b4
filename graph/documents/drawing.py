"""Pictures for documents: a graph drawing and a bar chart, as self-contained SVG.

No plotting library and no fonts to fetch: a networkx layout (Kamada-Kawai for small
graphs, a seeded spring layout for large ones, so the same graph draws the same way) and
a few SVG elements. Every label is escaped:
names come from complaints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

import networkx as nx  # type: ignore[import-untyped]

COLOURS = {
    "Person": "#d64545",
    "Organization": "#2f80ed",
    "Community": "#27ae60",
    "Incident": "#f2994a",
    "Place": "#9b51e0",
    "LandDispute": "#8d6e63",
    "Case": "#34495e",
    "Complaint": "#95a5a6",
    "ProtectionMeasure": "#16a085",
}


def graph_svg(
    nodes: Mapping[str, tuple[str, str]],
    edges: Sequence[tuple[str, str, str]],
    *,
    width: int = 900,
    height: int = 600,
    title: str = "",
) -> str:
    """``nodes``: id → (label, kind); ``edges``: (start, end, label)."""
    G = nx.DiGraph()
    G.add_nodes_from(nodes)
    G.add_edges_from((s, t) for s, t, _ in edges if s in nodes and t in nodes)
    if len(G) <= 1:
        pos = {n: (0.0, 0.0) for n in G}
    elif len(G) <= 200:  # spreads small graphs evenly; deterministic
        pos = nx.rescale_layout_dict(nx.kamada_kawai_layout(G.to_undirected()))
    else:
        pos = nx.spring_layout(G, seed=7)
    pad = 70

    def xy(n: str) -> tuple[float, float]:
        x, y = pos[n]
        return pad + (x + 1) / 2 * (width - 2 * pad), pad + (y + 1) / 2 * (height - 2 * pad)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        '<rect width="100%" height="100%" fill="#ffffff"/>',
    ]
    for s, t, label in edges:
        if s not in nodes or t not in nodes:
            continue
        (x1, y1), (x2, y2) = xy(s), xy(t)
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            'stroke="#8899aa" stroke-width="1.5"/>'
        )
        parts.append(
            f'<text x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2:.1f}" fill="#52606d" '
            f'font-size="9" text-anchor="middle">{escape(label)}</text>'
        )
    for n, (label, kind) in nodes.items():
        x, y = xy(n)
        colour = COLOURS.get(kind, "#777777")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="{colour}"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{y - 13:.1f}" text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def bars_svg(rows: Sequence[tuple[str, int]], *, title: str, width: int = 700) -> str:
    """A horizontal bar chart of (label, count)."""
    bar, gap, left = 18, 6, 220
    height = 40 + len(rows) * (bar + gap)
    top = max((c for _, c in rows), default=1) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        f'<text x="10" y="20" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, count) in enumerate(rows):
        y = 32 + i * (bar + gap)
        w = (width - left - 60) * count / top
        parts.append(f'<text x="{left - 8}" y="{y + 13}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar}" fill="#2f80ed"/>')
        parts.append(f'<text x="{left + w + 6:.1f}" y="{y + 13}">{count}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
