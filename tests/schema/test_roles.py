"""The permission table, tested from itself: every root query, mutation and subscription,
for every role, against a live server.

The cases are generated from the schema: each root field gets a minimal operation with
made-up arguments of the right types (ids that name nothing, the first enum value, the
required fields of input objects). A ``denied`` field must answer ``Forbidden`` and no
data; an ``allowed`` or ``pseudonymised`` one must reach its resolver (whatever it then
says about the made-up arguments, it is not a refusal). A root field the table does not
name fails here and at start-up alike. Pseudonymisation itself is checked by the leak
tests.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator, Sequence
from typing import Any

import httpx
import pytest
import websockets
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    get_named_type,
)
from graphql.pyutils import Undefined

from graph.access.policy import viewer_for
from graph.intake.durable import Extraction, Outcome
from graph.model import ROLES
from graph.store.bolt import Store
from graph.store.config import Config
from schema.app import build_schema
from schema.roles import TABLE
from schema.roles import Outcome as Access
from server import create_app
from tests.auth import bearer
from tests.live import serve

pytestmark = pytest.mark.store
SCHEMA = build_schema(introspection=False)._schema
ROOTS = {
    "Query": SCHEMA.query_type,
    "Mutation": SCHEMA.mutation_type,
    "Subscription": SCHEMA.subscription_type,
}
SCALARS = {"ID": "per_nobody", "String": "x", "Int": 1, "Float": 1.0, "Boolean": True}


def _value(t: GraphQLInputType) -> Any:
    if isinstance(t, GraphQLNonNull):
        return _value(t.of_type)
    if isinstance(t, GraphQLList):
        return [_value(t.of_type)]
    if isinstance(t, GraphQLEnumType):
        return next(iter(t.values))
    if isinstance(t, GraphQLInputObjectType):
        return {
            name: _value(f.type)
            for name, f in t.fields.items()
            if isinstance(f.type, GraphQLNonNull) and f.default_value is Undefined
        }
    assert isinstance(t, GraphQLScalarType)
    return SCALARS[t.name]


def _literal(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.isupper():  # an enum value
        return value
    return json.dumps(value)


def operation(root: str, name: str) -> str:
    field = ROOTS[root].fields[name]  # type: ignore[union-attr]
    args = [
        f"{arg}: {_literal(_value(a.type))}"
        for arg, a in field.args.items()
        if isinstance(a.type, GraphQLNonNull)
    ]
    call = f"{name}({', '.join(args)})" if args else name
    named = get_named_type(field.type)
    selection = " { __typename }" if not isinstance(named, GraphQLScalarType) else ""
    return f"{root.lower()} {{ {call}{selection} }}"


def cases() -> list[tuple[str, str, str]]:
    return [
        (root, name, role)
        for root, t in ROOTS.items()
        for name in t.fields  # type: ignore[union-attr]
        for role in ROLES
    ]


def test_every_root_field_has_a_rule_and_every_rule_a_field() -> None:
    fields = {f"{root}.{name}" for root, name, _ in cases()}
    assert fields == set(TABLE)
    for key, row in TABLE.items():
        assert set(row) == set(ROLES), key


def test_a_pseudonymised_cell_has_a_viewer_that_pseudonymises() -> None:
    """The table's "pseudonymised" is kept by the role's viewer (graph.access.policy): a role
    whose viewer showed real names could not be given such a cell."""
    for key, row in TABLE.items():
        for role, outcome in row.items():
            viewer = viewer_for(role)
            if outcome is Access.PSEUDONYMISED:
                assert viewer.sees_graph and viewer.pseudonymises, (key, role)
                assert not viewer.sealed_text, (key, role)
            if outcome is Access.ALLOWED and key == "Query.node":
                assert viewer.unrestricted, role


def nothing(items: Sequence[tuple[str, str, str]]) -> list[Outcome]:
    return [Extraction("none", "und") for _ in items]


@pytest.fixture(scope="module")
def server(store_session: Store) -> Iterator[tuple[str, dict[str, dict[str, str]]]]:
    headers = {role: bearer(store_session, role) for role in ROLES}
    with serve(create_app(Config.from_env({}), store_session, extractor=nothing)) as url:
        yield url, headers


def _subscribe(url: str, auth: dict[str, str], document: str) -> dict[str, Any] | None:
    """The first message a subscription gets within 1 s (None: it is waiting for events)."""

    async def run() -> dict[str, Any] | None:
        ws_url = url.replace("http", "ws") + "/graphql"
        async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "connection_init", "payload": auth}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(
                json.dumps({"id": "1", "type": "subscribe", "payload": {"query": document}})
            )
            try:
                message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 1.0))
            except TimeoutError:
                return None
            return message

    return asyncio.run(run())


@pytest.mark.parametrize(("root", "name", "role"), cases())
def test_permission_table(
    server: tuple[str, dict[str, dict[str, str]]], root: str, name: str, role: str
) -> None:
    url, headers = server
    expected = TABLE[f"{root}.{name}"][role]
    document = operation(root, name)
    if root == "Subscription":
        message = _subscribe(url, headers[role], document)
        if expected is Access.DENIED:
            assert message is not None, "a denied subscription must be refused at once"
            assert message["type"] in ("error", "next"), message
            assert "not allowed for this token's role" in json.dumps(message["payload"])
            if message["type"] == "next":
                assert (message["payload"].get("data") or {}).get(name) is None
        else:
            assert message is None, message  # subscribed: waiting for events
        return
    r = httpx.post(f"{url}/graphql", json={"query": document}, headers=headers[role], timeout=60)
    assert r.status_code == 200, r.text
    body = r.json()
    messages = [e["message"] for e in body.get("errors", [])]
    refused = [m for m in messages if "not allowed for this token's role" in m]
    if expected is Access.DENIED:
        assert refused, f"{root}.{name} for {role}: {body}"
        assert (body.get("data") or {}).get(name) is None
    else:
        assert not refused, f"{root}.{name} for {role}: {body}"
