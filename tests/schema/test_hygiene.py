"""Nothing sensitive in the server's logs, and clean refusals of malformed requests.

A real server (``defensores serve``, a child process on the session's store) runs with
its output captured to a file. Secrets are planted the ways an attacker or a careless
client would: a token in the URL (HTTP and websocket), a bad token in the header, a
sentence about a person and a name in variables that fail coercion, a name inside the
text of a query that fails. After a run of bad requests the server is stopped and every
line it wrote is searched for each secret. The same run checks that each malformed body
gets a 400 with a GraphQL-over-HTTP JSON error and no traceback, and that no error
suggests a name of the schema ("Did you mean …?") over HTTP or websockets while
introspection is off.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import websockets

from graph.access import tokens
from graph.store.bolt import Store
from schema.bodies import parse_body
from schema.limits import MaskUnexpectedErrors
from schema.logs import LogHygiene
from tests.live import free_port, healthy
from tests.paths import ROOT
from tests.processes import child_env, wait_until

pytestmark = [pytest.mark.store, pytest.mark.slow]


# The planted secrets (all invented).
SENTENCE = "La defensora Wayra Quillahuaman fue amenazada en Yurimaguas"
NAME = "Ticlla Achahui Pumayalli"
QUERY_SECRET = "Saturnino Huillcahuaman"
NUMBER = 73519846
BAD_TOKEN = "dfs_" + "Nq7" * 14  # well formed, issued to no one

SUBMIT = "mutation($in: ComplaintInput!) { submitComplaint(input: $in) { __typename } }"
COERCION_FAILURES: dict[str, dict[str, Any]] = {
    "unknown field": {"in": {"text": SENTENCE, "bogus": 1}},
    "number for text": {"in": {"text": NUMBER}},
    "name as enum": {"in": {"text": "x", "channel": NAME}},
    "name as object": {"in": NAME},
    "typo of a field": {"in": {"txt": SENTENCE}},
}
# Each would make graphql-core suggest a name of the schema.
TYPOS = {
    "argument": "{ actors(firs: 1) { totalCount } }",
    "field": "{ actors(first: 1) { totalCont } }",
    "enum value": "{ actors(filter: {kinds: [PERSN]}) { totalCount } }",
    "type": '{ node(id: "x") { ... on Persn { id } } }',
}
QUERIES_WITH_SECRET = {
    name: query.replace("SECRET", QUERY_SECRET)
    for name, query in {
        "syntax error": '{ actors(filter: {name: "SECRET"}) { totalCount } } }',
        "unknown argument": '{ actors(filter: {nam: "SECRET"}) { totalCount } }',
        "wrong type": '{ search(text: 5, kinds: "SECRET") { score } }',
    }.items()
}
# body -> a phrase of the 400's message
MALFORMED: dict[str, tuple[bytes, str]] = {
    "invalid UTF-8": (b'{"query": "{ __typename }", "x": "\xff\xfe"}', "not valid UTF-8"),
    "UTF-8 of a surrogate": (b'{"query": "{ __typename }", "x": "\xed\xa0\x80"}', "UTF-8"),
    "invalid JSON": (b'{"query": ', "not valid JSON"),
    "empty": (b"", "not valid JSON"),
    "NaN": (b'{"query": "{ __typename }", "x": NaN}', "not valid JSON"),
    "a string": (b'"hello"', "got a string"),
    "a number": (b"42", "got a number"),
    "null": (b"null", "got null"),
    "an array (batching is off)": (b'[{"query": "{ __typename }"}]', "Batching is not enabled"),
    "no query": (b'{"variables": {}}', "no `query`"),
    "query not a string": (b'{"query": 5}', "`query` must be a string"),
    "variables not an object": (
        b'{"query": "{ __typename }", "variables": [1]}',
        "`variables` must be an object",
    ),
    "operationName not a string": (
        b'{"query": "{ __typename }", "operationName": 7}',
        "`operationName` must be a string",
    ),
    "lone surrogate in a text": (  # json.dumps writes it as the escape \ud800
        json.dumps({"query": SUBMIT, "variables": {"in": {"text": "Wayra \ud800 Yuri"}}}).encode(),
        "unpaired surrogate",
    ),
    "lone low surrogate in the query": (b'{"query": "{ __typename } # \\udc00"}', "unpaired"),
    "nested too deeply": (b"[" * 100_000, "nested too deeply"),
    "an unknown operationName": (
        b'{"query": "{ __typename }", "operationName": "Nope"}',
        "Nope",
    ),
}


@dataclass
class Run:
    """What the server answered, and every line it wrote."""

    token: str
    http: dict[str, httpx.Response | str] = field(default_factory=dict)  # or what failed
    ws: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)


def _bad_requests(url: str, token: str, run: Run) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    json_type = {"Content-Type": "application/json"}
    with httpx.Client(base_url=url, headers=json_type, timeout=120) as client:

        def post(key: str, body: Any, **kw: Any) -> None:
            content = body if isinstance(body, bytes) else json.dumps(body).encode()
            try:
                run.http[key] = client.post("/graphql", content=content, **kw)
            except httpx.TransportError as exc:  # the server dropped the connection
                run.http[key] = f"{type(exc).__name__}: {exc}"

        good = {"query": "{ __typename }"}
        post("token in the URL", good, headers=auth, params={"token": token})
        post("access_token in the URL", good, headers=auth, params={"access_token": token})
        post("bare token in the URL", good, headers=auth, params={"q": token})
        post("bad token", good, headers={"Authorization": f"Bearer {BAD_TOKEN}"})
        for name, variables in COERCION_FAILURES.items():
            post(f"coercion: {name}", {"query": SUBMIT, "variables": variables}, headers=auth)
        for name, query in QUERIES_WITH_SECRET.items():
            post(f"secret query: {name}", {"query": query}, headers=auth)
        for name, query in TYPOS.items():
            post(f"typo: {name}", {"query": query}, headers=auth)
        for name, (body, _) in MALFORMED.items():
            post(f"malformed: {name}", body, headers=auth)
    run.ws = asyncio.run(_websocket(url, token))


async def _websocket(url: str, token: str) -> dict[str, list[dict[str, Any]]]:
    """The messages each bad operation got over graphql-transport-ws, one connection
    each (a syntax error closes the connection); first, a handshake whose URL carries
    the token (an access-log line of it would show the token)."""
    operations: dict[str, dict[str, Any]] = {
        **{f"typo: {n}": {"query": q} for n, q in TYPOS.items()},
        **{f"secret query: {n}": {"query": q} for n, q in QUERIES_WITH_SECRET.items()},
        **{
            f"coercion: {n}": {"query": SUBMIT, "variables": v}
            for n, v in COERCION_FAILURES.items()
        },
        "lone surrogate": {"query": SUBMIT, "variables": {"in": {"text": f"{NAME} \udc00"}}},
    }
    got: dict[str, list[dict[str, Any]]] = {}
    try:  # a token in the handshake's URL: refused (and its log line has no query string)
        async with websockets.connect(
            url.replace("http", "ws") + f"/graphql?token={token}",
            subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        ):
            got["token in the URL"] = [{"type": "accepted"}]
    except websockets.InvalidStatus as refused:
        got["token in the URL"] = [{"type": "refused", "status": refused.response.status_code}]
    for name, payload in operations.items():
        try:
            got[name] = await _operation(url, token, payload)
        except (OSError, TimeoutError, websockets.WebSocketException) as exc:
            got[name] = [{"type": "failed", "reason": f"{type(exc).__name__}: {exc}"}]
    return got


async def _operation(url: str, token: str, payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Messages up to the operation's ``error`` or ``complete``, or the connection's close."""
    ws_url = url.replace("http", "ws") + "/graphql"
    messages: list[dict[str, Any]] = []
    async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        auth = {"Authorization": f"Bearer {token}"}
        await ws.send(json.dumps({"type": "connection_init", "payload": auth}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 60))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        try:
            while not messages or messages[-1]["type"] == "next":
                messages.append(json.loads(await asyncio.wait_for(ws.recv(), 60)))
        except websockets.ConnectionClosed as closed:
            rcvd = closed.rcvd
            messages.append(
                {"type": "closed", "code": rcvd and rcvd.code, "reason": rcvd and rcvd.reason}
            )
    return messages


