"""The app's long-lived services: what resolvers need besides the store, set by its lifespan."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from graph.access.names import NameIndex
from graph.access.policy import Viewer
from graph.analysis.projections import Projections
from graph.intake.durable import BatchExtractor
from graph.store.bolt import Store
from schema.auditing import GroupCommit
from schema.events import AlertEventData, Broker, ComplaintEventData


@dataclass
class Services:
    """Long-lived things resolvers need besides the store (set by the app's lifespan)."""

    store: Store | None = None
    extractor: BatchExtractor | None = None  # loaded on the first submission when not given
    broker: Broker[ComplaintEventData] = field(default_factory=Broker)
    alert_broker: Broker[AlertEventData] = field(default_factory=Broker)
    audit: GroupCommit | None = None  # None: each record written alone (tests, benchmarks)
    names: NameIndex | None = None
    extract_lock: threading.Lock = field(default_factory=threading.Lock)
    patterns_max_stale: float = 0.0  # see graph.analysis.projections
    # one projection per kind of viewer: with sealed complaints or not
    _projections: dict[bool, Projections] = field(default_factory=dict)

    def name_index(self) -> NameIndex:
        """The index of persons' names (set by the lifespan once the store is open)."""
        if self.names is None:
            raise RuntimeError("the app's lifespan has not opened the name index")
        return self.names

    def projections(self, viewer: Viewer) -> Projections:
        """The analytics projection ``viewer`` may see (built on first use)."""
        scope = viewer.sealed_visible
        if scope not in self._projections:
            assert self.store is not None
            made = Projections(self.store, viewer=viewer, max_stale=self.patterns_max_stale)
            self._projections.setdefault(scope, made)
        return self._projections[scope]
