"""``graphql-transport-ws`` with the token's rate limit on every message that costs work.

A websocket speaks for one token, and takes from the same bucket as that token's HTTP
requests (``schema.ratelimit``): the connection itself (its ``connection_init``) takes
one request, and so does each ``subscribe`` (a subscription, or a query or mutation sent
over the socket). Over the limit:

- a ``subscribe`` gets an ``error`` message for its id, ``"Too many requests for this
  token; retry later."`` (``extensions``: ``code: RATE_LIMITED``, ``retryAfter`` in
  seconds), and the connection stays open for later operations;
- a ``connection_init`` is answered by closing the socket with code ``4429`` and the
  same reason.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLFormattedError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    ErrorMessage,
    SubscribeMessage,
)

from graph.errors import DefensoresError
from schema.ratelimit import TOO_MANY, RateLimiter

RATE_LIMITED = 4429  # the close code of a connection over its token's rate


class TooManyConnections(DefensoresError):
    """A ``connection_init`` over the token's rate (the socket closes with ``4429``)."""


class RateLimitedTransportWS(BaseGraphQLTransportWSHandler[Any, Any]):
    """The protocol handler, taking from ``limiter`` for each operation."""

    limiter: RateLimiter

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


def rate_limited(limiter: RateLimiter) -> type[RateLimitedTransportWS]:
    """The handler class for a view whose tokens take from ``limiter``."""
    return type("TokenRateLimitedTransportWS", (RateLimitedTransportWS,), {"limiter": limiter})
