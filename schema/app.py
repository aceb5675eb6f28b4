"""The GraphQL schema and its ASGI endpoint, hardened.

Operations travel only as ``POST`` with ``Content-Type: application/json``; ``GET``
serves the IDE page when the IDE is on and nothing else. Batching is off, field
suggestions are off, introspection is on only with the IDE, every request has a time
limit, and subscriptions use ``graphql-transport-ws``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio
import strawberry
from cross_web import HTTPException
from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StreamResult
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.execution import ExecutionResult, PreExecutionError
from strawberry.types.unset import UNSET

from graph.access import tokens
from graph.access.tokens import Principal
from graph.errors import StoreError
from schema.actors import ActorMerge, Community, Organization, Person
from schema.alerts import Alert
from schema.bodies import parse_body, surrogate_problem
from schema.context import Context
from schema.incidents import Case, Complaint, Incident, LandDispute, Place, ProtectionMeasure
from schema.limits import MAX_ERRORS, MaskUnexpectedErrors, extensions
from schema.mutation import Mutation
from schema.query import Query
from schema.ratelimit import RateLimiter
from schema.roles import guard_root_fields
from schema.services import Services
from schema.subscription import Subscription
from schema.ws import TooManyConnections, limited

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

MAX_BODY = 1_000_000  # bytes; 100 complaints of 10 kB fit, a flood does not
ONLY_POST = "GraphQL operations are accepted only as POST with Content-Type: application/json"
UNAUTHENTICATED = (
    "A valid bearer token is required: Authorization: Bearer <token> (see `defensores token`)."
)
PRINCIPAL = "defensores.principal"  # where the authenticated principal rides in the scope


_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
_TOKEN_IN_URL = re.compile(r"(?:^|[&;])(?:access_)?token=|dfs_", re.IGNORECASE)
CREDENTIAL_IN_URL = (
    "A token never goes in the URL (URLs are logged and kept); send it as "
    "Authorization: Bearer <token>, and revoke this one (`defensores token revoke`)."
)


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Logs nothing: strawberry would log each error with the query's text, which
        may hold names of people at risk. Unexpected errors are logged, with an id and
        without the query or variables, where they are masked (``schema.limits``).

        Without introspection, no message suggests a name of the schema ("Did you mean
        'first'?"): that would be introspection by guessing. This runs for every
        transport (HTTP and graphql-transport-ws) before errors are masked or sent."""
        rules = getattr(execution_context, "validation_rules", ())
        hide = execution_context is None or NoSchemaIntrospectionCustomRule in rules
        for error in errors:
            # an exception raised outside the operation (in validation, or by an
            # extension) would reach the client as it is: it never meets the masking
            MaskUnexpectedErrors.mask(error)
            if hide:
                error.message = _SUGGESTION.sub("", error.message)

    async def execute(
        self, query: str | None, variable_values: dict[str, Any] | None = None, *a: Any, **k: Any
    ) -> ExecutionResult:
        """Refuses text no store or encoder can take (an unpaired surrogate) before any
        extension or resolver sees it (HTTP bodies are refused earlier, with a 400)."""
        problem = _unencodable(query, variable_values, k.get("operation_name"))
        if problem is not None:
            return ExecutionResult(data=None, errors=[GraphQLError(problem)])
        return await super().execute(query, variable_values, *a, **k)

    async def stream(
        self, query: str | None, variable_values: dict[str, Any] | None = None, *a: Any, **k: Any
    ) -> StreamResult:
        """As ``execute``, for operations over websockets (refused with an ``error``)."""
        problem = _unencodable(query, variable_values, k.get("operation_name"))
        if problem is None:
            return await super().stream(query, variable_values, *a, **k)

        async def refused() -> StreamResult:
            yield PreExecutionError(data=None, errors=[GraphQLError(problem)])

        return refused()


def _unencodable(query: Any, variables: Any, operation_name: Any) -> str | None:
    return surrogate_problem(
        {"query": query, "variables": variables, "operationName": operation_name}
    )


def build_schema(*, introspection: bool) -> strawberry.Schema:
    guard_root_fields((Query, "Query"), (Mutation, "Mutation"), (Subscription, "Subscription"))
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[
            Alert,
            ActorMerge,
            Person,
            Organization,
            Community,
            Incident,
            Place,
            LandDispute,
            Case,
            ProtectionMeasure,
            Complaint,
        ],
        extensions=extensions(introspection=introspection),
        config=StrawberryConfig(disable_field_suggestions=True),
    )


def sdl() -> str:
    """The schema as SDL (what ``schema.graphql`` holds)."""
    return build_schema(introspection=True).as_str() + "\n"


STORE_DOWN = "The graph store is unavailable; nothing was read or written. Try again shortly."


def _json_error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps({"errors": [{"message": message}]})
    return Response(body, status, headers=headers, media_type="application/json")


