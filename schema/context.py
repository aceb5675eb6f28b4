"""The per-request context: the store, and DataLoaders created for this request only.

DataLoaders batch every look-up a request's resolvers make in one tick into one call
of a ``graph.reads`` function (one statement per label or link kind), and cache within
the request, so a page of 50 actors with their incidents and places costs the same
number of queries as a page of 5. Store calls run in worker threads: the driver is
synchronous and the event loop must not wait on it.

Every loader reads for the request's ``viewer`` (``graph.access.policy``, from the token's
role): what the role may not see is never read for the request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from graph import reads
from graph.access.names import screen
from graph.access.policy import Pseudonyms, Viewer, viewer_for
from graph.access.redaction import Redactor
from graph.access.tokens import Principal
from graph.reads import Disclosure, Link, LinkPage, LinkSpec
from graph.store.bolt import Store
from graph.store.repository import NodeView
from schema.services import Services
from schema.threads import in_thread


@dataclass
class Context:
    """What resolvers see as ``info.context``."""

    store: Store
    request: Request | WebSocket | None = None
    response: Response | None = None
    services: Services = field(default_factory=Services)  # the app's long-lived services
    principal: Principal | None = None  # who the request speaks for
    connection_params: dict[str, object] | None = None  # a websocket's connection_init payload
    _links: dict[tuple[LinkSpec, int], DataLoader[str, LinkPage]] = field(default_factory=dict)

    def who(self) -> str:
        """The name of the token the request speaks for (recorded with every change)."""
        return str(self.principal.name) if self.principal is not None else "unknown"

    @property
    def role(self) -> str | None:
        return None if self.principal is None else str(self.principal.role)

    @property
    def viewer(self) -> Viewer:
        """What the request may see (a websocket's principal arrives after the context
        is made, so this is read each time)."""
        return viewer_for(self.role)

    def __post_init__(self) -> None:
        self.nodes: DataLoader[str, NodeView | None] = DataLoader(load_fn=self._load_nodes)
        self.texts: DataLoader[str, str | None] = DataLoader(load_fn=self._load_texts)
        self.complaint_disclosures: DataLoader[str, Disclosure | None] = DataLoader(
            load_fn=partial(self._load_disclosures, reads.complaint_disclosures)
        )
        self.incident_disclosures: DataLoader[str, Disclosure | None] = DataLoader(
            load_fn=partial(self._load_disclosures, reads.incident_disclosures)
        )

    def redactor(self) -> Redactor | None:
        """The names of every person the viewer sees under a pseudonym (None: no one);
        blocking (call it in a worker thread)."""
        viewer = self.viewer
        if not viewer.pseudonymises:
            return None
        protected_only = viewer.pseudonyms is Pseudonyms.PROTECTED
        return self.services.name_index().redactor(protected_only=protected_only)

    def screened(self, views: Iterable[NodeView]) -> list[NodeView]:
        """Views with persons' names taken out of other nodes' names (``graph.access.names``);
        blocking."""
        redactor = self.redactor()
        return list(views) if redactor is None else [screen(v, redactor) for v in views]

    def _screened_links(self, page: LinkPage) -> LinkPage:
        nodes = self.screened(link.node for link in page.items)
        links = [Link(link.edge, n) for link, n in zip(page.items, nodes, strict=True)]
        return LinkPage(links, page.total)

    async def _load_nodes(self, ids: Sequence[str]) -> list[NodeView | None]:
        def load() -> dict[str, NodeView]:
            found = reads.nodes_by_ids(self.store, list(ids), viewer=self.viewer)
            return {v.id: v for v in self.screened(found.values())}

        found = await in_thread(load)
        return [found.get(i) for i in ids]

    async def _load_texts(self, ids: Sequence[str]) -> list[str | None]:
        found = await in_thread(reads.complaint_texts, self.store, list(ids), viewer=self.viewer)
        return [found.get(i) for i in ids]

    async def _load_disclosures(
        self, fn: Callable[..., dict[str, Disclosure]], ids: Sequence[str]
    ) -> list[Disclosure | None]:
        found = await in_thread(fn, self.store, list(ids), viewer=self.viewer)
        return [found.get(i) for i in ids]

    def links(self, spec: LinkSpec, limit: int) -> DataLoader[str, LinkPage]:
        """The loader of ``spec``'s edges, first ``limit`` per node, for this request."""
        key = (spec, limit)
        loader = self._links.get(key)
        if loader is None:

            def read(ids: Sequence[str]) -> dict[str, LinkPage]:
                found = reads.links(self.store, spec, list(ids), limit, viewer=self.viewer)
                return {k: self._screened_links(page) for k, page in found.items()}

            async def load(ids: Sequence[str]) -> list[LinkPage]:
                found = await in_thread(read, ids)
                return [found.get(i, LinkPage()) for i in ids]

            loader = DataLoader(load_fn=load)
            self._links[key] = loader
        return loader


Ctx = Info[Context, None]  # what resolvers take as ``info``
