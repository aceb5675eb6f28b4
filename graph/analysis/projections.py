"""The analytics' view of the store: a networkx graph, built once and kept while valid.

``facts_graph`` reads every actor, incident, place, dispute, case and measure with the
attributes the metrics use, and every fact edge between them that was not rejected,
into the ``nx.MultiDiGraph`` that ``graph.analysis.facts`` documents. ``Projections`` keeps
it (and the two projections derived from it) until the graph changes: a write through
the same ``Store`` object (its ``generation``) or, for writes by other processes (an
``ingest`` beside the server), a change in the complaints seen by a cheap fingerprint
query at most every ``check_every`` seconds.

A projection is made for one ``Viewer``: a viewer who may not see sealed complaints
gets one without what only they support (``graph.cypher.analytics.projection_*``).

With ``max_stale`` > 0, a projection that is out of date but less than ``max_stale``
seconds old is still served while one rebuild runs in the background: under a steady
stream of intake, pattern requests then stop waiting for a rebuild after every write
(they see the graph as it was at most ``max_stale`` seconds ago). With 0 (the default)
every answer reflects every write made before it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import networkx as nx  # type: ignore[import-untyped]

from graph.access.policy import FULL, Viewer
from graph.analysis import networks
from graph.cypher import analytics as q
from graph.errors import DefensoresError
from graph.store.bolt import Store

T = TypeVar("T")
log = logging.getLogger(__name__)


def facts_graph(store: Store, viewer: Viewer = FULL) -> nx.MultiDiGraph:
    """Build the facts graph from the store (see ``graph.analysis.facts``): what ``viewer``
    may see of it."""
    G = nx.MultiDiGraph()
    for kind, attrs in q.PROJECTED.items():
        for r in store.read(q.projection_nodes(kind, viewer)):
            G.add_node(r["id"], kind=kind, **{a: r[a] for a in attrs.values()})
    for rel_type in q.PROJECTED_RELS:
        for r in store.read(q.projection_edges(rel_type, viewer)):
            s, t = r["s"], r["t"]
            if s in G and t in G:  # edges of merged actors and complaints stay out
                extra = {"side": r["side"]} if r["side"] is not None else {}
                G.add_edge(s, t, key=rel_type, type=rel_type, **extra)
    return G


@dataclass
class _Built:
    generation: int
    fingerprint: tuple[Any, ...]
    checked: float
    values: dict[str, Any]
    made: float  # when its reading of the store began


class Projections:
    """The facts graph and its projections for one store, rebuilt when it changes."""

    def __init__(
        self,
        store: Store,
        *,
        viewer: Viewer = FULL,
        check_every: float = 30.0,
        max_stale: float = 0.0,
    ) -> None:
        self._store = store
        self.viewer = viewer
        self._check_every = check_every
        self._max_stale = max_stale
        self._lock = threading.Lock()
        self._built: _Built | None = None
        self._refreshing: threading.Thread | None = None
        self.builds = 0  # how many times the facts graph was read from the store

    def _fingerprint(self) -> tuple[Any, ...]:
        row = self._store.read(q.PROJECTION_FINGERPRINT)[0]
        return (row["complaints"], row["last"])

    def _valid(self, built: _Built, now: float) -> bool:
        if built.generation != self._store.generation:
            return False
        if now - built.checked < self._check_every:
            return True
        if self._fingerprint() == built.fingerprint:
            built.checked = now
            return True
        return False

    def _make(self) -> _Built:
        now = time.monotonic()
        generation = self._store.generation  # read before: a write meanwhile shows
        fingerprint = self._fingerprint()
        graph = facts_graph(self._store, self.viewer)
        self.builds += 1
        return _Built(generation, fingerprint, now, {"facts": graph}, now)

    def _current(self) -> _Built:
        """The projection to answer from (called holding the lock)."""
        built = self._built
        now = time.monotonic()
        if built is not None and self._valid(built, now):
            return built
        if built is not None and now - built.made < self._max_stale:
            if self._refreshing is None or not self._refreshing.is_alive():
                self._refreshing = threading.Thread(
                    target=self._refresh, name="projection-refresh", daemon=True
                )
                self._refreshing.start()
            return built
        self._built = self._make()
        return self._built

    def _refresh(self) -> None:
        """Rebuild without holding the lock (requests go on meanwhile), then swap."""
        try:
            fresh = self._make()
        except DefensoresError as exc:
            log.warning("background refresh of the projection failed: %s", exc)
            return
        with self._lock:
            if self._built is None or self._built.made < fresh.made:
                self._built = fresh

    def _get(self, name: str, make: Callable[[nx.MultiDiGraph], T]) -> T:
        with self._lock:
            built = self._current()
            if name not in built.values:
                built.values[name] = make(built.values["facts"])
            value: T = built.values[name]
            return value

    def facts(self) -> nx.MultiDiGraph:
        return self._get("facts", lambda g: g)

    def actors(self) -> nx.Graph:
        """Actors linked through shared incidents."""
        return self._get("actors", networks.incident_actor_graph)

    def disputes(self) -> nx.Graph:
        """Companies and communities linked through land disputes."""
        return self._get("disputes", networks.dispute_actor_graph)

    def cached(self, key: str, make: Callable[[nx.MultiDiGraph], T]) -> T:
        """Any other value computed from the facts graph, kept as long as it is valid
        (a metric over the whole graph: PageRank, Louvain clusters)."""
        return self._get(key, make)