async def _bounded_body(receive: Receive) -> bytes | None:
    """The whole request body, or None once it passes ``MAX_BODY`` (whatever the
    Content-Length said: a chunked body has none)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands over the body already read, then listens as before."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


class Endpoint(GraphQL[Context, None]):
    """Strawberry's ASGI view with the project's rules in front of it."""

    def __init__(
        self,
        services: Services,
        *,
        ide_page: Callable[[Request], Awaitable[Response]] | None,
        timeout: float,
        rate_limit: int = 600,
    ) -> None:
        super().__init__(
            build_schema(introspection=ide_page is not None),
            graphql_ide=None,
            allow_queries_via_get=False,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        )
        self.services = services
        self.ide_page = ide_page
        self.timeout = timeout
        self.limiter = RateLimiter(rate_limit)
        # a websocket's connection and each of its operations take from the same bucket;
        # its queries and mutations have the time a request has
        self.graphql_transport_ws_handler_class = limited(self.limiter, timeout)

    async def process_result(self, request: Request, result: Any) -> Any:
        """The response body; an operation that fails many ways gets its first
        ``MAX_ERRORS`` errors and a count of the rest (no error flood to amplify).
        Without the IDE (introspection off), no message suggests a name of the schema
        ("Did you mean 'first'?"): that would be introspection by guessing."""
        body = await super().process_result(request, result)
        errors: list[Any] = list(body.get("errors") or [])
        if self.ide_page is None:
            for error in errors:
                message = error.get("message")
                if isinstance(message, str):
                    error["message"] = _SUGGESTION.sub("", message)
        if len(errors) > MAX_ERRORS:
            more = len(errors) - MAX_ERRORS
            body["errors"] = [*errors[:MAX_ERRORS], {"message": f"… and {more} more errors."}]
        return body

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """Strawberry's own refusals of a request (an unknown ``operationName``, say)
        as GraphQL-over-HTTP JSON errors like every other refusal, not as plain text."""
        try:
            return await super().run(request, context, root_value)
        except HTTPException as exc:
            if isinstance(request, WebSocket):
                raise
            return _json_error(exc.status_code, exc.reason)

    async def get_context(self, request: Request | WebSocket, response: Any = None) -> Context:
        store = self.services.store
        if store is None:
            raise RuntimeError("the app's lifespan has not opened the store")
        return Context(
            store=store,
            request=request,
            response=response,
            services=self.services,
            principal=request.scope.get(PRINCIPAL),
        )

    async def on_ws_connect(self, context: Context) -> Any:
        """A websocket speaks for the token in its ``connection_init`` payload
        (``{"Authorization": "Bearer …"}``) or in the upgrade request's header; the
        connection takes one request from the token's rate (over it: closed, 4429)."""
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        if header is None and context.request is not None:
            header = context.request.headers.get("authorization")
        principal = await self._principal(header if isinstance(header, str) else None)
        if principal is None:
            raise ConnectionRejectionError()
        if self.limiter.take(principal.token_id) > 0:
            raise TooManyConnections()
        context.principal = principal
        return UNSET

    async def _principal(self, header: str | None) -> Principal | None:
        scheme, _, token = (header or "").partition(" ")
        if scheme.lower() != "bearer" or not tokens.well_formed(token.strip()):
            return None
        store = self.services.store
        if store is None:  # pragma: no cover - the lifespan opens it first
            return None
        found: Principal | None = await anyio.to_thread.run_sync(
            tokens.authenticate, store, token.strip()
        )
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            query = bytes(scope.get("query_string", b"")).decode("latin-1")
            if scope["type"] == "websocket" and _TOKEN_IN_URL.search(query):
                # refused before the handshake (an HTTP 403): the URL was not accepted
                await send({"type": "websocket.close", "code": 1008})
                return
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        refusal = await self._refuse(request)
        if refusal is None:
            try:
                refusal = await self._authenticate(request)
            except StoreError:  # the token is checked in the store: it is down
                refusal = _json_error(503, STORE_DOWN, {"Retry-After": "5"})
        body = b""
        if refusal is None:
            read = await _bounded_body(receive)
            if read is None:
                refusal = _json_error(413, f"The request body is larger than {MAX_BODY} bytes.")
            else:
                body = read
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        if isinstance(checked := parse_body(body), str):  # never reaches strawberry
            await _json_error(400, checked)(scope, receive, send)
            return
        receive = _replay(body, receive)
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        with anyio.move_on_after(self.timeout) as timer:
            await super().__call__(scope, receive, tracking_send)
        if timer.cancelled_caught and not started:
            seconds = f"{self.timeout:g}"
            await _json_error(504, f"The request took longer than {seconds} s and was stopped.")(
                scope, receive, send
            )

    async def _authenticate(self, request: Request) -> Response | None:
        """401 without a valid token, 429 over the token's rate; else note who it is."""
        principal = await self._principal(request.headers.get("authorization"))
        if principal is None:
            return _json_error(401, UNAUTHENTICATED, {"WWW-Authenticate": "Bearer"})
        wait = self.limiter.take(principal.token_id)
        if wait > 0:
            return _json_error(
                429,
                "Too many requests for this token; retry later.",
                {"Retry-After": RateLimiter.retry_after(wait)},
            )
        request.scope[PRINCIPAL] = principal
        return None

    async def _refuse(self, request: Request) -> Response | None:
        if _TOKEN_IN_URL.search(request.url.query):
            return _json_error(400, CREDENTIAL_IN_URL)
        method = request.method
        if method in ("GET", "HEAD"):
            if self.ide_page is not None and not request.query_params:
                return await self.ide_page(request)
            return _json_error(405, ONLY_POST, {"Allow": "POST"})
        if method != "POST":
            return _json_error(405, ONLY_POST, {"Allow": "POST"})
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return _json_error(415, ONLY_POST)
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            return _json_error(413, f"The request body is larger than {MAX_BODY} bytes.")
        return None
