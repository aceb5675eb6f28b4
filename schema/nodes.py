"""The ``Node`` interface (Relay) and the one way from a store view to its GraphQL object.

Each module of node types registers how each of its kinds is built from a view
(``@converts("Person")``); ``to_type`` and ``load_node`` dispatch on the view's kind, so a
relationship field can return any kind without this module knowing them all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry

from graph.errors import ModelError
from graph.store.repository import NodeView
from schema.context import Ctx


@strawberry.interface(description="Anything with a stable id (Relay).")
class Node:
    id: strawberry.ID


N = TypeVar("N", bound=Node)
Converter = Callable[[NodeView], Node]
_CONVERTERS: dict[str, Converter] = {}


def converts(kind: str) -> Callable[[Callable[[NodeView], N]], Callable[[NodeView], N]]:
    """Register the decorated function as the way to build ``kind``'s GraphQL object."""

    def register(fn: Callable[[NodeView], N]) -> Callable[[NodeView], N]:
        _CONVERTERS[kind] = fn
        return fn

    return register


def common(view: NodeView) -> dict[str, Any]:
    """The fields every dated node has: its id and when it was created and updated."""
    p = view.props
    return {
        "id": strawberry.ID(view.id),
        "created_at": p.get("created_at"),
        "updated_at": p.get("updated_at"),
    }


def to_type(view: NodeView) -> Any:
    """The GraphQL object for a node read from the store."""
    convert = _CONVERTERS.get(view.kind)
    if convert is None:
        raise ModelError(f"a {view.kind} is not served by the API")
    return convert(view)


async def load_node(info: Ctx, node_id: str) -> Any:
    """The GraphQL object for an id, or None (unknown, malformed or internal ids)."""
    try:
        view = await info.context.nodes.load(node_id)
    except ModelError:
        return None
    return None if view is None else to_type(view)
