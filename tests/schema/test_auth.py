"""Authentication: tokens from the command line, 401 without a valid one, rate limits."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import websockets

from graph.access import tokens
from graph.errors import ConflictError, ModelError, NotFound
from graph.store.bolt import Store
from graph.store.config import Config
from schema.ratelimit import RateLimiter
from server import create_app
from tests.auth import bearer
from tests.live import serve
from tests.paths import ROOT

pytestmark = pytest.mark.store
QUERY = {"query": "{ actors(first: 1) { totalCount } }"}


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def served(store: Store) -> Iterator[str]:
    with serve(create_app(Config.from_env({}), store)) as url:
        yield f"{url}/graphql"


def test_token_cli_prints_the_token_once_and_keeps_only_its_hash(
    store: Store, store_env: dict[str, str]
) -> None:
    created = cli(store_env, "token", "create", "--role", "analyst", "--name", "Ana P.")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    assert tokens.well_formed(token)
    principal = tokens.authenticate(store, token)
    assert principal is not None and (principal.name, principal.role) == ("Ana P.", "analyst")
    stored = store.read("MATCH (t:ApiToken) RETURN properties(t) AS p")
    assert len(stored) == 1 and token not in json.dumps(stored)
    assert stored[0]["p"]["hash"] == tokens.digest(token)
    listed = cli(store_env, "token", "list")
    assert listed.returncode == 0 and token not in listed.stdout
    assert (
        json.loads(listed.stdout.splitlines()[0])["name"] == "Ana P."
        and "hash" not in listed.stdout
    )
    again = cli(store_env, "token", "create", "--role", "analyst", "--name", "Ana P.")
    assert again.returncode == 2 and "active token named 'Ana P.' exists" in again.stderr
    revoked = cli(store_env, "token", "revoke", "Ana P.")
    assert revoked.returncode == 0 and json.loads(revoked.stdout)["revoked_at"]
    assert tokens.authenticate(store, token) is None
    bad = cli(store_env, "token", "create", "--role", "root", "--name", "x")
    assert bad.returncode == 2 and "role must be one of" in bad.stderr
    assert token not in created.stderr  # the logs never carry it


def test_token_rules(store: Store) -> None:
    with pytest.raises(ModelError, match="name must be"):
        tokens.create(store, "analyst", "")
    tokens.create(store, "analyst", "x")
    with pytest.raises(ConflictError):
        tokens.create(store, "analyst", "x")
    with pytest.raises(NotFound):
        tokens.revoke(store, "nobody")
    assert tokens.authenticate(store, "dfs_" + "A" * 43) is None  # well formed, unknown
    assert tokens.authenticate(store, "not a token") is None


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer  dfs_" + "A" * 43,  # two spaces
        "Basic dXNlcjpwYXNz",
        "Bearer dfs_short",
        "Bearer dfs_" + "A" * 43,  # well formed, never issued
        "Token dfs_" + "A" * 43,
    ],
)
def test_no_valid_token_is_401_with_no_data(served: str, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    r = httpx.post(served, json=QUERY, headers=headers, timeout=30)
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    body = r.json()
    assert "data" not in body and "bearer token is required" in body["errors"][0]["message"]


def test_a_revoked_token_is_401(store: Store, served: str) -> None:
    token, record = tokens.create(store, "prosecutor", "to-revoke")
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.post(served, json=QUERY, headers=auth, timeout=30).status_code == 200
    tokens.revoke(store, record["id"])
    assert httpx.post(served, json=QUERY, headers=auth, timeout=30).status_code == 401


def test_only_healthz_and_the_ide_shell_are_open(store: Store) -> None:
    with serve(create_app(Config.from_env({"DEFENSORES_IDE": "1"}), store)) as url:
        assert httpx.get(f"{url}/healthz").status_code == 200
        page = httpx.get(f"{url}/graphql", headers={"accept": "text/html"})
        assert page.status_code == 200 and "graphiql" in page.text.lower()
        assert httpx.post(f"{url}/graphql", json=QUERY).status_code == 401


def test_websocket_without_a_valid_token_is_refused(store: Store, served: str) -> None:
    ws_url = served.replace("http", "ws")

    async def handshake(payload: dict[str, Any]) -> Any:
        async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
            try:
                return json.loads(await asyncio.wait_for(ws.recv(), 10))
            except websockets.ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else None

    assert asyncio.run(handshake({})) == 4403
    assert asyncio.run(handshake({"Authorization": "Bearer dfs_" + "B" * 43})) == 4403
    good = bearer(store, "analyst")
    assert asyncio.run(handshake(good)) == {"type": "connection_ack"}


def test_rate_limit_per_token_is_429_with_retry_after(store: Store) -> None:
    app = create_app(Config.from_env({"DEFENSORES_RATE_LIMIT": "3"}), store)
    first, second = bearer(store), bearer(store)
    with serve(app) as url:
        statuses = [
            httpx.post(f"{url}/graphql", json=QUERY, headers=first, timeout=30).status_code
            for _ in range(4)
        ]
        assert statuses == [200, 200, 200, 429]
        r = httpx.post(f"{url}/graphql", json=QUERY, headers=first, timeout=30)
        assert r.status_code == 429 and 1 <= int(r.headers["retry-after"]) <= 20
        # another token has its own budget
        assert httpx.post(f"{url}/graphql", json=QUERY, headers=second).status_code == 200


def test_the_bucket_refills_with_time() -> None:
    now = [0.0]
    limiter = RateLimiter(60, clock=lambda: now[0])  # one a second, bursts of 60
    assert all(limiter.take("t") == 0 for _ in range(60))
    assert limiter.take("t") == pytest.approx(1.0)
    now[0] += 1.0
    assert limiter.take("t") == 0
    assert RateLimiter.retry_after(0.2) == "1"


def test_a_streamed_body_over_the_limit_is_413(store: Store, served: str) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
        yield b'{"query": "{ __typename }", "variables": {"x": "'
        for _ in range(12):
            yield b"a" * 100_000
        yield b'"}}'

    r = httpx.post(
        served,
        content=chunks(),
        headers={**bearer(store), "content-type": "application/json"},
        timeout=30,
    )
    assert r.status_code == 413 and "larger than" in r.json()["errors"][0]["message"]
    small = httpx.post(
        served,
        content=iter([b'{"query": "{ actors { totalCount } }"}']),
        headers={**bearer(store), "content-type": "application/json"},
        timeout=30,
    )
    assert small.status_code == 200 and "totalCount" in small.text


def test_cors_is_closed_by_default(store: Store, served: str) -> None:
    origin = {"Origin": "https://evil.example"}
    preflight = httpx.options(
        served,
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status_code == 405
    assert "access-control-allow-origin" not in preflight.headers
    r = httpx.post(served, json=QUERY, headers={**origin, **bearer(store)})
    assert "access-control-allow-origin" not in r.headers


def test_html_pages_carry_security_headers(store: Store) -> None:
    with serve(create_app(Config.from_env({"DEFENSORES_IDE": "1"}), store)) as url:
        page = httpx.get(f"{url}/graphql", headers={"accept": "text/html"})
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
