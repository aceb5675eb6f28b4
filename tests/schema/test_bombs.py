"""Operations built to exhaust the server, against a live one: each is refused by its
cost, at once, for every role, while ``/healthz`` keeps answering; and a token's rate
limit holds over a websocket as over HTTP.

The bombs are small documents that expand to millions of fields: nested fragment spreads
(``...F1 ...F1`` twenty-two levels deep), a fan-out of distinct fragments, nested lists
with large pages, and thirty aliases of a costly field.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import websockets

from graph.model import ROLES
from graph.store.bolt import Store
from graph.store.config import Config
from schema import limits
from schema.limits import MAX_COST
from server import create_app
from tests.auth import bearer
from tests.bombs import ALIAS_BOMB, DEEP_LIST, fan_out_bomb, fragment_bomb, slow_to_validate
from tests.live import serve

pytestmark = pytest.mark.store
QUICK = 5.0  # seconds: generous on a loaded machine; the bombs ran 30 s and more
COSTLY = "The operation would cost"
TOO_MANY = "Too many requests for this token; retry later."


BOMBS = {
    "fragments": fragment_bomb(),
    "fan-out": fan_out_bomb(),
    "deep-list": DEEP_LIST,
    "aliases": ALIAS_BOMB,
}


@pytest.fixture(scope="module")
def server(store_session: Store) -> Iterator[tuple[str, dict[str, dict[str, str]]]]:
    headers = {role: bearer(store_session, role) for role in ROLES}
    config = Config.from_env({"DEFENSORES_RATE_LIMIT": "100000"})
    with serve(create_app(config, store_session)) as url:
        yield url, headers


def _post(url: str, auth: dict[str, str], query: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    r = httpx.post(f"{url}/graphql", json={"query": query}, headers=auth, timeout=2 * QUICK)
    return r, time.monotonic() - started


def _refused_for_cost(r: httpx.Response) -> list[dict[str, Any]]:
    assert r.status_code == 200, r.text
    body = r.json()
    assert body.get("data") is None, body
    costly = [e for e in body["errors"] if COSTLY in e["message"]]
    assert costly, body
    assert f"over the limit of {MAX_COST}" in costly[0]["message"]
    assert costly[0]["extensions"]["code"] == "OPERATION_TOO_COSTLY"
    errors: list[dict[str, Any]] = body["errors"]
    return errors


def test_the_bombs_are_small() -> None:
    assert len(fragment_bomb()) < 900  # the 877 bytes
    assert all(len(document) < 5000 for document in BOMBS.values())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_each_bomb_is_refused_by_its_cost_at_once(
    server: tuple[str, dict[str, dict[str, str]]], bomb: str, role: str
) -> None:
    url, headers = server
    r, took = _post(url, headers[role], BOMBS[bomb])
    _refused_for_cost(r)
    assert took < QUICK, f"{bomb} took {took:.1f} s for {role}"


def test_the_cost_is_refused_before_validation(
    server: tuple[str, dict[str, dict[str, str]]],
) -> None:
    """The only error is the cost: no validation rule walked the expanded document."""
    url, headers = server
    r, took = _post(url, headers["intake"], fragment_bomb(22, "__typename noSuchField"))
    errors = _refused_for_cost(r)
    assert [e["message"] for e in errors] == [
        f"The operation would cost {2 * 2**21}, over the limit of {MAX_COST}; ask for "
        "smaller pages (first, limit, top) or fewer nested lists."
    ]
    assert took < QUICK


def test_what_a_client_asks_is_under_the_limit(
    server: tuple[str, dict[str, dict[str, str]]],
) -> None:
    """A page of 100 actors with 50 incidents each is no bomb."""
    url, headers = server
    query = """{ actors(first: 100) { totalCount edges { cursor node { id name
      incidents(first: 50) { node { id type date } } } } } }"""
    r, _ = _post(url, headers["analyst"], query)
    assert r.status_code == 200 and "errors" not in r.json(), r.text


def test_healthz_answers_while_bombs_are_in_flight(
    server: tuple[str, dict[str, dict[str, str]]],
) -> None:
    url, headers = server
    stop = threading.Event()
    sent: list[int] = []

    def bomber(role: str) -> None:
        with httpx.Client(timeout=120) as client:
            while not stop.is_set():
                for document in BOMBS.values():
                    with contextlib.suppress(httpx.HTTPError):
                        client.post(
                            f"{url}/graphql", json={"query": document}, headers=headers[role]
                        )
                    sent.append(1)

    roles = ("intake", "trainer")
    threads = [threading.Thread(target=bomber, args=(r,), daemon=True) for r in roles]
    for t in threads:
        t.start()
    try:
        time.sleep(0.3)  # the bombs are on their way
        for _ in range(5):
            started = time.monotonic()
            health = httpx.get(f"{url}/healthz", timeout=QUICK)
            assert health.status_code == 200
            assert time.monotonic() - started < QUICK / 2
            time.sleep(0.1)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert len(sent) >= 8  # bombs were sent the whole time, and answered


def test_a_document_of_many_fragments_is_refused_before_validation(
    server: tuple[str, dict[str, dict[str, str]]],
) -> None:
    url, auth = server
    r, took = _post(url, auth["intake"], slow_to_validate())
    assert r.status_code == 200, r.text
    errors = r.json()["errors"]
    assert [e["message"] for e in errors] == [
        f"The operation defines 400 fragments, over the limit of {limits.MAX_FRAGMENTS}."
    ]
    assert took < QUICK


def test_the_time_limit_stops_cpu_bound_validation(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Validation runs off the event loop, so the request's time limit (here 50 ms)
    stops waiting for it, and ``/healthz`` answers meanwhile (the cap on fragments,
    which refuses this document first, is lifted to reach validation)."""
    monkeypatch.setattr(limits, "MAX_FRAGMENTS", 1000)
    config = Config.from_env({"DEFENSORES_REQUEST_TIMEOUT": "0.05"})
    with serve(create_app(config, store)) as url:
        r, took = _post(url, bearer(store, "intake"), slow_to_validate())
        assert r.status_code == 504, r.text
        assert "took longer than 0.05 s" in r.json()["errors"][0]["message"]
        assert took < QUICK
        assert httpx.get(f"{url}/healthz", timeout=QUICK).status_code == 200