@pytest.fixture(scope="module")
def run(
    request: pytest.FixtureRequest,
    store_session: Store,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Run]:
    """The server started, sent the bad requests, and stopped (its log then complete)."""
    port = free_port()
    token, _ = tokens.create(store_session, "prosecutor", f"hygiene-{port}")
    result = Run(token=token)
    log_path = tmp_path_factory.mktemp("hygiene") / "server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "server", "serve", "--port", str(port)],
            cwd=ROOT,
            env=child_env(request, store_session),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            assert wait_until(lambda: healthy(port, server), 180), log_path.read_text()
            assert server.poll() is None, log_path.read_text()
            _bad_requests(f"http://127.0.0.1:{port}", token, result)
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=120)
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()
    result.log = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    yield result
    tokens.revoke(store_session, f"hygiene-{port}")


def _answer(run: Run, key: str) -> httpx.Response:
    response = run.http[key]
    assert isinstance(response, httpx.Response), f"{key}: no answer ({response})"
    return response


def _messages(body: Any) -> list[str]:
    errors = body.get("errors") if isinstance(body, dict) else body
    return [e["message"] for e in errors or []]


def test_no_planted_secret_reaches_any_log_line(run: Run) -> None:
    log = "\n".join(run.log)
    # the log is the one these requests wrote: they are in it, by path
    assert len(re.findall(r'"POST /graphql\S* HTTP/1.1"', log)) >= len(run.http), log
    assert '"WebSocket /graphql"' in log, log
    secrets = {
        "the token": run.token,
        "the token's secret part": run.token.removeprefix("dfs_")[:16],
        "the bad token": BAD_TOKEN,
        "the sentence": SENTENCE,
        "a word of the sentence": "Quillahuaman",
        "the name": NAME,
        "the name in a query's text": QUERY_SECRET,
        "the number": str(NUMBER),
    }
    leaks = [
        f"{what} in line {i}: {line}"
        for what, secret in secrets.items()
        for i, line in enumerate(run.log, 1)
        if secret in line
    ]
    assert leaks == []
    assert "?token=" not in log and "access_token" not in log


