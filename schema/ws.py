"""``graphql-transport-ws`` with the token's rate limit on every message that costs work,
and the request time limit on every query and mutation sent over it.

A websocket speaks for one token, and takes from the same bucket as that token's HTTP
requests (``schema.ratelimit``): the connection itself (its ``connection_init``) takes
one request, and so does each ``subscribe`` (a subscription, or a query or mutation sent
over the socket). Over the limit:

- a ``subscribe`` gets an ``error`` message for its id, ``"Too many requests for this
  token; retry later."`` (``extensions``: ``code: RATE_LIMITED``, ``retryAfter`` in
  seconds), and the connection stays open for later operations;
- a ``connection_init`` is answered by closing the socket with code ``4429`` and the
  same reason.

A query or mutation over the socket has the time an HTTP request has
(``DEFENSORES_REQUEST_TIMEOUT``): past it the operation is stopped and gets an ``error``
message, ``"The operation took longer than N s and was stopped."`` (``code: TIMEOUT``);
the connection stays open. A subscription waits for events as long as it is open: only
its own queries' work is bounded, by the cost limit.
"""

from __future__ import annotations

from typing import Any

import anyio
from graphql import GraphQLError, GraphQLFormattedError, OperationType, get_operation_ast, parse
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    ErrorMessage,
    SubscribeMessage,
)

from graph.errors import DefensoresError
from schema.limits import MAX_TOKENS
from schema.ratelimit import TOO_MANY, RateLimiter

RATE_LIMITED = 4429  # the close code of a connection over its token's rate


class TooManyConnections(DefensoresError):
    """A ``connection_init`` over the token's rate (the socket closes with ``4429``)."""


def _subscription(query: str, operation_name: str | None) -> bool:
    """Whether the document's operation is a subscription (a document that does not parse,
    or has more tokens than any operation may, is not: the schema refuses it at once)."""
    try:
        operation = get_operation_ast(parse(query, max_tokens=MAX_TOKENS), operation_name)
    except GraphQLError:
        return False
    return operation is not None and operation.operation == OperationType.SUBSCRIPTION


class RateLimitedTransportWS(BaseGraphQLTransportWSHandler[Any, Any]):
    """The protocol handler, taking from ``limiter`` for each operation and stopping a
    query or mutation after ``timeout`` seconds."""

    limiter: RateLimiter
    timeout: float

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except TooManyConnections:
            await self.websocket.close(code=RATE_LIMITED, reason=TOO_MANY)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        principal = getattr(self.context, "principal", None)
        fresh = message["id"] not in self.operations  # else the protocol closes the socket
        if self.connection_acknowledged and fresh and principal is not None:
            wait = self.limiter.take(principal.token_id)
            if wait > 0:
                error: GraphQLFormattedError = {
                    "message": TOO_MANY,
                    "extensions": {
                        "code": "RATE_LIMITED",
                        "retryAfter": int(RateLimiter.retry_after(wait)),
                    },
                }
                refusal: ErrorMessage = {"id": message["id"], "type": "error", "payload": [error]}
                await self.send_message(refusal)
                return
        await super().handle_subscribe(message)

    async def run_operation(self, operation: Operation[Any, Any]) -> None:
        if _subscription(operation.query, operation.operation_name):
            await super().run_operation(operation)
            return
        with anyio.move_on_after(self.timeout) as timer:
            await super().run_operation(operation)
        if timer.cancelled_caught and self.operations.pop(operation.id, None) is not None:
            error: GraphQLFormattedError = {
                "message": f"The operation took longer than {self.timeout:g} s and was stopped.",
                "extensions": {"code": "TIMEOUT"},
            }
            await self.send_message({"id": operation.id, "type": "error", "payload": [error]})


def limited(limiter: RateLimiter, timeout: float) -> type[RateLimitedTransportWS]:
    """The handler class for a view whose tokens take from ``limiter`` and whose queries
    and mutations have ``timeout`` seconds."""
    attributes = {"limiter": limiter, "timeout": timeout}
    return type("LimitedTransportWS", (RateLimitedTransportWS,), attributes)