async def _over_the_time_limit(ws_url: str, auth: dict[str, str]) -> dict[str, Any]:
    """A slow query and a subscription over one socket with a 50 ms time limit: what the
    query got and when, what the subscription got in the next second, whether the socket
    still answers a ping."""
    async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": auth}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "connection_ack"
        started = time.monotonic()
        slow = {"query": slow_to_validate()}
        await ws.send(json.dumps({"id": "slow", "type": "subscribe", "payload": slow}))
        answer = json.loads(await asyncio.wait_for(ws.recv(), 2 * QUICK))
        took = time.monotonic() - started
        events = {"query": "subscription { complaintEvents { kind complaintId } }"}
        await ws.send(json.dumps({"id": "events", "type": "subscribe", "payload": events}))
        quiet: list[Any] = []
        with contextlib.suppress(TimeoutError):
            quiet.append(json.loads(await asyncio.wait_for(ws.recv(), 1.0)))
        await ws.send(json.dumps({"type": "ping"}))
        pong = json.loads(await asyncio.wait_for(ws.recv(), QUICK))
        return {"answer": answer, "took": took, "events": quiet, "pong": pong}


def test_the_time_limit_stops_a_query_over_a_websocket_not_a_subscription(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_FRAGMENTS", 1000)
    config = Config.from_env({"DEFENSORES_REQUEST_TIMEOUT": "0.05"})
    with serve(create_app(config, store)) as url:
        got = asyncio.run(_over_the_time_limit(url.replace("http", "ws") + "/graphql",
                                               bearer(store, "intake")))  # fmt: skip
    answer = got["answer"]
    assert answer["id"] == "slow" and answer["type"] == "error", answer
    assert answer["payload"] == [
        {
            "message": "The operation took longer than 0.05 s and was stopped.",
            "extensions": {"code": "TIMEOUT"},
        }
    ]
    assert got["took"] < QUICK
    assert got["events"] == []  # waiting for events is not work: the subscription stays
    assert got["pong"] == {"type": "pong"}  # and so does the connection


@pytest.fixture
def limited(store_session: Store) -> Iterator[str]:
    """A server allowing each token 5 requests a minute (one every 12 s)."""
    config = Config.from_env({"DEFENSORES_RATE_LIMIT": "5"})
    with serve(create_app(config, store_session)) as url:
        yield url


async def _flood(ws_url: str, auth: dict[str, str], operations: int) -> dict[str, list[Any]]:
    """Every message each operation got, over one connection (connection_init takes 1)."""
    got: dict[str, list[Any]] = {}
    async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": auth}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "connection_ack"
        for i in range(operations):
            subscribe = {"id": str(i), "type": "subscribe", "payload": {"query": "{ __typename }"}}
            await ws.send(json.dumps(subscribe))
        finished: set[str] = set()
        while len(finished) < operations:
            message = json.loads(await asyncio.wait_for(ws.recv(), 10))
            got.setdefault(message["id"], []).append(message)
            if message["type"] in ("complete", "error"):
                finished.add(message["id"])
    return got


async def _handshake(ws_url: str, auth: dict[str, str]) -> Any:
    async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": auth}))
        try:
            return json.loads(await asyncio.wait_for(ws.recv(), 10))
        except websockets.ConnectionClosed as closed:
            return (closed.rcvd.code, closed.rcvd.reason) if closed.rcvd else None


def test_a_websocket_flood_takes_from_the_token_s_rate(limited: str, store: Store) -> None:
    auth = bearer(store, "trainer")
    ws_url = limited.replace("http", "ws") + "/graphql"
    got = asyncio.run(_flood(ws_url, auth, 30))
    answered = [i for i, messages in got.items() if messages[0]["type"] == "next"]
    refused = [
        i
        for i, messages in got.items()
        if messages[0]["type"] == "error" and messages[0]["payload"][0]["message"] == TOO_MANY
    ]
    assert len(got) == 30 and len(answered) + len(refused) == 30, got
    assert 1 <= len(answered) <= 5, answered  # 5 a minute, one of them the connection
    # the same bucket as HTTP: the token is out of requests there too
    r = httpx.post(f"{limited}/graphql", json={"query": "{ __typename }"}, headers=auth, timeout=30)
    assert r.status_code == 429 and r.json()["errors"][0]["message"] == TOO_MANY
    # and a new connection with it is closed as too many requests
    assert asyncio.run(_handshake(ws_url, auth)) == (4429, TOO_MANY)
    # another token has its own budget
    assert asyncio.run(_handshake(ws_url, bearer(store, "trainer"))) == {"type": "connection_ack"}


def test_a_websocket_operation_is_told_from_a_subscription_without_reading_a_huge_one() -> None:
    """The socket decides which operations the time limit stops by parsing them: no further
    than the token limit, so a huge document costs it no more than a small one."""
    from schema.ws import _subscription

    assert _subscription("subscription { complaintEvents { kind } }", None)
    assert not _subscription("{ __typename }", None)
    named = "query Q { __typename } subscription S { complaintEvents { kind } }"
    assert _subscription(named, "S") and not _subscription(named, "Q")
    assert not _subscription("subscription {", None)  # the schema refuses it at once
    # a well-formed subscription, but over 4,000 tokens: not read to its end (it would be
    # found a subscription), and the schema refuses it
    huge = "subscription { " + "complaintEvents { kind } " * 400_000 + "}"
    assert not _subscription(huge, None)