def test_no_traceback_and_no_500_in_the_log(run: Run) -> None:
    log = "\n".join(run.log)
    assert "Traceback" not in log, log
    assert "Exception in ASGI application" not in log, log
    assert " 500 " not in log and "unexpected error" not in log, log


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_body_gets_a_400_with_a_graphql_error(run: Run, name: str) -> None:
    response = _answer(run, f"malformed: {name}")
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    (message,) = _messages(response.json())
    assert MALFORMED[name][1] in message, message


@pytest.mark.parametrize(
    "key", ["token in the URL", "access_token in the URL", "bare token in the URL"]
)
def test_a_token_in_the_url_is_refused(run: Run, key: str) -> None:
    response = _answer(run, key)
    assert response.status_code == 400, response.text
    (message,) = _messages(response.json())
    assert "never goes in the URL" in message and "Authorization: Bearer" in message


def test_a_token_in_a_websocket_url_is_refused_at_the_handshake(run: Run) -> None:
    assert run.ws["token in the URL"] == [{"type": "refused", "status": 403}]


def test_a_lone_surrogate_over_websockets_is_refused_before_any_resolver(
    run: Run, store_session: Store
) -> None:
    (message,) = run.ws["lone surrogate"]
    assert message["type"] == "error", message
    (said,) = _messages(message["payload"])
    assert "unpaired surrogate" in said and "`variables`" in said
    stored = store_session.read(
        "MATCH (c:Complaint) WHERE c.text CONTAINS $name RETURN count(c) AS n", name=NAME
    )
    assert stored[0]["n"] == 0


