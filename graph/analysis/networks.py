"""Actor networks: the facts graph projected to actors linked by what they share
(incidents, land disputes), and the networkx metrics over them: key actors by
centrality, clusters by community detection.

Pure functions in the networkx style (see ``graph.analysis.facts`` for the input): each
takes a graph and plain values and returns a new graph or a list of plain dicts; nothing
here reads the store. Output is deterministic: ties are broken by id and random
algorithms take a fixed, overridable ``seed``.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import networkx as nx  # type: ignore[import-untyped]

from graph.analysis.facts import (
    DISPUTE,
    INCIDENT,
    MAX_TOP,
    PARTIES,
    Row,
    actor_incidents,
    attr_of,
    check_int,
    group_pairs,
    links_of,
)
from graph.errors import ModelError
from graph.model import Rel

METRICS = ("degree", "betweenness", "pagerank")


def _weighted_projection(links: dict[str, set[str]], G: nx.MultiDiGraph, attr: str) -> nx.Graph:
    """Actors linked by the items they share: ``links`` maps each actor to its items."""
    H = nx.Graph()
    for actor in sorted(links):
        H.add_node(actor, kind=attr_of(G, actor, "kind"), name=attr_of(G, actor, "name"))
    by_item = group_pairs(((a, item) for a, items in links.items() for item in items), reverse=True)
    shared: dict[tuple[str, str], set[str]] = defaultdict(set)
    for item, actors in by_item.items():
        for pair in combinations(sorted(actors), 2):
            shared[pair].add(item)
    for (u, v), items in sorted(shared.items()):
        H.add_edge(u, v, weight=len(items), **{attr: sorted(items)})
    return H


# --- projections ----------------------------------------------------------------------


def incident_actor_graph(G: nx.MultiDiGraph) -> nx.Graph:
    """Project the facts graph onto actors linked through shared incidents.

    Parameters
    ----------
    G : nx.MultiDiGraph
        The facts graph.

    Returns
    -------
    nx.Graph
        One node per actor (Person, Organization, Community) with at least one
        ``PERPETRATOR_OF``, ``VICTIM_OF`` or ``WITNESS_OF`` edge, carrying ``kind`` and
        ``name``; an edge between two actors that share incidents in any role, with
        ``weight`` (the number of shared incidents) and ``incidents`` (their sorted ids).
        Actors who share no incident are kept as isolated nodes.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("per_1", kind="Person", name="Ana")
    >>> G.add_node("org_1", kind="Organization", name="Minera")
    >>> G.add_node("inc_1", kind="Incident", type="threat")
    >>> _ = G.add_edge("per_1", "inc_1", key="VICTIM_OF", type="VICTIM_OF")
    >>> _ = G.add_edge("org_1", "inc_1", key="PERPETRATOR_OF", type="PERPETRATOR_OF")
    >>> H = incident_actor_graph(G)
    >>> H.edges["org_1", "per_1"]
    {'weight': 1, 'incidents': ['inc_1']}
    """
    return _weighted_projection(actor_incidents(G), G, "incidents")


def dispute_actor_graph(G: nx.MultiDiGraph) -> nx.Graph:
    """Project the facts graph onto organizations and communities linked through disputes.

    Parameters
    ----------
    G : nx.MultiDiGraph
        The facts graph.

    Returns
    -------
    nx.Graph
        One node per Organization or Community that is ``PARTY_TO`` a land dispute or is
        perpetrator or victim of an incident ``PART_OF`` one, carrying ``kind`` and
        ``name``; an edge between two of them for the disputes they share, with ``weight``
        (the number of shared disputes) and ``disputes`` (their sorted ids).
    """
    links: dict[str, set[str]] = defaultdict(set)
    for actor, dispute in links_of(G, Rel.PARTY_TO, PARTIES, DISPUTE):
        links[actor].add(dispute)
    disputes_of = group_pairs(links_of(G, Rel.PART_OF, INCIDENT, DISPUTE))
    for rel in (Rel.PERPETRATOR_OF, Rel.VICTIM_OF):
        for actor, incident in links_of(G, rel, PARTIES, INCIDENT):
            if incident in disputes_of:
                links[actor] |= disputes_of[incident]
    return _weighted_projection(links, G, "disputes")


# --- centrality and clusters ----------------------------------------------------------


def key_actors(
    H: nx.Graph,
    metric: str = "pagerank",
    top: int = 10,
    *,
    k: int | None = None,
    seed: int = 7,
) -> list[Row]:
    """Rank the nodes of a projection by a centrality metric.

    Parameters
    ----------
    H : nx.Graph
        A projection (e.g. from :func:`incident_actor_graph`); edges may carry ``weight``.
    metric : {"degree", "betweenness", "pagerank"}
        ``degree``: degree centrality; ``betweenness``: unweighted betweenness, sampled
        over ``k`` pivots when ``k`` is given; ``pagerank``: PageRank weighted by
        ``weight``.
    top : int
        How many entries to return, 1..1000.
    k : int, optional
        Pivots for sampled betweenness (capped at the number of nodes); exact if None.
    seed : int
        Seed for the betweenness sampling.

    Returns
    -------
    list of dict
        ``{"id", "score", "rank"}`` sorted by score descending, then id; rank starts at 1.
        An empty graph gives an empty list.

    Examples
    --------
    >>> star = nx.star_graph(3)
    >>> key_actors(nx.relabel_nodes(star, str), "degree", top=2)
    [{'id': '0', 'score': 1.0, 'rank': 1}, {'id': '1', 'score': 0.3333333333333333, 'rank': 2}]
    """
    if metric not in METRICS:
        raise ModelError(f"metric must be one of {', '.join(METRICS)}; got {metric!r}")
    check_int("top", top, 1, MAX_TOP)
    if k is not None:
        check_int("k", k, 1)
    n = H.number_of_nodes()
    if n == 0:
        return []
    if metric == "degree":
        scores = nx.degree_centrality(H)
    elif metric == "betweenness":
        scores = nx.betweenness_centrality(H, k=min(k, n) if k else None, seed=seed, weight=None)
    else:
        scores = nx.pagerank(H, weight="weight")
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:top]
    return [
        {"id": node, "score": float(score), "rank": i}
        for i, (node, score) in enumerate(ranked, start=1)
    ]


def clusters(
    H: nx.Graph, *, min_size: int = 2, seed: int = 7, resolution: float = 1.0
) -> list[Row]:
    """Find clusters of closely linked nodes in a projection (Louvain).

    Parameters
    ----------
    H : nx.Graph
        A projection; edges may carry ``weight`` and ``incidents``.
    min_size : int
        The smallest cluster to report (>= 1).
    seed : int
        Seed for the Louvain method.
    resolution : float
        Louvain resolution (> 0); above 1 favours smaller clusters.

    Returns
    -------
    list of dict
        ``{"id": "cluster-1", "members", "size", "incidents"}`` ordered by size
        descending, then first member, and numbered in that order; ``members`` are sorted
        ids and ``incidents`` the sorted union of the ``incidents`` of the edges inside
        the cluster (empty when the edges carry none).
    """
    check_int("min_size", min_size, 1)
    if isinstance(resolution, bool) or not isinstance(resolution, int | float) or resolution <= 0:
        raise ModelError(f"resolution must be a number > 0; got {resolution!r}")
    if H.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(H, weight="weight", seed=seed, resolution=resolution)
    groups = sorted(
        (sorted(group) for group in found if len(group) >= min_size),
        key=lambda members: (-len(members), members[0]),
    )
    out: list[Row] = []
    for i, members in enumerate(groups, start=1):
        incidents: set[str] = set()
        for _, _, items in H.subgraph(members).edges(data="incidents"):
            if items:
                incidents.update(items)
        out.append(
            {
                "id": f"cluster-{i}",
                "members": members,
                "size": len(members),
                "incidents": sorted(incidents),
            }
        )
    return out
