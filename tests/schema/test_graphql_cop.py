"""graphql-cop's checks, each sent as graphql-cop sends it, against a live server with a
valid token; each test asserts the hardened answer (graphql-cop would report the check
as passed). graphql-cop is not on the package registry, so its probes are written out
here, named as its report names them.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from graph.store.bolt import Store
from graph.store.config import Config
from server import create_app
from tests.auth import bearer
from tests.live import serve

pytestmark = pytest.mark.store


@pytest.fixture(scope="module")
def cop(store_session: Store) -> Iterator[httpx.Client]:
    headers = bearer(store_session, "prosecutor")
    app = create_app(Config.from_env({}), store_session)
    with serve(app) as url, httpx.Client(base_url=url, headers=headers, timeout=60) as client:
        yield client


def _data(r: httpx.Response) -> object:
    try:
        body = r.json()
    except ValueError:
        return None
    return body.get("data") if isinstance(body, dict) else body


def test_introspection(cop: httpx.Client) -> None:
    r = cop.post(
        "/graphql", json={"query": "query cop { __schema { types { name fields { name } } } }"}
    )
    assert _data(r) is None and "introspection" in r.text.lower()


def test_circular_query_using_introspection(cop: httpx.Client) -> None:
    deep = "query cop { __schema { types { fields { type { fields { type { fields { type { name"
    deep += " } } } } } } } } }"
    r = cop.post("/graphql", json={"query": deep})
    assert _data(r) is None


def test_graphiql_is_not_served(cop: httpx.Client) -> None:
    r = cop.get("/graphql", headers={"Accept": "text/html"})
    assert r.status_code == 405 and "graphiql" not in r.text.lower()


def test_field_suggestions(cop: httpx.Client) -> None:
    r = cop.post("/graphql", json={"query": "query cop { __schema { directive } }"})
    assert "Did you mean" not in r.text and _data(r) is None
    r = cop.post("/graphql", json={"query": "query cop { actr { id } }"})
    assert "Did you mean" not in r.text


def test_get_method_query_support(cop: httpx.Client) -> None:
    r = cop.get("/graphql", params={"query": "query cop { __typename }"})
    assert r.status_code == 405 and _data(r) is None


def test_get_based_mutation(cop: httpx.Client) -> None:
    r = cop.get("/graphql", params={"query": "mutation cop { __typename }"})
    assert r.status_code == 405 and _data(r) is None


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data"],
)
def test_post_based_csrf(cop: httpx.Client, content_type: str) -> None:
    body = (
        "query=query cop { __typename }"
        if "form" in content_type
        else '{"query": "{ __typename }"}'
    )
    r = cop.post("/graphql", content=body, headers={"Content-Type": content_type})
    assert r.status_code == 415 and _data(r) is None


def test_alias_overloading(cop: httpx.Client) -> None:
    aliases = "\n".join(f"alias{i}: __typename" for i in range(101))
    r = cop.post("/graphql", json={"query": f"query cop {{ {aliases} }}"})
    assert _data(r) is None and "aliases" in r.text


def test_batch_queries(cop: httpx.Client) -> None:
    r = cop.post("/graphql", json=[{"query": "query cop { __typename }"}] * 10)
    assert r.status_code == 400 and "Batching is not enabled" in r.text


def test_field_duplication(cop: httpx.Client) -> None:
    fields = " ".join(["__typename"] * 500)
    r = cop.post("/graphql", json={"query": f"query cop {{ {fields} }}"})
    assert _data(r) is None and "more than 5 times" in r.text


def test_directive_overloading(cop: httpx.Client) -> None:
    r = cop.post("/graphql", json={"query": "query cop { __typename " + "@aa" * 10 + " }"})
    errors = r.json()["errors"]
    assert _data(r) is None
    assert len(errors) < 10 and "more errors" in errors[-1]["message"]


def test_trace_mode(cop: httpx.Client) -> None:
    r = cop.post("/graphql", json={"query": "query cop { __typename }"})
    body = r.json()
    assert body["data"] == {"__typename": "Query"}
    assert "tracing" not in str(body.get("extensions")) and "extensions" not in body


def test_unhandled_error_detection(cop: httpx.Client) -> None:
    r = cop.post("/graphql", json={"query": "query cop { __typenam }"})
    body = r.json()
    assert _data(r) is None
    for error in body["errors"]:
        extensions = error.get("extensions") or {}
        assert "exception" not in extensions and "stacktrace" not in str(extensions).lower()
    assert "Traceback" not in r.text