def test_a_bad_token_is_refused_with_json(run: Run) -> None:
    response = _answer(run, "bad token")
    assert response.status_code == 401 and "bearer token is required" in response.text


@pytest.mark.parametrize("name", COERCION_FAILURES)
def test_a_variable_that_fails_coercion_is_named_without_its_value(run: Run, name: str) -> None:
    http = _answer(run, f"coercion: {name}")
    assert http.status_code == 200, http.text
    over_ws = [m["payload"] for m in run.ws[f"coercion: {name}"] if m["type"] != "complete"]
    for messages in [_messages(http.json()), *(_messages(p) for p in over_ws)]:
        assert messages and all(m.startswith("Variable '$in' has invalid value") for m in messages)
        text = " ".join(messages)
        for secret in (SENTENCE, NAME, str(NUMBER), "Quillahuaman"):
            assert secret not in text
        assert "Unexpected error" not in text  # the client's mistake, not the server's


def test_coercion_messages_say_what_is_wrong(run: Run) -> None:
    said = {
        name: " ".join(_messages(_answer(run, f"coercion: {name}").json()))
        for name in COERCION_FAILURES
    }
    assert "unknown field 'bogus'" in said["unknown field"]
    assert (
        "at .text" in said["number for text"]
        and "String cannot represent" in said["number for text"]
    )
    assert "'Channel' enum" in said["name as enum"]
    assert "to be an object" in said["name as object"]
    assert "unknown field 'txt'" in said["typo of a field"]
    assert "required field 'text'" in said["typo of a field"]


@pytest.mark.parametrize("name", TYPOS)
def test_no_suggestion_over_http_or_websockets_without_introspection(run: Run, name: str) -> None:
    http = _messages(_answer(run, f"typo: {name}").json())
    (ws,) = run.ws[f"typo: {name}"]
    assert ws["type"] == "error", ws
    for messages in (http, _messages(ws["payload"])):
        assert messages, name  # refused…
        assert not any("Did you mean" in m for m in messages), messages  # …without a hint
    for failure in COERCION_FAILURES:  # coercion messages suggest nothing either
        assert "Did you mean" not in _answer(run, f"coercion: {failure}").text
        assert "Did you mean" not in json.dumps(run.ws[f"coercion: {failure}"])


def test_the_log_filter_drops_query_strings_tokens_and_exception_messages() -> None:
    token = "dfs_" + "k3Y" * 14
    access = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:1", "POST", f"/graphql?token={token}&x=1", "1.1", 400),
        None,
    )
    assert LogHygiene().filter(access)
    assert access.getMessage() == '127.0.0.1:1 - "POST /graphql HTTP/1.1" 400'
    try:
        raise ValueError(f"no such person: {NAME}")
    except ValueError as exc:
        failed = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "failed for %s: %s", (token, exc), sys.exc_info()
        )
    LogHygiene().filter(failed)
    line = logging.Formatter().format(failed)
    assert token not in line and NAME not in line and "no such person" not in line
    assert "builtins.ValueError" in line and "test_hygiene.py" in line


def test_the_traceback_of_a_masked_error_names_types_and_places_only() -> None:
    try:
        try:
            int(SENTENCE)
        except ValueError as exc:
            raise RuntimeError(NAME) from exc
    except RuntimeError as exc:
        described = MaskUnexpectedErrors.describe(exc)
    assert SENTENCE not in described and NAME not in described
    assert "builtins.RuntimeError" in described and "builtins.ValueError" in described


def test_a_good_body_parses_and_keeps_valid_astral_characters() -> None:
    body = {
        "query": "{ __typename }",
        "variables": {"t": "Wayra \U0001f600"},
        "operationName": None,
    }
    assert parse_body(json.dumps(body).encode()) == body
